//! `session-doctor-cli report`: the help-desk report of a scan of this computer (or of the
//! simulated PC with --demo), printed to stdout.
//!
//! Contract: `report --json|--html [--include-personal-data] [scan options]`; without
//! either format flag it prints the short plain-text summary for a ticket. The HTML and the
//! summary are in the reader's language (--lang, else the locale); the JSON is English
//! unless --lang asks.

use clap::Args;
use doctor::report::{ReportRequest, SessionFacts, report_input};
use words::Words;

use crate::Language;

use crate::scan::{ScanArgs, is_demo, report as scan_report, wants_json};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    scan: ScanArgs,
    /// Print the report as self-contained HTML (readable, printable).
    #[arg(long, conflicts_with = "json")]
    html: bool,
    /// Keep names, email addresses, device names and IP addresses (replaced by consistent
    /// pseudonyms otherwise). IT can make this the default, or forbid it (see the README).
    #[arg(long)]
    include_personal_data: bool,
}

pub fn run(args: &ReportArgs, language: Language) -> Result<(), String> {
    let lang = if wants_json(&args.scan) {
        language.for_json()
    } else {
        language.lang
    };
    let preset = settings::load();
    if args.include_personal_data && preset.personal_data_forbidden() {
        return Err(
            Words::of(language.lang).t("cli.report.personal_refused", &[("file", &preset.file)])
        );
    }
    let scan = scan_report(&args.scan)?;
    let include_personal_data =
        args.include_personal_data || preset.report_include_personal_data.value;
    let request = ReportRequest {
        include_personal_data,
        ..ReportRequest::default()
    };
    let facts = SessionFacts {
        first_scan: None,
        last_scan: Some(scan),
        host: if is_demo(&args.scan) {
            doctor::simulated::host_facts()
        } else {
            doctor::host::HostFacts::live()
        },
        lang,
        ..SessionFacts::default()
    };
    let report = report::build_report(&report_input(facts, &request), include_personal_data);
    if wants_json(&args.scan) {
        // Versioned as every CLI output (the app's saved report is `report::to_json`'s).
        crate::output::print_json(&report)?;
    } else if args.html {
        println!("{}", report::to_html(&report));
    } else {
        println!("{}", report::ticket_summary(&report));
    }
    Ok(())
}
