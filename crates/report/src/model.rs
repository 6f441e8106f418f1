//! The report itself: what is shown in the HTML, exported as JSON and summarised for a
//! ticket. [`build_report`] assembles it from a [`ReportInput`], keeps long lists short
//! (saying how much was left out), and redacts it unless personal data was asked for.

use serde::{Deserialize, Serialize};

use crate::commands::{self, AdminCommand, CommandContext};
use crate::input::{FindingLine, MeasureLine, RepairLine, ReportInput, StepLine, UserAnswers};
use crate::redact::Redactor;

/// Newest sign-ins kept in a report.
pub const MAX_SIGN_INS: usize = 50;
/// Devices kept (most recently seen first).
pub const MAX_DEVICES: usize = 100;
/// Profiles and other apps' accounts kept.
pub const MAX_PROFILES: usize = 50;
pub const MAX_OTHER_ACCOUNTS: usize = 50;
/// Findings kept, and evidence lines kept per finding.
pub const MAX_FINDINGS: usize = 100;
pub const MAX_EVIDENCE: usize = 20;
/// Repairs kept (newest).
pub const MAX_REPAIRS: usize = 200;
/// Longest free-text line kept, in characters.
pub const MAX_LINE: usize = 1000;

/// The default wording of the error when the user did not paste theirs.
pub const DEFAULT_ERROR: &str = "Outlook: \"exceeded the maximum number of allowed sessions\"";

/// A whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Report {
    /// Personal data replaced by pseudonyms (the default).
    pub redacted: bool,
    /// When it was made, RFC 3339.
    pub generated_at: String,
    /// The account the report is about (a pseudonym when redacted).
    pub account: Option<String>,
    pub summary: Summary,
    /// Most severe first.
    pub findings: Vec<FindingLine>,
    pub findings_left_out: u32,
    pub limit: Option<LimitView>,
    pub steps: Vec<StepLine>,
    /// Oldest first.
    pub repairs: Vec<RepairLine>,
    pub repairs_left_out: u32,
    pub before_after: Vec<MeasureLine>,
    /// What the user told the guided fix (their answers, not measurements).
    #[serde(default)]
    pub answers: UserAnswers,
    pub environment: Environment,
    pub profiles: Vec<ProfileLine>,
    pub profiles_left_out: u32,
    pub other_accounts: Vec<AccountLine>,
    pub other_accounts_left_out: u32,
    /// The account's devices, most recently seen first.
    pub devices: Vec<DeviceLine>,
    pub devices_left_out: u32,
    /// The newest sign-ins, newest first.
    pub sign_ins: Vec<SignInLine>,
    /// Older sign-ins not shown.
    pub sign_ins_left_out: u32,
    /// What the cloud side could not read, and where to look instead.
    pub cloud_notes: Vec<String>,
    /// Commands for IT, most relevant first.
    pub admin_commands: Vec<AdminCommand>,
    /// Why there are no admin commands, when there are none.
    pub admin_note: Option<String>,
}

/// The report in a few numbers and one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Summary {
    /// The error the user saw.
    pub error: String,
    pub headline: String,
    pub findings: u32,
    pub high_findings: u32,
    pub steps_done: u32,
    pub steps_total: u32,
    pub repairs: u32,
    pub repairs_undone: u32,
}

/// The limit most likely hit, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LimitView {
    /// The doctor's code (`mapi_sessions_per_user`) or the words given.
    pub code: String,
    pub label: String,
    /// Published number, 0 when none is published.
    pub number: u32,
    pub counted: u32,
    pub reason: String,
}

/// Where the report was made.
impl LimitView {
    /// The numbers in honest words: what was counted is connections from this PC (nobody
    /// can list a mailbox's Exchange Online sessions), and "N of LIMIT" only where a number
    /// is documented (`number` is 0 where none is published, as for Exchange Online MAPI).
    pub fn counts(&self) -> String {
        if self.number > 0 {
            format!(
                "{} of {}: connections from this PC against the documented limit",
                self.counted, self.number
            )
        } else {
            format!(
                "{} connections from this PC; the limit is not published for this service",
                self.counted
            )
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Environment {
    /// `unknown` when not given.
    pub os: String,
    pub os_version: Option<String>,
    /// This computer's name (a pseudonym when redacted).
    pub computer: Option<String>,
    pub app_version: String,
    /// Outlook variants seen running or set up here.
    pub outlook: Vec<ClientLine>,
    /// Other mail and calendar apps seen running or set up here.
    pub other_clients: Vec<ClientLine>,
    /// Scan sources that failed, with why.
    pub scan_problems: Vec<String>,
    /// Date of the Microsoft 365 address list that classified connections.
    pub m365_ranges_date: Option<String>,
}

/// One kind of mail client on this computer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ClientLine {
    /// The scan's kind (`classic_outlook`, `new_outlook`, ...).
    pub kind: String,
    pub label: String,
    /// What the scan could tell about the version, with where it came from; `None` when
    /// the scan does not show it (the report says "unknown" rather than guess).
    pub version: Option<String>,
    /// Windows the user opened (helper processes not counted).
    pub running: u32,
    /// Connections to Microsoft 365, when measured.
    pub microsoft_365_connections: Option<u32>,
    /// Accounts set up in it (for classic Outlook: in all profiles).
    pub accounts: u32,
}

/// A classic Outlook profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ProfileLine {
    pub name: String,
    pub version: String,
    pub is_default: bool,
    /// `address (kind)`, one per account.
    pub accounts: Vec<String>,
    pub shared_mailboxes: u32,
    /// The additional and shared mailboxes' addresses (auto-mapped or added), for the
    /// admin commands that fill them in.
    #[serde(default)]
    pub mailboxes: Vec<String>,
    pub duplicate_of: Vec<String>,
    pub cached_mode: Option<bool>,
    pub download_shared_folders: Option<bool>,
}

/// An account of another mail app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AccountLine {
    pub client: String,
    pub email: Option<String>,
    pub host: Option<String>,
    pub account_type: Option<String>,
}

/// A device linked to the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DeviceLine {
    /// `None` when Microsoft does not let this account read the device.
    pub name: Option<String>,
    /// System and version.
    pub operating_system: Option<String>,
    /// `joined`, `hybrid joined`, `registered`, or as Microsoft says.
    pub trust: Option<String>,
    pub last_sign_in: Option<String>,
    pub managed: Option<bool>,
    pub compliant: Option<bool>,
}

/// One sign-in of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SignInLine {
    pub when: String,
    pub app: String,
    pub client_app: String,
    pub device: Option<String>,
    pub operating_system: Option<String>,
    pub browser: Option<String>,
    /// City and country; the country only when redacted.
    pub location: Option<String>,
    /// Masked to its first two octets (or groups) when redacted.
    pub ip: Option<String>,
    pub success: bool,
    /// `code: reason` of a failed sign-in.
    pub error: Option<String>,
    pub interactive: bool,
}

impl Report {
    /// What is left when a report cannot be redacted: nothing personal at all.
    pub(crate) fn withheld(from: &Report) -> Report {
        Report {
            redacted: true,
            generated_at: from.generated_at.clone(),
            summary: Summary {
                error: DEFAULT_ERROR.to_owned(),
                headline: "The report could not be redacted, so its content was left out."
                    .to_owned(),
                ..Summary::default()
            },
            environment: Environment {
                os: "unknown".to_owned(),
                app_version: from.environment.app_version.clone(),
                ..Environment::default()
            },
            ..Report::default()
        }
    }
}

/// Builds the report. With `include_personal` false (the default the UI offers), every
/// string of it is redacted with consistent pseudonyms (see [`Redactor`]).
pub fn build_report(input: &ReportInput, include_personal: bool) -> Report {
    let mut report = assemble(input, include_personal);
    if !include_personal {
        report = Redactor::for_input(input).redact_report(report);
    }
    // Built from the (already redacted) account, so quoting never hides an address from
    // the redactor.
    let personal = is_personal_account(input, report.account.as_deref());
    let mut shared: Vec<&str> = Vec::new();
    for m in report.profiles.iter().flat_map(|p| p.mailboxes.iter()) {
        if !shared.iter().any(|s| s.eq_ignore_ascii_case(m)) {
            shared.push(m.as_str());
        }
    }
    let (admin_commands, admin_note) = commands::admin_commands(&CommandContext {
        account: report.account.as_deref(),
        shared_mailboxes: shared,
        limit: report.limit.as_ref().map(|l| l.code.as_str()),
        finding_codes: report.findings.iter().map(|f| f.code.as_str()).collect(),
        on_premises: input.on_premises,
        personal,
        web_works: input.answers.web_works,
    });
    report.admin_commands = admin_commands;
    report.admin_note = admin_note;
    report
}

fn assemble(input: &ReportInput, include_personal: bool) -> Report {
    let account = input
        .account
        .clone()
        .or_else(|| input.cloud.as_ref().and_then(|c| c.target.clone()))
        .or_else(|| input.cloud.as_ref().map(|c| c.account.upn.clone()));

    let (findings, findings_left_out) = keep_first(
        input.findings.iter().map(finding_line).collect(),
        MAX_FINDINGS,
    );
    let (repairs, repairs_left_out) = keep_last(input.repairs.clone(), MAX_REPAIRS);
    let limit = input.limit.as_ref().map(|l| LimitView {
        code: l.name.clone(),
        label: limit_label(&l.name),
        number: l.number,
        counted: l.counted,
        reason: clip(&l.reason),
    });

    let summary = summary(input, &limit);
    let environment = environment(input);

    let (profiles, profiles_left_out, other_accounts, other_accounts_left_out) = match &input.scan {
        Some(scan) => {
            let (p, pl) = keep_first(
                scan.profiles.iter().map(profile_line).collect(),
                MAX_PROFILES,
            );
            let (a, al) = keep_first(
                scan.accounts.iter().map(account_line).collect(),
                MAX_OTHER_ACCOUNTS,
            );
            (p, pl, a, al)
        }
        None => (Vec::new(), 0, Vec::new(), 0),
    };

    let (devices, devices_left_out, sign_ins, sign_ins_left_out, cloud_notes) = match &input.cloud {
        Some(c) => {
            let mut devices: Vec<&cloud::Device> = c.devices.iter().collect();
            // Most recently seen first; RFC 3339 strings of one source sort as time does.
            devices.sort_by(|a, b| b.last_sign_in.cmp(&a.last_sign_in));
            let (d, dl) = keep_first(devices.into_iter().map(device_line).collect(), MAX_DEVICES);
            let mut sign_ins: Vec<&cloud::SignIn> = c.sign_ins.iter().collect();
            sign_ins.sort_by(|a, b| b.created.cmp(&a.created));
            let s: Vec<SignInLine> = sign_ins
                .into_iter()
                .take(MAX_SIGN_INS)
                .map(|s| sign_in_line(s, include_personal))
                .collect();
            let sl = count(c.sign_ins.len() - s.len());
            let notes = c
                .notes
                .iter()
                .map(|n| match &n.manual {
                    Some(m) => format!("{} ({}: {})", n.message, m.title, m.url),
                    None => n.message.clone(),
                })
                .collect();
            (d, dl, s, sl, notes)
        }
        None => (Vec::new(), 0, Vec::new(), 0, Vec::new()),
    };

    Report {
        redacted: false,
        generated_at: input.generated_at.clone(),
        account,
        summary,
        findings,
        findings_left_out,
        limit,
        steps: input.steps.clone(),
        repairs,
        repairs_left_out,
        before_after: input.before_after.clone(),
        answers: input.answers,
        environment,
        profiles,
        profiles_left_out,
        other_accounts,
        other_accounts_left_out,
        devices,
        devices_left_out,
        sign_ins,
        sign_ins_left_out,
        cloud_notes,
        admin_commands: Vec::new(),
        admin_note: None,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The first `max` items and how many were left out.
fn keep_first<T>(mut items: Vec<T>, max: usize) -> (Vec<T>, u32) {
    let left_out = count(items.len().saturating_sub(max));
    items.truncate(max);
    (items, left_out)
}

/// The last `max` items and how many were left out.
fn keep_last<T>(mut items: Vec<T>, max: usize) -> (Vec<T>, u32) {
    let cut = items.len().saturating_sub(max);
    items.drain(..cut);
    (items, count(cut))
}

/// At most [`MAX_LINE`] characters, on one line.
fn clip(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= MAX_LINE {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(MAX_LINE).collect();
    cut.push('\u{2026}');
    cut
}

fn finding_line(f: &FindingLine) -> FindingLine {
    let mut evidence: Vec<String> = f
        .evidence
        .iter()
        .take(MAX_EVIDENCE)
        .map(|e| clip(e))
        .collect();
    if f.evidence.len() > MAX_EVIDENCE {
        evidence.push(format!("and {} more", f.evidence.len() - MAX_EVIDENCE));
    }
    FindingLine {
        code: f.code.clone(),
        severity: f.severity.clone(),
        title: clip(&f.title),
        evidence,
        step: f.step.clone(),
        step_title: f.step_title.as_deref().map(clip),
        advice: f
            .advice
            .iter()
            .take(MAX_EVIDENCE)
            .map(|a| clip(a))
            .collect(),
    }
}

/// Plain words for the doctor's limit codes; other text is shown as given.
pub fn limit_label(code: &str) -> String {
    match code {
        "mapi_sessions_per_user" => "MAPI sessions per user (Exchange store)",
        "service_sessions_per_user" => "Service sessions per user (IMAP, POP, OWA, EAS, EWS)",
        "rpc_client_access_concurrency" => "RPC Client Access concurrency (RCAMaxConcurrency)",
        "ews_concurrency" => "EWS concurrency (ErrorExceededConnectionCount)",
        "imap_connections" => "IMAP connections (Exchange Online)",
        "mobile_device_partnerships" => "Mobile device partnerships per mailbox",
        "exchange_power_shell_sessions" | "exchange_powershell_sessions" => {
            "Exchange Online PowerShell sessions"
        }
        "simple_mapi_sessions" => "Simple MAPI sessions (MAPI_E_TOO_MANY_SESSIONS)",
        "authentication_concurrency" => "Exchange Online authentication concurrency",
        "allowed_sessions" => "Allowed sessions (most often the MAPI or service session limit)",
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn summary(input: &ReportInput, limit: &Option<LimitView>) -> Summary {
    let findings = count(input.findings.len());
    let high_findings = count(
        input
            .findings
            .iter()
            .filter(|f| f.severity.eq_ignore_ascii_case("high"))
            .count(),
    );
    let steps_done = count(input.steps.iter().filter(|s| s.status == "done").count());
    let repairs_undone = count(input.repairs.iter().filter(|r| r.undone).count());
    let mut parts = Vec::new();
    parts.push(match (findings, high_findings) {
        (0, _) => "No cause found on this computer or account".to_owned(),
        (1, 1) => "1 finding, high severity".to_owned(),
        (1, _) => "1 finding".to_owned(),
        (n, 0) => format!("{n} findings"),
        (n, h) => format!("{n} findings, {h} of high severity"),
    });
    if let Some(l) = limit {
        parts.push(format!("likely limit: {} ({})", l.label, l.counts()));
    }
    if !input.steps.is_empty() {
        parts.push(format!("{steps_done} of {} steps done", input.steps.len()));
    }
    if !input.repairs.is_empty() {
        parts.push(format!(
            "{} repair{} made",
            input.repairs.len(),
            if input.repairs.len() == 1 { "" } else { "s" }
        ));
    }
    Summary {
        error: input
            .error_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(clip)
            .unwrap_or_else(|| DEFAULT_ERROR.to_owned()),
        headline: format!("{}.", parts.join("; ")),
        findings,
        high_findings,
        steps_done,
        steps_total: count(input.steps.len()),
        repairs: count(input.repairs.len()),
        repairs_undone,
    }
}

/// Outlook variants, in the order the report lists them.
const OUTLOOK_KINDS: &[&str] = &[
    "classic_outlook",
    "new_outlook",
    "outlook_mac",
    "outlook_web_app",
    "windows_mail",
];

/// Other clients, in the order the report lists them.
const OTHER_KINDS: &[&str] = &[
    "teams",
    "thunderbird",
    "evolution",
    "em_client",
    "apple_mail",
    "prospect_mail",
    "mapi_client",
];

/// Plain name of a client kind.
pub fn client_label(kind: &str) -> String {
    match kind {
        "classic_outlook" => "Classic Outlook for Windows",
        "new_outlook" => "New Outlook for Windows",
        "windows_mail" => "Windows Mail and Calendar",
        "outlook_mac" => "Outlook for Mac",
        "teams" => "Microsoft Teams",
        "outlook_web_app" => "Outlook installed as a web app",
        "thunderbird" => "Thunderbird",
        "evolution" => "Evolution",
        "em_client" => "eM Client",
        "apple_mail" => "Apple Mail",
        "prospect_mail" => "Prospect Mail",
        "mapi_client" => "Programs using Outlook's MAPI",
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn environment(input: &ReportInput) -> Environment {
    let mut outlook = Vec::new();
    let mut other_clients = Vec::new();
    let mut scan_problems = Vec::new();
    if let Some(scan) = &input.scan {
        let mut kinds: Vec<String> = OUTLOOK_KINDS
            .iter()
            .chain(OTHER_KINDS)
            .map(|k| (*k).to_owned())
            .collect();
        // Kinds the scan may learn later are listed too, after the known ones.
        for k in scan
            .processes
            .iter()
            .map(|p| p.kind.as_str())
            .chain(scan.accounts.iter().map(|a| a.client.as_str()))
        {
            if !kinds.iter().any(|x| x == k) {
                kinds.push(k.to_owned());
            }
        }
        for kind in kinds {
            let line = client_line(scan, &kind);
            if line.running == 0 && line.accounts == 0 && line.version.is_none() {
                continue;
            }
            if OUTLOOK_KINDS.contains(&kind.as_str()) {
                outlook.push(line);
            } else {
                other_clients.push(line);
            }
        }
        scan_problems = scan
            .sources
            .iter()
            .filter(|s| s.status == scan::SourceStatus::Failed)
            .map(|s| match &s.reason {
                Some(r) => format!("{}: {}", s.name, clip(r)),
                None => s.name.clone(),
            })
            .collect();
    }
    Environment {
        os: input
            .os
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned()),
        os_version: input.os_version.clone(),
        computer: input.host_name.clone(),
        app_version: input.app_version.clone(),
        outlook,
        other_clients,
        scan_problems,
        m365_ranges_date: input
            .scan
            .as_ref()
            .map(|s| s.m365_ranges_date.clone())
            .filter(|d| !d.is_empty()),
    }
}

fn client_line(scan: &scan::ScanReport, kind: &str) -> ClientLine {
    let procs: Vec<&scan::ProcessInfo> = scan
        .processes
        .iter()
        .filter(|p| p.kind.as_str() == kind)
        .collect();
    let running = count(procs.iter().filter(|p| !p.helper).count());
    let measured: Vec<u32> = procs
        .iter()
        .filter_map(|p| p.connections.map(|c| c.microsoft_365))
        .collect();
    let microsoft_365_connections = (!measured.is_empty()).then(|| measured.iter().sum());
    let accounts = if kind == "classic_outlook" {
        count(scan.profiles.iter().map(|p| p.accounts.len()).sum())
    } else {
        count(
            scan.accounts
                .iter()
                .filter(|a| a.client.as_str() == kind)
                .count(),
        )
    };
    let mut version = procs
        .iter()
        .filter_map(|p| p.exe.as_deref().and_then(version_from_exe))
        .next();
    if version.is_none() && kind == "classic_outlook" {
        version = classic_version_from_profiles(scan);
    }
    ClientLine {
        kind: kind.to_owned(),
        label: client_label(kind),
        version,
        running,
        microsoft_365_connections,
        accounts,
    }
}

/// What the program's path says about its version: Office's `Office16` folder, or the
/// version in a Store package folder (`Microsoft.OutlookForWindows_1.2024.1023.300_x64__...`).
fn version_from_exe(exe: &str) -> Option<String> {
    let parts: Vec<&str> = exe.split(['\\', '/']).collect();
    for (i, part) in parts.iter().enumerate() {
        let lower = part.to_ascii_lowercase();
        if let Some(n) = lower.strip_prefix("office")
            && let Ok(major) = n.parse::<u32>()
            && (11..=30).contains(&major)
        {
            return Some(format!("{major}.0 (from the install folder)"));
        }
        if lower == "windowsapps"
            && let Some(package) = parts.get(i + 1)
            && let Some(v) = package.split('_').nth(1)
            && !v.is_empty()
            && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Some(format!("{v} (from the app package)"));
        }
    }
    None
}

fn classic_version_from_profiles(scan: &scan::ScanReport) -> Option<String> {
    let has = |v: &str| scan.profiles.iter().any(|p| p.version == v);
    if has("16.0") {
        Some("16.0 (Outlook 2016 or later, from the profile's registry key)".to_owned())
    } else if has("15.0") {
        Some("15.0 (Outlook 2013, from the profile's registry key)".to_owned())
    } else if has("windows_messaging_subsystem") {
        Some("2010 or older (from the profile's registry key)".to_owned())
    } else {
        None
    }
}

fn profile_line(p: &scan::Profile) -> ProfileLine {
    ProfileLine {
        name: p.name.clone(),
        version: p.version.clone(),
        is_default: p.is_default,
        accounts: p
            .accounts
            .iter()
            .take(MAX_EVIDENCE)
            .map(|a| {
                let who = a
                    .email
                    .clone()
                    .or_else(|| a.display_name.clone())
                    .or_else(|| a.account_name.clone())
                    .unwrap_or_else(|| "(no address)".to_owned());
                format!("{who} ({})", a.kind)
            })
            .collect(),
        shared_mailboxes: count(p.mailboxes.len()),
        mailboxes: p.mailboxes.iter().take(MAX_EVIDENCE).cloned().collect(),
        duplicate_of: p.duplicate_of.clone(),
        cached_mode: p.cached_mode,
        download_shared_folders: p.download_shared_folders,
    }
}

fn account_line(a: &scan::OtherAccount) -> AccountLine {
    AccountLine {
        client: client_label(a.client.as_str()),
        email: a.email.clone(),
        host: a.host.clone(),
        account_type: a.account_type.clone(),
    }
}

fn device_line(d: &cloud::Device) -> DeviceLine {
    let operating_system = match (&d.operating_system, &d.operating_system_version) {
        (Some(os), Some(v)) => Some(format!("{os} {v}")),
        (Some(os), None) => Some(os.clone()),
        (None, v) => v.clone(),
    };
    DeviceLine {
        name: d.display_name.clone(),
        operating_system,
        trust: d.trust_type.as_deref().map(|t| {
            match t {
                "AzureAd" => "joined",
                "ServerAd" => "hybrid joined",
                "Workplace" => "registered",
                other => other,
            }
            .to_owned()
        }),
        last_sign_in: d.last_sign_in.clone(),
        managed: d.is_managed,
        compliant: d.is_compliant,
    }
}

fn sign_in_line(s: &cloud::SignIn, include_personal: bool) -> SignInLine {
    let location = if include_personal {
        match (&s.city, &s.country) {
            (Some(city), Some(country)) => Some(format!("{city}, {country}")),
            (Some(city), None) => Some(city.clone()),
            (None, country) => country.clone(),
        }
    } else {
        s.country.clone()
    };
    SignInLine {
        when: s.created.clone(),
        app: s.app.clone(),
        client_app: s.client_app.clone(),
        device: s.device.clone(),
        operating_system: s.operating_system.clone(),
        browser: s.browser.clone(),
        location,
        ip: s.ip_address.clone(),
        success: s.success,
        error: (!s.success).then(|| match &s.failure_reason {
            Some(r) => format!("{}: {r}", s.error_code),
            None => s.error_code.to_string(),
        }),
        interactive: s.interactive,
    }
}

/// Personal Microsoft accounts have no admin, so no admin commands.
fn is_personal_account(input: &ReportInput, account: Option<&str>) -> bool {
    if let Some(c) = &input.cloud
        && c.target.is_none()
        && c.account.kind == cloud::AccountKind::Personal
    {
        return true;
    }
    let domain = input
        .account
        .as_deref()
        .or(account)
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    ["outlook.", "hotmail.", "live.", "msn.com", "passport.com"]
        .iter()
        .any(|p| domain.starts_with(p) || domain == *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_paths() {
        assert_eq!(
            version_from_exe("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE")
                .as_deref(),
            Some("16.0 (from the install folder)")
        );
        assert_eq!(
            version_from_exe("C:\\Program Files\\WindowsApps\\Microsoft.OutlookForWindows_1.2024.1023.300_x64__8wekyb3d8bbwe\\olk.exe").as_deref(),
            Some("1.2024.1023.300 (from the app package)")
        );
        assert_eq!(version_from_exe("/usr/bin/thunderbird"), None);
        assert_eq!(version_from_exe("C:\\OfficeTools\\x.exe"), None);
    }

    #[test]
    fn lists_are_cut_with_a_count() {
        assert_eq!(keep_first(vec![1, 2, 3], 2), (vec![1, 2], 1));
        assert_eq!(keep_last(vec![1, 2, 3], 2), (vec![2, 3], 1));
        assert_eq!(keep_last(vec![1], 2), (vec![1], 0));
        let long = "x".repeat(MAX_LINE + 10);
        assert_eq!(clip(&long).chars().count(), MAX_LINE + 1);
        assert_eq!(clip("a\nb"), "a b");
    }

    #[test]
    fn round_trip_through_json_is_lossless() {
        let report = build_report(
            &ReportInput {
                app_version: "0.1.0".into(),
                generated_at: "2025-01-01T00:00:00Z".into(),
                findings: vec![FindingLine {
                    code: "duplicate_profiles".into(),
                    severity: "high".into(),
                    title: "Two profiles".into(),
                    evidence: vec!["same account twice".into()],
                    step: Some("profiles".into()),
                    step_title: Some("Remove the duplicate profile".into()),
                    advice: vec!["remove one".into()],
                }],
                ..ReportInput::default()
            },
            true,
        );
        let mut again = Redactor::new().redact_report(report.clone());
        again.redacted = report.redacted;
        assert_eq!(again, report);
    }
}
