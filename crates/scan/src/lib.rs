//! What is on this computer, read-only: Outlook processes and their live connections,
//! classic Outlook profiles and add-ins (live registry or `.reg` exports), other mail apps'
//! accounts and saved Office credentials (by name only).
//!
//! One entry point: [`run`] with [`ScanOptions`], reporting [`Progress`] per source and
//! returning a [`ScanReport`]. Every source is timed and independent: a source that fails
//! (permission, broken file, even a bug that panics) is reported in
//! [`ScanReport::sources`] and the scan goes on. Nothing here changes the machine.
//!
//! ```no_run
//! let options = scan::ScanOptions { live: true, ..Default::default() };
//! let report = scan::run(&options, &mut |p| eprintln!("{} {:?}", p.source, p.state));
//! println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
//! ```
#![deny(missing_docs)]

pub mod addins;
pub mod command;
pub mod connections;
pub mod credentials;
pub mod other_clients;
pub mod outlook_version;
pub mod processes;
pub mod profiles;
pub mod registry;
pub mod report;
pub mod windows_sessions;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use addins::load_behavior_off;
pub use connections::M365Ranges;
pub use processes::ProcessSnapshot;
pub use registry::{RawValue, RegFile, RegValue, Registry, RegistryError};
pub use report::*;
pub use windows_sessions::{
    SessionClient, SessionSnapshot, SessionsSnapshot, WindowsSession, WindowsSessionState,
};

/// What to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// `.reg` exports to analyse instead of the live registry (merged in order).
    pub registry_files: Vec<PathBuf>,
    /// Home directory whose files (Thunderbird, Evolution, Outlook for Mac, new Outlook) are
    /// read; `None` = the current user's.
    pub home: Option<PathBuf>,
    /// Look at running processes and their sockets (`--no-live` turns it off).
    pub live: bool,
    /// A fixed process list (demo mode, tests) used instead of the live one, with its
    /// connection counts; processes are then reported even when `live` is false.
    pub processes: Option<Vec<ProcessSnapshot>>,
    /// Fixed saved-credential names (demo mode) instead of asking the OS.
    pub credentials: Option<Vec<Credential>>,
    /// Fixed Windows sessions (demo mode, tests) instead of asking the terminal-services API.
    pub windows_sessions: Option<SessionsSnapshot>,
}

/// Source names in the order they run; the UI can draw one progress bar per name up front.
pub const SOURCE_NAMES: &[&str] = &[
    "processes",
    "mapi_modules",
    "connections",
    "registry",
    "outlook_profiles",
    "addins",
    "new_outlook",
    "outlook_mac",
    "thunderbird",
    "evolution",
    "windows_mail",
    "credentials",
    "windows_sessions",
];

/// Result of one source's work.
struct Outcome<T> {
    value: T,
    status: SourceStatus,
    reason: Option<String>,
    why: Option<SourceNote>,
}

impl<T> Outcome<T> {
    fn ok(value: T) -> Self {
        Self {
            value,
            status: SourceStatus::Ok,
            reason: None,
            why: None,
        }
    }
    fn ok_with(value: T, problems: Vec<String>) -> Self {
        Self {
            value,
            status: SourceStatus::Ok,
            reason: join_problems(problems),
            why: None,
        }
    }
    /// Done, with a note of the scan's own rules (what the result is based on).
    fn ok_noted(value: T, why: SourceNote) -> Self {
        Self {
            value,
            status: SourceStatus::Ok,
            reason: Some(why.english()),
            why: Some(why),
        }
    }
    fn skipped(value: T, why: SourceNote) -> Self {
        Self {
            value,
            status: SourceStatus::Skipped,
            reason: Some(why.english()),
            why: Some(why),
        }
    }
    /// Failed with the system's own words (no catalog words for them).
    fn failed(value: T, reason: impl Into<String>) -> Self {
        Self {
            value,
            status: SourceStatus::Failed,
            reason: Some(reason.into()),
            why: None,
        }
    }
    fn failed_noted(value: T, why: SourceNote) -> Self {
        Self {
            value,
            status: SourceStatus::Failed,
            reason: Some(why.english()),
            why: Some(why),
        }
    }
}

/// At most a few problems in one reason line, with a count of the rest.
fn join_problems(mut problems: Vec<String>) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    let total = problems.len();
    problems.truncate(5);
    let mut s = problems.join("; ");
    if total > 5 {
        s.push_str(&format!("; and {} more", total - 5));
    }
    Some(s)
}

struct Runner<'a> {
    sources: Vec<Source>,
    progress: &'a mut dyn FnMut(Progress),
}

impl Runner<'_> {
    fn fraction(&self) -> f64 {
        self.sources.len() as f64 / SOURCE_NAMES.len() as f64
    }

    /// Runs one source: progress events, timing, and a panic turned into `failed`.
    fn run<T: Default>(&mut self, name: &str, f: impl FnOnce() -> Outcome<T>) -> T {
        let fraction = self.fraction();
        (self.progress)(Progress {
            source: name.to_owned(),
            state: ProgressState::Started,
            fraction,
            status: None,
        });
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(f))
            .unwrap_or_else(|_| Outcome::failed_noted(T::default(), SourceNote::Internal));
        let ms = (start.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        self.sources.push(Source {
            name: name.to_owned(),
            ms,
            status: outcome.status,
            reason: outcome.reason,
            why: outcome.why,
        });
        let fraction = self.fraction();
        (self.progress)(Progress {
            source: name.to_owned(),
            state: ProgressState::Finished,
            fraction,
            status: Some(outcome.status),
        });
        outcome.value
    }
}

/// The home directory to read user files from.
fn home_dir(options: &ScanOptions) -> Option<PathBuf> {
    options.home.clone().or_else(|| {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(PathBuf::from)
    })
}

/// `%LOCALAPPDATA%`: under `--home` always `AppData/Local`, else the environment's.
fn local_app_data(options: &ScanOptions, home: &Path) -> PathBuf {
    if options.home.is_none()
        && let Some(v) = std::env::var_os("LOCALAPPDATA")
    {
        return PathBuf::from(v);
    }
    home.join("AppData").join("Local")
}

/// Runs the whole scan. Never panics and never fails: problems are in `sources`.
pub fn run(options: &ScanOptions, progress: &mut dyn FnMut(Progress)) -> ScanReport {
    let ranges = M365Ranges::shipped();
    let mut runner = Runner {
        sources: Vec::new(),
        progress,
    };
    let mut report = ScanReport {
        m365_ranges_date: ranges.date().to_owned(),
        ..Default::default()
    };

    // Processes, the MAPI users among them, and their connections.
    let injected = options.processes.is_some();
    let snapshots: Vec<ProcessSnapshot> = runner.run("processes", || match &options.processes {
        Some(list) => Outcome::ok(list.clone()),
        None if options.live => Outcome::ok(processes::snapshot_live()),
        None => Outcome::skipped(Vec::new(), SourceNote::NoLiveProcesses),
    });
    let mapi: Vec<u32> = runner.run("mapi_modules", || {
        if injected || !options.live {
            return Outcome::skipped(Vec::new(), SourceNote::MapiNeedsLiveWindows);
        }
        if cfg!(windows) {
            match processes::mapi_pids(&command::SystemRunner::default()) {
                Ok(p) => Outcome::ok(p),
                Err(e) => Outcome::failed(Vec::new(), e),
            }
        } else {
            Outcome::skipped(Vec::new(), SourceNote::MapiOnlyOnWindows)
        }
    });
    let mut procs = processes::classify(&snapshots, &mapi);
    runner.run("connections", || {
        if injected {
            return Outcome::ok_noted((), SourceNote::CountsFromGivenList);
        }
        if !options.live {
            return Outcome::skipped((), SourceNote::NoLiveConnections);
        }
        match connections::established_connections() {
            // Wine 8 lists sockets with owner PID 0: counting them would say "0 connections"
            // for every client, which is wrong rather than unknown.
            Ok(conns)
                if !conns.is_empty() && conns.iter().all(|c| c.pids.iter().all(|&p| p == 0)) =>
            {
                Outcome::failed_noted(
                    (),
                    SourceNote::ConnectionOwnersUnknown { count: conns.len() },
                )
            }
            Ok(conns) => {
                let pids: HashSet<u32> = procs.iter().map(|p| p.pid).collect();
                let counts = connections::count_by_pid(&conns, &pids, &ranges);
                for p in &mut procs {
                    p.connections = counts.get(&p.pid).copied();
                }
                Outcome::ok(())
            }
            Err(e) => Outcome::failed((), e.to_string()),
        }
    });
    report.processes = procs;

    // The registry: exports if given, else the live one on Windows.
    let reg: Option<Box<dyn Registry>> =
        runner.run("registry", || load_registry(&options.registry_files));
    let reg_ref = reg.as_deref();
    report.profiles = runner.run("outlook_profiles", || match reg_ref {
        Some(r) => {
            let (profiles, problems) = profiles::read_profiles(r);
            if profiles.is_empty() && problems.is_empty() {
                return Outcome::ok_noted(profiles, SourceNote::NoOutlookProfiles);
            }
            Outcome::ok_with(profiles, problems)
        }
        None => Outcome::skipped(Vec::new(), SourceNote::NoRegistryToRead),
    });
    let (addins, disabled) = runner.run("addins", || match reg_ref {
        Some(r) => {
            let (a, d, problems) = addins::read_addins(r);
            Outcome::ok_with((a, d), problems)
        }
        None => Outcome::skipped((Vec::new(), Vec::new()), SourceNote::NoRegistryToRead),
    });
    report.addins = addins;
    report.disabled_items = disabled;

    // Other apps' files under the home directory.
    let home = home_dir(options);
    let lad = home.as_deref().map(|h| local_app_data(options, h));
    type Reader<'a> = (
        &'static str,
        Box<dyn Fn(&Path) -> other_clients::ClientScan + 'a>,
        Option<PathBuf>,
    );
    let readers: Vec<Reader> = vec![
        (
            "new_outlook",
            Box::new(other_clients::new_outlook::scan),
            lad.clone(),
        ),
        (
            "outlook_mac",
            Box::new(other_clients::outlook_mac::scan),
            home.clone(),
        ),
        (
            "thunderbird",
            Box::new(other_clients::thunderbird::scan),
            home.clone(),
        ),
        (
            "evolution",
            Box::new(other_clients::evolution::scan),
            home.clone(),
        ),
        (
            "windows_mail",
            Box::new(other_clients::windows_mail::scan),
            lad.clone(),
        ),
    ];
    for (name, read, base) in readers {
        let accounts = runner.run(name, || {
            let Some(base) = base else {
                return Outcome::skipped(Vec::new(), SourceNote::NoHomeDirectory);
            };
            let scan = read(&base);
            if !scan.found {
                return Outcome::skipped(
                    Vec::new(),
                    SourceNote::NotFound {
                        looked_in: scan.looked_in.clone(),
                    },
                );
            }
            if scan.accounts.is_empty() && !scan.problems.is_empty() {
                return Outcome::failed(
                    Vec::new(),
                    join_problems(scan.problems).unwrap_or_default(),
                );
            }
            Outcome::ok_with(scan.accounts, scan.problems)
        });
        report.accounts.extend(accounts);
    }

    report.credentials = runner.run("credentials", || {
        if let Some(c) = &options.credentials {
            return Outcome::ok(c.clone());
        }
        let runner = command::SystemRunner::default();
        let result = if cfg!(windows) {
            credentials::windows()
        } else if cfg!(target_os = "macos") {
            credentials::macos(&runner)
        } else {
            return Outcome::skipped(Vec::new(), SourceNote::NoCredentialStore);
        };
        match result {
            Ok(c) => Outcome::ok(c),
            Err(e) => Outcome::failed(Vec::new(), e),
        }
    });

    report.windows_sessions = runner.run("windows_sessions", || {
        if let Some(s) = &options.windows_sessions {
            return Outcome::ok(windows_sessions::other_sessions(s));
        }
        if !options.live {
            return Outcome::skipped(Vec::new(), SourceNote::NoLiveSessions);
        }
        if !cfg!(windows) {
            return Outcome::skipped(Vec::new(), SourceNote::SessionsOnlyOnWindows);
        }
        match windows_sessions::snapshot_live() {
            Ok(s) => Outcome::ok(windows_sessions::other_sessions(&s)),
            Err(e) => Outcome::failed(Vec::new(), e),
        }
    });

    report.sources = runner.sources;
    report
}

/// Loads `.reg` exports into one tree, or opens the live registry on Windows.
fn load_registry(files: &[PathBuf]) -> Outcome<Option<Box<dyn Registry>>> {
    if files.is_empty() {
        #[cfg(windows)]
        {
            return Outcome::ok(Some(Box::new(registry::LiveRegistry::new())));
        }
        #[cfg(not(windows))]
        {
            return Outcome::skipped(None, SourceNote::NoWindowsRegistry);
        }
    }
    let mut reg = RegFile::new();
    let mut problems = Vec::new();
    let mut loaded = 0usize;
    for f in files {
        match reg.add_file(f) {
            Ok(()) => loaded += 1,
            Err(e) => problems.push(e.to_string()),
        }
    }
    for w in reg.warnings() {
        problems.push(format!("{} line {}: {}", w.origin, w.line, w.message));
    }
    if reg.warnings_dropped() > 0 {
        problems.push(format!("{} more unreadable lines", reg.warnings_dropped()));
    }
    if loaded == 0 {
        return Outcome::failed(None, join_problems(problems).unwrap_or_default());
    }
    Outcome::ok_with(Some(Box::new(reg)), problems)
}
