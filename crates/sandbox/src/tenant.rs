//! The simulated tenant: its identity, its users, their devices and sign-ins, and the
//! registered app the client signs in with.

use std::time::Duration;

use serde::Serialize;

use crate::time::ago;
use crate::users::{Device, SignIn, User, UserKind};

/// The client id registered in every simulated tenant (a public client with the loopback
/// redirect URI `http://127.0.0.1` the README tells organisations to register, and the
/// older `http://localhost`).
pub const SANDBOX_CLIENT_ID: &str = "5e7f1d2c-9a4b-4c3d-8e6f-0a1b2c3d4e5f";

/// The demo's main user: an owner with an admin role, 6 devices and 40 sign-ins.
pub const DEMO_ADMIN_UPN: &str = "megan.bowen@contoso.example";
/// An ordinary work user: no admin role, so revoke and audit logs answer 403.
pub const DEMO_MEMBER_UPN: &str = "lee.gu@contoso.example";
/// A personal Microsoft account: Graph gives `/me` only.
pub const DEMO_PERSONAL_UPN: &str = "sam.taylor@outlook.com";

/// The demo's test users with a line on what each shows, for the app's account picker.
pub fn demo_users() -> Vec<(String, String)> {
    vec![
        (
            DEMO_ADMIN_UPN.to_owned(),
            "Work account with an admin role: sees sign-ins, can sign out everywhere".to_owned(),
        ),
        (
            DEMO_MEMBER_UPN.to_owned(),
            "Ordinary work account: Microsoft refuses the revoke, the app opens the page instead"
                .to_owned(),
        ),
        (
            DEMO_PERSONAL_UPN.to_owned(),
            "Personal Outlook.com account: no API, guided steps".to_owned(),
        ),
    ]
}

/// How the next device code sign-ins go, so tests can script the user's side.
#[derive(Debug, Clone)]
pub struct DeviceFlowPlan {
    /// Polls answered `authorization_pending` before the outcome.
    pub pending_polls: u32,
    /// Of those, how many (the first ones) are answered `slow_down` instead.
    pub slow_down_polls: u32,
    /// How the sign-in ends after the polls.
    pub outcome: DeviceOutcome,
    /// The `interval` the devicecode endpoint announces.
    pub interval_secs: u64,
    /// The `expires_in` the devicecode endpoint announces.
    pub expires_in_secs: u64,
}

/// What the simulated user does on the device login page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceOutcome {
    /// Enters the code and consents as this user (UPN).
    Approve(String),
    /// Presses "Cancel": `authorization_declined`.
    Decline,
    /// Never comes: `expired_token`.
    Expire,
}

/// A simulated Microsoft 365 organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    /// The tenant id (a GUID).
    pub id: String,
    /// The organisation's name.
    pub display_name: String,
    /// Its primary domain.
    #[serde(skip)]
    pub domain: String,
    /// Its users.
    #[serde(skip)]
    pub users: Vec<User>,
    /// Its registered devices.
    #[serde(skip)]
    pub devices: Vec<Device>,
    /// Its sign-in log.
    #[serde(skip)]
    pub sign_ins: Vec<SignIn>,
    /// Client ids of registered public client apps.
    #[serde(skip)]
    pub client_ids: Vec<String>,
    /// Page size for device lists when the client does not ask with `$top`.
    #[serde(skip)]
    pub page_size: usize,
    /// How the device code flow answers.
    #[serde(skip)]
    pub device_flow: DeviceFlowPlan,
    /// 200 with `{"value": true}` (what Graph documents) or 204; clients must accept both.
    #[serde(skip)]
    pub revoke_status: u16,
    /// `$batch` answers come back in the reverse order of the requests: Graph promises no
    /// order, so clients must match answers by `id`.
    #[serde(skip)]
    pub batch_responses_reversed: bool,
    /// How long the tokens it issues are.
    #[serde(skip)]
    pub token_lengths: TokenLengths,
}

/// Lengths of the tokens the simulated tenant issues. Microsoft leaves them unspecified
/// and real ones are long (access tokens 1,500 to 3,000+ characters, refresh tokens past
/// 3,000), so every test meets long tokens unless it asks otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLengths {
    /// Access tokens' length in characters.
    pub access: usize,
    /// Refresh tokens' length in characters.
    pub refresh: usize,
}

impl TokenLengths {
    /// The longest a tenant issues here: 8 KB.
    pub const MAX: usize = 8192;
}

impl Default for TokenLengths {
    fn default() -> Self {
        Self {
            access: 2600,
            refresh: 3400,
        }
    }
}

impl Tenant {
    /// The tenant the demo shows: a small company with one messy mailbox.
    pub fn demo() -> Self {
        let id = "5b1c7a52-3f0e-4d6b-9a3e-0c1d2e3f4a5b".to_owned();
        let megan = User::new(
            "a1f3b0c2-6d7e-4f80-9a1b-2c3d4e5f6071",
            DEMO_ADMIN_UPN,
            "Megan Bowen",
            UserKind::Admin,
        );
        let lee = User::new(
            "b2e4c1d3-7e8f-4091-8b2c-3d4e5f607182",
            DEMO_MEMBER_UPN,
            "Lee Gu",
            UserKind::Member,
        );
        // Personal accounts have short hex ids, not GUIDs.
        let sam = User::new(
            "4f2a9c1e7b3d5a60",
            DEMO_PERSONAL_UPN,
            "Sam Taylor",
            UserKind::Personal,
        );
        let mut devices = demo_devices(&megan.id);
        devices.extend(member_devices(&lee.id));
        let mut sign_ins = demo_sign_ins(&megan, 40);
        sign_ins.extend(demo_sign_ins(&lee, 8));
        Self {
            // A fixed GUID keeps demo screenshots and tests stable.
            id,
            display_name: "Contoso (simulated)".to_owned(),
            domain: "contoso.example".to_owned(),
            users: vec![megan, lee, sam],
            devices,
            sign_ins,
            client_ids: vec![SANDBOX_CLIENT_ID.to_owned()],
            page_size: 100,
            device_flow: DeviceFlowPlan {
                pending_polls: 1,
                slow_down_polls: 0,
                outcome: DeviceOutcome::Approve(DEMO_ADMIN_UPN.to_owned()),
                interval_secs: 2,
                expires_in_secs: 900,
            },
            revoke_status: 200,
            batch_responses_reversed: false,
            token_lengths: TokenLengths::default(),
        }
    }

    /// Issues tokens of these lengths (each at most [`TokenLengths::MAX`]).
    pub fn with_token_lengths(mut self, access: usize, refresh: usize) -> Self {
        self.token_lengths = TokenLengths {
            access: access.min(TokenLengths::MAX),
            refresh: refresh.min(TokenLengths::MAX),
        };
        self
    }

    /// Adds `n` ordinary users `user001@domain`...: bulk revokes need many targets.
    pub fn with_extra_users(mut self, n: usize) -> Self {
        for i in 1..=n {
            let upn = format!("user{i:03}@{}", self.domain);
            let id = format!("00000000-0000-4000-8000-{i:012}");
            self.users.push(User::new(
                &id,
                &upn,
                &format!("User {i:03}"),
                UserKind::Member,
            ));
        }
        self
    }

    /// Replaces `upn`'s sign-ins with `n` generated ones (benchmarks page through thousands).
    pub fn with_sign_ins(mut self, upn: &str, n: usize) -> Self {
        if let Some(user) = self.user_by_upn(upn).cloned() {
            self.sign_ins.retain(|s| s.user_id != user.id);
            self.sign_ins.extend(demo_sign_ins(&user, n));
        }
        self
    }

    /// Sets the page size the device lists use when the client gives no `$top`.
    pub fn with_page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// With this device code flow plan.
    pub fn with_device_flow(mut self, plan: DeviceFlowPlan) -> Self {
        self.device_flow = plan;
        self
    }

    /// Answers `revokeSignInSessions` with this status (200 or 204).
    pub fn with_revoke_status(mut self, status: u16) -> Self {
        self.revoke_status = status;
        self
    }

    /// Answers `$batch` sub-requests in reverse order (see `batch_responses_reversed`).
    pub fn with_batch_responses_reversed(mut self) -> Self {
        self.batch_responses_reversed = true;
        self
    }

    /// The user with this user principal name (without case).
    pub fn user_by_upn(&self, upn: &str) -> Option<&User> {
        self.users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }

    /// Graph accepts either the object id or the UPN in `/users/{id}`.
    pub fn user_by_id_or_upn(&self, key: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.id.eq_ignore_ascii_case(key) || u.upn.eq_ignore_ascii_case(key))
    }
}

// A table row in code form: positional arguments read best next to each other below.
#[allow(clippy::too_many_arguments)]
pub(crate) fn device(
    owner: &str,
    n: u32,
    name: &str,
    os: (&str, &str),
    trust: &str,
    last: Duration,
    managed: bool,
    owned: bool,
) -> Device {
    Device {
        id: format!("d{n:07}-0000-4000-8000-{:012}", n),
        device_id: format!("e{n:07}-1111-4000-8000-{:012}", n),
        display_name: name.to_owned(),
        operating_system: os.0.to_owned(),
        operating_system_version: os.1.to_owned(),
        trust_type: trust.to_owned(),
        approximate_last_sign_in: ago(last),
        is_managed: managed,
        is_compliant: managed,
        owner_user_id: owner.to_owned(),
        registered: true,
        owned,
    }
}

pub(crate) const HOUR: u64 = 3600;

/// Six devices: three Windows PCs (one joined, one hybrid, one registered), a Mac, an
/// iPhone and an Android phone. That is the spread behind most "too many sessions" cases.
fn demo_devices(owner: &str) -> Vec<Device> {
    vec![
        device(
            owner,
            1,
            "MEGAN-LAPTOP",
            ("Windows", "10.0.22631.4460"),
            "AzureAd",
            Duration::from_secs(600),
            true,
            true,
        ),
        device(
            owner,
            2,
            "CONTOSO-DESK-07",
            ("Windows", "10.0.19045.5131"),
            "ServerAd",
            Duration::from_secs(20 * HOUR),
            true,
            false,
        ),
        device(
            owner,
            3,
            "MEGAN-SURFACE",
            ("Windows", "10.0.22631.4317"),
            "Workplace",
            Duration::from_secs(3 * 24 * HOUR),
            false,
            true,
        ),
        device(
            owner,
            4,
            "Megan's iPhone",
            ("iOS", "17.6.1"),
            "Workplace",
            Duration::from_secs(2 * HOUR),
            false,
            true,
        ),
        device(
            owner,
            5,
            "Galaxy S23",
            ("Android", "14.0"),
            "Workplace",
            Duration::from_secs(26 * HOUR),
            false,
            false,
        ),
        device(
            owner,
            6,
            "Megan's MacBook Air",
            ("MacMDM", "14.6.1"),
            "Workplace",
            Duration::from_secs(5 * 24 * HOUR),
            false,
            false,
        ),
    ]
}

fn member_devices(owner: &str) -> Vec<Device> {
    vec![
        device(
            owner,
            11,
            "LEE-PC",
            ("Windows", "10.0.22631.4460"),
            "AzureAd",
            Duration::from_secs(1800),
            true,
            true,
        ),
        device(
            owner,
            12,
            "Lee's iPhone",
            ("iOS", "18.1"),
            "Workplace",
            Duration::from_secs(4 * HOUR),
            false,
            true,
        ),
    ]
}

/// Realistic sign-ins, newest first: Outlook desktop, Outlook on the web, Teams and the
/// mobile apps, from a few places, with the odd failure.
pub(crate) fn demo_sign_ins(user: &User, n: usize) -> Vec<SignIn> {
    // (app, clientAppUsed, device, os, browser)
    const SOURCES: [(&str, &str, &str, &str, &str); 8] = [
        (
            "Microsoft Office",
            "Mobile Apps and Desktop clients",
            "MEGAN-LAPTOP",
            "Windows 10",
            "Rich Client 16.0.17928",
        ),
        (
            "Office 365 Exchange Online",
            "Browser",
            "",
            "Windows 10",
            "Edge 130.0.0",
        ),
        (
            "Microsoft Teams",
            "Mobile Apps and Desktop clients",
            "MEGAN-LAPTOP",
            "Windows 10",
            "Rich Client 1.7.00",
        ),
        (
            "Microsoft Outlook",
            "Mobile Apps and Desktop clients",
            "Megan's iPhone",
            "Ios 17.6.1",
            "Mobile Safari",
        ),
        (
            "Microsoft Office",
            "Mobile Apps and Desktop clients",
            "CONTOSO-DESK-07",
            "Windows 10",
            "Rich Client 16.0.16130",
        ),
        (
            "Microsoft Outlook",
            "Mobile Apps and Desktop clients",
            "Galaxy S23",
            "Android 14",
            "Rich Client",
        ),
        ("OfficeHome", "Browser", "", "MacOs", "Chrome 131.0.0"),
        (
            "Microsoft Teams",
            "Mobile Apps and Desktop clients",
            "Megan's iPhone",
            "Ios 17.6.1",
            "Rich Client",
        ),
    ];
    const PLACES: [(&str, &str, &str); 4] = [
        ("Madrid", "ES", "83.47.112.9"),
        ("Madrid", "ES", "83.47.112.9"),
        ("Barcelona", "ES", "88.12.40.77"),
        ("Lisbon", "PT", "85.240.3.18"),
    ];
    (0..n)
        .map(|i| {
            let (app, client, dev, os, browser) = SOURCES[i % SOURCES.len()];
            let (city, country, ip) = PLACES[(i / 3) % PLACES.len()];
            // Every 9th sign-in failed (wrong password, then MFA required) like real logs.
            let (code, reason) = match i % 9 {
                4 => (
                    50126,
                    Some("Error validating credentials due to invalid username or password."),
                ),
                7 => (50074, Some("Strong Authentication is required.")),
                _ => (0, None),
            };
            SignIn {
                id: format!("{}-si-{i:05}", &user.id[..8]),
                user_id: user.id.clone(),
                upn: user.upn.clone(),
                // 5 minutes apart at first, then spreading out over about a week.
                created: ago(Duration::from_secs(
                    300 + (i as u64) * ((i as u64).min(60) + 10) * 60,
                )),
                app_display_name: app.to_owned(),
                client_app_used: client.to_owned(),
                ip_address: ip.to_owned(),
                device_name: dev.to_owned(),
                operating_system: os.to_owned(),
                browser: browser.to_owned(),
                city: city.to_owned(),
                country: country.to_owned(),
                error_code: code,
                failure_reason: reason.map(str::to_owned),
                is_interactive: i % 3 == 0,
            }
        })
        .collect()
}
