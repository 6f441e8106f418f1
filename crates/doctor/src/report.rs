//! The help-desk report of this session: what the scan found, the diagnosis, the repairs
//! from the journal, the steps the user went through and the before/now counts, handed to
//! the `report` crate, which redacts and renders. Saved files are written atomically and
//! readable by their owner only.

use std::path::{Path, PathBuf};

use report::{FindingLine, LimitLine, MeasureLine, RepairLine, Report, ReportInput, StepLine};
use scan::ScanReport;
use serde::{Deserialize, Serialize};
use settings::ReportFormat;

use crate::context::AppContext;
use crate::error::{AppError, ErrorCode};
use crate::plan::{Track, plan};
use words::{Lang, Words};

/// A step of the plan and what the user did with it (the UI keeps this progress).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StepProgress {
    /// The step's id.
    pub id: crate::plan::StepId,
    /// Done or skipped; steps not listed are pending.
    pub status: domain::StepStatus,
}

/// What the report covers, as the user chose it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReportRequest {
    /// Names, addresses, device names and IPs as they are; pseudonyms otherwise.
    pub include_personal_data: bool,
    /// Whose plan (the saved progress's when absent).
    pub track: Option<Track>,
    /// What the user did with each step (the saved progress's when empty).
    pub steps: Vec<StepProgress>,
    /// The error text the user saw, if they pasted it into the decoder.
    pub error_message: Option<String>,
}

/// The report with its two renderings, for the preview and "copy for a ticket".
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReportView {
    /// The report itself.
    pub report: Report,
    /// Its HTML.
    pub html: String,
    /// Its ticket text.
    pub ticket: String,
    /// Why the report is not what was asked for (IT keeps personal data out of reports),
    /// to show next to the preview; `None` when it is.
    pub notice: Option<String>,
}

/// What the report includes once IT's settings have had their say: personal data only
/// when asked for and not forbidden by the config file (`report.include_personal_data =
/// false` without `allow_user_overrides`). The sentence says why a request was refused.
/// The sentence is in `lang`.
pub fn personal_data_choice(
    request: &ReportRequest,
    preset: &settings::Settings,
    lang: Lang,
) -> (bool, Option<String>) {
    if request.include_personal_data && preset.personal_data_forbidden() {
        return (
            false,
            Some(Words::of(lang).t("report.personal_refused", &[("file", &preset.file)])),
        );
    }
    (request.include_personal_data, None)
}

/// A report written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SavedReport {
    /// Where.
    pub path: String,
    /// HTML or JSON.
    pub format: ReportFormat,
    /// Its size in bytes.
    pub bytes: u32,
    /// Whether personal data was replaced by pseudonyms.
    pub redacted: bool,
}

/// Every measure, first scan and last: the same counts as the screens' before/now
/// ([`crate::session`]), named with the catalog's words in the report's language.
fn before_after(
    first: Option<&ScanReport>,
    last: Option<&ScanReport>,
    lang: Lang,
) -> Vec<MeasureLine> {
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let words = Words::of(lang);
    crate::session::before_and_now(first, last)
        .into_iter()
        .map(|c| MeasureLine {
            label: words.t(c.measure.key(), &[]),
            before: c.before,
            now: c.now,
        })
        .collect()
}

/// A journal entry's state in words.
fn repair_state(w: &Words, state: &repair::journal::EntryState) -> String {
    use repair::journal::EntryState;
    match state {
        EntryState::Planned => w.t("report.repair.planned", &[]),
        EntryState::BackedUp => w.t("report.repair.backed_up", &[]),
        EntryState::Applied => w.t("report.repair.applied", &[]),
        EntryState::Undone => w.t("report.repair.undone", &[]),
        EntryState::Failed => w.t("report.repair.failed", &[]),
        EntryState::RolledBack => w.t("report.repair.rolled_back", &[]),
    }
}

fn repair_line(e: &repair::EntryView, lang: Lang) -> RepairLine {
    let when = platform::time::rfc3339(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(e.created_at_ms.max(0.0) as u64),
    );
    let state = repair_state(Words::of(lang), &e.state);
    let result = match &e.error {
        Some(err) => format!("{state}: {err}"),
        None => state,
    };
    RepairLine {
        when,
        what: e.preview.title.clone(),
        result,
        undone: matches!(e.state, repair::journal::EntryState::Undone),
    }
}

/// The facts of one session, gathered by the app or the CLI.
#[derive(Debug, Default)]
pub struct SessionFacts {
    /// The first scan (the "before") and the last one (the "now").
    pub first_scan: Option<ScanReport>,
    /// The last scan.
    pub last_scan: Option<ScanReport>,
    /// The account's snapshot, when signed in.
    pub cloud: Option<cloud::CloudSnapshot>,
    /// The journal's entries.
    pub journal: Vec<repair::EntryView>,
    /// The machine the session looked at: this computer, or the demo's simulated PC.
    pub host: crate::host::HostFacts,
    /// What the user answered in the guided fix (from its saved progress).
    pub answers: crate::wizard::WizardAnswers,
    /// The guided fix's saved progress: its track, step states and the pasted error stand in
    /// for what a request leaves out, so the backend's session reaches the report whatever
    /// the caller sends.
    pub progress: Option<crate::wizard::WizardProgress>,
    /// The language the report is written in (the diagnosis and the steps too).
    pub lang: Lang,
}

/// Everything the report needs, from the session's facts and the user's request.
pub fn report_input(facts: SessionFacts, request: &ReportRequest) -> ReportInput {
    let SessionFacts {
        first_scan: first,
        last_scan: scan,
        cloud,
        journal,
        host,
        answers,
        progress,
        lang,
    } = facts;
    let words = Words::of(lang);
    let track = request
        .track
        .or_else(|| progress.as_ref().and_then(|p| p.track))
        .unwrap_or(Track::Work);
    let step_states: Vec<StepProgress> = if request.steps.is_empty() {
        progress
            .as_ref()
            .map(|p| {
                p.states
                    .iter()
                    .map(|(id, state)| StepProgress {
                        id: *id,
                        status: *state,
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        request.steps.clone()
    };
    let error_message = request
        .error_message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .or_else(|| progress.as_ref().and_then(|p| p.message.clone()));
    let diagnosis = scan
        .as_ref()
        .map(|s| crate::diagnose::diagnose(s, cloud.as_ref(), lang));
    let findings = diagnosis
        .as_ref()
        .map(|d| {
            d.findings
                .iter()
                .map(|f| FindingLine {
                    code: f.code,
                    severity: f.severity,
                    title: f.title.clone(),
                    evidence: f.evidence.clone(),
                    step: Some(f.step),
                    step_title: words
                        .step(f.step.as_str())
                        .map(|t| t.title.clone())
                        .or_else(|| crate::plan::step_title(f.step).map(str::to_owned)),
                    advice: f.advice.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let limit = diagnosis.as_ref().map(|d| LimitLine {
        name: d.estimate.limit,
        // 0: no number is documented for the service (the report says "not published").
        number: d.estimate.limit_number.unwrap_or(0),
        counted: d.estimate.counted,
        reason: d.estimate.reason.clone(),
    });
    let steps = plan(track)
        .into_iter()
        .map(|s| StepLine {
            status: step_states
                .iter()
                .find(|p| p.id == s.id)
                .map_or(domain::StepStatus::Pending, |p| p.status),
            track: s.track,
            title: words
                .step(s.id.as_str())
                .map_or(s.title, |t| t.title.clone()),
            id: s.id,
        })
        .collect();
    let repairs = journal.iter().map(|e| repair_line(e, lang)).collect();
    let account = cloud.as_ref().map(|c| c.account.upn.clone()).or_else(|| {
        // Not signed in: the mailbox of the default Outlook profile is who it is about.
        scan.as_ref().and_then(|s| {
            s.profiles
                .iter()
                .find(|p| p.is_default)
                .and_then(|p| p.accounts.iter().find_map(|a| a.email.clone()))
        })
    });
    ReportInput {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        generated_at: platform::time::rfc3339(std::time::SystemTime::now()),
        account,
        error_message: error_message
            .as_deref()
            .map(|t| bounded_error_text(t, lang)),
        os: host.os,
        os_version: host.os_version,
        host_name: host.host_name,
        os_user: host.os_user,
        on_premises: None,
        before_after: before_after(first.as_ref(), scan.as_ref(), lang),
        scan,
        cloud,
        findings,
        limit,
        steps,
        repairs,
        answers: report::UserAnswers {
            web_works: answers.web_works,
            connections_counted: answers.connections_counted,
        },
        lang,
    }
}

impl AppContext {
    /// Everything the report needs from this session.
    pub fn report_input(&self, request: &ReportRequest) -> ReportInput {
        // One read of the saved progress serves the answers and the progress.
        let progress = self.wizard_progress().ok();
        let facts = SessionFacts {
            first_scan: self.first_scan(),
            last_scan: self.last_scan(),
            cloud: self.account().last_snapshot(),
            journal: self.journal().unwrap_or_default(),
            host: self.host_facts(),
            answers: progress.as_ref().map(|p| p.answers).unwrap_or_default(),
            progress,
            lang: self.lang(),
        };
        report_input(facts, request)
    }

    /// The report, redacted unless the user asked otherwise and IT allows it, with its HTML
    /// and ticket text. A refused request for personal data gives a redacted report and
    /// the reason in `notice`; saving goes through here too, so nothing unredacted is
    /// written either.
    pub fn build_report(&self, request: &ReportRequest) -> ReportView {
        let (include_personal_data, notice) =
            personal_data_choice(request, &self.settings(), self.lang());
        let report = report::build_report(&self.report_input(request), include_personal_data);
        ReportView {
            html: report::to_html(&report),
            ticket: report::ticket_summary(&report),
            report,
            notice,
        }
    }

    /// Saves the report as `format` to `target`, or, without one, into the folder IT preset
    /// (`report.folder`) under a dated name. Never overwrites another file silently: an
    /// existing name gets a number.
    pub fn save_report(
        &self,
        request: &ReportRequest,
        format: ReportFormat,
        target: Option<PathBuf>,
    ) -> Result<SavedReport, AppError> {
        let view = self.build_report(request);
        let w = Words::of(self.lang());
        let bytes = match format {
            ReportFormat::Html => view.html.into_bytes(),
            ReportFormat::Json => report::to_json(&view.report)
                .map_err(|e| {
                    AppError::new(
                        ErrorCode::Internal,
                        w.t("app.error.report_json", &[("detail", &e)]),
                        w.t("app.error.report_json.hint", &[]),
                    )
                })?
                .into_bytes(),
        };
        let path = match target {
            Some(p) => p,
            None => {
                let folder = self.settings().report_folder.value.ok_or_else(|| {
                    AppError::new(
                        ErrorCode::InvalidInput,
                        w.t("app.error.report_no_place", &[]),
                        w.t("app.error.report_no_place.hint", &[]),
                    )
                })?;
                free_name(Path::new(&folder), &view.report.generated_at, format)
            }
        };
        repair::write_private_file(&path, &bytes).map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                w.t(
                    "app.error.report_not_saved",
                    &[("path", &path.display()), ("detail", &e)],
                ),
                w.t("app.error.report_not_saved.hint", &[]),
            )
        })?;
        Ok(SavedReport {
            path: path.display().to_string(),
            format,
            bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            redacted: view.report.redacted,
        })
    }
}

impl AppContext {
    /// "Save report": into the folder IT preset, if any, else where the user picks in the
    /// save dialog. `Ok(None)` when the user cancelled the dialog.
    pub async fn save_report_interactive(
        &self,
        request: &ReportRequest,
        format: ReportFormat,
    ) -> Result<Option<SavedReport>, AppError> {
        if self.settings().report_folder.value.is_some() {
            return self.save_report(request, format, None).map(Some);
        }
        let w = Words::of(self.lang());
        let picker = self.save_picker().ok_or_else(|| {
            AppError::new(
                ErrorCode::Internal,
                w.t("app.error.no_save_dialog", &[]),
                w.t("app.error.no_save_dialog.hint", &[]),
            )
        })?;
        let name = match format {
            ReportFormat::Html => "session-doctor-report.html",
            ReportFormat::Json => "session-doctor-report.json",
        };
        // The dialog blocks until the user answers: keep it off the async runtime.
        let chosen = tokio::task::spawn_blocking(move || picker(name))
            .await
            .map_err(|e| {
                AppError::new(
                    ErrorCode::Internal,
                    w.t("app.error.save_dialog_closed", &[("detail", &e)]),
                    w.t("app.error.save_dialog_closed.hint", &[]),
                )
            })?;
        match chosen {
            Some(path) => self.save_report(request, format, Some(path)).map(Some),
            None => Ok(None),
        }
    }
}

/// `session-doctor-report-2026-11-27T1015.html`, or `...-2.html` when taken.
fn free_name(folder: &Path, generated_at: &str, format: ReportFormat) -> PathBuf {
    let stamp: String = generated_at
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(15)
        .collect();
    let ext = match format {
        ReportFormat::Html => "html",
        ReportFormat::Json => "json",
    };
    let mut candidate = folder.join(format!("session-doctor-report-{stamp}.{ext}"));
    let mut n = 2;
    while candidate.exists() {
        candidate = folder.join(format!("session-doctor-report-{stamp}-{n}.{ext}"));
        n += 1;
    }
    candidate
}

/// The serde name of a unit enum variant (`high`, `duplicate_profiles`).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_never_overwrite() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = free_name(dir.path(), "2026-11-27T10:15:00Z", ReportFormat::Html);
        assert!(
            a.ends_with("session-doctor-report-2026-11-27T1015.html"),
            "{a:?}"
        );
        std::fs::write(&a, "x").expect("write");
        let b = free_name(dir.path(), "2026-11-27T10:15:00Z", ReportFormat::Html);
        assert!(
            b.ends_with("session-doctor-report-2026-11-27T1015-2.html"),
            "{b:?}"
        );
    }
}

/// The pasted error as the report keeps it: at most [`crate::limits::MAX_ERROR_TEXT_BYTES`]
/// (what the decoder accepts), cut on a char boundary and saying so, never a whole pasted
/// log sent over IPC into a help-desk ticket.
fn bounded_error_text(text: &str, lang: Lang) -> String {
    let max = crate::limits::MAX_ERROR_TEXT_BYTES;
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Words::of(lang).t(
        "report.error_cut",
        &[
            ("text", &&text[..end]),
            ("bytes", &text.len()),
            ("max", &max),
        ],
    )
}

#[cfg(test)]
mod bounded_tests {
    use super::bounded_error_text;
    use crate::limits::MAX_ERROR_TEXT_BYTES;
    use words::Lang;

    #[test]
    fn a_pasted_error_is_kept_whole_up_to_the_limit_and_cut_visibly_past_it() {
        assert_eq!(
            bounded_error_text("Exceeded the maximum number", Lang::En),
            "Exceeded the maximum number"
        );
        let huge = "é".repeat(MAX_ERROR_TEXT_BYTES); // 2 bytes a char: twice the limit
        let kept = bounded_error_text(&huge, Lang::En);
        assert!(kept.len() < MAX_ERROR_TEXT_BYTES + 100, "{}", kept.len());
        assert!(kept.ends_with(&format!(
            "[cut: the pasted text was {} bytes; the report keeps {MAX_ERROR_TEXT_BYTES}]",
            huge.len()
        )));
    }
}

#[cfg(test)]
mod session_tests {
    use super::*;
    use crate::wizard::{StepStatus, WizardProgress};

    #[tokio::test]
    async fn the_saved_progress_and_pasted_error_reach_the_report_without_the_caller_sending_them()
    {
        let ctx = crate::context::AppContext::demo().expect("demo");
        ctx.scan(|_| {}).await.expect("scan");
        let mut progress = WizardProgress {
            track: Some(Track::Personal),
            message: Some("Exceeded the maximum number of allowed sessions".to_owned()),
            ..WizardProgress::default()
        };
        let first = plan(Track::Personal)[0].id;
        progress.states.insert(first, StepStatus::Done);
        ctx.save_wizard_progress(progress).expect("saved");
        let input = ctx.report_input(&ReportRequest::default());
        assert_eq!(
            input.error_message.as_deref(),
            Some("Exceeded the maximum number of allowed sessions")
        );
        let step = input.steps.iter().find(|s| s.id == first).expect("step");
        assert_eq!(
            (step.track, step.status),
            (Track::Personal, domain::StepStatus::Done)
        );
        // What the caller does send still wins.
        let asked = ctx.report_input(&ReportRequest {
            error_message: Some("event 9646".to_owned()),
            track: Some(Track::Work),
            ..ReportRequest::default()
        });
        assert_eq!(asked.error_message.as_deref(), Some("event 9646"));
        assert!(asked.steps.iter().all(|s| s.track == Track::Work));
    }
}
