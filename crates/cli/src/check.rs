//! `session-doctor-cli check`: the app's start check, then the scan and its diagnosis, in
//! one answer a fleet tool can act on.
//!
//! Contract: `check [--exit-code] [--json] [scan options]`. With `--exit-code` the exit
//! status is the answer, for Intune Remediations and Configuration Manager (see
//! `docs/fleet/`):
//!
//! | exit | result            | when |
//! |------|-------------------|------|
//! | 0    | `clean`           | the check ran and found nothing |
//! | 1    | `findings`        | the diagnosis has at least one finding |
//! | 2    | `could_not_check` | bad input (an unreadable `--registry-file`, a `--home` that is not a folder), the start check failed, or a source the findings rest on failed and nothing was found |
//!
//! Findings win over a failed source: what was found is real even if another source could
//! not be read, and remediation is what should happen next. Nothing found while such a
//! source failed is not "clean": the part that failed may hold the cause. Argument errors
//! are clap's, which also exits 2. Without `--exit-code`, any finding still exits 0 and an
//! error exits 1, as every other command.

use std::process::ExitCode;

use clap::Args;
use doctor::Lang;
use doctor::diagnose::{Finding, diagnose};
use doctor::{Mode, StartReport, start_check};
use scan::{ScanReport, SourceStatus};
use serde::Serialize;

use crate::Language;
use crate::output::print_json;
use crate::scan::{ScanArgs, check_inputs, report as scan_report};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scan's options; --demo also checks that the simulated tenant answers.
    #[command(flatten)]
    scan: ScanArgs,
    /// Exit 0 when nothing is found, 1 when there are findings, 2 when the check could not
    /// be done (for Intune detection scripts and Configuration Manager).
    #[arg(long)]
    exit_code: bool,
}

/// The sources the findings rest on: Outlook's processes, profiles and add-ins. The others
/// (other mail apps' files, saved sign-ins, socket counts) add detail; when one of them
/// fails the answer is still meaningful, and it is listed in `sources` of `scan --json`.
const ESSENTIAL_SOURCES: &[&str] = &["processes", "registry", "outlook_profiles", "addins"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Clean,
    Findings,
    CouldNotCheck,
}

impl CheckResult {
    /// The exit status `--exit-code` gives this result.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Findings => 1,
            Self::CouldNotCheck => 2,
        }
    }
}

/// A source the findings rest on that failed, and why.
#[derive(Debug, Clone, Serialize)]
struct FailedSource {
    name: String,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct CheckOutput {
    result: CheckResult,
    /// The status `--exit-code` exits with (given even without the flag, for scripts that
    /// read the JSON instead).
    exit_code: u8,
    /// The start check's fields (app version, OS, mode, tenant, its summary sentence); absent
    /// when the start check itself failed.
    #[serde(flatten)]
    start: Option<StartReport>,
    /// One sentence: the answer.
    verdict: String,
    /// The diagnosis' findings, most severe first.
    findings: Vec<Finding>,
    /// Sources the findings rest on that failed.
    failed_sources: Vec<FailedSource>,
    /// Why the check could not be done, with `could_not_check`.
    error: Option<String>,
}

/// The result for a scan's findings and sources.
fn classify(findings: &[Finding], failed: &[FailedSource]) -> CheckResult {
    if !findings.is_empty() {
        CheckResult::Findings
    } else if !failed.is_empty() {
        CheckResult::CouldNotCheck
    } else {
        CheckResult::Clean
    }
}

fn failed_sources(scan: &ScanReport, lang: Lang) -> Vec<FailedSource> {
    scan.sources
        .iter()
        .filter(|s| {
            s.status == SourceStatus::Failed && ESSENTIAL_SOURCES.contains(&s.name.as_str())
        })
        .map(|s| FailedSource {
            name: s.name.clone(),
            reason: s.reason_worded(lang),
        })
        .collect()
}

fn verdict(
    result: CheckResult,
    findings: &[Finding],
    failed: &[FailedSource],
    lang: Lang,
) -> String {
    let w = words::Words::of(lang);
    match result {
        CheckResult::Clean => w.t("cli.check.clean", &[]),
        CheckResult::Findings => {
            let titles: Vec<&str> = findings.iter().map(|f| f.title.as_str()).collect();
            w.count(
                "cli.check.findings",
                findings.len() as u64,
                &[("titles", &titles.join("; "))],
            )
        }
        CheckResult::CouldNotCheck => {
            let names: Vec<&str> = failed.iter().map(|s| s.name.as_str()).collect();
            w.t("cli.check.sources_failed", &[("names", &names.join(", "))])
        }
    }
}

/// Runs the start check, the scan and the diagnosis. `Err` is "could not check".
fn check(args: &CheckArgs, lang: Lang) -> Result<CheckOutput, String> {
    // Bad input is refused before anything runs, as scan and diagnose do.
    check_inputs(&args.scan)?;
    // The sandbox must outlive the check: keep the handle in scope.
    let sandbox = if args.scan.demo {
        Some(sandbox::Sandbox::start().map_err(|e| e.to_string())?)
    } else {
        None
    };
    let mode = match &sandbox {
        Some(s) => Mode::Demo {
            tenant_url: s.base_url().to_owned(),
        },
        None => Mode::Live,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let start = runtime
        .block_on(start_check(&mode, lang))
        .map_err(|e| format!("{} ({})", e.message, e.hint))?;
    let scan = scan_report(&args.scan)?;
    let findings = diagnose(&scan, None, lang).findings;
    let failed = failed_sources(&scan, lang);
    let result = classify(&findings, &failed);
    Ok(CheckOutput {
        result,
        exit_code: result.exit_code(),
        verdict: verdict(result, &findings, &failed, lang),
        start: Some(start),
        findings,
        failed_sources: failed,
        error: None,
    })
}

/// Runs `check` and turns its answer into the exit status (see the module's table).
pub fn main(args: &CheckArgs, language: Language) -> ExitCode {
    // The JSON stays English for scripts unless --lang asked, as diagnose's.
    let lang = if args.scan.json {
        language.for_json()
    } else {
        language.lang
    };
    let w = words::Words::of(lang);
    let out = check(args, lang).unwrap_or_else(|error| CheckOutput {
        result: CheckResult::CouldNotCheck,
        exit_code: CheckResult::CouldNotCheck.exit_code(),
        start: None,
        verdict: w.t("cli.check.could_not", &[("error", &error)]),
        findings: Vec::new(),
        failed_sources: Vec::new(),
        error: Some(error),
    });
    if let Some(error) = &out.error {
        eprintln!("session-doctor-cli: {error}");
    }
    let printed = if args.scan.json {
        print_json(&out)
    } else {
        if let Some(start) = &out.start {
            println!("{}", start.summary);
        }
        if out.error.is_none() {
            println!("{}", out.verdict);
            let plan = doctor::plan::plan(doctor::plan::Track::Work);
            for f in &out.findings {
                println!(
                    "[{}] {} -> {}",
                    crate::diagnose::severity_word(w, f.severity),
                    f.title,
                    w.t(
                        "cli.diagnose.step",
                        &[("title", &crate::diagnose::step_title(w, &plan, f.step))]
                    )
                );
            }
            for s in &out.failed_sources {
                let no_reason = w.t("cli.check.no_reason", &[]);
                println!(
                    "{}",
                    w.t(
                        "cli.check.source_failed",
                        &[
                            ("name", &s.name),
                            ("reason", &s.reason.as_deref().unwrap_or(&no_reason))
                        ]
                    )
                );
            }
        }
        Ok(())
    };
    if let Err(e) = printed {
        eprintln!("session-doctor-cli: {e}");
        return ExitCode::from(if args.exit_code { 2 } else { 1 });
    }
    match (args.exit_code, out.result) {
        (true, result) => ExitCode::from(result.exit_code()),
        // Without --exit-code only a failure to check is an error, as before.
        (false, CheckResult::CouldNotCheck) if out.error.is_some() => ExitCode::FAILURE,
        (false, _) => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Finding {
        // The demo PC's diagnosis always has findings: take a real one rather than build one.
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        let scan = scan::run(&doctor::demo::demo_scan_options(&pc), &mut |_| {});
        diagnose(&scan, None, Lang::En).findings.remove(0)
    }

    fn failed(name: &str) -> FailedSource {
        FailedSource {
            name: name.to_owned(),
            reason: Some("broken".to_owned()),
        }
    }

    #[test]
    fn findings_win_over_a_failed_source() {
        assert_eq!(
            classify(&[finding()], &[failed("registry")]),
            CheckResult::Findings
        );
        assert_eq!(classify(&[finding()], &[]), CheckResult::Findings);
    }

    #[test]
    fn nothing_found_is_clean_only_when_every_essential_source_ran() {
        assert_eq!(classify(&[], &[]), CheckResult::Clean);
        assert_eq!(
            classify(&[], &[failed("addins")]),
            CheckResult::CouldNotCheck
        );
    }

    #[test]
    fn only_essential_sources_make_a_check_incomplete() {
        let mut scan = ScanReport::default();
        for (name, status) in [
            ("registry", SourceStatus::Failed),
            ("connections", SourceStatus::Failed),
            ("thunderbird", SourceStatus::Failed),
            ("processes", SourceStatus::Skipped),
        ] {
            scan.sources.push(scan::Source {
                name: name.to_owned(),
                ms: 0.0,
                status,
                reason: None,
                why: None,
            });
        }
        let names: Vec<String> = failed_sources(&scan, Lang::En)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["registry"]);
    }

    #[test]
    fn the_exit_codes_are_the_contract() {
        assert_eq!(CheckResult::Clean.exit_code(), 0);
        assert_eq!(CheckResult::Findings.exit_code(), 1);
        assert_eq!(CheckResult::CouldNotCheck.exit_code(), 2);
    }
}
