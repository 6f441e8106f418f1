//! `session-doctor-cli diagnose`: findings from the scan, and the ordered repair plan.
//!
//! Contract: `diagnose --json [scan options]` prints `findings` (each `code`, `severity`,
//! `evidence`, `step`) and `plan` (ordered steps: `id`, `title`, `kind`, `track`).

use clap::Args;
use doctor::diagnose::{Diagnosis, Severity, diagnose};
use doctor::plan::{Step, StepId, StepKind, Track, plan};
use serde::Serialize;
use words::Words;

use crate::Language;
use crate::scan::{ScanArgs, report, wants_json};

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    scan: ScanArgs,
    /// Whose plan: work (Microsoft 365 / Exchange) or personal (Outlook.com, Hotmail).
    #[arg(long, value_enum, default_value = "work")]
    track: TrackArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TrackArg {
    Work,
    Personal,
}

#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    diagnosis: Diagnosis,
    plan: Vec<Step>,
}

pub fn run(args: &DiagnoseArgs, language: Language) -> Result<(), String> {
    let scan = report(&args.scan)?;
    let track = match args.track {
        TrackArg::Work => Track::Work,
        TrackArg::Personal => Track::Personal,
    };
    let json = wants_json(&args.scan);
    let lang = if json {
        language.for_json()
    } else {
        language.lang
    };
    let out = Output {
        diagnosis: diagnose(&scan, None, lang),
        plan: plan(track),
    };
    if json {
        return crate::output::print_json(&out);
    }
    let w = Words::of(lang);
    let e = &out.diagnosis.estimate;
    // The estimate's own sentence: "N connections from this PC", and "N of LIMIT" only
    // where the limit is documented (never a count of the mailbox's sessions).
    println!("{} {}", e.summary, e.reason);
    if !e.source.url.is_empty() {
        println!(
            "  {}",
            w.t(
                "cli.diagnose.source",
                &[("title", &e.source.title), ("url", &e.source.url)]
            )
        );
    }
    let wait = &out.diagnosis.wait;
    match wait.verdict {
        doctor::diagnose::WaitVerdict::Act => println!(
            "{}",
            w.count("cli.diagnose.act", wait.blocking.len() as u64, &[])
        ),
        doctor::diagnose::WaitVerdict::WaitOrSignOut => println!(
            "{}",
            w.t(
                "cli.diagnose.wait",
                &[("minutes", &wait.stale_after_minutes)]
            )
        ),
    }
    for f in &out.diagnosis.findings {
        println!(
            "[{}] {} -> {}",
            severity_word(w, f.severity),
            f.title,
            w.t(
                "cli.diagnose.step",
                &[("title", &step_title(w, &out.plan, f.step))]
            )
        );
        for line in &f.evidence {
            println!("    {line}");
        }
    }
    println!("{}", w.t("cli.diagnose.plan", &[]));
    for (i, s) in out.plan.iter().enumerate() {
        let title = w
            .step(s.id.as_str())
            .map_or(s.title.as_str(), |t| t.title.as_str());
        let kind = match s.kind {
            StepKind::Guide => w.t("cli.diagnose.kind_guide", &[]),
            StepKind::Action => w.t("cli.diagnose.kind_action", &[]),
        };
        println!("  {}. {title} ({kind})", i + 1);
    }
    Ok(())
}

/// A severity in words (the JSON keeps the code).
pub(crate) fn severity_word(w: &Words, severity: Severity) -> String {
    match severity {
        Severity::High => w.t("cli.severity.high", &[]),
        Severity::Medium => w.t("cli.severity.medium", &[]),
        Severity::Low => w.t("cli.severity.low", &[]),
    }
}

/// The title of the plan step `id` in the reader's language, never the bare id when the
/// plan has it.
pub(crate) fn step_title(w: &Words, plan: &[Step], id: StepId) -> String {
    if let Some(t) = w.step(id.as_str()) {
        return t.title.clone();
    }
    plan.iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.title.clone())
}
