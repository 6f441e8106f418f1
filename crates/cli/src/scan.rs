//! `session-doctor-cli scan`: the local scan of issue 3, as one JSON object.
//!
//! Contract: `scan --json [--registry-file FILE.reg]... [--home DIR] [--no-live] [--demo]`.
//! Exit 0 when the scan ran, even if sources failed (they say so in `sources`); non-zero
//! with a one-line error for bad arguments or an unreadable `--registry-file`.

use std::path::PathBuf;

use clap::Args;
use scan::ScanOptions;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Print the report as JSON (one object with processes, profiles, addins, accounts,
    /// credentials, sources).
    #[arg(long)]
    pub(crate) json: bool,
    /// Analyse this .reg export instead of the live registry (repeatable).
    #[arg(long = "registry-file", value_name = "FILE.reg")]
    pub(crate) registry_files: Vec<PathBuf>,
    /// Read user files (Thunderbird, Evolution, Outlook for Mac, new Outlook) under DIR
    /// instead of the real home.
    #[arg(long, value_name = "DIR")]
    pub(crate) home: Option<PathBuf>,
    /// Skip running processes and sockets.
    #[arg(long)]
    pub(crate) no_live: bool,
    /// Scan the sandbox's simulated PC (written to a temporary directory) instead.
    #[arg(long)]
    pub(crate) demo: bool,
}

/// Runs the scan the arguments describe; shared with `diagnose`.
pub fn report(args: &ScanArgs) -> Result<scan::ScanReport, String> {
    check_inputs(args)?;
    // The temp dir must outlive the scan: keep the handle in scope.
    let demo_dir = if args.demo {
        Some(tempfile::tempdir().map_err(|e| format!("cannot create a temp dir: {e}"))?)
    } else {
        None
    };
    let demo = match &demo_dir {
        Some(dir) => {
            let pc = sandbox::pc::write_simulated_pc(dir.path()).map_err(|e| e.to_string())?;
            Some(doctor::demo::demo_scan_options(&pc))
        }
        None => None,
    };
    Ok(scan::run(&options(args, demo), &mut |_| {}))
}

/// Refuses unreadable `--registry-file` exports and a `--home` that is not a folder.
pub fn check_inputs(args: &ScanArgs) -> Result<(), String> {
    for f in &args.registry_files {
        // Unreadable exports are a usage error, not a failed source: the user named them.
        let size = std::fs::File::open(f)
            .and_then(|file| file.metadata())
            .and_then(|m| {
                if m.is_file() {
                    Ok(m.len())
                } else {
                    Err(std::io::Error::other("not a file"))
                }
            })
            .map_err(|e| format!("cannot read --registry-file {}: {e}", f.display()))?;
        let max = crate::limits::MAX_REGISTRY_FILE_BYTES;
        if size > max {
            return Err(format!(
                "input_too_large: --registry-file {} is {} MB; at most {} MB are read. Export only \
                 the Office keys: reg export HKCU\\Software\\Microsoft\\Office office.reg",
                f.display(),
                size.div_ceil(1024 * 1024),
                max / (1024 * 1024)
            ));
        }
    }
    if let Some(h) = &args.home
        && !h.is_dir()
    {
        return Err(format!("--home {} is not a directory", h.display()));
    }
    Ok(())
}

/// The scan options: the simulated PC's (`demo`, when given) with the extra exports and
/// `--home` on top, else this computer's.
pub fn options(args: &ScanArgs, demo: Option<ScanOptions>) -> ScanOptions {
    match demo {
        Some(mut options) => {
            // The same simulated PC the app's demo scans; extra exports and --home still apply.
            options
                .registry_files
                .extend(args.registry_files.iter().cloned());
            if let Some(home) = &args.home {
                options.home = Some(home.clone());
            }
            options
        }
        None => ScanOptions {
            registry_files: args.registry_files.clone(),
            home: args.home.clone(),
            live: !args.no_live,
            processes: None,
            credentials: None,
            windows_sessions: None,
        },
    }
}

/// Whether `--json` was given.
pub fn wants_json(args: &ScanArgs) -> bool {
    args.json
}

pub fn is_demo(args: &ScanArgs) -> bool {
    args.demo
}

pub fn run(args: &ScanArgs, language: crate::Language) -> Result<(), String> {
    let report = report(args)?;
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        let w = words::Words::of(language.lang);
        let duplicates = report
            .profiles
            .iter()
            .filter(|p| !p.duplicate_of.is_empty())
            .count();
        println!(
            "{}",
            w.t(
                "cli.scan.summary",
                &[
                    (
                        "processes",
                        &report.processes.iter().filter(|p| !p.helper).count()
                    ),
                    ("profiles", &report.profiles.len()),
                    ("duplicates", &duplicates),
                    ("addins", &report.addins.len()),
                    ("accounts", &report.accounts.len()),
                    ("credentials", &report.credentials.len()),
                ]
            )
        );
        for s in &report.sources {
            let status = match s.status {
                scan::SourceStatus::Ok => w.t("cli.scan.ok", &[]),
                scan::SourceStatus::Skipped => w.t("cli.scan.skipped", &[]),
                scan::SourceStatus::Failed => w.t("cli.scan.failed", &[]),
            };
            let reason = s
                .reason_worded(language.lang)
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            println!("  {:<17} {status:<8} {:>8.2} ms{reason}", s.name, s.ms);
        }
    }
    Ok(())
}
