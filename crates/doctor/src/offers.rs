//! What a scan offers to repair: one [`Offer`] per button the app's scan screen can show,
//! each with a stable id a script can pass back (`session-doctor-cli fix run ID`), the
//! exact target it acts on, and the [`ActionRequest`] that runs it through the journal.
//!
//! The rules mirror the scan screen (`ui/src/lib/ScanResults.svelte`), spelled out for a
//! headless caller that has no screen to pick from:
//!
//! - a profile with a duplicate (`duplicate_of` not empty) that is not the default, under
//!   Office 16.0 or 15.0 -> `remove_profile`;
//! - an add-in no policy manages that loads (LoadBehavior set, not 0 or 2) -> `disable_addin`
//!   (the screen shows the button only for add-ins known to open connections or crash;
//!   the bisect turns any of them off, so every one is offered here);
//! - an add-in no policy manages with LoadBehavior 0 -> `enable_addin`;
//! - every running mail client window (not a helper process) -> `close_client`, and for
//!   classic Outlook also `restart_outlook` (normally, and in safe mode);
//! - every saved Office sign-in -> `remove_credential`;
//! - every Thunderbird IMAP account allowed more than 2 connections at once ->
//!   `limit_imap_connections` (run only while Thunderbird is closed).
//!
//! # Ids
//!
//! `<kind>:<part>[:<part>...]`, each part percent-encoded (every byte but ASCII letters,
//! digits and `-._~` becomes `%XX`), so an id is one shell word that needs no quoting and
//! keeps spaces exactly ("Outlook " is `Outlook%20`):
//!
//! | kind | id |
//! |---|---|
//! | remove_profile | `remove_profile:<version>:<profile name>` |
//! | disable_addin / enable_addin | `disable_addin:<ProgID>` |
//! | close_client | `close_client:<pid>:<start time or ->` |
//! | restart_outlook | `restart_outlook:<pid>:<start time or ->:<normal or safe>` |
//! | remove_credential | `remove_credential:<target>` |
//! | limit_imap_connections | `limit_imap_connections:<profile folder name>:<server key>` |
//!
//! The same machine state gives the same ids; the start time in a process id means a
//! reused pid is never mistaken for the program the scan saw.

use repair::{ActionKind, RestartMode};
use scan::{ClientKind, ScanReport};
use serde::Serialize;
use words::{Lang, Words};

use crate::actions::ActionRequest;

/// One repair the scan offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Offer {
    /// Stable, shell-safe id derived from the target (see the module docs).
    pub id: String,
    /// Which repair.
    pub kind: ActionKind,
    /// Exactly what the action acts on.
    pub target: OfferTarget,
    /// One line for a person: `Remove the duplicate Outlook profile "Outlook " (16.0; same
    /// account as "Outlook")`.
    pub title: String,
}

/// What an offer acts on, as the scan reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(untagged)]
pub enum OfferTarget {
    /// A classic Outlook profile: its exact key name (never trimmed) and the Office version
    /// key it lives under ("16.0", "15.0").
    Profile {
        /// The profile's exact key name.
        profile: String,
        /// Its Office version key.
        version: String,
    },
    /// A COM add-in: its ProgID and the hive its effective LoadBehavior came from (`HKCU`,
    /// `HKLM`, ...). The change is always written for the current user (HKCU).
    Addin {
        /// The add-in's ProgID.
        prog_id: String,
        /// Where its effective LoadBehavior came from.
        hive: String,
    },
    /// A running program. `mode` is set for a restart: `normal` or `safe`.
    Process {
        /// The process id.
        pid: u32,
        /// Its start time, as the scan saw it.
        start_time: Option<u32>,
        /// Its program file, when known.
        exe: Option<String>,
        /// Its program name.
        name: String,
        /// `normal` or `safe`, for a restart.
        #[serde(skip_serializing_if = "Option::is_none")]
        mode: Option<String>,
    },
    /// A saved sign-in (Windows Credential Manager target).
    Credential {
        /// The credential's target name.
        target: String,
    },
    /// An IMAP account of a mail app: the profile folder and server key the setting lives
    /// under, the account as the scan read it, and the connections it may open now.
    ImapAccount {
        /// The profile folder.
        profile_dir: String,
        /// The account's server key.
        server_key: String,
        /// The account's address, when read.
        email: Option<String>,
        /// Its server, when read.
        host: Option<String>,
        /// The connections it may open now.
        max_connections: u32,
    },
}

impl Offer {
    /// The request that runs the offer, as the app's buttons send it: no force for a
    /// close, no consent for removing a sign-in (ask the user first, then use
    /// [`Offer::confirmed_request`]).
    pub fn request(&self) -> ActionRequest {
        self.request_with(false)
    }

    /// The request after the user confirmed (read the preview and said yes): removing a
    /// sign-in carries the consent it requires. Closing a program stays polite.
    pub fn confirmed_request(&self) -> ActionRequest {
        self.request_with(true)
    }

    fn request_with(&self, consent: bool) -> ActionRequest {
        match (&self.kind, &self.target) {
            (ActionKind::RemoveProfile, OfferTarget::Profile { profile, version }) => {
                ActionRequest::RemoveProfile {
                    name: profile.clone(),
                    version: Some(version.clone()),
                }
            }
            (ActionKind::EnableAddin, OfferTarget::Addin { prog_id, .. }) => {
                ActionRequest::EnableAddin {
                    prog_id: prog_id.clone(),
                }
            }
            (_, OfferTarget::Addin { prog_id, .. }) => ActionRequest::DisableAddin {
                prog_id: prog_id.clone(),
            },
            (
                ActionKind::RestartOutlook,
                OfferTarget::Process {
                    pid,
                    start_time,
                    name,
                    mode,
                    ..
                },
            ) => ActionRequest::RestartOutlook {
                pid: *pid,
                name: name.clone(),
                start_time: *start_time,
                mode: if mode.as_deref() == Some("safe") {
                    RestartMode::Safe
                } else {
                    RestartMode::Normal
                },
            },
            (
                _,
                OfferTarget::Process {
                    pid,
                    start_time,
                    name,
                    ..
                },
            ) => ActionRequest::CloseClient {
                pid: *pid,
                name: name.clone(),
                start_time: *start_time,
                force: false,
                confirmation: None,
            },
            (_, OfferTarget::Credential { target }) => ActionRequest::RemoveCredential {
                target: target.clone(),
                consent,
            },
            (_, OfferTarget::Profile { profile, version }) => ActionRequest::RemoveProfile {
                name: profile.clone(),
                version: Some(version.clone()),
            },
            (
                _,
                OfferTarget::ImapAccount {
                    profile_dir,
                    server_key,
                    ..
                },
            ) => ActionRequest::LimitImapConnections {
                profile_dir: profile_dir.clone(),
                server_key: server_key.clone(),
                max_connections: None,
            },
        }
    }
}

/// Office versions whose profiles the repair can remove (the Windows Messaging Subsystem
/// profiles of Outlook 2010 and older live elsewhere and are not offered).
const REMOVABLE_PROFILE_VERSIONS: &[&str] = &["16.0", "15.0"];

/// Every repair the scan offers, in the order of the scan screen: programs, profiles,
/// add-ins, saved sign-ins, other mail apps' connection settings.
/// Their titles are in `lang` (the ids do not change with the language).
pub fn offers(report: &ScanReport, lang: Lang) -> Vec<Offer> {
    let w = Words::of(lang);
    let mut out = Vec::new();
    for p in report.processes.iter().filter(|p| !p.helper) {
        let start = p
            .start_time
            .map(|t| t.to_string())
            .unwrap_or_else(|| "-".to_owned());
        let process = |mode: Option<&str>| OfferTarget::Process {
            pid: p.pid,
            start_time: p.start_time,
            exe: p.exe.clone(),
            name: p.name.clone(),
            mode: mode.map(str::to_owned),
        };
        out.push(Offer {
            id: make_id("close_client", &[&p.pid.to_string(), &start]),
            kind: ActionKind::CloseClient,
            target: process(None),
            title: w.t("offer.close", &[("name", &p.name), ("pid", &p.pid)]),
        });
        if p.kind == ClientKind::ClassicOutlook {
            for (mode, key) in [
                ("normal", "offer.restart_outlook"),
                ("safe", "offer.restart_outlook_safe"),
            ] {
                out.push(Offer {
                    id: make_id("restart_outlook", &[&p.pid.to_string(), &start, mode]),
                    kind: ActionKind::RestartOutlook,
                    target: process(Some(mode)),
                    title: w.t(key, &[("pid", &p.pid)]),
                });
            }
        }
    }
    for p in &report.profiles {
        if p.duplicate_of.is_empty()
            || p.is_default
            || !REMOVABLE_PROFILE_VERSIONS.contains(&p.version.as_str())
        {
            continue;
        }
        out.push(Offer {
            id: make_id("remove_profile", &[&p.version, &p.name]),
            kind: ActionKind::RemoveProfile,
            target: OfferTarget::Profile {
                profile: p.name.clone(),
                version: p.version.clone(),
            },
            title: w.t(
                "offer.remove_profile",
                &[
                    ("name", &p.name),
                    ("version", &p.version),
                    (
                        "others",
                        &p.duplicate_of
                            .iter()
                            .map(|d| w.t("offer.quoted", &[("name", d)]))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ],
            ),
        });
    }
    for a in report.addins.iter().filter(|a| !a.policy) {
        let name = a.friendly_name.as_deref().unwrap_or(&a.prog_id);
        let target = OfferTarget::Addin {
            prog_id: a.prog_id.clone(),
            hive: a.hive.clone(),
        };
        match a.load_behavior {
            Some(0) => out.push(Offer {
                id: make_id("enable_addin", &[&a.prog_id]),
                kind: ActionKind::EnableAddin,
                target,
                title: w.t(
                    "offer.enable_addin",
                    &[("name", &name), ("prog_id", &a.prog_id)],
                ),
            }),
            Some(lb) if lb != 2 => out.push(Offer {
                id: make_id("disable_addin", &[&a.prog_id]),
                kind: ActionKind::DisableAddin,
                target,
                title: w.t(
                    "offer.disable_addin",
                    &[("name", &name), ("prog_id", &a.prog_id)],
                ),
            }),
            _ => {}
        }
    }
    for c in &report.credentials {
        out.push(Offer {
            id: make_id("remove_credential", &[&c.name]),
            kind: ActionKind::RemoveCredential,
            target: OfferTarget::Credential {
                target: c.name.clone(),
            },
            title: w.t("offer.remove_credential", &[("name", &c.name)]),
        });
    }
    for a in report
        .accounts
        .iter()
        .filter(|a| a.client == ClientKind::Thunderbird)
    {
        let Some(s) = &a.imap_connections else {
            continue;
        };
        if s.max_connections <= repair::actions::imap_connections::LIMITED_MAX_CONNECTIONS {
            continue;
        }
        let who = match (&a.email, &a.host) {
            (Some(e), Some(h)) => w.t("offer.email_at_host", &[("email", e), ("host", h)]),
            (None, Some(h)) => h.clone(),
            (Some(e), None) => e.clone(),
            (None, None) => s.server_key.clone(),
        };
        out.push(Offer {
            // The profile's folder name (Thunderbird's salted `k2x9a7.default-release`), not
            // its full path: the same profile keeps its id when the home folder is named
            // differently (`--home`, the demo's throw-away copy).
            id: make_id(
                "limit_imap_connections",
                &[profile_folder_name(&s.profile_dir), &s.server_key],
            ),
            kind: ActionKind::LimitImapConnections,
            target: OfferTarget::ImapAccount {
                profile_dir: s.profile_dir.clone(),
                server_key: s.server_key.clone(),
                email: a.email.clone(),
                host: a.host.clone(),
                max_connections: s.max_connections,
            },
            title: w.t(
                "offer.limit_imap",
                &[
                    (
                        "limit",
                        &repair::actions::imap_connections::LIMITED_MAX_CONNECTIONS,
                    ),
                    ("who", &who),
                    ("profile", &a.profile.as_deref().unwrap_or("?")),
                    ("server", &s.server_key),
                    ("n", &s.max_connections),
                ],
            ),
        });
    }
    out
}

/// The last component of a profile folder, `/` or `\\` separated (a scan of a Windows
/// home read elsewhere keeps its separators).
fn profile_folder_name(dir: &str) -> &str {
    dir.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(dir)
}

/// The kinds an id may start with.
const KINDS: &[&str] = &[
    "remove_profile",
    "disable_addin",
    "enable_addin",
    "close_client",
    "restart_outlook",
    "remove_credential",
    "limit_imap_connections",
];

/// Why an id given by a user is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadId {
    /// It does not start with a known kind of repair.
    UnknownKind {
        /// The id as given.
        id: String,
    },
    /// A `%` is not followed by two hex digits (or decodes to something not UTF-8).
    BrokenEscape {
        /// The id as given.
        id: String,
        /// The part with the broken escape.
        part: String,
    },
    /// It names a kind but no target.
    NoTarget {
        /// The id as given.
        id: String,
    },
}

impl BadId {
    /// Why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::UnknownKind { id } => w.t(
                "cli.fix.bad_id.kind",
                &[("id", &format!("{id:?}")), ("kinds", &KINDS.join(", "))],
            ),
            Self::BrokenEscape { id, part } => w.t(
                "cli.fix.bad_id.escape",
                &[("id", &format!("{id:?}")), ("part", &format!("{part:?}"))],
            ),
            Self::NoTarget { id } => w.t("cli.fix.bad_id.no_target", &[("id", &format!("{id:?}"))]),
        }
    }
}

/// The id in its canonical spelling: a script may percent-encode more than needed or use
/// lower-case hex (`16%2e0` is `16.0`); what decodes to the same text is the same id.
/// Refuses ids of an unknown kind, with broken escapes or without a target.
pub fn canonical_id(id: &str) -> Result<String, BadId> {
    let mut parts = id.split(':');
    let kind = parts.next().unwrap_or_default();
    if !KINDS.contains(&kind) {
        return Err(BadId::UnknownKind { id: id.to_owned() });
    }
    let decoded = parts
        .map(|p| {
            decode_part(p).ok_or_else(|| BadId::BrokenEscape {
                id: id.to_owned(),
                part: p.to_owned(),
            })
        })
        .collect::<Result<Vec<String>, BadId>>()?;
    if decoded.is_empty() {
        return Err(BadId::NoTarget { id: id.to_owned() });
    }
    let refs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    Ok(make_id(kind, &refs))
}

/// The offer with this id (in any spelling [`canonical_id`] accepts).
pub fn find<'a>(offers: &'a [Offer], id: &str) -> Result<Option<&'a Offer>, BadId> {
    let id = canonical_id(id)?;
    Ok(offers.iter().find(|o| o.id == id))
}

fn make_id(kind: &str, parts: &[&str]) -> String {
    let mut id = kind.to_owned();
    for p in parts {
        id.push(':');
        id.push_str(&encode_part(p));
    }
    id
}

/// Percent-encodes everything but ASCII letters, digits and `-._~`.
pub fn encode_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_part(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same offers with the demo's temp folder (part of the profile paths) left out.
    fn without_dir(offers: &[Offer], dir: &std::path::Path) -> Vec<String> {
        let plain = dir.display().to_string();
        let encoded = encode_part(&plain);
        // `{o:?}` escapes backslashes: a Windows path appears as `C:\\users\\...` there.
        let debugged = format!("{plain:?}");
        let escaped = debugged.trim_matches('"').to_owned();
        offers
            .iter()
            .map(|o| {
                format!("{o:?}")
                    .replace(&encoded, "DIR")
                    .replace(&escaped, "DIR")
                    .replace(&plain, "DIR")
            })
            .collect()
    }

    fn demo_report() -> (tempfile::TempDir, ScanReport) {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        let report = scan::run(&crate::demo::demo_scan_options(&pc), &mut |_| {});
        (dir, report)
    }

    #[test]
    fn the_demo_pc_offers_what_its_scan_screen_shows() {
        let (dir, report) = demo_report();
        let offers = offers(&report, Lang::En);
        let ids: Vec<&str> = offers.iter().map(|o| o.id.as_str()).collect();
        assert!(
            ids.contains(&"remove_profile:16.0:Outlook%20-%20Copy"),
            "{ids:#?}"
        );
        assert!(
            !ids.iter()
                .any(|i| i.starts_with("remove_profile:16.0:Outlook:")),
            "the default profile is never offered: {ids:#?}"
        );
        assert!(
            ids.contains(&"disable_addin:TeamsAddin.FastConnect"),
            "{ids:#?}"
        );
        assert!(
            !ids.iter().any(|i| i.contains("Fabrikam.Archiver")),
            "policy-managed add-ins are never offered: {ids:#?}"
        );
        assert!(
            !ids.iter().any(|i| i.contains("Contoso.PdfMaker")),
            "LoadBehavior 2 (Outlook unloaded it) is neither on nor off by the user: {ids:#?}"
        );
        let outlook: Vec<_> = report
            .processes
            .iter()
            .filter(|p| !p.helper && p.kind == ClientKind::ClassicOutlook)
            .collect();
        assert!(!outlook.is_empty());
        for p in &outlook {
            for kind in ["close_client", "restart_outlook"] {
                assert!(
                    ids.iter()
                        .any(|i| i.starts_with(&format!("{kind}:{}:", p.pid))),
                    "{kind} for {}: {ids:#?}",
                    p.pid
                );
            }
        }
        for c in &report.credentials {
            assert!(ids.contains(&make_id("remove_credential", &[&c.name]).as_str()));
        }
        let imap: Vec<&Offer> = offers
            .iter()
            .filter(|o| o.kind == ActionKind::LimitImapConnections)
            .collect();
        assert_eq!(imap.len(), 3, "one per IMAP account of the demo: {ids:#?}");
        for o in &imap {
            assert!(o.id.starts_with("limit_imap_connections:"), "{}", o.id);
            assert!(matches!(
                o.request(),
                ActionRequest::LimitImapConnections {
                    max_connections: None,
                    ..
                }
            ));
        }
        assert!(
            imap.iter().all(|o| o
                .id
                .starts_with("limit_imap_connections:k2x9a7.default-release:")),
            "{ids:#?}"
        );
        // Stable: the same state gives the same ids, wherever the home folder is (the
        // targets name the demo's temp folder, which differs).
        let (again_dir, again) = demo_report();
        assert_eq!(
            without_dir(&super::offers(&again, Lang::En), again_dir.path()),
            without_dir(&offers, dir.path())
        );
        let again_ids: Vec<String> = super::offers(&again, Lang::En)
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(again_ids, ids);
        // Every id is one shell word and finds its offer again.
        for o in &offers {
            assert!(
                o.id.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%:".contains(&b)),
                "{}",
                o.id
            );
            assert_eq!(find(&offers, &o.id).expect("valid"), Some(o));
        }
    }

    #[test]
    fn requests_carry_the_exact_target() {
        let (_dir, report) = demo_report();
        let offers = offers(&report, Lang::En);
        let profile = offers
            .iter()
            .find(|o| o.kind == ActionKind::RemoveProfile)
            .expect("a profile offer");
        assert_eq!(
            profile.request(),
            ActionRequest::RemoveProfile {
                name: "Outlook - Copy".into(),
                version: Some("16.0".into())
            }
        );
        let cred = offers
            .iter()
            .find(|o| o.kind == ActionKind::RemoveCredential)
            .expect("a credential offer");
        assert!(matches!(
            cred.request(),
            ActionRequest::RemoveCredential { consent: false, .. }
        ));
        assert!(matches!(
            cred.confirmed_request(),
            ActionRequest::RemoveCredential { consent: true, .. }
        ));
        let safe = offers
            .iter()
            .find(|o| o.id.ends_with(":safe"))
            .expect("a safe-mode restart");
        assert!(matches!(
            safe.request(),
            ActionRequest::RestartOutlook {
                mode: RestartMode::Safe,
                ..
            }
        ));
        let json = serde_json::to_value(profile).expect("json");
        assert_eq!(json["kind"], "remove_profile");
        assert_eq!(json["target"]["profile"], "Outlook - Copy");
        assert_eq!(json["target"]["version"], "16.0");
    }

    #[test]
    fn ids_keep_spaces_and_accept_other_escape_spellings() {
        assert_eq!(
            make_id("remove_profile", &["16.0", "Outlook "]),
            "remove_profile:16.0:Outlook%20"
        );
        assert_ne!(
            make_id("remove_profile", &["16.0", "Outlook "]),
            make_id("remove_profile", &["16.0", "Outlook"])
        );
        assert_eq!(
            make_id("remove_credential", &["MicrosoftOffice16_Data:SSPI:a@b.c"]),
            "remove_credential:MicrosoftOffice16_Data%3ASSPI%3Aa%40b.c"
        );
        assert_eq!(
            canonical_id("remove_profile:16%2e0:Outlook%20").expect("ok"),
            "remove_profile:16.0:Outlook%20"
        );
        assert_eq!(
            canonical_id("remove_profile:16.0:Caf%c3%a9").expect("ok"),
            "remove_profile:16.0:Caf%C3%A9"
        );
        assert!(canonical_id("format_disk:C").is_err());
        assert!(canonical_id("remove_profile:16.0:Outlook%2").is_err());
        assert!(canonical_id("remove_profile:16.0:%FF").is_err());
        assert!(canonical_id("remove_profile").is_err());
    }
}
