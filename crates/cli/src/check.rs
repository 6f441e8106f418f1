//! `session-doctor-cli check`: the same start check the app's Start button runs.

use clap::Args;
use doctor::{Mode, start_check};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Run against the simulated PC and tenant instead of this computer and Microsoft.
    #[arg(long)]
    demo: bool,
    /// Print JSON instead of a sentence.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &CheckArgs) -> Result<(), String> {
    // The sandbox must outlive the check: keep the handle in scope.
    let sandbox = if args.demo {
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
    let report = runtime
        .block_on(start_check(&mode))
        .map_err(|e| format!("{} ({})", e.message, e.hint))?;
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        println!("{}", report.summary);
    }
    Ok(())
}
