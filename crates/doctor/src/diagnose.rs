//! Diagnosis: rules that turn a scan (and, when signed in, the cloud snapshot) into
//! findings, each with its evidence and the plan step that fixes it, plus an estimate of the
//! limit that was most likely hit. Rules are plain functions over the data: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use cloud::CloudSnapshot;
use scan::{ClientKind, ScanReport};
use serde::Serialize;

use crate::decoder::Limit;

/// Stable finding codes (the CLI contract names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    OutlookRunningMultiple,
    DuplicateProfiles,
    AddinOpensConnections,
    AddinCrashing,
    OtherClientSameAccount,
    WebAppSessions,
    StaleCredentials,
    SharedMailboxesDownloaded,
    MapiClients,
    OtherDevices,
    MobileDevicesNearLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

/// One thing that adds sessions, why we think so, and the step that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub title: String,
    /// Facts from the scan or the cloud, one line each.
    pub evidence: Vec<String>,
    /// Plan step id (see `plan`).
    pub step: String,
    /// Connections or sessions this finding accounts for, when countable.
    pub sessions: u32,
}

/// The limit most likely hit, with the numbers behind the guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LimitEstimate {
    pub limit: Limit,
    pub limit_number: u32,
    /// Sessions this computer (and the account's other devices, when known) account for.
    pub counted: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Diagnosis {
    /// Most severe first.
    pub findings: Vec<Finding>,
    pub estimate: LimitEstimate,
    pub wait: WaitOrAct,
}

/// Whether waiting can clear the error, or something here keeps re-creating sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum WaitVerdict {
    /// Something found here holds sessions open now: waiting will not help.
    Act,
    /// Nothing here holds extra sessions; orphaned ones (a dropped VPN, Wi-Fi, a laptop
    /// that slept) are dropped by the server on their own, or at once by signing out everywhere.
    WaitOrSignOut,
}

/// The "wait or act" answer (field guide, section 1: stale sessions time out by themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct WaitOrAct {
    pub verdict: WaitVerdict,
    /// How long an orphaned session may linger before the server drops it, in minutes.
    pub stale_after_minutes: u32,
    /// Findings that waiting will not clear (they hold sessions open right now).
    pub blocking: Vec<FindingCode>,
    /// When the account was signed out everywhere from here (RFC 3339, UTC): the countdown
    /// starts from it, since the revoke is what ended the sessions. Absent when there was
    /// none (older callers and fixtures keep their shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// Sessions orphaned by a dropped connection stay on the server until TCP keep-alive notices
/// the peer is gone; Windows' default KeepAliveTime is 7,200,000 ms (2 hours), the figure
/// Exchange admins quote for lingering event-9646 sessions. Not a published Exchange Online
/// timeout, so the UI says "about".
pub const STALE_SESSION_MINUTES: u32 = 120;

/// Mobile device partnerships per mailbox (field guide, section 1).
const MOBILE_LIMIT: u32 = 100;
/// Shared mailboxes downloaded into one cached profile start to weigh from about here.
const MANY_SHARED_MAILBOXES: usize = 3;

pub fn diagnose(scan: &ScanReport, cloud: Option<&CloudSnapshot>) -> Diagnosis {
    let mut findings = Vec::new();
    outlook_running_multiple(scan, &mut findings);
    duplicate_profiles(scan, &mut findings);
    addins(scan, &mut findings);
    other_clients(scan, &mut findings);
    web_apps(scan, &mut findings);
    shared_mailboxes(scan, &mut findings);
    mapi_clients(scan, &mut findings);
    stale_credentials(scan, &mut findings);
    if let Some(cloud) = cloud {
        other_devices(cloud, &mut findings);
    }
    findings.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.code.cmp(&b.code)));
    let estimate = estimate(scan, &findings);
    let wait = wait_or_act(&findings);
    Diagnosis {
        findings,
        estimate,
        wait,
    }
}

/// Every finding is a live source of sessions: a running client, a profile or add-in that
/// reconnects at each start, a device still signed in, a saved sign-in that keeps reviving
/// them. None of them times out, so any finding means "act"; with none, waiting works.
fn wait_or_act(findings: &[Finding]) -> WaitOrAct {
    let blocking: BTreeSet<FindingCode> = findings.iter().map(|f| f.code).collect();
    WaitOrAct {
        verdict: if blocking.is_empty() {
            WaitVerdict::WaitOrSignOut
        } else {
            WaitVerdict::Act
        },
        stale_after_minutes: STALE_SESSION_MINUTES,
        blocking: blocking.into_iter().collect(),
        // Known to the account state, not to the scan: the context fills it in.
        revoked_at: None,
    }
}

/// Windows the user opened (not helpers) of one kind.
fn windows_of(scan: &ScanReport, kind: ClientKind) -> Vec<&scan::ProcessInfo> {
    scan.processes
        .iter()
        .filter(|p| p.kind == kind && !p.helper)
        .collect()
}

fn m365_connections<'a>(procs: impl IntoIterator<Item = &'a scan::ProcessInfo>) -> u32 {
    procs
        .into_iter()
        .filter_map(|p| p.connections.map(|c| c.microsoft_365))
        .sum()
}

fn outlook_running_multiple(scan: &ScanReport, out: &mut Vec<Finding>) {
    for kind in [ClientKind::ClassicOutlook, ClientKind::NewOutlook] {
        let windows = windows_of(scan, kind);
        if windows.len() > 1 {
            out.push(Finding {
                code: FindingCode::OutlookRunningMultiple,
                severity: Severity::High,
                title: format!(
                    "Outlook is running {} times on this computer",
                    windows.len()
                ),
                evidence: windows
                    .iter()
                    .map(|p| format!("{} (process {})", p.name, p.pid))
                    .collect(),
                step: "restart_outlook_here".to_owned(),
                sessions: m365_connections(windows.iter().copied()),
            });
        }
    }
}

fn duplicate_profiles(scan: &ScanReport, out: &mut Vec<Finding>) {
    // One finding per group of profiles sharing an account.
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for p in scan.profiles.iter().filter(|p| !p.duplicate_of.is_empty()) {
        let mut group: Vec<String> = p.duplicate_of.clone();
        group.push(p.name.clone());
        group.sort();
        groups.insert(group);
    }
    for group in groups {
        out.push(Finding {
            code: FindingCode::DuplicateProfiles,
            severity: Severity::High,
            title: format!("{} Outlook profiles hold the same account", group.len()),
            evidence: group.iter().map(|n| format!("profile \"{n}\"")).collect(),
            step: "duplicate_profiles".to_owned(),
            sessions: 0,
        });
    }
}

fn addins(scan: &ScanReport, out: &mut Vec<Finding>) {
    // An add-in that is off (LoadBehavior 0 or 2) opens nothing.
    let active = |a: &&scan::Addin| !matches!(a.load_behavior, Some(0) | Some(2));
    let opening: Vec<_> = scan
        .addins
        .iter()
        .filter(|a| a.opens_connections)
        .filter(active)
        .collect();
    if !opening.is_empty() {
        out.push(Finding {
            code: FindingCode::AddinOpensConnections,
            severity: Severity::Medium,
            title: "Add-ins that open their own connections".to_owned(),
            evidence: opening
                .iter()
                .map(|a| {
                    let name = a.friendly_name.as_deref().unwrap_or(&a.prog_id);
                    match &a.connections_note {
                        Some(note) => format!("{name}: {note}"),
                        None => name.to_owned(),
                    }
                })
                .collect(),
            step: "addins_safe_mode".to_owned(),
            sessions: 0,
        });
    }
    let crashing: Vec<_> = scan
        .addins
        .iter()
        .filter(|a| a.crashing || a.disabled_by_outlook)
        .collect();
    if !crashing.is_empty() {
        out.push(Finding {
            code: FindingCode::AddinCrashing,
            severity: Severity::Medium,
            title: "Add-ins that crashed or that Outlook disabled".to_owned(),
            evidence: crashing
                .iter()
                .map(|a| a.friendly_name.clone().unwrap_or_else(|| a.prog_id.clone()))
                .collect(),
            step: "addins_safe_mode".to_owned(),
            sessions: 0,
        });
    }
}

/// Emails of the Outlook profiles: "the account" as this computer knows it.
fn outlook_emails(scan: &ScanReport) -> BTreeSet<String> {
    scan.profiles
        .iter()
        .flat_map(|p| p.accounts.iter())
        .filter_map(|a| a.email.as_ref())
        .map(|e| e.to_lowercase())
        .collect()
}

fn other_clients(scan: &ScanReport, out: &mut Vec<Finding>) {
    let emails = outlook_emails(scan);
    let same: Vec<_> = scan
        .accounts
        .iter()
        .filter(|a| {
            a.email
                .as_ref()
                .is_some_and(|e| emails.contains(&e.to_lowercase()))
        })
        .collect();
    if same.is_empty() {
        return;
    }
    let running: u32 = same
        .iter()
        .map(|a| m365_connections(windows_of(scan, a.client)))
        .sum();
    out.push(Finding {
        code: FindingCode::OtherClientSameAccount,
        severity: Severity::Medium,
        title: "Other mail apps use the same account".to_owned(),
        evidence: same
            .iter()
            .map(|a| {
                format!(
                    "{} signed in as {}{}",
                    a.client.as_str(),
                    a.email.as_deref().unwrap_or("?"),
                    a.host
                        .as_deref()
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                )
            })
            .collect(),
        step: "other_mail_apps".to_owned(),
        sessions: running,
    });
}

fn web_apps(scan: &ScanReport, out: &mut Vec<Finding>) {
    let web: Vec<_> = windows_of(scan, ClientKind::OutlookWebApp);
    let teams: Vec<_> = windows_of(scan, ClientKind::Teams);
    if web.is_empty() && teams.is_empty() {
        return;
    }
    let mut evidence: Vec<String> = web
        .iter()
        .map(|p| format!("Outlook web app window (process {})", p.pid))
        .collect();
    evidence.extend(teams.iter().map(|p| format!("Teams (process {})", p.pid)));
    out.push(Finding {
        code: FindingCode::WebAppSessions,
        severity: if web.len() > 1 {
            Severity::Medium
        } else {
            Severity::Low
        },
        title: "Outlook on the web and Teams hold sessions too".to_owned(),
        evidence,
        step: "sign_out_web".to_owned(),
        sessions: m365_connections(web.into_iter().chain(teams)),
    });
}

fn shared_mailboxes(scan: &ScanReport, out: &mut Vec<Finding>) {
    for p in &scan.profiles {
        if p.mailboxes.len() >= MANY_SHARED_MAILBOXES || p.download_shared_folders == Some(true) {
            out.push(Finding {
                code: FindingCode::SharedMailboxesDownloaded,
                severity: Severity::Low,
                title: format!("Profile \"{}\" opens extra or shared mailboxes", p.name),
                evidence: p.mailboxes.clone(),
                step: "duplicate_profiles".to_owned(),
                sessions: u32::try_from(p.mailboxes.len()).unwrap_or(u32::MAX),
            });
        }
    }
}

fn mapi_clients(scan: &ScanReport, out: &mut Vec<Finding>) {
    let mapi = windows_of(scan, ClientKind::MapiClient);
    if !mapi.is_empty() {
        out.push(Finding {
            code: FindingCode::MapiClients,
            severity: Severity::Medium,
            title: "Other programs use Outlook's MAPI".to_owned(),
            evidence: mapi
                .iter()
                .map(|p| format!("{} (process {})", p.name, p.pid))
                .collect(),
            step: "restart_outlook_here".to_owned(),
            sessions: 0,
        });
    }
}

fn stale_credentials(scan: &ScanReport, out: &mut Vec<Finding>) {
    if !scan.credentials.is_empty() {
        out.push(Finding {
            code: FindingCode::StaleCredentials,
            severity: Severity::Low,
            title: "Saved Office sign-ins can keep old sessions alive".to_owned(),
            evidence: scan.credentials.iter().map(|c| c.name.clone()).collect(),
            step: "sign_out_everywhere".to_owned(),
            sessions: 0,
        });
    }
}

fn other_devices(cloud: &CloudSnapshot, out: &mut Vec<Finding>) {
    let named: Vec<&str> = cloud
        .devices
        .iter()
        .filter_map(|d| d.display_name.as_deref())
        .collect();
    if named.len() > 1 {
        out.push(Finding {
            code: FindingCode::OtherDevices,
            severity: Severity::High,
            title: format!("The account is signed in on {} devices", named.len()),
            evidence: named.iter().map(|n| (*n).to_owned()).collect(),
            step: "close_other_devices".to_owned(),
            sessions: u32::try_from(named.len()).unwrap_or(u32::MAX),
        });
    }
    // Phones from the sign-in log: distinct mobile devices seen.
    let mobiles: BTreeMap<String, ()> = cloud
        .sign_ins
        .iter()
        .filter(|s| {
            s.operating_system
                .as_deref()
                .is_some_and(|os| os.starts_with("iOS") || os.starts_with("Android"))
        })
        .filter_map(|s| s.device.clone().map(|d| (d, ())))
        .collect();
    let phones = u32::try_from(mobiles.len()).unwrap_or(u32::MAX);
    if phones * 10 >= MOBILE_LIMIT * 8 {
        out.push(Finding {
            code: FindingCode::MobileDevicesNearLimit,
            severity: Severity::High,
            title: format!("{phones} phones or tablets: near the limit of {MOBILE_LIMIT}"),
            evidence: mobiles.into_keys().take(10).collect(),
            step: "review_sessions".to_owned(),
            sessions: phones,
        });
    }
}

/// MAPI (classic Outlook, MAPI programs, duplicate profiles) against service sessions (web,
/// Teams, IMAP apps): whichever side this computer loads more is the likelier limit.
fn estimate(scan: &ScanReport, findings: &[Finding]) -> LimitEstimate {
    let mapi: u32 = m365_connections(
        scan.processes
            .iter()
            .filter(|p| matches!(p.kind, ClientKind::ClassicOutlook | ClientKind::MapiClient)),
    );
    let service: u32 = m365_connections(
        scan.processes
            .iter()
            .filter(|p| !matches!(p.kind, ClientKind::ClassicOutlook | ClientKind::MapiClient)),
    );
    let duplicates = findings
        .iter()
        .any(|f| f.code == FindingCode::DuplicateProfiles);
    let phones_near = findings
        .iter()
        .find(|f| f.code == FindingCode::MobileDevicesNearLimit);
    if let Some(f) = phones_near {
        return LimitEstimate {
            limit: Limit::MobileDevicePartnerships,
            limit_number: MOBILE_LIMIT,
            counted: f.sessions,
            reason: "Many phones and tablets are paired with the mailbox.".to_owned(),
        };
    }
    if mapi >= service || duplicates {
        LimitEstimate {
            limit: Limit::MapiSessionsPerUser,
            limit_number: 32,
            counted: mapi,
            reason: "Classic Outlook (and programs using its MAPI) holds most connections here; duplicate profiles and several Outlook windows multiply them.".to_owned(),
        }
    } else {
        LimitEstimate {
            limit: Limit::ServiceSessionsPerUser,
            limit_number: 16,
            counted: service,
            reason: "Outlook on the web, Teams and other mail apps hold most connections here."
                .to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_scan() -> ScanReport {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        scan::run(&crate::demo::demo_scan_options(&pc), &mut |_| {})
    }

    fn codes(d: &Diagnosis) -> Vec<FindingCode> {
        d.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn the_messy_demo_pc_shows_every_local_cause() {
        let d = diagnose(&demo_scan(), None);
        let c = codes(&d);
        for expected in [
            FindingCode::OutlookRunningMultiple,
            FindingCode::DuplicateProfiles,
            FindingCode::AddinOpensConnections,
            FindingCode::AddinCrashing,
            FindingCode::OtherClientSameAccount,
            FindingCode::WebAppSessions,
            FindingCode::StaleCredentials,
        ] {
            assert!(c.contains(&expected), "{expected:?} missing from {c:?}");
        }
        // Most severe first.
        assert!(
            d.findings
                .windows(2)
                .all(|w| w[0].severity <= w[1].severity)
        );
        assert_eq!(d.estimate.limit, Limit::MapiSessionsPerUser);
        for f in &d.findings {
            assert!(
                crate::plan::step_exists(&f.step),
                "{:?} -> {}",
                f.code,
                f.step
            );
            assert!(!f.evidence.is_empty(), "{:?} has no evidence", f.code);
        }
    }

    #[test]
    fn a_clean_computer_has_no_findings() {
        let d = diagnose(&ScanReport::default(), None);
        assert!(d.findings.is_empty());
        assert_eq!(d.estimate.counted, 0);
        // Nothing holds sessions here: the leftovers of a dropped connection time out.
        assert_eq!(d.wait.verdict, WaitVerdict::WaitOrSignOut);
        assert_eq!(d.wait.stale_after_minutes, 120);
        assert!(d.wait.blocking.is_empty());
    }

    #[test]
    fn live_causes_mean_act_not_wait() {
        let d = diagnose(&demo_scan(), None);
        assert_eq!(d.wait.verdict, WaitVerdict::Act);
        assert!(
            d.wait
                .blocking
                .contains(&FindingCode::OutlookRunningMultiple)
        );
        assert!(d.wait.blocking.contains(&FindingCode::DuplicateProfiles));
        // One entry per kind of cause, even when a rule reports several findings.
        let mut sorted = d.wait.blocking.clone();
        sorted.dedup();
        assert_eq!(sorted, d.wait.blocking);
    }

    #[test]
    fn one_outlook_window_is_not_a_finding_but_two_are() {
        let mut scan = demo_scan();
        let first = scan
            .processes
            .iter()
            .position(|p| p.kind == ClientKind::ClassicOutlook && !p.helper)
            .expect("outlook");
        scan.processes.remove(first);
        let d = diagnose(&scan, None);
        assert!(!codes(&d).contains(&FindingCode::OutlookRunningMultiple));
    }

    #[test]
    fn disabled_connection_addins_do_not_count() {
        let mut scan = demo_scan();
        for a in scan.addins.iter_mut() {
            a.load_behavior = Some(0);
            a.crashing = false;
            a.disabled_by_outlook = false;
        }
        let c = codes(&diagnose(&scan, None));
        assert!(!c.contains(&FindingCode::AddinOpensConnections));
        assert!(!c.contains(&FindingCode::AddinCrashing));
    }
}
