//! What the report is made from. The doctor converts its diagnosis, plan progress and
//! repair journal into these lines, so this crate needs neither the doctor nor Tauri; codes,
//! severities, limits, tracks and step states stay the shared vocabulary's enums (`domain`).

pub use domain::{FindingCode, Limit, Severity, StepId, StepStatus, Track};
use serde::{Deserialize, Serialize};
use words::{Lang, Words};

/// Everything a report is built from. Nothing here reads the clock or the machine: the
/// caller passes the time, the OS and the app version in.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct ReportInput {
    /// Version of Session Doctor that made the report.
    pub app_version: String,
    /// When the report was made, RFC 3339 (passed in: no clock inside).
    pub generated_at: String,
    /// The account (UPN) the report is about; when `None`, the cloud snapshot's user.
    pub account: Option<String>,
    /// The error message the user saw, as pasted (may be `None`).
    pub error_message: Option<String>,
    /// Operating system name (`Windows 11 Pro`, `macOS`, `Ubuntu 24.04`), when known.
    pub os: Option<String>,
    /// The OS version, when known.
    pub os_version: Option<String>,
    /// This computer's name (personal: redacted as `device-N`).
    pub host_name: Option<String>,
    /// The OS user running the app (personal: redacted as `user-N`).
    pub os_user: Option<String>,
    /// `Some(true)` for Exchange Server on-premises, `Some(false)` for Exchange Online,
    /// `None` when unknown (the on-premises commands are then kept, marked as such).
    pub on_premises: Option<bool>,
    /// What the scan of this computer found.
    pub scan: Option<scan::ScanReport>,
    /// What the signed-in account showed (devices, sign-ins, notes).
    pub cloud: Option<cloud::CloudSnapshot>,
    /// Findings, most severe first.
    pub findings: Vec<FindingLine>,
    /// The limit most likely hit.
    pub limit: Option<LimitLine>,
    /// The plan's steps and how far the user got.
    pub steps: Vec<StepLine>,
    /// Changes made through the repair journal, oldest first.
    pub repairs: Vec<RepairLine>,
    /// "Before and now" measures.
    pub before_after: Vec<MeasureLine>,
    /// What the user told the guided fix (not measured by the app).
    pub answers: UserAnswers,
    /// The language the report is written in: the reader's. The values given above
    /// (findings, steps, the limit's reason) are already in it.
    pub lang: Lang,
}

/// What the user told the guided fix: facts only a person at the PC can see, reported as
/// the user's answers, never as something the app measured. No personal data in them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UserAnswers {
    /// Whether Outlook on the web works while classic Outlook fails (`None`: not asked or
    /// not answered).
    pub web_works: Option<bool>,
    /// Connections counted in Outlook's Connection Status dialog.
    pub connections_counted: Option<u32>,
}

impl UserAnswers {
    /// The answers as report lines (label, what the user said), in the order asked, in
    /// `lang`.
    pub fn lines(&self, lang: Lang) -> Vec<(String, String)> {
        let w = Words::of(lang);
        let mut out = Vec::new();
        if let Some(works) = self.web_works {
            out.push((
                w.t("report.answer.web", &[]),
                if works {
                    w.t("report.answer.web_works", &[])
                } else {
                    w.t("report.answer.web_fails", &[])
                },
            ));
        }
        if let Some(n) = self.connections_counted {
            out.push((
                w.t("report.answer.connection_status", &[]),
                w.count("report.answer.connections", u64::from(n), &[]),
            ));
        }
        out
    }
}

/// One finding with its evidence and the plan step that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FindingLine {
    /// Stable finding code (`duplicate_profiles`, `mobile_devices_near_limit`, ...).
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// Its title, in the user's language.
    pub title: String,
    /// Facts, one line each.
    pub evidence: Vec<String>,
    /// Plan step id that fixes it.
    pub step: Option<domain::StepId>,
    /// That step's title, as people read it ("Restart Outlook on this computer"). Older
    /// saved reports have none.
    #[serde(default)]
    pub step_title: Option<String>,
    /// What the user can do, one step per line (empty when the plan step says it).
    #[serde(default)]
    pub advice: Vec<String>,
}

/// The limit most likely hit, with the numbers behind the guess.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LimitLine {
    /// Which limit.
    pub name: Limit,
    /// The published number of the limit (0 when none is published).
    pub number: u32,
    /// Connections from this PC counted against it (a stand-in: the mailbox's sessions
    /// cannot be listed for Exchange Online).
    pub counted: u32,
    /// Why this limit, in the user's language.
    pub reason: String,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StepLine {
    /// The plan step's id.
    pub id: domain::StepId,
    /// Its title, in the user's language.
    pub title: String,
    /// Whose plan.
    pub track: Track,
    /// Where it stands.
    pub status: StepStatus,
}

/// One change made through the repair journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RepairLine {
    /// When, RFC 3339.
    pub when: String,
    /// The change, as its preview named it.
    pub what: String,
    /// How it ended (applied, undone, failed with why), in words.
    pub result: String,
    /// Put back since.
    pub undone: bool,
}

/// A "before and now" measure (Outlook windows, connections to Microsoft 365, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct MeasureLine {
    /// What is counted, in words.
    pub label: String,
    /// In the first scan.
    pub before: u32,
    /// In the last scan.
    pub now: u32,
}
