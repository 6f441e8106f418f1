//! `session-doctor-cli`: Session Doctor without a window, for help desks and scripts.
//!
//! JSON output uses snake_case keys; errors go to stderr as one line and a non-zero exit.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod admin;
mod check;
mod cloud;
mod diagnose;
mod fix;
mod limits;
mod output;
mod report;
mod scan;

#[derive(Debug, Parser)]
#[command(
    name = "session-doctor-cli",
    version,
    about = "Find and fix what makes Outlook exceed the maximum number of allowed sessions.",
    long_about = "When Outlook says it has exceeded the maximum number of allowed sessions, \
                  Session Doctor finds every open connection to the mailbox (Outlook on \
                  this and other computers, Outlook on the web, phones, duplicate profiles, \
                  add-ins, other mail apps) and guides the repair. This is its headless CLI."
)]
struct Cli {
    /// The language of the human output: en or es. Without it, LC_ALL, LC_MESSAGES or LANG
    /// decide (English for any other language). JSON output stays English unless this is given.
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LangArg {
    En,
    Es,
}

/// The language asked for: `--lang`, else the environment's locale.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// The language of the human output.
    pub lang: doctor::Lang,
    /// Whether `--lang` named it (then JSON text follows it too).
    pub explicit: bool,
}

impl Language {
    /// The language of the JSON output: English for scripts unless `--lang` asked.
    pub fn for_json(self) -> doctor::Lang {
        if self.explicit {
            self.lang
        } else {
            doctor::Lang::En
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check this computer in one answer: where Session Doctor runs, the scan and its
    /// findings. --exit-code: 0 nothing found, 1 findings, 2 could not check (for Intune
    /// and Configuration Manager). Takes the scan's options; --demo also checks that the
    /// simulated tenant answers.
    Check(check::CheckArgs),
    /// Scan this computer (read-only): Outlook processes and connections, profiles, add-ins,
    /// other mail apps, saved Office credentials. --demo scans the simulated PC.
    Scan(scan::ScanArgs),
    /// What makes this computer hit the session limit (findings with evidence), and the
    /// ordered repair plan. Takes the scan's options.
    Diagnose(diagnose::DiagnoseArgs),
    /// The scan's repairs for scripts: `fix list` (ids), `fix preview ID`, `fix run ID --yes`,
    /// `fix journal`, `fix undo ENTRY --yes`. Journaled with backups, as in the app. Takes
    /// the scan's options; with --registry-file the export itself is changed.
    Fix(fix::FixArgs),
    /// The help-desk report of a scan (--json or --html; without either, the short summary
    /// for a ticket), personal data replaced by pseudonyms unless --include-personal-data.
    Report(report::ReportArgs),
    /// Sign in to Microsoft (browser with PKCE, or --device-code); the token goes to the OS
    /// keyring.
    Signin(cloud::SigninArgs),
    /// List the account's devices and recent sign-ins, what it may do, and what could not be read.
    Sessions(cloud::SessionsArgs),
    /// Sign out every session of the account (or, for admins, of --user ...), phones included.
    SignoutEverywhere(cloud::SignoutEverywhereArgs),
    /// Forget the saved Microsoft sign-in on this computer.
    Signout,
    /// For IT: `admin register-app-script` prints the PowerShell script that registers
    /// Session Doctor in your Microsoft Entra tenant.
    Admin(admin::AdminArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let language = match cli.lang {
        Some(LangArg::En) => Language {
            lang: doctor::Lang::En,
            explicit: true,
        },
        Some(LangArg::Es) => Language {
            lang: doctor::Lang::Es,
            explicit: true,
        },
        None => Language {
            lang: doctor::Lang::from_env(),
            explicit: false,
        },
    };
    let result = match cli.command {
        // `check` owns its exit status: with --exit-code it is the answer, not just success.
        Command::Check(args) => return check::main(&args, language),
        Command::Scan(args) => scan::run(&args, language),
        Command::Diagnose(args) => diagnose::run(&args, language),
        Command::Fix(args) => fix::run(&args, language),
        Command::Report(args) => report::run(&args, language),
        Command::Signin(args) => cloud::signin(&args, language),
        Command::Sessions(args) => cloud::sessions(&args, language),
        Command::SignoutEverywhere(args) => cloud::signout_everywhere(&args, language),
        Command::Signout => cloud::signout(language),
        Command::Admin(args) => admin::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("session-doctor-cli: {message}");
            ExitCode::FAILURE
        }
    }
}
