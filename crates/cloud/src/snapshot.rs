//! The cloud half of the picture: the account, its devices, its recent sign-ins, what the
//! account may do, and notes on what could not be read and why. Reads run concurrently;
//! a 403 becomes a capability and a note with the manual route, never an error.

use serde::Serialize;
use serde_json::Value;

use crate::account::{Account, AccountKind};
use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::graph::{Graph, encode};
use crate::manual::{self, ManualRoute};
use words::{Lang, Words};

/// A device object linked to the user (registered, owned, or both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Device {
    /// The directory object id.
    pub id: String,
    /// `None` for objects Graph lists but does not let this account read.
    pub display_name: Option<String>,
    /// Its operating system.
    pub operating_system: Option<String>,
    /// Its operating system's version.
    pub operating_system_version: Option<String>,
    /// `AzureAd` (joined), `ServerAd` (hybrid joined), `Workplace` (registered).
    pub trust_type: Option<String>,
    /// When it last signed in, when known.
    pub last_sign_in: Option<String>,
    /// Whether it is managed (Intune), when known.
    pub is_managed: Option<bool>,
    /// Whether it is compliant, when known.
    pub is_compliant: Option<bool>,
    /// Registered by the user.
    pub registered: bool,
    /// Owned by the user.
    pub owned: bool,
}

/// One sign-in from the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct SignIn {
    /// When (RFC 3339).
    pub created: String,
    /// The app signed in to.
    pub app: String,
    /// `Browser`, `Mobile Apps and Desktop clients`, `Exchange ActiveSync`...
    pub client_app: String,
    /// The device's name, when known.
    pub device: Option<String>,
    /// The device's operating system, when known.
    pub operating_system: Option<String>,
    /// The browser, when one.
    pub browser: Option<String>,
    /// The city it came from, when known.
    pub city: Option<String>,
    /// The country it came from, when known.
    pub country: Option<String>,
    /// The IP address, when known.
    pub ip_address: Option<String>,
    /// Whether it succeeded.
    pub success: bool,
    /// AADSTS code; 0 for success. 32 bits: the UI gets a plain number.
    pub error_code: i32,
    /// Why it failed, when it did.
    pub failure_reason: Option<String>,
    /// Whether the user signed in themselves (not a token refresh).
    pub interactive: bool,
}

/// What this account may do, learned from Graph's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Capabilities {
    /// Whether "sign out everywhere" can go through the API (otherwise: the manual route).
    pub can_revoke: bool,
    /// Whether the account's sign-ins can be read.
    pub can_read_sign_ins: bool,
    /// Whether the account's devices can be read.
    pub can_read_devices: bool,
}

/// Which part of the snapshot a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NoteTopic {
    /// The devices the user registered.
    Devices,
    /// The devices the user owns.
    OwnedDevices,
    /// The sign-in log.
    SignIns,
    /// Sign out everywhere.
    Revoke,
}

/// Something that could not be read or done, why, and the way round it, worded in the
/// language the snapshot was read in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Note {
    /// What it is about.
    pub topic: NoteTopic,
    /// What happened, in words.
    pub message: String,
    /// Graph's error code or our error code.
    pub reason: String,
    /// The way round it, when there is one.
    pub manual: Option<ManualRoute>,
}

/// Everything the cloud side knows about one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct CloudSnapshot {
    /// The signed-in account.
    pub account: Account,
    /// The user looked at, when an admin looks at someone else (UPN).
    pub target: Option<String>,
    /// The account's devices.
    pub devices: Vec<Device>,
    /// Its recent sign-ins, newest first.
    pub sign_ins: Vec<SignIn>,
    /// What this account may read and do.
    pub capabilities: Capabilities,
    /// What could not be read or done, and why.
    pub notes: Vec<Note>,
}

pub(crate) fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn device_from(v: &Value, registered: bool, owned: bool) -> Option<Device> {
    Some(Device {
        id: s(v, "id")?,
        display_name: s(v, "displayName"),
        operating_system: s(v, "operatingSystem"),
        operating_system_version: s(v, "operatingSystemVersion"),
        trust_type: s(v, "trustType"),
        last_sign_in: s(v, "approximateLastSignInDateTime"),
        is_managed: v.get("isManaged").and_then(Value::as_bool),
        is_compliant: v.get("isCompliant").and_then(Value::as_bool),
        registered,
        owned,
    })
}

pub(crate) fn sign_in_from(v: &Value) -> SignIn {
    let detail = v.get("deviceDetail").cloned().unwrap_or(Value::Null);
    let location = v.get("location").cloned().unwrap_or(Value::Null);
    let status = v.get("status").cloned().unwrap_or(Value::Null);
    let error_code = status
        .get("errorCode")
        .and_then(Value::as_i64)
        .and_then(|c| i32::try_from(c).ok())
        .unwrap_or(0);
    SignIn {
        created: s(v, "createdDateTime").unwrap_or_default(),
        app: s(v, "appDisplayName").unwrap_or_default(),
        client_app: s(v, "clientAppUsed").unwrap_or_default(),
        device: s(&detail, "displayName"),
        operating_system: s(&detail, "operatingSystem"),
        browser: s(&detail, "browser"),
        city: s(&location, "city"),
        country: s(&location, "countryOrRegion"),
        ip_address: s(v, "ipAddress"),
        success: error_code == 0,
        error_code,
        failure_reason: if error_code == 0 {
            None
        } else {
            s(&status, "failureReason")
        },
        interactive: v
            .get("isInteractive")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// Merges registered and owned lists by id.
pub(crate) fn merge_devices(registered: Vec<Value>, owned: Vec<Value>) -> Vec<Device> {
    let mut out: Vec<Device> = registered
        .iter()
        .filter_map(|v| device_from(v, true, false))
        .collect();
    for v in &owned {
        let Some(d) = device_from(v, false, true) else {
            continue;
        };
        match out.iter_mut().find(|x| x.id == d.id) {
            Some(existing) => {
                existing.owned = true;
                // Keep the richer of the two records.
                if existing.display_name.is_none() {
                    *existing = Device {
                        registered: existing.registered,
                        owned: true,
                        ..d
                    };
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// The registered and owned device lists of one user's reads (`(items, truncated)` pages);
/// a refused or failed read becomes a note and an empty list. Also says whether the
/// registered devices were readable at all (a 403 means the account may not read them).
pub(crate) fn device_lists(
    registered: Result<(Vec<Value>, bool), CloudError>,
    owned: Result<(Vec<Value>, bool), CloudError>,
    notes: &mut Vec<Note>,
    lang: Lang,
) -> (Vec<Value>, Vec<Value>, bool) {
    let w = Words::of(lang);
    let mut readable = true;
    let registered = registered.map(|(v, _)| v).unwrap_or_else(|e| {
        readable = !e.is_forbidden();
        notes.push(note_for(
            NoteTopic::Devices,
            &w.t("cloud.note.what.registered_devices", &[]),
            &e,
            Some(manual::devices(lang)),
            lang,
        ));
        Vec::new()
    });
    let owned = owned.map(|(v, _)| v).unwrap_or_else(|e| {
        notes.push(note_for(
            NoteTopic::OwnedDevices,
            &w.t("cloud.note.what.owned_devices", &[]),
            &e,
            None,
            lang,
        ));
        Vec::new()
    });
    (registered, owned, readable)
}

/// The note for a read of `what` (already in `lang`) that failed with `e`.
pub(crate) fn note_for(
    topic: NoteTopic,
    what: &str,
    e: &CloudError,
    manual: Option<ManualRoute>,
    lang: Lang,
) -> Note {
    let w = Words::of(lang);
    match e {
        CloudError::Graph {
            status: 403,
            code,
            message,
        } => Note {
            topic,
            message: w.t(
                "cloud.note.not_allowed",
                &[("what", &what), ("message", message)],
            ),
            reason: code.clone(),
            manual,
        },
        other => Note {
            topic,
            message: w.t(
                "cloud.note.could_not_read",
                &[
                    ("what", &what),
                    ("error", &other.message(lang)),
                    ("hint", &other.hint(lang)),
                ],
            ),
            reason: other.code().as_str().to_owned(),
            manual,
        },
    }
}

/// Reads the snapshot, its notes worded in `lang`. `target` is another user's UPN (admins
/// only).
pub(crate) async fn take(
    graph: &Graph<'_>,
    cfg: &CloudConfig,
    account: &Account,
    target: Option<&str>,
    learned_can_revoke: Option<bool>,
    lang: Lang,
) -> Result<CloudSnapshot, CloudError> {
    let w = Words::of(lang);
    let target = target.filter(|t| !t.eq_ignore_ascii_case(&account.upn));
    if account.kind == AccountKind::Personal && target.is_none() {
        // Graph offers `/me` only; the rest is on account.microsoft.com.
        graph.get("/me").await?;
        return Ok(CloudSnapshot {
            account: account.clone(),
            target: None,
            devices: Vec::new(),
            sign_ins: Vec::new(),
            capabilities: Capabilities {
                can_revoke: false,
                can_read_sign_ins: false,
                can_read_devices: false,
            },
            notes: vec![
                Note {
                    topic: NoteTopic::SignIns,
                    message: w.t("cloud.note.personal_activity", &[]),
                    reason: "personal_account".into(),
                    manual: Some(manual::personal_activity(lang)),
                },
                Note {
                    topic: NoteTopic::Revoke,
                    message: w.t("cloud.note.personal_sign_out", &[]),
                    reason: "personal_account".into(),
                    manual: Some(manual::personal_sign_out(lang)),
                },
            ],
        });
    }
    let (user_path, filter) = match (target, &account.id) {
        (Some(upn), _) => (
            format!("/users/{}", encode(upn)),
            format!("userPrincipalName eq '{}'", upn.replace('\'', "''")),
        ),
        (None, Some(oid)) => (
            "/me".to_owned(),
            format!("userId eq '{}'", oid.replace('\'', "''")),
        ),
        (None, None) => (
            "/me".to_owned(),
            format!("userPrincipalName eq '{}'", account.upn.replace('\'', "''")),
        ),
    };
    let sign_ins_path = format!(
        "/auditLogs/signIns?$filter={}&$orderby={}&$top={}",
        encode(&filter),
        encode("createdDateTime desc"),
        cfg.sign_in_page_size.clamp(1, 1000)
    );
    let registered_path = format!("{user_path}/registeredDevices");
    let owned_path = format!("{user_path}/ownedDevices");
    // All four at once: the snapshot costs one round trip, not four.
    let (me, registered, owned, sign_ins) = tokio::join!(
        graph.get(&user_path),
        graph.get_all(&registered_path, 10_000),
        graph.get_all(&owned_path, 10_000),
        graph.get_all(&sign_ins_path, cfg.max_sign_ins),
    );
    let me = me?;
    // A refused token on any read means the token died mid-run (revoked, expired), not that
    // the read is forbidden: fail the whole snapshot so the session refreshes and reads it
    // all again, or says "sign in again", instead of showing half a picture. A claims
    // challenge (MFA wanted) is the same: the whole snapshot waits for the new sign-in.
    let unauthorized = [
        registered.as_ref().err(),
        owned.as_ref().err(),
        sign_ins.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .find(|e| {
        matches!(
            e,
            CloudError::Graph { status: 401, .. } | CloudError::MfaRequired { .. }
        )
    });
    if let Some(e) = unauthorized {
        return Err(e.clone());
    }
    let upn = s(&me, "userPrincipalName").unwrap_or_else(|| account.upn.clone());
    let mut notes = Vec::new();
    let (registered, owned, can_read_devices) = device_lists(registered, owned, &mut notes, lang);
    let (sign_ins, can_read_sign_ins) = match sign_ins {
        Ok((rows, cut)) => {
            if cut {
                notes.push(Note {
                    topic: NoteTopic::SignIns,
                    message: w.t("cloud.note.truncated", &[("n", &rows.len())]),
                    reason: "truncated".into(),
                    manual: None,
                });
            }
            (rows.iter().map(sign_in_from).collect(), true)
        }
        Err(e) => {
            notes.push(note_for(
                NoteTopic::SignIns,
                &w.t("cloud.note.what.sign_ins", &[]),
                &e,
                Some(manual::work_sign_ins(lang)),
                lang,
            ));
            (Vec::new(), false)
        }
    };
    // Revoking needs an admin role, as reading the sign-in log does; an actual attempt
    // (remembered by the session) overrides this guess.
    let can_revoke = learned_can_revoke.unwrap_or(can_read_sign_ins);
    if !can_revoke && target.is_none() {
        notes.push(Note {
            topic: NoteTopic::Revoke,
            message: w.t("cloud.note.revoke_needs_admin", &[]),
            reason: "Authorization_RequestDenied".into(),
            manual: Some(manual::work_sign_out(&upn, lang)),
        });
    }
    Ok(CloudSnapshot {
        account: account.clone(),
        target: target.map(|_| upn),
        devices: merge_devices(registered, owned),
        sign_ins,
        capabilities: Capabilities {
            can_revoke,
            can_read_sign_ins,
            can_read_devices,
        },
        notes,
    })
}
