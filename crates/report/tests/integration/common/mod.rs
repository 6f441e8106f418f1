//! A case with known people, addresses, devices, computers, paths and IP addresses, spread
//! over every part of the input: structured fields and free text alike.

#![allow(dead_code)]

use cloud::{
    Account, AccountKind, Capabilities, CloudSnapshot, Device, ManualRoute, Note, NoteTopic, SignIn,
};
use report::{FindingLine, LimitLine, MeasureLine, RepairLine, ReportInput, StepLine};
use scan::{
    ClientKind, ConnectionCounts, Credential, DataFile, OtherAccount, ProcessInfo, Profile,
    ProfileAccount, ScanReport, Source, SourceStatus,
};

pub const UPN: &str = "megan.bowen@contoso.example";
pub const TENANT_ID: &str = "6f1b0c2d-0000-4d6e-9a1b-3c4d5e6f7a8b";
pub const USER_ID: &str = "0f5a2c3e-1111-2222-3333-444455556666";
pub const LAPTOP_ID: &str = "d3c2b1a0-9999-8888-7777-666655554444";

/// Text that must never appear in a redacted report (checked case-insensitively).
pub const SECRETS: &[&str] = &[
    "megan",
    "bowen",
    "contoso",
    "lee.gu",
    "sam.taylor",
    "ann.lee",
    "fabrikam",
    "northwind",
    "chris",
    "redmond",
    "203.0.113.7",
    "0.113.",
    "198.51.100.23",
    "100.23",
    "192.0.2.44",
    "2.44",
    "85a3",
    "8a2e",
    "7334",
    "1234::99",
    TENANT_ID,
    USER_ID,
    LAPTOP_ID,
    "S-1-5-21-1004336348",
];

/// Text that a report with personal data included does show.
pub const SHOWN_WHEN_INCLUDED: &[&str] = &[
    UPN,
    "Megan Bowen",
    "MEGAN-LAPTOP",
    "MEGAN-DESKTOP",
    "lee.gu@contoso.example",
    "sam.taylor@outlook.com",
    "203.0.113.7",
    "2001:db8:85a3::8a2e:370:7334",
    "Redmond",
    "/home/megan/.thunderbird",
];

fn process(
    kind: ClientKind,
    name: &str,
    pid: u32,
    exe: &str,
    user: &str,
    helper: bool,
) -> ProcessInfo {
    ProcessInfo {
        kind,
        name: name.into(),
        pid,
        parent_pid: Some(1),
        user: Some(user.into()),
        start_time: Some(1_735_689_600),
        exe: Some(exe.into()),
        helper,
        instance: 1,
        instances_of_kind: 2,
        detail: None,
        connections: Some(ConnectionCounts {
            established: 12,
            microsoft_365: 9,
        }),
    }
}

fn account(email: &str, display: &str) -> ProfileAccount {
    ProfileAccount {
        email: Some(email.into()),
        display_name: Some(display.into()),
        kind: "exchange".into(),
        account_name: Some(email.into()),
    }
}

pub fn scan_report() -> ScanReport {
    let outlook = "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
    ScanReport {
        processes: vec![
            process(ClientKind::ClassicOutlook, "OUTLOOK.EXE", 4242, outlook, "CONTOSO\\megan", false),
            process(ClientKind::ClassicOutlook, "OUTLOOK.EXE", 4243, outlook, "CONTOSO\\megan", false),
            process(
                ClientKind::NewOutlook,
                "olk.exe",
                5000,
                "C:\\Program Files\\WindowsApps\\Microsoft.OutlookForWindows_1.2024.1023.300_x64__8wekyb3d8bbwe\\olk.exe",
                "S-1-5-21-1004336348-1177238915-682003330-1001",
                false,
            ),
            process(
                ClientKind::Thunderbird,
                "thunderbird",
                6000,
                "/home/megan/.local/share/thunderbird/thunderbird",
                "megan",
                false,
            ),
        ],
        profiles: vec![
            Profile {
                name: "Megan Bowen".into(),
                version: "16.0".into(),
                is_default: true,
                accounts: vec![account(UPN, "Megan Bowen")],
                mailboxes: vec!["lee.gu@contoso.example".into()],
                data_files: vec![DataFile {
                    path: format!("C:\\Users\\megan\\AppData\\Local\\Microsoft\\Outlook\\{UPN}.ost"),
                    kind: "ost".into(),
                }],
                cached_mode: Some(true),
                download_shared_folders: Some(true),
                duplicate_of: vec!["Outlook".into()],
                key: "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Megan Bowen".into(),
                notes: vec![],
            },
            Profile {
                name: "Outlook".into(),
                version: "16.0".into(),
                is_default: false,
                accounts: vec![account("Megan.Bowen@Contoso.example", "Megan Bowen")],
                mailboxes: vec![],
                data_files: vec![],
                cached_mode: Some(true),
                download_shared_folders: None,
                duplicate_of: vec!["Megan Bowen".into()],
                key: "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook".into(),
                notes: vec![],
            },
        ],
        addins: vec![],
        disabled_items: vec![],
        accounts: vec![
            OtherAccount {
                client: ClientKind::Thunderbird,
                email: Some("sam.taylor@outlook.com".into()),
                host: Some("outlook.office365.com".into()),
                source: "/home/megan/.thunderbird/abcd.default/prefs.js".into(),
                profile: Some("abcd.default".into()),
                account_type: Some("imap".into()),
                imap_connections: None,
                notes: vec![],
            },
            OtherAccount {
                client: ClientKind::Evolution,
                email: Some("ann.lee@fabrikam.example".into()),
                host: Some("mail.fabrikam.example".into()),
                source: "/home/megan/.config/evolution/sources/ann.source".into(),
                profile: None,
                account_type: Some("ews".into()),
                imap_connections: None,
                notes: vec![],
            },
        ],
        credentials: vec![Credential {
            name: format!("MicrosoftOffice16_Data:SSPI:{UPN}"),
            store: "windows_credential_manager".into(),
        }],
        sources: vec![
            Source {
                name: "processes".into(),
                ms: 3.5,
                status: SourceStatus::Ok,
                reason: None,
                why: None,
            },
            Source {
                name: "thunderbird".into(),
                ms: 1.0,
                status: SourceStatus::Failed,
                reason: Some(
                    "cannot read /home/megan/.thunderbird/profiles.ini: permission denied".into(),
                ),
                why: None,
            },
        ],
        windows_sessions: Vec::new(),
        m365_ranges_date: "2025-01-15".into(),
    }
}

pub fn sign_in(created: &str, device: Option<&str>, ip: &str, success: bool) -> SignIn {
    SignIn {
        created: created.into(),
        app: "Microsoft Office".into(),
        client_app: "Mobile Apps and Desktop clients".into(),
        device: device.map(Into::into),
        operating_system: Some("Windows 10".into()),
        browser: None,
        city: Some("Redmond".into()),
        country: Some("US".into()),
        ip_address: Some(ip.into()),
        success,
        error_code: if success { 0 } else { 50126 },
        failure_reason: (!success).then(|| "Invalid username or password.".into()),
        interactive: true,
    }
}

pub fn cloud_snapshot() -> CloudSnapshot {
    CloudSnapshot {
        account: Account {
            upn: UPN.into(),
            display_name: Some("Megan Bowen".into()),
            id: Some(USER_ID.into()),
            tenant_id: Some(TENANT_ID.into()),
            kind: AccountKind::Work,
            admin_scopes: true,
        },
        target: None,
        devices: vec![
            Device {
                id: LAPTOP_ID.into(),
                display_name: Some("MEGAN-LAPTOP".into()),
                operating_system: Some("Windows".into()),
                operating_system_version: Some("10.0.22631.4460".into()),
                trust_type: Some("AzureAd".into()),
                last_sign_in: Some("2025-01-31T08:00:00Z".into()),
                is_managed: Some(true),
                is_compliant: Some(true),
                registered: true,
                owned: true,
            },
            Device {
                id: "a1b2c3d4-aaaa-bbbb-cccc-ddddeeeeffff".into(),
                display_name: Some("Megan's iPhone".into()),
                operating_system: Some("iOS".into()),
                operating_system_version: Some("17.4".into()),
                trust_type: Some("Workplace".into()),
                last_sign_in: Some("2025-01-30T08:00:00Z".into()),
                is_managed: Some(false),
                is_compliant: None,
                registered: true,
                owned: false,
            },
            Device {
                id: "ffffeeee-dddd-cccc-bbbb-aaaa00001111".into(),
                display_name: None,
                operating_system: None,
                operating_system_version: None,
                trust_type: None,
                last_sign_in: None,
                is_managed: None,
                is_compliant: None,
                registered: false,
                owned: true,
            },
        ],
        sign_ins: vec![
            sign_in(
                "2025-01-31T07:59:00Z",
                Some("MEGAN-LAPTOP"),
                "203.0.113.7",
                true,
            ),
            sign_in(
                "2025-01-30T07:59:00Z",
                Some("Megan's iPhone"),
                "2001:db8:85a3::8a2e:370:7334",
                true,
            ),
            sign_in("2025-01-29T07:59:00Z", None, "198.51.100.23", false),
        ],
        capabilities: Capabilities {
            can_revoke: true,
            can_read_sign_ins: true,
            can_read_devices: true,
        },
        notes: vec![Note {
            topic: NoteTopic::Revoke,
            message: "Graph refused the revoke for this user.".into(),
            reason: "Authorization_RequestDenied".into(),
            manual: Some(ManualRoute {
                url: "https://entra.microsoft.com/#view/Users".into(),
                title: format!("Revoke sessions for {UPN}"),
                reason: "a missing role".into(),
                steps: vec![format!("Search for {UPN} and open the user.")],
                takes_effect: "within minutes".into(),
            }),
        }],
    }
}

pub fn input() -> ReportInput {
    ReportInput {
        app_version: "0.1.0".into(),
        generated_at: "2025-01-31T09:00:00Z".into(),
        account: Some(UPN.into()),
        error_message: Some(format!(
            "Outlook: {UPN} has exceeded the maximum number of allowed sessions (from 203.0.113.7)"
        )),
        os: Some("Windows 11 Pro".into()),
        os_version: Some("23H2".into()),
        host_name: Some("MEGAN-DESKTOP".into()),
        os_user: Some("megan".into()),
        on_premises: Some(false),
        scan: Some(scan_report()),
        cloud: Some(cloud_snapshot()),
        findings: vec![
            FindingLine {
                code: report::FindingCode::OutlookRunningMultiple,
                severity: report::Severity::High,
                title: "Outlook is open twice on MEGAN-DESKTOP".into(),
                evidence: vec![
                    "OUTLOOK.EXE pid 4242 and 4243, both as CONTOSO\\megan".into(),
                    "Signed in from 203.0.113.7 on MEGAN-LAPTOP".into(),
                ],
                step: Some(report::StepId::RestartOutlookHere),
                step_title: Some("Restart Outlook on this computer".into()),
                advice: Vec::new(),
            },
            FindingLine {
                code: report::FindingCode::DuplicateProfiles,
                severity: report::Severity::Medium,
                title: "Two profiles hold MEGAN.BOWEN@CONTOSO.EXAMPLE".into(),
                evidence: vec![
                    "Profiles 'Megan Bowen' and 'Outlook' both hold the account".into(),
                    format!(
                        "Data file C:\\Users\\megan\\AppData\\Local\\Microsoft\\Outlook\\{UPN}.ost"
                    ),
                    "Shared mailbox lee.gu@contoso.example is downloaded".into(),
                ],
                step: Some(report::StepId::DuplicateProfiles),
                step_title: Some("Remove the duplicate profile".into()),
                advice: Vec::new(),
            },
            FindingLine {
                code: report::FindingCode::OtherClientSameAccount,
                severity: report::Severity::Low,
                title: "Other apps use the account".into(),
                evidence: vec![
                    "Thunderbird at /home/megan/.thunderbird uses sam.taylor@outlook.com".into(),
                    "Megan's iPhone syncs with the phone app; Bowen's old phone too".into(),
                    "An unknown address chris@northwind.example from 192.0.2.44 and 2001:db8:1234::99".into(),
                    "Evolution talks to mail.fabrikam.example as ann.lee@fabrikam.example".into(),
                ],
                step: None,
                step_title: None,
                advice: Vec::new(),
            },
        ],
        limit: Some(LimitLine {
            name: report::Limit::MapiSessionsPerUser,
            number: 32,
            counted: 35,
            reason: "Classic Outlook twice and two profiles for megan.bowen@contoso.example".into(),
        }),
        steps: vec![
            StepLine {
                id: report::StepId::CloseOtherDevices,
                title: "Close Outlook on other computers".into(),
                track: report::Track::Work,
                status: report::StepStatus::Done,
            },
            StepLine {
                id: report::StepId::SignOutWeb,
                title: "Sign out of Outlook on the web".into(),
                track: report::Track::Work,
                status: report::StepStatus::Skipped,
            },
            StepLine {
                id: report::StepId::SignOutEverywhere,
                title: "Sign out everywhere".into(),
                track: report::Track::Work,
                status: report::StepStatus::Pending,
            },
        ],
        repairs: vec![RepairLine {
            when: "2025-01-31T08:55:00Z".into(),
            what: format!("Removed the duplicate profile 'Outlook' of {UPN}"),
            result: "done, backed up to C:\\Users\\megan\\AppData\\Roaming\\SessionDoctor\\journal"
                .into(),
            undone: false,
        }],
        before_after: vec![
            MeasureLine {
                label: "Outlook windows".into(),
                before: 2,
                now: 1,
            },
            MeasureLine {
                label: "Connections to Microsoft 365".into(),
                before: 18,
                now: 9,
            },
        ],
        answers: report::UserAnswers::default(),
        lang: words::Lang::En,
    }
}

/// Every secret found (case-insensitively) in a text.
pub fn leaks(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    SECRETS
        .iter()
        .filter(|s| lower.contains(&s.to_lowercase()))
        .copied()
        .collect()
}
