//! `session-doctor-cli diagnose`: findings from the scan, and the ordered repair plan.
//!
//! Contract: `diagnose --json [scan options]` prints `findings` (each `code`, `severity`,
//! `evidence`, `step`) and `plan` (ordered steps: `id`, `title`, `kind`, `track`).

use clap::Args;
use doctor::diagnose::{Diagnosis, diagnose};
use doctor::plan::{Step, Track, plan};
use serde::Serialize;

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

pub fn run(args: &DiagnoseArgs) -> Result<(), String> {
    let scan = report(&args.scan)?;
    let track = match args.track {
        TrackArg::Work => Track::Work,
        TrackArg::Personal => Track::Personal,
    };
    let out = Output {
        diagnosis: diagnose(&scan, None),
        plan: plan(track),
    };
    if wants_json(&args.scan) {
        return crate::output::print_json(&out);
    }
    let e = &out.diagnosis.estimate;
    // The estimate's own sentence: "N connections from this PC", and "N of LIMIT" only
    // where the limit is documented (never a count of the mailbox's sessions).
    println!("{} {}", e.summary, e.reason);
    if !e.source.url.is_empty() {
        println!("  Source: {} ({})", e.source.title, e.source.url);
    }
    let w = &out.diagnosis.wait;
    match w.verdict {
        doctor::diagnose::WaitVerdict::Act => println!(
            "Act now: waiting will not help while {} finding(s) below hold sessions open.",
            w.blocking.len()
        ),
        doctor::diagnose::WaitVerdict::WaitOrSignOut => println!(
            "Wait or act: nothing here holds extra sessions. Sessions left by a dropped connection \
             time out within about {} minutes; signing out everywhere clears them now.",
            w.stale_after_minutes
        ),
    }
    for f in &out.diagnosis.findings {
        println!("[{:?}] {} -> step {}", f.severity, f.title, f.step);
        for line in &f.evidence {
            println!("    {line}");
        }
    }
    println!("Plan:");
    for (i, s) in out.plan.iter().enumerate() {
        println!("  {}. {} ({:?})", i + 1, s.title, s.kind);
    }
    Ok(())
}
