//! Diagnosis: rules that turn a scan (and, when signed in, the cloud snapshot) into
//! findings, each with its evidence and the plan step that fixes it, plus an estimate of the
//! limit that was most likely hit. Rules are plain functions over the data: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use cloud::CloudSnapshot;
use scan::{ClientKind, ScanReport};
use serde::Serialize;

use words::{Lang, Words};

use crate::decoder::Limit;
use crate::service_limits::{Day, EwsPhase, LimitSource, LimitStatus, Service, ServiceLimits};

use crate::StepId;
/// The finding codes and severities are the shared vocabulary's (`domain`), so the report
/// matches the same enums.
pub use crate::{FindingCode, Severity};

/// One thing that adds sessions, why we think so, and the step that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Finding {
    /// What it is.
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// One line, in the user's language.
    pub title: String,
    /// Facts from the scan or the cloud, one line each.
    pub evidence: Vec<String>,
    /// The plan step that fixes it.
    pub step: StepId,
    /// What this finding accounts for, when countable: connections from this PC to
    /// Microsoft 365 (or, for the account's devices, devices). Never the mailbox's server
    /// sessions, which nobody can list for Exchange Online.
    pub sessions: u32,
    /// What the user can do about it, one step per line (empty: the plan step says it).
    pub advice: Vec<String>,
}

/// The limit most likely hit, with the numbers behind the guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LimitEstimate {
    /// The limit most likely hit.
    pub limit: Limit,
    /// The service the counted connections go to.
    pub service: Service,
    /// The limit's number where it is documented for that service; `None` where Microsoft
    /// does not publish one (Exchange Online MAPI), so nothing is shown as "N of LIMIT".
    pub limit_number: Option<u32>,
    /// Whether the number is documented, reported, or not published (`data/limits.json`).
    pub limit_status: LimitStatus,
    /// Connections from this PC to Microsoft 365 (for the mobile limit: the phones and
    /// tablets seen in the sign-ins). A stand-in: the mailbox's live sessions cannot be listed.
    pub counted: u32,
    /// One sentence with the numbers, honest about what they are: "N connections from this
    /// PC; ..." and "N of LIMIT" only where the limit is documented.
    pub summary: String,
    /// Why this limit, in the user's language.
    pub reason: String,
    /// Where the limit's number (or the statement that none is published) comes from.
    pub source: LimitSource,
}

/// Findings from the scan (and the account), the likely limit, and whether to wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Diagnosis {
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// The limit most likely hit, with the numbers behind it.
    pub estimate: LimitEstimate,
    /// Whether waiting can help.
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
    /// Wait, or act now.
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

/// Mobile device partnerships per mailbox, from the limits data (100, documented).
fn mobile_limit() -> Option<u32> {
    ServiceLimits::shipped()
        .documented_number(Limit::MobileDevicePartnerships, Service::ExchangeOnline)
}
/// Shared mailboxes downloaded into one cached profile start to weigh from about here.
const MANY_SHARED_MAILBOXES: usize = 3;

/// The diagnosis, every sentence (titles, evidence, advice, the estimate) in `lang`.
pub fn diagnose(scan: &ScanReport, cloud: Option<&CloudSnapshot>, lang: Lang) -> Diagnosis {
    diagnose_at(scan, cloud, Day::today(), lang)
}

/// [`diagnose`] as of `today`: the EWS rule depends on the day (Microsoft's retirement
/// dates), and taking it as a parameter lets each phase be tested.
pub fn diagnose_at(
    scan: &ScanReport,
    cloud: Option<&CloudSnapshot>,
    today: Day,
    lang: Lang,
) -> Diagnosis {
    let w = Words::of(lang);
    let mut findings = Vec::new();
    outlook_running_multiple(w, scan, &mut findings);
    other_windows_sessions(w, scan, &mut findings);
    duplicate_profiles(w, scan, &mut findings);
    addins(w, scan, &mut findings);
    other_clients(w, scan, &mut findings);
    imap_connections(w, scan, &mut findings);
    web_apps(w, scan, &mut findings);
    shared_mailboxes(w, scan, &mut findings);
    shared_mailboxes_per_profile(w, scan, &mut findings);
    mapi_clients(w, scan, &mut findings);
    stale_credentials(w, scan, &mut findings);
    ews_clients(w, scan, today, &mut findings);
    if let Some(cloud) = cloud {
        other_devices(w, cloud, &mut findings);
    }
    findings.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.code.cmp(&b.code)));
    let estimate = estimate(w, scan, &findings);
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

/// Adds "N connections from this PC" to the finding just pushed, when it counted any:
/// the honest name of the number (connections seen here, not the mailbox's sessions).
fn connections_line(w: &Words, out: &mut [Finding]) {
    if let Some(f) = out.last_mut()
        && f.sessions > 0
    {
        f.evidence
            .push(w.t("diag.connections_line", &[("n", &f.sessions)]));
    }
}

fn outlook_running_multiple(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    for kind in [ClientKind::ClassicOutlook, ClientKind::NewOutlook] {
        let windows = windows_of(scan, kind);
        if windows.len() > 1 {
            out.push(Finding {
                code: FindingCode::OutlookRunningMultiple,
                severity: Severity::High,
                title: w.t("diag.outlook_running.title", &[("n", &windows.len())]),
                evidence: windows
                    .iter()
                    .map(|p| process_line(w, &p.name, p.pid))
                    .collect(),
                step: StepId::RestartOutlookHere,
                sessions: m365_connections(windows.iter().copied()),
                advice: Vec::new(),
            });
            connections_line(w, out);
        }
    }
}

/// A session that is not the user's own keeps its mail apps connected: closing a Remote
/// Desktop window disconnects the session, it does not sign out, so its Outlook goes on
/// holding sessions. Counted as the windows seen there, not as server sessions.
fn other_windows_sessions(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    if scan.windows_sessions.is_empty() {
        return;
    }
    let windows: usize = scan.windows_sessions.iter().map(|s| s.clients.len()).sum();
    let disconnected = scan
        .windows_sessions
        .iter()
        .any(|s| s.state == scan::WindowsSessionState::Disconnected);
    let evidence = scan
        .windows_sessions
        .iter()
        .map(|s| {
            let clients: Vec<String> = s
                .clients
                .iter()
                .map(|c| process_line(w, &c.name, c.pid))
                .collect();
            let station = if s.station.is_empty() {
                String::new()
            } else {
                w.t("diag.windows_session.station", &[("station", &s.station)])
            };
            w.t(
                "diag.windows_session.line",
                &[
                    ("id", &s.id),
                    ("account", &s.account()),
                    ("station", &station),
                    ("state", &session_state_words(w, s.state)),
                    ("clients", &clients.join(", ")),
                ],
            )
        })
        .collect();
    let mut advice = vec![w.t("diag.windows_session.advice_sign_out", &[])];
    if disconnected {
        advice.push(w.t("diag.windows_session.advice_policy", &[]));
    }
    out.push(Finding {
        code: FindingCode::OtherWindowsSessions,
        severity: Severity::High,
        title: w.count(
            "diag.windows_session.title",
            u64::try_from(windows).unwrap_or(u64::MAX),
            &[],
        ),
        evidence,
        step: StepId::CloseOtherDevices,
        sessions: u32::try_from(windows).unwrap_or(u32::MAX),
        advice,
    });
}

/// A session's state in plain words.
fn session_state_words(w: &Words, state: scan::WindowsSessionState) -> String {
    use scan::WindowsSessionState as S;
    match state {
        S::Active => w.t("diag.session_state.active", &[]),
        S::Disconnected => w.t("diag.session_state.disconnected", &[]),
        S::Connected | S::ConnectQuery | S::Init => w.t("diag.session_state.connecting", &[]),
        S::Shadow => w.t("diag.session_state.shadow", &[]),
        S::Idle | S::Listen | S::Reset | S::Down | S::Unknown => {
            w.t("diag.session_state.other", &[])
        }
    }
}

/// A mail app's name as the UI shows it (the catalog's `kind.*`, shared with the scan
/// screen), never its JSON id.
pub fn client_name(w: &Words, kind: ClientKind) -> String {
    w.t(&format!("kind.{}", kind.as_str()), &[])
}

/// "OUTLOOK.EXE (process 4120)".
fn process_line(w: &Words, name: &str, pid: u32) -> String {
    w.t("diag.process_line", &[("name", &name), ("pid", &pid)])
}

fn duplicate_profiles(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
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
            title: w.t("diag.duplicate_profiles.title", &[("n", &group.len())]),
            evidence: group
                .iter()
                .map(|n| w.t("diag.profile_name", &[("name", n)]))
                .collect(),
            step: StepId::DuplicateProfiles,
            sessions: 0,
            advice: Vec::new(),
        });
    }
}

fn addins(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    // An add-in that is off (LoadBehavior 0 or 2) opens nothing.
    let active = |a: &&scan::Addin| !a.is_off();
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
            title: w.t("diag.addins_open.title", &[]),
            evidence: opening
                .iter()
                .map(|a| {
                    let name = a.friendly_name.as_deref().unwrap_or(&a.prog_id);
                    let note = a
                        .connections_note_key
                        .as_deref()
                        .map(|key| w.t(key, &[]))
                        .or_else(|| a.connections_note.clone());
                    match &note {
                        Some(note) => format!("{name}: {note}"),
                        None => name.to_owned(),
                    }
                })
                .collect(),
            step: StepId::AddinsSafeMode,
            sessions: 0,
            advice: Vec::new(),
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
            title: w.t("diag.addins_crashing.title", &[]),
            evidence: crashing
                .iter()
                .map(|a| a.friendly_name.clone().unwrap_or_else(|| a.prog_id.clone()))
                .collect(),
            step: StepId::AddinsSafeMode,
            sessions: 0,
            advice: Vec::new(),
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

fn other_clients(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
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
        title: w.t("diag.other_clients.title", &[]),
        evidence: same
            .iter()
            .map(|a| {
                let host = a
                    .host
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                w.t(
                    "diag.other_clients.line",
                    &[
                        ("client", &client_name(w, a.client)),
                        ("email", &a.email.as_deref().unwrap_or("?")),
                        ("host", &host),
                    ],
                )
            })
            .collect(),
        step: StepId::OtherMailApps,
        sessions: running,
        advice: Vec::new(),
    });
    connections_line(w, out);
}

/// Exchange Online's IMAP limit as the limits data has it: the number (documented or
/// reported) and a sentence naming it with its source; `None` when no number is known.
fn imap_limit(w: &Words) -> Option<(u32, String)> {
    let e = ServiceLimits::shipped().entry(Limit::ImapConnections, Service::ExchangeOnline)?;
    let n = e.number?;
    let source = format!("{}, {}", e.source.title, e.source.url);
    let key = match e.status {
        LimitStatus::Documented => "diag.imap.limit_documented",
        _ => "diag.imap.limit_reported",
    };
    let sentence = w.t(key, &[("n", &n), ("source", &source)]);
    Some((n, sentence))
}

fn is_imap(a: &scan::OtherAccount) -> bool {
    a.imap_connections.is_some()
        || a.account_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("imap"))
}

/// IMAP accounts of this PC's mail apps on one Exchange Online mailbox (same host and
/// address): each may open up to its app's connection cap, and they add up against the
/// mailbox's IMAP limit. Reported when the mailbox is set up more than once (several
/// accounts, profiles or apps) or when the caps alone reach the limit. Only what this PC
/// may open is counted, never a number of sessions on the server.
fn imap_connections(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    let limit = imap_limit(w);
    let reaches = |total: u32| limit.as_ref().is_some_and(|(n, _)| total >= *n);
    let mut mailboxes: BTreeMap<(String, String), Vec<&scan::OtherAccount>> = BTreeMap::new();
    for a in scan.accounts.iter().filter(|a| is_imap(a)) {
        let Some(host) = a.host.as_deref().filter(|h| is_exchange_online_host(h)) else {
            continue;
        };
        let email = a.email.as_deref().unwrap_or_default().to_lowercase();
        mailboxes
            .entry((host.to_ascii_lowercase(), email))
            .or_default()
            .push(a);
    }
    for ((host, email), accounts) in mailboxes {
        let capped: Vec<(&scan::OtherAccount, &scan::ImapConnectionSetting)> = accounts
            .iter()
            .filter_map(|a| a.imap_connections.as_ref().map(|s| (*a, s)))
            .collect();
        let total: u32 = capped
            .iter()
            .map(|(_, s)| s.max_connections)
            .fold(0, u32::saturating_add);
        if capped.is_empty() || (accounts.len() < 2 && !reaches(total)) {
            continue;
        }
        let mut evidence: Vec<String> = accounts
            .iter()
            .map(|a| match &a.imap_connections {
                Some(s) => {
                    let why = match (&s.pref, s.from.as_str()) {
                        (Some(pref), from) => w.t(
                            "diag.imap.pref",
                            &[("pref", pref), ("n", &s.max_connections), ("from", &from)],
                        ),
                        (None, _) => w.t("diag.imap.default", &[("n", &s.max_connections)]),
                    };
                    w.t(
                        "diag.imap.account",
                        &[
                            ("client", &client_name(w, a.client)),
                            ("profile", &a.profile.as_deref().unwrap_or("?")),
                            ("server", &s.server_key),
                            ("n", &s.max_connections),
                            ("why", &why),
                        ],
                    )
                }
                None => w.t(
                    "diag.imap.uncounted",
                    &[("client", &client_name(w, a.client))],
                ),
            })
            .collect();
        evidence.push(match &limit {
            Some((_, sentence)) => w.t(
                "diag.imap.total_with_limit",
                &[("total", &total), ("sentence", sentence)],
            ),
            None => w.t("diag.imap.total_no_limit", &[("total", &total)]),
        });
        let mailbox = if email.is_empty() {
            host.clone()
        } else {
            format!("{email} ({host})")
        };
        out.push(Finding {
            code: FindingCode::ImapConnections,
            severity: if reaches(total) {
                Severity::High
            } else {
                Severity::Medium
            },
            title: w.t(
                "diag.imap.title",
                &[("total", &total), ("mailbox", &mailbox)],
            ),
            evidence,
            step: StepId::OtherMailApps,
            sessions: total,
            advice: Vec::new(),
        });
    }
}

fn web_apps(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    let web: Vec<_> = windows_of(scan, ClientKind::OutlookWebApp);
    let teams: Vec<_> = windows_of(scan, ClientKind::Teams);
    if web.is_empty() && teams.is_empty() {
        return;
    }
    let mut evidence: Vec<String> = web
        .iter()
        .map(|p| w.t("diag.web.window", &[("pid", &p.pid)]))
        .collect();
    evidence.extend(
        teams
            .iter()
            .map(|p| w.t("diag.web.teams", &[("pid", &p.pid)])),
    );
    out.push(Finding {
        code: FindingCode::WebAppSessions,
        severity: if web.len() > 1 {
            Severity::Medium
        } else {
            Severity::Low
        },
        title: w.t("diag.web.title", &[]),
        evidence,
        step: StepId::SignOutWeb,
        sessions: m365_connections(web.into_iter().chain(teams)),
        advice: Vec::new(),
    });
    connections_line(w, out);
}

fn shared_mailboxes(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    for p in &scan.profiles {
        if p.mailboxes.len() >= MANY_SHARED_MAILBOXES || p.download_shared_folders == Some(true) {
            out.push(Finding {
                code: FindingCode::SharedMailboxesDownloaded,
                severity: Severity::Low,
                title: w.t("diag.shared_downloaded.title", &[("name", &p.name)]),
                evidence: p.mailboxes.clone(),
                step: StepId::DuplicateProfiles,
                sessions: u32::try_from(p.mailboxes.len()).unwrap_or(u32::MAX),
                advice: Vec::new(),
            });
        }
    }
}

/// What a user can do about mailboxes added to a profile (Outlook's own settings), in `lang`.
pub fn shared_mailbox_advice(lang: Lang) -> Vec<String> {
    let w = Words::of(lang);
    vec![
        w.t("diag.shared.advice_remove", &[]),
        w.t("diag.shared.advice_download", &[]),
        w.t("diag.shared.advice_automap", &[]),
    ]
}

/// Every mailbox a profile opens besides its accounts (auto-mapped by Exchange or added by
/// hand) keeps its own connections while Outlook runs: counted per profile, from the
/// profile's own registry data. One finding for the computer, one line per profile.
fn shared_mailboxes_per_profile(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    let with: Vec<&scan::Profile> = scan
        .profiles
        .iter()
        .filter(|p| !p.mailboxes.is_empty())
        .collect();
    if with.is_empty() {
        return;
    }
    let total: usize = with.iter().map(|p| p.mailboxes.len()).sum();
    let mut evidence = Vec::new();
    for p in &with {
        let downloaded = match p.download_shared_folders {
            Some(true) => w.t("diag.shared.download_on", &[]),
            Some(false) => w.t("diag.shared.download_off", &[]),
            None => String::new(),
        };
        let mailboxes = w.count("diag.shared.mailboxes", p.mailboxes.len() as u64, &[]);
        evidence.push(w.t(
            "diag.shared.profile_line",
            &[
                ("name", &p.name),
                ("version", &p.version),
                ("mailboxes", &mailboxes),
                ("downloaded", &downloaded),
                ("list", &p.mailboxes.join(", ")),
            ],
        ));
    }
    out.push(Finding {
        code: FindingCode::SharedMailboxes,
        severity: if with
            .iter()
            .any(|p| p.mailboxes.len() >= MANY_SHARED_MAILBOXES)
        {
            Severity::Medium
        } else {
            Severity::Low
        },
        title: w.count(
            "diag.shared.title",
            total as u64,
            &[
                (
                    "mailboxes",
                    &w.count("diag.shared.mailboxes", total as u64, &[]),
                ),
                (
                    "profiles",
                    &w.count("diag.shared.profiles", with.len() as u64, &[]),
                ),
            ],
        ),
        evidence,
        step: StepId::DuplicateProfiles,
        sessions: u32::try_from(total).unwrap_or(u32::MAX),
        advice: shared_mailbox_advice(w.lang()),
    });
}

fn mapi_clients(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    let mapi = windows_of(scan, ClientKind::MapiClient);
    if !mapi.is_empty() {
        out.push(Finding {
            code: FindingCode::MapiClients,
            severity: Severity::Medium,
            title: w.t("diag.mapi.title", &[]),
            evidence: mapi
                .iter()
                .map(|p| process_line(w, &p.name, p.pid))
                .collect(),
            step: StepId::RestartOutlookHere,
            sessions: 0,
            advice: Vec::new(),
        });
    }
}

fn stale_credentials(w: &Words, scan: &ScanReport, out: &mut Vec<Finding>) {
    if !scan.credentials.is_empty() {
        out.push(Finding {
            code: FindingCode::StaleCredentials,
            severity: Severity::Low,
            title: w.t("diag.credentials.title", &[]),
            evidence: scan.credentials.iter().map(|c| c.name.clone()).collect(),
            step: StepId::SignOutEverywhere,
            sessions: 0,
            advice: Vec::new(),
        });
    }
}

fn other_devices(w: &Words, cloud: &CloudSnapshot, out: &mut Vec<Finding>) {
    let named: Vec<&str> = cloud
        .devices
        .iter()
        .filter_map(|d| d.display_name.as_deref())
        .collect();
    if named.len() > 1 {
        out.push(Finding {
            code: FindingCode::OtherDevices,
            severity: Severity::High,
            title: w.t("diag.devices.title", &[("n", &named.len())]),
            evidence: named.iter().map(|n| (*n).to_owned()).collect(),
            step: StepId::CloseOtherDevices,
            sessions: u32::try_from(named.len()).unwrap_or(u32::MAX),
            advice: Vec::new(),
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
    // Without a documented number there is nothing to be "near".
    let Some(limit) = mobile_limit() else { return };
    if u64::from(phones) * 10 >= u64::from(limit) * 8 {
        out.push(Finding {
            code: FindingCode::MobileDevicesNearLimit,
            severity: Severity::High,
            title: w.t(
                "diag.mobile.title",
                &[("phones", &phones), ("limit", &limit)],
            ),
            evidence: mobiles.into_keys().take(10).collect(),
            step: StepId::ReviewSessions,
            sessions: phones,
            advice: Vec::new(),
        });
    }
}

/// MAPI (classic Outlook, MAPI programs, duplicate profiles) against service sessions (web,
/// Teams, IMAP apps): whichever side this computer loads more is the likelier limit.
fn estimate(w: &Words, scan: &ScanReport, findings: &[Finding]) -> LimitEstimate {
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
    // The connections counted go to Microsoft 365's addresses: the service is Exchange Online.
    if let Some(f) = phones_near {
        return limit_estimate(
            w,
            Limit::MobileDevicePartnerships,
            f.sessions,
            "diag.estimate.what_phones",
            "diag.estimate.reason_phones",
        );
    }
    // This PC alone may open as many IMAP connections as the mailbox is known to allow.
    let imap_number =
        ServiceLimits::shipped().known_number(Limit::ImapConnections, Service::ExchangeOnline);
    if let Some(f) = findings
        .iter()
        .filter(|f| f.code == FindingCode::ImapConnections)
        .max_by_key(|f| f.sessions)
        .filter(|f| imap_number.is_some_and(|n| f.sessions >= n))
    {
        return limit_estimate(
            w,
            Limit::ImapConnections,
            f.sessions,
            "diag.estimate.what_imap",
            "diag.estimate.reason_imap",
        );
    }
    if mapi >= service || duplicates {
        limit_estimate(
            w,
            Limit::MapiSessionsPerUser,
            mapi,
            "diag.estimate.what_connections",
            "diag.estimate.reason_mapi",
        )
    } else {
        limit_estimate(
            w,
            Limit::ServiceSessionsPerUser,
            service,
            "diag.estimate.what_connections",
            "diag.estimate.reason_service",
        )
    }
}

/// The estimate for `limit` at Exchange Online with `counted` of what the catalog's
/// `what_key` names, its number and its source from the limits data, and the sentence that
/// says what the numbers are.
fn limit_estimate(
    w: &Words,
    limit: Limit,
    counted: u32,
    what_key: &str,
    reason_key: &str,
) -> LimitEstimate {
    let what = w.t(what_key, &[]);
    let data = ServiceLimits::shipped();
    let service = Service::ExchangeOnline;
    let entry = data.entry(limit, service);
    let limit_number = data.documented_number(limit, service);
    let limit_status = entry.map_or(LimitStatus::NotPublished, |e| e.status);
    let name = limit_name(w, limit);
    let summary = match (limit_number, limit_status) {
        (Some(n), _) => w.t(
            "diag.estimate.documented",
            &[
                ("counted", &counted),
                ("n", &n),
                ("what", &what),
                ("name", &name),
            ],
        ),
        (None, LimitStatus::Reported) => w.t(
            "diag.estimate.reported",
            &[
                ("counted", &counted),
                ("what", &what),
                ("name", &name),
                ("n", &entry.and_then(|e| e.number).unwrap_or_default()),
            ],
        ),
        (None, _) => {
            // Say where a number does exist, so "not published" is not read as "no limit".
            let on_prem = data
                .documented_number(limit, Service::ExchangeOnPremises)
                .map(|n| w.t("diag.estimate.on_premises", &[("n", &n)]))
                .unwrap_or_default();
            w.t(
                "diag.estimate.not_published",
                &[
                    ("counted", &counted),
                    ("what", &what),
                    ("name", &name),
                    ("on_prem", &on_prem),
                ],
            )
        }
    };
    LimitEstimate {
        limit,
        service,
        limit_number,
        limit_status,
        counted,
        summary,
        reason: w.t(reason_key, &[]),
        source: entry.map_or_else(
            || LimitSource {
                title: String::new(),
                url: String::new(),
            },
            |e| e.source.clone(),
        ),
    }
}

/// The limit in words, for the estimate's sentence.
fn limit_name(w: &Words, limit: Limit) -> String {
    let key = match limit {
        Limit::MapiSessionsPerUser => "diag.limit.mapi_sessions_per_user",
        Limit::ServiceSessionsPerUser => "diag.limit.service_sessions_per_user",
        Limit::RpcClientAccessConcurrency => "diag.limit.rpc_client_access_concurrency",
        Limit::EwsConcurrency => "diag.limit.ews_concurrency",
        Limit::ImapConnections => "diag.limit.imap_connections",
        Limit::MobileDevicePartnerships => "diag.limit.mobile_device_partnerships",
        Limit::ExchangePowerShellSessions => "diag.limit.exchange_power_shell_sessions",
        Limit::SimpleMapiSessions => "diag.limit.simple_mapi_sessions",
        Limit::AuthenticationConcurrency => "diag.limit.authentication_concurrency",
        Limit::AllowedSessions => "diag.limit.allowed_sessions",
    };
    w.t(key, &[])
}

/// How sure the scan is that an app talks EWS to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EwsEvidence {
    /// Its account says EWS (Evolution's and Thunderbird's `ews` accounts).
    Certain,
    /// Its kind of account uses EWS in the versions that matter (Outlook for Mac's
    /// Exchange accounts in the legacy Outlook for Mac; Apple Mail's Exchange accounts).
    Likely,
}

/// Hosts of Exchange Online (Microsoft 365); another known host is on-premises Exchange,
/// which the retirement does not affect.
fn is_exchange_online_host(host: &str) -> bool {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    [
        "office365.com",
        "outlook.com",
        "office.com",
        "microsoft365.com",
    ]
    .iter()
    .any(|d| h == *d || h.ends_with(&format!(".{d}")))
}

/// Mail apps that use Exchange Web Services, which Exchange Online blocks by default from
/// 1 October 2026 (unless an admin allowed the app) and turns off on 1 April 2027
/// (`data/limits.json`). Once blocked, such an app's failures to connect are not a
/// session limit, and closing other sessions will not fix them: the finding says so.
fn ews_clients(w: &Words, scan: &ScanReport, today: Day, out: &mut Vec<Finding>) {
    let mut apps: Vec<(String, EwsEvidence, u32)> = Vec::new();
    for a in &scan.accounts {
        let kind = a
            .account_type
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let evidence = if kind == "ews" {
            EwsEvidence::Certain
        } else if a.client == ClientKind::OutlookMac && kind == "exchange" {
            EwsEvidence::Likely
        } else {
            continue;
        };
        // A known on-premises host is not affected; an unknown host may be either.
        if a.host
            .as_deref()
            .is_some_and(|h| !is_exchange_online_host(h))
        {
            continue;
        }
        let who = match a.email.as_deref() {
            Some(email) => email.to_owned(),
            None => w.t("diag.ews.an_exchange_account", &[]),
        };
        apps.push((
            format!("{} ({who})", client_name(w, a.client)),
            evidence,
            m365_connections(windows_of(scan, a.client)),
        ));
    }
    // Apple Mail's accounts are not read; when it runs and talks to Microsoft 365, its
    // Exchange accounts are EWS (an IMAP account there would look the same, hence "likely").
    let apple = windows_of(scan, ClientKind::AppleMail);
    let apple_m365 = m365_connections(apple.iter().copied());
    if apple_m365 > 0 {
        apps.push((
            w.t("diag.ews.apple_mail", &[]),
            EwsEvidence::Likely,
            apple_m365,
        ));
    }
    if apps.is_empty() {
        return;
    }
    let ews = &ServiceLimits::shipped().ews;
    let phase = ews.phase(today);
    let (blocked, off) = (
        long_date(w, ews.blocked_by_default_from),
        long_date(w, ews.off_for_everyone_from),
    );
    let (severity, title, status_line) = match phase {
        EwsPhase::Allowed => (
            Severity::Low,
            w.t("diag.ews.title_allowed", &[("blocked", &blocked)]),
            w.t(
                "diag.ews.status_allowed",
                &[("blocked", &blocked), ("off", &off)],
            ),
        ),
        EwsPhase::BlockedByDefault => (
            Severity::Medium,
            w.t("diag.ews.title_blocked", &[]),
            w.t(
                "diag.ews.status_blocked",
                &[("blocked", &blocked), ("off", &off)],
            ),
        ),
        EwsPhase::Off => (
            Severity::High,
            w.t("diag.ews.title_off", &[]),
            w.t("diag.ews.status_off", &[("off", &off)]),
        ),
    };
    let mut evidence: Vec<String> = apps
        .iter()
        .map(|(name, how, _)| match how {
            EwsEvidence::Certain => w.t("diag.ews.certain", &[("name", name)]),
            EwsEvidence::Likely => w.t("diag.ews.likely", &[("name", name)]),
        })
        .collect();
    evidence.push(status_line);
    evidence.push(w.t(
        "diag.source",
        &[("title", &ews.source.title), ("url", &ews.source.url)],
    ));
    out.push(Finding {
        code: FindingCode::EwsClientRetiring,
        severity,
        title,
        evidence,
        step: StepId::OtherMailApps,
        // Once EWS is off these apps hold no sessions at all.
        sessions: if phase == EwsPhase::Off {
            0
        } else {
            apps.iter().map(|(_, _, n)| *n).sum()
        },
        advice: Vec::new(),
    });
}

/// "1 October 2026", as Microsoft's announcement writes its dates ("1 de octubre de 2026").
fn long_date(w: &Words, day: Day) -> String {
    let text = day.to_string();
    let mut parts = text.split('-');
    let (y, m, d) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    const MONTHS: [&str; 12] = [
        "date.month.january",
        "date.month.february",
        "date.month.march",
        "date.month.april",
        "date.month.may",
        "date.month.june",
        "date.month.july",
        "date.month.august",
        "date.month.september",
        "date.month.october",
        "date.month.november",
        "date.month.december",
    ];
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .map(|key| w.t(key, &[]))
        .unwrap_or_default();
    w.t(
        "date.long",
        &[
            ("d", &d.trim_start_matches('0')),
            ("month", &month),
            ("y", &y),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_scan() -> ScanReport {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        scan::run(&doctor::demo::demo_scan_options(&pc), &mut |_| {})
    }

    fn codes(d: &Diagnosis) -> Vec<FindingCode> {
        d.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn the_messy_demo_pc_shows_every_local_cause() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let c = codes(&d);
        for expected in [
            FindingCode::OutlookRunningMultiple,
            FindingCode::DuplicateProfiles,
            FindingCode::AddinOpensConnections,
            FindingCode::AddinCrashing,
            FindingCode::OtherClientSameAccount,
            FindingCode::WebAppSessions,
            FindingCode::StaleCredentials,
            FindingCode::ImapConnections,
            FindingCode::SharedMailboxes,
            FindingCode::OtherWindowsSessions,
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
                crate::plan::step_exists(f.step),
                "{:?} -> {}",
                f.code,
                f.step
            );
            assert!(!f.evidence.is_empty(), "{:?} has no evidence", f.code);
        }
    }

    /// Yesterday's Remote Desktop session, disconnected, its Outlook still running: found,
    /// named with its user and state, counted as windows (not server sessions), with the
    /// sign-out advice and, because it is disconnected, the policy for IT.
    #[test]
    fn outlook_in_a_disconnected_windows_session_is_found_with_the_advice() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::OtherWindowsSessions)
            .expect("the demo's disconnected session");
        assert_eq!(
            f.title,
            "1 mail app window in other Windows sessions of this PC"
        );
        assert_eq!(f.sessions, 1);
        assert_eq!(f.step, "close_other_devices");
        assert_eq!(
            f.evidence,
            [
                "Session 2 of CONTOSO\\megan, disconnected (still signed in): OUTLOOK.EXE (process 9344)"
            ]
        );
        assert!(f.advice[0].contains("Sign out of that session rather than closing its window"));
        assert!(f.advice[1].contains("Set time limit for disconnected sessions"));

        // An active session (fast user switching) gets the sign-out advice, not the policy.
        let mut scan = demo_scan();
        for s in &mut scan.windows_sessions {
            s.state = scan::WindowsSessionState::Active;
            s.station = "Console".to_owned();
        }
        let d = diagnose(&scan, None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::OtherWindowsSessions)
            .expect("found");
        assert_eq!(f.advice.len(), 1);
        assert!(
            f.evidence[0].contains("on Console, signed in and in use"),
            "{:?}",
            f.evidence
        );
        // None: no finding.
        scan.windows_sessions.clear();
        assert!(
            !codes(&diagnose(&scan, None, Lang::En)).contains(&FindingCode::OtherWindowsSessions)
        );
    }

    #[test]
    fn a_clean_computer_has_no_findings() {
        let d = diagnose(&ScanReport::default(), None, Lang::En);
        assert!(d.findings.is_empty());
        assert_eq!(d.estimate.counted, 0);
        // Nothing holds sessions here: the leftovers of a dropped connection time out.
        assert_eq!(d.wait.verdict, WaitVerdict::WaitOrSignOut);
        assert_eq!(d.wait.stale_after_minutes, 120);
        assert!(d.wait.blocking.is_empty());
    }

    #[test]
    fn live_causes_mean_act_not_wait() {
        let d = diagnose(&demo_scan(), None, Lang::En);
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
        let d = diagnose(&scan, None, Lang::En);
        assert!(!codes(&d).contains(&FindingCode::OutlookRunningMultiple));
    }

    #[test]
    fn exchange_online_mapi_has_no_published_number() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let e = &d.estimate;
        assert_eq!(e.limit, Limit::MapiSessionsPerUser);
        assert_eq!(e.service, Service::ExchangeOnline);
        assert_eq!(e.limit_number, None);
        assert_eq!(e.limit_status, LimitStatus::NotPublished);
        assert!(
            e.summary.contains("connections from this PC"),
            "{}",
            e.summary
        );
        assert!(
            e.summary
                .contains("does not publish it for Exchange Online"),
            "{}",
            e.summary
        );
        // The on-premises number is named as such, never as "N of 32".
        assert!(
            e.summary.contains("32 per user on on-premises Exchange"),
            "{}",
            e.summary
        );
        assert!(!e.summary.contains(" of 32"), "{}", e.summary);
        assert!(
            e.source.url.starts_with("https://learn.microsoft.com/"),
            "{:?}",
            e.source
        );
    }

    #[test]
    fn counted_connections_are_named_as_connections_from_this_pc() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let running = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::OutlookRunningMultiple)
            .expect("outlook twice");
        // The demo's two Outlook windows have connections to Microsoft 365.
        assert!(running.sessions > 0);
        assert!(
            running.evidence.iter().any(|l| l
                == &format!(
                    "{} connections from this PC to Microsoft 365",
                    running.sessions
                )),
            "{:?}",
            running.evidence
        );
        for f in &d.findings {
            for line in f.evidence.iter().chain(std::iter::once(&f.title)) {
                assert!(!line.contains("sessions open"), "{line}");
            }
        }
    }

    #[test]
    fn a_documented_limit_is_shown_as_n_of_limit() {
        let w = Words::of(Lang::En);
        let e = limit_estimate(
            w,
            Limit::MobileDevicePartnerships,
            85,
            "diag.estimate.what_phones",
            "diag.estimate.reason_phones",
        );
        assert_eq!(e.limit_number, Some(100));
        assert!(
            e.summary.starts_with("85 of 100 phones or tablets"),
            "{}",
            e.summary
        );
        let imap = limit_estimate(
            w,
            Limit::ImapConnections,
            7,
            "diag.estimate.what_connections",
            "diag.estimate.reason_mapi",
        );
        assert_eq!(imap.limit_number, None, "reported, not documented");
        assert!(
            imap.summary.contains("reported at about 20"),
            "{}",
            imap.summary
        );
    }

    fn ews_account(
        client: ClientKind,
        account_type: &str,
        host: Option<&str>,
    ) -> scan::OtherAccount {
        scan::OtherAccount {
            client,
            email: Some("megan@contoso.example".to_owned()),
            host: host.map(str::to_owned),
            source: "test".to_owned(),
            profile: None,
            account_type: Some(account_type.to_owned()),
            imap_connections: None,
            notes: Vec::new(),
        }
    }

    fn ews_finding(scan: &ScanReport, today: &str) -> Option<Finding> {
        let today = Day::parse(today).expect("day");
        diagnose_at(scan, None, today, Lang::En)
            .findings
            .into_iter()
            .find(|f| f.code == FindingCode::EwsClientRetiring)
    }

    fn evolution_on_ews() -> ScanReport {
        ScanReport {
            accounts: vec![ews_account(
                ClientKind::Evolution,
                "ews",
                Some("outlook.office365.com"),
            )],
            ..ScanReport::default()
        }
    }

    #[test]
    fn ews_before_the_first_date_is_a_warning() {
        let f = ews_finding(&evolution_on_ews(), "2026-09-30").expect("flagged");
        assert_eq!(f.severity, Severity::Low);
        assert!(f.title.contains("from 1 October 2026"), "{}", f.title);
        assert!(
            f.evidence.iter().any(|l| l.contains("1 April 2027")),
            "{:?}",
            f.evidence
        );
        assert!(f.evidence[0].contains("Evolution") && f.evidence[0].contains("account type EWS"));
    }

    #[test]
    fn ews_is_blocked_by_default_today() {
        // 2026-12-02, the today: between the two dates.
        let f = ews_finding(&evolution_on_ews(), "2026-12-02").expect("flagged");
        assert_eq!(f.severity, Severity::Medium);
        assert!(
            f.title.contains("now blocks unless an admin allowed"),
            "{}",
            f.title
        );
        let all = f.evidence.join(" | ");
        assert!(all.contains("not a session limit"), "{all}");
        assert!(all.contains("Since 1 October 2026"), "{all}");
        assert!(all.contains("https://"), "the source is named: {all}");
        assert_eq!(f.step, "other_mail_apps");
    }

    #[test]
    fn after_ews_is_off_its_failures_are_not_session_limits() {
        let f = ews_finding(&evolution_on_ews(), "2027-04-01").expect("flagged");
        assert_eq!(f.severity, Severity::High);
        assert!(f.title.contains("turned off"), "{}", f.title);
        let all = f.evidence.join(" | ");
        assert!(all.contains("not a session limit"), "{all}");
        assert_eq!(
            f.sessions, 0,
            "an app that cannot connect holds no sessions"
        );
    }

    #[test]
    fn which_apps_count_as_ews() {
        // Outlook for Mac's Exchange account: likely EWS (the legacy Outlook for Mac).
        let mac = ScanReport {
            accounts: vec![ews_account(ClientKind::OutlookMac, "exchange", None)],
            ..ScanReport::default()
        };
        let f = ews_finding(&mac, "2026-12-02").expect("flagged");
        assert!(f.evidence[0].contains("Outlook for Mac") && f.evidence[0].contains("likely EWS"));
        // On-premises Exchange keeps EWS: not flagged.
        let on_prem = ScanReport {
            accounts: vec![ews_account(
                ClientKind::Evolution,
                "ews",
                Some("mail.contoso.example"),
            )],
            ..ScanReport::default()
        };
        assert_eq!(ews_finding(&on_prem, "2026-12-02"), None);
        // IMAP is not EWS.
        let imap = ScanReport {
            accounts: vec![ews_account(
                ClientKind::Thunderbird,
                "imap",
                Some("outlook.office365.com"),
            )],
            ..ScanReport::default()
        };
        assert_eq!(ews_finding(&imap, "2026-12-02"), None);
        // Thunderbird's own Exchange (EWS) accounts are.
        let tb = ScanReport {
            accounts: vec![ews_account(
                ClientKind::Thunderbird,
                "ews",
                Some("outlook.office365.com"),
            )],
            ..ScanReport::default()
        };
        assert!(ews_finding(&tb, "2026-12-02").is_some());
        // Nothing EWS on the demo PC, nor on a clean one.
        assert_eq!(ews_finding(&ScanReport::default(), "2026-12-02"), None);
    }

    #[test]
    fn dates_are_written_as_microsoft_writes_them() {
        assert_eq!(
            long_date(Words::of(Lang::En), Day::parse("2026-10-01").expect("day")),
            "1 October 2026"
        );
        assert_eq!(
            long_date(Words::of(Lang::En), Day::parse("2027-04-01").expect("day")),
            "1 April 2027"
        );
        assert_eq!(
            long_date(Words::of(Lang::Es), Day::parse("2027-04-01").expect("day")),
            "1 de abril de 2027"
        );
    }

    #[test]
    fn disabled_connection_addins_do_not_count() {
        let mut scan = demo_scan();
        for a in scan.addins.iter_mut() {
            a.load_behavior = Some(0);
            a.crashing = false;
            a.disabled_by_outlook = false;
        }
        let c = codes(&diagnose(&scan, None, Lang::En));
        assert!(!c.contains(&FindingCode::AddinOpensConnections));
        assert!(!c.contains(&FindingCode::AddinCrashing));
    }

    fn imap_account(profile: &str, server: &str, max: u32, from: &str) -> scan::OtherAccount {
        scan::OtherAccount {
            client: ClientKind::Thunderbird,
            email: Some("Ann@Contoso.com".into()),
            host: Some("outlook.office365.com".into()),
            source: format!("/home/ann/.thunderbird/{profile}/prefs.js"),
            profile: Some(profile.into()),
            account_type: Some("imap".into()),
            imap_connections: Some(scan::ImapConnectionSetting {
                server_key: server.into(),
                profile_dir: format!("/home/ann/.thunderbird/{profile}"),
                max_connections: max,
                from: from.into(),
                pref: (from != "default")
                    .then(|| format!("mail.server.{server}.max_cached_connections")),
            }),
            notes: Vec::new(),
        }
    }

    #[test]
    fn imap_accounts_on_one_mailbox_add_up_against_the_imap_limit() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::ImapConnections)
            .expect("the demo's three IMAP accounts");
        assert_eq!(f.sessions, 15);
        assert_eq!(f.severity, Severity::Medium);
        assert!(
            f.title.starts_with("15 IMAP connections from this PC to "),
            "{}",
            f.title
        );
        assert_eq!(f.evidence.len(), 4, "{:#?}", f.evidence);
        let total = f.evidence.last().expect("total");
        assert!(
            total.contains("reported at about 20 concurrent connections per mailbox")
                && total.contains("Microsoft does not document it"),
            "{total}"
        );
        assert!(
            total.contains("node-imap issue 523"),
            "names its source: {total}"
        );
        assert!(!total.to_lowercase().contains("session"), "{total}");
        // One account alone under the limit is normal, not a finding.
        let one = ScanReport {
            accounts: vec![imap_account("a.default", "server1", 5, "default")],
            ..Default::default()
        };
        assert!(!codes(&diagnose(&one, None, Lang::En)).contains(&FindingCode::ImapConnections));
        // Two profiles on one mailbox (address case ignored) add up; user.js values count.
        let mut other = imap_account("b.work", "server2", 12, "user.js");
        other.email = Some("ann@contoso.com".into());
        let two = ScanReport {
            accounts: vec![imap_account("a.default", "server1", 8, "prefs.js"), other],
            ..Default::default()
        };
        let d = diagnose(&two, None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::ImapConnections)
            .expect("two profiles");
        assert_eq!((f.sessions, f.severity), (20, Severity::High));
        assert!(
            f.evidence[1].contains("mail.server.server2.max_cached_connections = 12 in user.js"),
            "{:#?}",
            f.evidence
        );
        assert_eq!(d.estimate.limit, Limit::ImapConnections);
        assert_eq!(d.estimate.counted, 20);
        // Another provider's IMAP is not Exchange Online's limit.
        let mut gmail = imap_account("a.default", "server1", 5, "default");
        gmail.host = Some("imap.gmail.com".into());
        let g = ScanReport {
            accounts: vec![gmail.clone(), gmail],
            ..Default::default()
        };
        assert!(!codes(&diagnose(&g, None, Lang::En)).contains(&FindingCode::ImapConnections));
    }

    #[test]
    fn mailboxes_added_to_profiles_are_counted_per_profile_with_the_user_steps() {
        let d = diagnose(&demo_scan(), None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::SharedMailboxes)
            .expect("the demo's shared mailbox");
        assert_eq!(f.sessions, 1);
        assert_eq!(
            f.title,
            "1 additional or shared mailbox open in 1 Outlook profile"
        );
        assert!(
            f.evidence[0].starts_with("profile \"Outlook\" (16.0): 1 additional or shared mailbox"),
            "{:#?}",
            f.evidence
        );
        assert!(
            f.evidence[0].contains("sales@contoso.example"),
            "{:#?}",
            f.evidence
        );
        assert!(
            f.advice
                .iter()
                .any(|a| a.contains("Change > More Settings > Advanced")),
            "{:#?}",
            f.advice
        );
        assert!(
            f.advice
                .iter()
                .any(|a| a.contains("Download shared folders"))
        );
        // Two profiles: one line each, with each profile's own count.
        let mut scan = demo_scan();
        scan.profiles[0].mailboxes = vec![
            "a@contoso.com".into(),
            "b@contoso.com".into(),
            "c@contoso.com".into(),
        ];
        scan.profiles[1].mailboxes = vec!["a@contoso.com".into()];
        let d = diagnose(&scan, None, Lang::En);
        let f = d
            .findings
            .iter()
            .find(|f| f.code == FindingCode::SharedMailboxes)
            .expect("finding");
        assert_eq!((f.sessions, f.severity), (4, Severity::Medium));
        assert_eq!(f.evidence.len(), 2);
        assert!(
            f.evidence[0].contains(": 3 additional or shared mailboxes"),
            "{:#?}",
            f.evidence
        );
        assert!(
            f.evidence[1].contains(": 1 additional or shared mailbox"),
            "{:#?}",
            f.evidence
        );
        // No mailboxes besides the accounts: no finding.
        for p in &mut scan.profiles {
            p.mailboxes.clear();
        }
        assert!(!codes(&diagnose(&scan, None, Lang::En)).contains(&FindingCode::SharedMailboxes));
        // Only this finding and the other-Windows-sessions one (whose step is about other
        // devices) carry advice of their own; the others point at their step.
        assert!(
            diagnose(&demo_scan(), None, Lang::En)
                .findings
                .iter()
                .filter(|f| !matches!(
                    f.code,
                    FindingCode::SharedMailboxes | FindingCode::OtherWindowsSessions
                ))
                .all(|f| f.advice.is_empty())
        );
    }
}
