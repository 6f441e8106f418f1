//! One-click repairs from the UI: what the user asked for, turned into `repair` actions that
//! run through the journal (preview, backup, change, record, undo). Demo mode changes the
//! simulated PC's registry export, so a re-scan shows the effect; live mode writes the real
//! registry on Windows and has no registry elsewhere.

use std::path::{Path, PathBuf};
use words::{Lang, Words};

use repair::bisect::{Bisect, BisectPhase, RestoredAll};
use repair::credential_store::CredentialStore;
use repair::process::ProcessControl;
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{
    ActionSpec, CloseClient, EntryView, Env, Journal, LimitImapConnections, Preview, ProcessCheck,
    RegistryLayout, RemoveCredential, RemoveProfile, RepairError, RestartMode, RestartOutlook,
    SetAddin,
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode};
use crate::simulated::SimulatedMachine;

/// A repair the UI can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionRequest {
    /// Turn an add-in off (HKCU LoadBehavior); refused for policy-managed add-ins.
    DisableAddin {
        /// The add-in's ProgID.
        prog_id: String,
    },
    /// Turn an add-in back on.
    EnableAddin {
        /// The add-in's ProgID.
        prog_id: String,
    },
    /// Remove a duplicate Outlook profile, exported first so undo can put it back.
    RemoveProfile {
        /// The exact key name, never trimmed ("Outlook " is not "Outlook").
        name: String,
        /// The Office version key the profile lives under ("16.0", "15.0"); absent: "16.0".
        #[serde(default)]
        version: Option<String>,
    },
    /// Close a mail app the last scan listed (pid, start time and program file must still
    /// match). `force` only with the `confirmation` the backend issued in the preview of a
    /// forced close, which it offers only after a polite close of that same process did not
    /// work; unsaved work may be lost then. `force` without a valid confirmation is refused.
    CloseClient {
        /// The process id the scan listed.
        pid: u32,
        /// Its program name as the scan listed it.
        name: String,
        /// Its start time as the scan listed it.
        start_time: Option<u32>,
        /// Force it closed (only with `confirmation`).
        force: bool,
        /// The one-time confirmation of a forced close (from its preview).
        #[serde(default)]
        confirmation: Option<String>,
    },
    /// Delete a saved Office sign-in (Windows Credential Manager). `consent` is sent only
    /// after the user read that this cannot be undone.
    RemoveCredential {
        /// The credential's target name.
        target: String,
        /// The user agreed, having read that it cannot be undone.
        consent: bool,
    },
    /// Close Outlook and start it again (normally, in safe mode, or with a profile).
    RestartOutlook {
        /// The running Outlook's process id.
        pid: u32,
        /// Its program name as the scan listed it.
        name: String,
        /// Its start time as the scan listed it.
        start_time: Option<u32>,
        /// How it starts again.
        mode: RestartMode,
    },
    /// Lower how many IMAP connections Thunderbird opens for one account (its
    /// `max_cached_connections`, written to the profile's user.js); refused while
    /// Thunderbird runs. The profile and account must be ones the last scan listed.
    LimitImapConnections {
        /// The Thunderbird profile folder.
        profile_dir: String,
        /// The account's server key (`server2`).
        server_key: String,
        /// The value to write; absent: 2.
        #[serde(default)]
        max_connections: Option<u32>,
    },
}

impl ActionRequest {
    fn spec(&self) -> ActionSpec {
        match self {
            Self::DisableAddin { prog_id } => SetAddin::disable(prog_id).into(),
            Self::EnableAddin { prog_id } => SetAddin::enable(prog_id).into(),
            Self::RemoveProfile { name, version } => {
                let mut remove = RemoveProfile::new(name);
                if let Some(v) = version {
                    remove.version = v.clone();
                }
                remove.into()
            }
            Self::CloseClient {
                pid,
                name,
                start_time,
                ..
            } => {
                // Always polite here: a forced close is built by `Repairs::spec` only after
                // its confirmation was checked.
                let mut close = CloseClient::polite(*pid, name);
                close.start_time = *start_time;
                close.into()
            }
            Self::RemoveCredential { target, consent } => RemoveCredential {
                target: target.clone(),
                consent: *consent,
            }
            .into(),
            Self::RestartOutlook {
                pid,
                name,
                start_time,
                mode,
            } => {
                let mut restart = RestartOutlook::running(*pid, name, mode.clone());
                restart.start_time = *start_time;
                restart.into()
            }
            Self::LimitImapConnections {
                profile_dir,
                server_key,
                max_connections,
            } => {
                let mut limit = LimitImapConnections::new(profile_dir, server_key);
                if let Some(n) = max_connections {
                    limit.max_connections = *n;
                }
                limit.into()
            }
        }
    }
}

/// A running program as the last scan listed it: what a close or restart may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProcessIdentity {
    pid: u32,
    start_time: Option<u32>,
    exe: Option<String>,
    name: String,
}

/// The journal and the registry the actions change, for one mode.
pub struct Repairs {
    journal: Journal,
    /// The mail clients (not helpers) of the last scan; programs are closed or restarted
    /// only when they are one of these. `None`: no scan yet, so no process action.
    scanned_processes: Option<Vec<scan::ProcessInfo>>,
    /// The profiles of the last scan, to resolve a request without a version.
    scanned_profiles: Option<Vec<(String, String)>>,
    /// The IMAP accounts with a connection setting of the last scan, as (profile folder,
    /// server key): the only ones whose setting a repair may change.
    scanned_imap: Option<Vec<(String, String)>>,
    /// How actions learn which mail apps run: this computer's list, or (demo) the last
    /// scan's simulated one.
    processes: ProcessCheck,
    /// The processes come from the last scan (demo), not from this computer.
    processes_from_scan: bool,
    /// Processes a polite close did not end: only these are offered a forced close.
    still_running: Vec<ProcessIdentity>,
    /// One-time confirmations of a forced close, each bound to one process.
    force_tokens: Vec<(String, ProcessIdentity)>,
    /// How long a polite close waits before it reports "still running".
    close_timeout_ms: u32,
    /// The add-in bisect under way, if any (its changes are in the journal too).
    bisect: Option<Bisect>,
    /// The language previews are worded in.
    lang: Lang,
    registry: Option<Box<dyn RegistryWriter + Send>>,
    credentials: Option<Box<dyn CredentialStore + Send>>,
    /// Where programs are closed and started: this computer (`None`) or the simulated PC.
    control: Option<Box<dyn ProcessControl>>,
}

impl std::fmt::Debug for Repairs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repairs")
            .field("journal", &self.journal.dir())
            .field("registry", &self.registry.is_some())
            .finish()
    }
}

impl Repairs {
    /// Demo: the journal beside the simulated PC, which owns the registry export it changes,
    /// its programs and its saved sign-ins. The actions and their journal are the live ones;
    /// only the machine they act on is simulated.
    pub fn demo(
        pc_dir: &Path,
        hkcu_export: &Path,
        machine: SimulatedMachine,
        lang: Lang,
    ) -> Result<Self, AppError> {
        let journal = Journal::open(&pc_dir.join("journal")).map_err(|e| repair_error(&e, lang))?;
        let store = RegFileStore::open(hkcu_export).map_err(|e| repair_error(&e, lang))?;
        let mut repairs = Self::with(
            journal,
            Some(Box::new(store)),
            Some(Box::new(machine.clone())),
            lang,
        );
        repairs.control = Some(Box::new(machine));
        // The demo's programs are simulated: whether "Thunderbird runs" is what its last
        // scan listed (nothing listed before a scan), never this computer's processes.
        repairs.processes_from_scan = true;
        repairs.processes = ProcessCheck::Listed(Vec::new());
        Ok(repairs)
    }

    /// A `.reg` export as the registry: changes are made to the file itself (read and
    /// written back whole at each change), journaled in `journal_dir`. Saved sign-ins are
    /// this computer's, as a scan of the export reads them.
    pub fn on_export(journal_dir: &Path, export: &Path, lang: Lang) -> Result<Self, AppError> {
        let store = RegFileStore::open(export).map_err(|e| repair_error(&e, lang))?;
        let journal = Journal::open(journal_dir).map_err(|e| repair_error(&e, lang))?;
        Ok(Self::with(
            journal,
            Some(Box::new(store)),
            live_credentials(),
            lang,
        ))
    }

    /// The folder the journal keeps its entries and backups in.
    pub fn journal_dir(&self) -> &Path {
        self.journal.dir()
    }

    /// Live: the journal in the app's data folder; the real registry on Windows only.
    pub fn live(data_dir: &Path, lang: Lang) -> Result<Self, AppError> {
        let journal =
            Journal::open(&data_dir.join("journal")).map_err(|e| repair_error(&e, lang))?;
        Ok(Self::with(
            journal,
            live_registry(),
            live_credentials(),
            lang,
        ))
    }

    /// One mode's repairs: its journal and what its actions may change; nothing seen yet.
    fn with(
        journal: Journal,
        registry: Option<Box<dyn RegistryWriter + Send>>,
        credentials: Option<Box<dyn CredentialStore + Send>>,
        lang: Lang,
    ) -> Self {
        Self {
            journal,
            bisect: None,
            scanned_processes: None,
            scanned_profiles: None,
            scanned_imap: None,
            processes: ProcessCheck::Live,
            processes_from_scan: false,
            still_running: Vec::new(),
            force_tokens: Vec::new(),
            close_timeout_ms: repair::actions::close_client::DEFAULT_CLOSE_TIMEOUT_MS,
            registry,
            credentials,
            control: None,
            lang,
        }
    }

    /// The language of the previews from now on (the context passes the user's).
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// Remembers what the scan saw: the programs a close or restart may act on, and the
    /// profiles (version and exact name) a removal may target.
    pub fn saw(&mut self, report: &scan::ScanReport) {
        self.scanned_processes = Some(
            report
                .processes
                .iter()
                .filter(|p| !p.helper)
                .cloned()
                .collect(),
        );
        self.scanned_profiles = Some(
            report
                .profiles
                .iter()
                .map(|p| (p.version.clone(), p.name.clone()))
                .collect(),
        );
        self.scanned_imap = Some(
            report
                .accounts
                .iter()
                .filter_map(|a| a.imap_connections.as_ref())
                .map(|s| (s.profile_dir.clone(), s.server_key.clone()))
                .collect(),
        );
        if self.processes_from_scan {
            self.processes = ProcessCheck::Listed(report.processes.clone());
        }
    }

    /// The process a request names, if the last scan listed it as a mail client with the
    /// same pid, start time and name; its program file comes from the scan.
    fn scanned_process(
        &self,
        pid: u32,
        name: &str,
        start_time: Option<u32>,
    ) -> Result<ProcessIdentity, AppError> {
        let Some(seen) = &self.scanned_processes else {
            let w = Words::of(self.lang);
            return Err(AppError::new(
                ErrorCode::ProcessChanged,
                w.t("app.error.process_not_scanned", &[("pid", &pid)]),
                w.t("app.error.process_not_scanned.hint", &[]),
            ));
        };
        seen.iter()
            .find(|p| p.pid == pid && p.start_time == start_time && p.name == name)
            .map(|p| ProcessIdentity {
                pid,
                start_time,
                exe: p.exe.clone(),
                name: name.to_owned(),
            })
            .ok_or_else(|| {
                let w = Words::of(self.lang);
                AppError::new(
                    ErrorCode::ProcessChanged,
                    w.t(
                        "app.error.process_not_listed",
                        &[("pid", &pid as &dyn std::fmt::Display), ("name", &name)],
                    ),
                    w.t("repair.error.process_changed.hint", &[]),
                )
            })
    }

    /// The action behind a request, checked against the last scan: programs must be the
    /// ones it listed (identified by pid, start time and program file), a forced close must
    /// carry the confirmation issued for that process (`consume`: used up by a run), and a
    /// profile without a version must be one the scan saw under exactly one version.
    fn spec(&mut self, request: &ActionRequest, consume: bool) -> Result<ActionSpec, AppError> {
        match request {
            ActionRequest::CloseClient {
                pid,
                name,
                start_time,
                force,
                confirmation,
            } => {
                let who = self.scanned_process(*pid, name, *start_time)?;
                let mut close = CloseClient::polite(*pid, name);
                close.start_time = *start_time;
                close.exe = who.exe.clone();
                close.timeout_ms = self.close_timeout_ms;
                if *force {
                    if consume {
                        self.take_force_token(confirmation.as_deref(), &who)?;
                    } else if !self.still_running.contains(&who) {
                        return Err(force_not_offered(&who, self.lang));
                    }
                    close = close.forced_with_consent();
                }
                Ok(close.into())
            }
            ActionRequest::RestartOutlook {
                pid,
                name,
                start_time,
                mode,
            } => {
                let who = self.scanned_process(*pid, name, *start_time)?;
                let mut restart = RestartOutlook::running(*pid, name, mode.clone());
                restart.start_time = *start_time;
                restart.running_exe = who.exe;
                Ok(restart.into())
            }
            ActionRequest::LimitImapConnections {
                profile_dir,
                server_key,
                ..
            } => {
                let seen = self.scanned_imap.as_ref().is_some_and(|list| {
                    list.iter()
                        .any(|(d, k)| d == profile_dir && k == server_key)
                });
                if !seen {
                    let w = Words::of(self.lang);
                    return Err(AppError::new(
                        ErrorCode::ThunderbirdProfileInvalid,
                        w.t(
                            "app.error.imap_account_not_listed",
                            &[("server", &server_key), ("profile", &profile_dir)],
                        ),
                        w.t("app.error.imap_account_not_listed.hint", &[]),
                    ));
                }
                Ok(request.spec())
            }
            ActionRequest::RemoveProfile {
                name,
                version: None,
            } => {
                let version = self.profile_version(name)?;
                let mut remove = RemoveProfile::new(name);
                remove.version = version;
                Ok(remove.into())
            }
            _ => Ok(request.spec()),
        }
    }

    /// The version of a profile named without one: the only version the last scan saw it
    /// under (the exact name, spaces and case included). Without a scan, "16.0" as before.
    fn profile_version(&self, name: &str) -> Result<String, AppError> {
        let Some(seen) = &self.scanned_profiles else {
            return Ok("16.0".to_owned());
        };
        let versions: Vec<&String> = seen
            .iter()
            .filter(|(_, n)| n == name)
            .map(|(v, _)| v)
            .collect();
        match versions.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(AppError::new(
                ErrorCode::ProfileMissing,
                Words::of(self.lang).t("app.error.profile_not_listed", &[("name", &name)]),
                Words::of(self.lang).t("repair.error.profile_missing.hint", &[]),
            )),
            many => Err(AppError::new(
                ErrorCode::InvalidInput,
                Words::of(self.lang).t(
                    "app.error.profile_ambiguous",
                    &[
                        ("name", &name as &dyn std::fmt::Display),
                        ("n", &many.len()),
                    ],
                ),
                Words::of(self.lang).t("app.error.profile_ambiguous.hint", &[]),
            )),
        }
    }

    /// Checks and uses up a forced close's confirmation: it must have been issued for
    /// exactly this process.
    fn take_force_token(
        &mut self,
        token: Option<&str>,
        who: &ProcessIdentity,
    ) -> Result<(), AppError> {
        let pos = token.and_then(|t| {
            self.force_tokens
                .iter()
                .position(|(issued, bound)| issued == t && bound == who)
        });
        match pos {
            Some(i) => {
                self.force_tokens.remove(i);
                Ok(())
            }
            None => Err(AppError::new(
                ErrorCode::ConfirmationRequired,
                Words::of(self.lang).t(
                    "app.error.force_needs_confirmation",
                    &[("name", &who.name), ("pid", &who.pid)],
                ),
                Words::of(self.lang).t("app.error.force_needs_confirmation.hint", &[]),
            )),
        }
    }

    /// What `request` would change, before it runs.
    pub fn preview(&mut self, request: &ActionRequest) -> Result<Preview, AppError> {
        let spec = self.spec(request, false)?;
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        let mut preview = self
            .journal
            .preview(&spec, &mut env)
            .map_err(|e| repair_error(&e, self.lang))?;
        if let (ActionRequest::CloseClient { force: true, .. }, ActionSpec::CloseClient(c)) =
            (request, &spec)
        {
            let who = ProcessIdentity {
                pid: c.pid,
                start_time: c.start_time,
                exe: c.exe.clone(),
                name: c.name.clone(),
            };
            let token = new_token();
            // One confirmation per process at a time: a new preview replaces the old one.
            self.force_tokens.retain(|(_, bound)| bound != &who);
            self.force_tokens.push((token.clone(), who));
            preview.confirmation = Some(token);
        }
        Ok(preview)
    }

    /// Runs `request` through the journal.
    pub fn run(&mut self, request: &ActionRequest) -> Result<EntryView, AppError> {
        let spec = self.spec(request, true)?;
        let polite_close = match (&spec, request) {
            (ActionSpec::CloseClient(c), ActionRequest::CloseClient { force: false, .. }) => {
                Some(ProcessIdentity {
                    pid: c.pid,
                    start_time: c.start_time,
                    exe: c.exe.clone(),
                    name: c.name.clone(),
                })
            }
            _ => None,
        };
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        let result = self.journal.run(spec, &mut env);
        if let (Err(e), Some(who)) = (&result, polite_close)
            && matches!(e, RepairError::StillRunning { .. })
            && !self.still_running.contains(&who)
        {
            self.still_running.push(who);
        }
        result.map_err(|e| repair_error(&e, self.lang))
    }

    /// Undoes one change; refused with `undo_conflict` when its key changed since, unless
    /// `force` (the user confirmed to overwrite the later edit).
    pub fn undo(&mut self, id: &str, force: bool) -> Result<EntryView, AppError> {
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        self.journal
            .undo_with(id, &mut env, force)
            .map_err(|e| repair_error(&e, self.lang))
    }

    /// Undoes several changes, newest first whatever the order of `ids`.
    pub fn undo_many(&mut self, ids: &[&str], force: bool) -> Result<Vec<EntryView>, AppError> {
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        self.journal
            .undo_many(ids, &mut env, force)
            .map_err(|e| repair_error(&e, self.lang))
    }

    /// Every change, newest first, with what can be undone.
    pub fn entries(&self) -> Vec<EntryView> {
        let mut all = self.journal.entries();
        all.sort_by(|a, b| b.created_at_ms.total_cmp(&a.created_at_ms));
        all
    }

    /// Changes the app was killed in the middle of.
    pub fn interrupted(&self) -> Vec<EntryView> {
        self.journal.interrupted()
    }

    /// Starts the add-in bisect over the enabled add-ins no policy manages, and turns off the
    /// first half at once (journaled). The user then restarts Outlook and answers. The check
    /// is saved in the journal folder at every step, so it survives a restart of the app.
    /// Refused while another check is under way (continue it or put every add-in back).
    pub fn bisect_start(&mut self, addins: &[scan::Addin]) -> Result<Bisect, AppError> {
        if self.current_bisect()?.is_some() {
            let w = Words::of(self.lang);
            return Err(AppError::new(
                ErrorCode::BisectWrongStep,
                w.t("app.error.bisect_under_way", &[]),
                w.t("app.error.bisect_under_way.hint", &[]),
            ));
        }
        let states = repair::from_scan::addin_states(addins);
        let mut bisect = Bisect::start_in(&states, RegistryLayout::default(), &self.journal)
            .map_err(|e| repair_error(&e, self.lang))?;
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        let round = bisect.next_round(&mut self.journal, &mut env);
        // Whatever happened, the saved state matches the machine: keep it in memory too.
        self.bisect = Some(bisect.clone());
        round.map_err(|e| repair_error(&e, self.lang))?;
        Ok(bisect)
    }

    /// The check under way: in memory, or loaded from the journal folder after a restart.
    /// A damaged state file is a `journal_corrupt` error ([`Repairs::bisect_restore_all`]
    /// still puts back the add-ins it names).
    fn current_bisect(&mut self) -> Result<Option<&mut Bisect>, AppError> {
        if self.bisect.is_none() {
            self.bisect = Bisect::load(&self.journal).map_err(|e| repair_error(&e, self.lang))?;
        }
        Ok(self.bisect.as_mut())
    }

    /// Records "did the error come back?" and, when suspects are left, turns off the next half.
    pub fn bisect_answer(&mut self, error_came_back: bool) -> Result<Bisect, AppError> {
        self.current_bisect()?;
        let Some(bisect) = self.bisect.as_mut() else {
            return Err(no_bisect(self.lang));
        };
        bisect
            .answer_in(error_came_back, &self.journal)
            .map_err(|e| repair_error(&e, self.lang))?;
        if bisect.phase == BisectPhase::Ready {
            let mut env = env(
                &mut self.registry,
                &mut self.credentials,
                &self.processes,
                self.control.as_deref(),
                self.lang,
            );
            bisect
                .next_round(&mut self.journal, &mut env)
                .map_err(|e| repair_error(&e, self.lang))?;
        }
        Ok(bisect.clone())
    }

    /// Ends the bisect: everything it turned off comes back on, except the culprit when the
    /// user chose to keep it off.
    pub fn bisect_finish(&mut self, keep_culprit_disabled: bool) -> Result<Bisect, AppError> {
        self.current_bisect()?;
        let Some(bisect) = self.bisect.as_mut() else {
            return Err(no_bisect(self.lang));
        };
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        bisect
            .finish(keep_culprit_disabled, &mut self.journal, &mut env)
            .map_err(|e| repair_error(&e, self.lang))?;
        let done = bisect.clone();
        self.bisect = None;
        Ok(done)
    }

    /// Abandons the check under way (in memory or saved before a restart or crash): every
    /// add-in it turned off is put back through the journal (undo; a change a crash
    /// interrupted is rolled back) and the saved state is cleared. Works on a damaged state
    /// file too (a note says so).
    pub fn bisect_restore_all(&mut self) -> Result<RestoredAll, AppError> {
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        let done = Bisect::restore_all(&mut self.journal, &mut env)
            .map_err(|e| repair_error(&e, self.lang))?;
        self.bisect = None;
        Ok(done)
    }

    /// The bisect under way, to show after the screen was left or the app restarted (then
    /// it is loaded from the journal folder). A damaged state file is `journal_corrupt`.
    pub fn bisect_state(&mut self) -> Result<Option<Bisect>, AppError> {
        Ok(self.current_bisect()?.cloned())
    }

    /// Completes a change the app was killed in the middle of.
    pub fn finish(&mut self, id: &str) -> Result<EntryView, AppError> {
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        self.journal
            .finish(id, &mut env)
            .map_err(|e| repair_error(&e, self.lang))
    }

    /// Puts back the state from before a change the app was killed in the middle of.
    pub fn roll_back(&mut self, id: &str) -> Result<EntryView, AppError> {
        let mut env = env(
            &mut self.registry,
            &mut self.credentials,
            &self.processes,
            self.control.as_deref(),
            self.lang,
        );
        self.journal
            .roll_back(id, &mut env)
            .map_err(|e| repair_error(&e, self.lang))
    }
}

/// The actions' environment: the registry and credential store they may change, and how to
/// tell which mail apps run (borrowed apart from the journal).
fn env<'a>(
    registry: &'a mut Option<Box<dyn RegistryWriter + Send>>,
    credentials: &'a mut Option<Box<dyn CredentialStore + Send>>,
    processes: &'a ProcessCheck,
    control: Option<&'a dyn ProcessControl>,
    lang: Lang,
) -> Env<'a> {
    Env {
        registry: registry
            .as_deref_mut()
            .map(|r| r as &mut dyn RegistryWriter),
        credentials: credentials
            .as_deref_mut()
            .map(|c| c as &mut dyn CredentialStore),
        processes: Some(processes),
        control,
        lang,
    }
}

#[cfg(windows)]
fn live_credentials() -> Option<Box<dyn CredentialStore + Send>> {
    Some(Box::new(repair::credential_store::WindowsCredentialManager))
}

#[cfg(not(windows))]
fn live_credentials() -> Option<Box<dyn CredentialStore + Send>> {
    None
}

#[cfg(windows)]
fn live_registry() -> Option<Box<dyn RegistryWriter + Send>> {
    Some(Box::new(repair::registry::LiveRegistry::new()))
}

#[cfg(not(windows))]
fn live_registry() -> Option<Box<dyn RegistryWriter + Send>> {
    None
}

fn force_not_offered(who: &ProcessIdentity, lang: Lang) -> AppError {
    let w = Words::of(lang);
    AppError::new(
        ErrorCode::ConfirmationRequired,
        w.t(
            "app.error.force_not_offered",
            &[("name", &who.name), ("pid", &who.pid)],
        ),
        w.t("app.error.force_not_offered.hint", &[]),
    )
}

/// An unguessable one-time token (the page cannot make one up; it only passes it back).
fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut out = String::new();
    for part in 0..2u64 {
        // Each RandomState carries fresh random keys.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u128(nanos);
        h.write_u64(part);
        h.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

fn no_bisect(lang: Lang) -> AppError {
    let w = Words::of(lang);
    AppError::new(
        ErrorCode::BisectWrongStep,
        w.t("app.error.no_bisect", &[]),
        w.t("app.error.no_bisect.hint", &[]),
    )
}

/// The simulated PC's HKCU export (the first registry file the simulated PC wrote).
pub fn demo_hkcu(files: &[PathBuf]) -> Option<&PathBuf> {
    files.iter().find(|f| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("hkcu.reg"))
    })
}

/// A repair error in the user's words (`lang`), under a code the UI can branch on.
/// (Opening a mode's journal happens before the user's language is handed over, so those
/// few errors are in English.)
pub fn repair_error(e: &RepairError, lang: Lang) -> AppError {
    AppError::new(ErrorCode::from(e.code()), e.message(lang), e.hint(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, sandbox::pc::SimulatedPc) {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        (dir, pc)
    }

    /// The demo's repairs on the simulated PC `pc`, its journal in `dir`, in English.
    fn open_demo(
        dir: &Path,
        hkcu: &Path,
        pc: &sandbox::pc::SimulatedPc,
    ) -> Result<Repairs, AppError> {
        Repairs::demo(dir, hkcu, SimulatedMachine::new(pc.clone()), Lang::En)
    }

    fn rescan(pc: &sandbox::pc::SimulatedPc) -> scan::ScanReport {
        scan::run(&crate::demo::demo_scan_options(pc), &mut |_| {})
    }

    #[test]
    fn removing_the_duplicate_profile_shows_in_a_rescan_and_undo_puts_it_back() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        // The store rewrites the export in `reg export`'s own layout, which the hand-made
        // demo file need not match byte for byte; what must come back is the content.
        let profiles = |r: &scan::ScanReport| {
            let mut v: Vec<(String, Vec<Option<String>>)> = r
                .profiles
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.accounts.iter().map(|a| a.email.clone()).collect(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let before = profiles(&rescan(&pc));
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        let duplicate = rescan(&pc)
            .profiles
            .into_iter()
            .find(|p| !p.is_default && !p.duplicate_of.is_empty())
            .expect("a non-default duplicate");
        let request = ActionRequest::RemoveProfile {
            name: duplicate.name.clone(),
            version: Some(duplicate.version.clone()),
        };
        let preview = repairs.preview(&request).expect("preview");
        assert!(preview.undoable);
        let done = repairs.run(&request).expect("run");
        let after = rescan(&pc);
        assert!(after.profiles.iter().all(|p| p.name != duplicate.name));
        assert!(after.profiles.iter().all(|p| p.duplicate_of.is_empty()));
        assert_eq!(repairs.entries()[0].id, done.id);
        let after_change = std::fs::read(&hkcu).expect("read");
        repairs.undo(&done.id, false).expect("undo");
        assert!(
            profiles(&rescan(&pc)) == before,
            "undo did not bring the profile back"
        );
        // A second change and undo round-trips byte for byte in the store's own layout.
        let again = repairs.run(&request).expect("run again");
        assert!(std::fs::read(&hkcu).expect("read") == after_change);
        repairs.undo(&again.id, false).expect("undo again");
    }

    #[test]
    fn the_addin_check_survives_a_restart_and_restore_all_puts_every_addin_back() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        // The store rewrites the export in its own layout: compare with that layout.
        let report = rescan(&pc);
        let started = repairs.bisect_start(&report.addins).expect("start");
        let off = started.rounds[0].disabled.clone();
        repairs.bisect_restore_all().expect("restore");
        let original = std::fs::read(&hkcu).expect("read");
        assert!(repairs.bisect_state().expect("state").is_none());

        let started = repairs.bisect_start(&report.addins).expect("start again");
        assert_eq!(started.rounds[0].disabled, off);
        assert_ne!(std::fs::read(&hkcu).expect("read"), original);
        assert_eq!(
            repairs
                .bisect_start(&report.addins)
                .expect_err("one at a time")
                .code,
            ErrorCode::BisectWrongStep
        );

        // The app restarts: a new Repairs on the same folder finds the check and goes on.
        drop(repairs);
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("reopen");
        assert_eq!(repairs.bisect_state().expect("state"), Some(started));
        let next = repairs.bisect_answer(false).expect("answer after restart");
        assert_eq!(next.rounds[0].error_came_back, Some(false));

        // Another restart; the user puts every add-in back.
        drop(repairs);
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("reopen");
        let done = repairs.bisect_restore_all().expect("restore all");
        assert!(!done.restored.is_empty());
        assert!(std::fs::read(&hkcu).expect("read") == original);
        assert!(repairs.bisect_state().expect("state").is_none());
        assert_eq!(
            repairs.bisect_answer(true).expect_err("over").code,
            ErrorCode::BisectWrongStep
        );

        // A damaged saved check is a typed error, never a panic.
        repairs.bisect_start(&report.addins).expect("start");
        let path = dir.path().join("journal").join(repair::bisect::STATE_FILE);
        std::fs::write(&path, b"{ not json").expect("damage");
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("reopen");
        assert_eq!(
            repairs.bisect_state().expect_err("damaged").code,
            ErrorCode::JournalCorrupt
        );
        let done = repairs.bisect_restore_all().expect("restore anyway");
        assert!(done.notes.iter().any(|n| n.contains("damaged")), "{done:?}");
    }

    #[test]
    fn bisect_over_the_demo_addins_finds_the_culprit_and_restores_the_rest() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        let report = rescan(&pc);
        let started = repairs.bisect_start(&report.addins).expect("start");
        assert_eq!(started.phase, BisectPhase::AwaitingAnswer);
        let turned_off = started.rounds[0].disabled.clone();
        assert!(!turned_off.is_empty());
        // The bisect really turned them off in the simulated PC's registry.
        let during = rescan(&pc);
        for prog_id in &turned_off {
            let a = during
                .addins
                .iter()
                .find(|a| &a.prog_id == prog_id)
                .expect("listed");
            assert!(matches!(a.load_behavior, Some(0) | Some(2)), "{a:?}");
        }
        // "The error did not come back" with the first half off: the culprit is among them.
        let mut state = repairs.bisect_answer(false).expect("answer");
        while state.phase == BisectPhase::AwaitingAnswer {
            state = repairs.bisect_answer(false).expect("answer");
        }
        let BisectPhase::Found { culprit } = state.phase.clone() else {
            panic!("expected a culprit, got {:?}", state.phase)
        };
        let done = repairs.bisect_finish(false).expect("finish");
        assert_eq!(
            done.phase,
            BisectPhase::Finished {
                kept_disabled: None
            }
        );
        let after = rescan(&pc);
        let back = after
            .addins
            .iter()
            .find(|a| a.prog_id == culprit)
            .expect("listed");
        assert!(
            !matches!(back.load_behavior, Some(0) | Some(2)),
            "restored: {back:?}"
        );
        assert!(repairs.bisect_state().expect("state").is_none());
        assert_eq!(
            repairs.bisect_answer(true).expect_err("over").code,
            ErrorCode::BisectWrongStep
        );
    }

    #[test]
    fn close_and_restart_specs_carry_what_the_scan_saw() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut repairs = Repairs::live(dir.path(), Lang::En).expect("repairs");
        let close = ActionRequest::CloseClient {
            pid: 42,
            name: "OUTLOOK.EXE".into(),
            start_time: Some(7),
            force: false,
            confirmation: None,
        };
        // Not scanned yet: no process action at all.
        assert_eq!(
            repairs.spec(&close, false).expect_err("no scan").code,
            ErrorCode::ProcessChanged
        );
        let report = scan::ScanReport {
            processes: vec![seen(
                42,
                "OUTLOOK.EXE",
                Some(7),
                Some("C:\\Office\\OUTLOOK.EXE"),
            )],
            ..Default::default()
        };
        repairs.saw(&report);
        let Ok(ActionSpec::CloseClient(c)) = repairs.spec(&close, false) else {
            panic!("a close spec")
        };
        assert_eq!(
            (
                c.pid,
                c.start_time,
                c.exe.as_deref(),
                c.force,
                c.force_consent
            ),
            (42, Some(7), Some("C:\\Office\\OUTLOOK.EXE"), false, false),
            "the program file comes from the scan"
        );
        // Another start time or name at that pid is not what the scan saw.
        for other in [
            ActionRequest::CloseClient {
                pid: 42,
                name: "OUTLOOK.EXE".into(),
                start_time: Some(8),
                force: false,
                confirmation: None,
            },
            ActionRequest::RestartOutlook {
                pid: 42,
                name: "outlook.exe".into(),
                start_time: Some(7),
                mode: RestartMode::Safe,
            },
        ] {
            assert_eq!(
                repairs.spec(&other, false).expect_err("not seen").code,
                ErrorCode::ProcessChanged
            );
        }
        // `force: true` is not something the page can just set.
        let forced = ActionRequest::CloseClient {
            pid: 42,
            name: "OUTLOOK.EXE".into(),
            start_time: Some(7),
            force: true,
            confirmation: Some("made-up".into()),
        };
        assert_eq!(
            repairs.spec(&forced, false).expect_err("not offered").code,
            ErrorCode::ConfirmationRequired
        );
        assert_eq!(
            repairs.run(&forced).expect_err("no valid token").code,
            ErrorCode::ConfirmationRequired
        );
    }

    fn seen(pid: u32, name: &str, start_time: Option<u32>, exe: Option<&str>) -> scan::ProcessInfo {
        scan::ProcessInfo {
            kind: scan::ClientKind::ClassicOutlook,
            name: name.to_owned(),
            pid,
            parent_pid: None,
            user: None,
            start_time,
            exe: exe.map(str::to_owned),
            helper: false,
            instance: 1,
            instances_of_kind: 1,
            detail: None,
            connections: None,
        }
    }

    /// A copy of `sleep` named `outlook` run by `sh -c script`, reaped on a thread; killed
    /// on drop if it still runs that copy (never anyone else's process).
    #[cfg(unix)]
    struct FakeOutlook {
        pid: u32,
        exe: std::path::PathBuf,
    }

    #[cfg(unix)]
    impl FakeOutlook {
        fn start(dir: &Path, script: &str) -> FakeOutlook {
            std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
            let exe = dir.join("bin").join("outlook");
            let sleep = ["/usr/bin/sleep", "/bin/sleep"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
                .expect("sleep");
            std::fs::copy(sleep, &exe).expect("copy");
            let mut child = std::process::Command::new("sh")
                .args(["-c", script, exe.to_str().expect("utf-8")])
                .spawn()
                .expect("spawn");
            let pid = child.id();
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            let start = std::time::Instant::now();
            while !repair::process::describe(pid)
                .and_then(|p| p.exe)
                .is_some_and(|e| e.ends_with("/bin/outlook"))
            {
                assert!(start.elapsed().as_secs() < 5, "never ran bin/outlook");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            FakeOutlook { pid, exe }
        }

        fn info(&self) -> scan::ProcessInfo {
            let now = repair::process::describe(self.pid).expect("runs");
            seen(
                self.pid,
                &now.name,
                Some(now.start_time),
                now.exe.as_deref(),
            )
        }

        fn runs(&self) -> bool {
            repair::process::describe(self.pid)
                .is_some_and(|p| p.exe == self.exe.to_str().map(str::to_owned))
        }
    }

    #[cfg(unix)]
    impl Drop for FakeOutlook {
        fn drop(&mut self) {
            if self.runs() {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &self.pid.to_string()])
                    .status();
            }
        }
    }

    #[cfg(unix)]
    fn close_request(
        p: &scan::ProcessInfo,
        force: bool,
        confirmation: Option<String>,
    ) -> ActionRequest {
        ActionRequest::CloseClient {
            pid: p.pid,
            name: p.name.clone(),
            start_time: p.start_time,
            force,
            confirmation,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_forced_close_needs_the_one_time_confirmation_issued_after_a_polite_close_failed() {
        let dir = tempfile::tempdir().expect("tmp");
        let stubborn = FakeOutlook::start(dir.path(), "trap '' TERM; exec \"$0\" 30");
        let mut repairs = Repairs::live(&dir.path().join("data"), Lang::En).expect("repairs");
        repairs.close_timeout_ms = 600;
        let p = stubborn.info();
        repairs.saw(&scan::ScanReport {
            processes: vec![p.clone()],
            ..Default::default()
        });
        // Before any polite close: no forced close is offered, previewed or run.
        assert_eq!(
            repairs
                .preview(&close_request(&p, true, None))
                .expect_err("not yet")
                .code,
            ErrorCode::ConfirmationRequired
        );
        assert_eq!(
            repairs
                .run(&close_request(&p, true, None))
                .expect_err("not yet")
                .code,
            ErrorCode::ConfirmationRequired
        );
        let polite = repairs
            .preview(&close_request(&p, false, None))
            .expect("preview");
        assert_eq!(polite.confirmation, None, "a polite close needs no token");
        assert_eq!(
            repairs
                .run(&close_request(&p, false, None))
                .expect_err("ignores TERM")
                .code,
            ErrorCode::ProcessStillRunning
        );
        assert!(stubborn.runs());
        // Now the forced close is offered, but a run still needs the token it issues.
        for bad in [None, Some("0123456789abcdef0123456789abcdef".to_owned())] {
            assert_eq!(
                repairs
                    .run(&close_request(&p, true, bad))
                    .expect_err("no valid token")
                    .code,
                ErrorCode::ConfirmationRequired
            );
        }
        assert!(stubborn.runs(), "nothing was signalled without the token");
        let preview = repairs
            .preview(&close_request(&p, true, None))
            .expect("offered");
        assert!(preview.needs_consent);
        let token = preview.confirmation.clone().expect("a confirmation");
        // The token is bound to this process: another identity cannot use it.
        let mut other = p.clone();
        other.start_time = other.start_time.map(|t| t + 1);
        let mut listed = vec![p.clone(), other.clone()];
        repairs.saw(&scan::ScanReport {
            processes: listed.clone(),
            ..Default::default()
        });
        assert_eq!(
            repairs
                .run(&close_request(&other, true, Some(token.clone())))
                .expect_err("bound to another process")
                .code,
            ErrorCode::ConfirmationRequired
        );
        let done = repairs
            .run(&close_request(&p, true, Some(token.clone())))
            .expect("forced");
        assert!(matches!(
            done.outcome,
            Some(repair::Outcome::Closed { forced: true, .. })
        ));
        assert!(!stubborn.runs());
        // One time only.
        listed.truncate(1);
        repairs.saw(&scan::ScanReport {
            processes: listed,
            ..Default::default()
        });
        assert_eq!(
            repairs
                .run(&close_request(&p, true, Some(token)))
                .expect_err("used")
                .code,
            ErrorCode::ConfirmationRequired
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pid_now_running_another_program_or_start_is_refused_and_left_running() {
        let dir = tempfile::tempdir().expect("tmp");
        let running = FakeOutlook::start(dir.path(), "exec \"$0\" 30");
        let mut repairs = Repairs::live(&dir.path().join("data"), Lang::En).expect("repairs");
        let real = running.info();
        let mut other_exe = real.clone();
        other_exe.exe = Some("/opt/elsewhere/outlook".to_owned());
        let mut other_start = real.clone();
        other_start.start_time = real.start_time.map(|t| t.saturating_sub(60));
        for scanned in [other_exe, other_start] {
            repairs.saw(&scan::ScanReport {
                processes: vec![scanned.clone()],
                ..Default::default()
            });
            let request = close_request(&scanned, false, None);
            assert_eq!(
                repairs
                    .preview(&request)
                    .expect_err("not the scanned one")
                    .code,
                ErrorCode::ProcessChanged
            );
            assert_eq!(
                repairs.run(&request).expect_err("not the scanned one").code,
                ErrorCode::ProcessChanged
            );
            assert!(running.runs(), "{scanned:?}");
        }
        // What the scan really saw closes.
        repairs.saw(&scan::ScanReport {
            processes: vec![real.clone()],
            ..Default::default()
        });
        repairs
            .run(&close_request(&real, false, None))
            .expect("closed");
        assert!(!running.runs());
    }

    #[test]
    fn a_profile_without_a_version_is_the_one_the_scan_saw_never_a_guessed_16() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        let mut report = rescan(&pc);
        let copy = report
            .profiles
            .iter()
            .find(|p| p.name == "Outlook - Copy")
            .expect("the demo's duplicate")
            .clone();
        // The same name under 15.0 and under the Windows Messaging Subsystem key.
        let mut old = copy.clone();
        old.version = "15.0".into();
        let mut wms = copy.clone();
        wms.name = "Old Mail".into();
        wms.version = "windows_messaging_subsystem".into();
        report.profiles.push(old);
        report.profiles.push(wms);
        repairs.saw(&report);
        let request = |name: &str, version: Option<&str>| ActionRequest::RemoveProfile {
            name: name.into(),
            version: version.map(str::to_owned),
        };
        assert_eq!(
            repairs
                .spec(&request("Outlook - Copy", None), false)
                .expect_err("two versions")
                .code,
            ErrorCode::InvalidInput
        );
        // Exact name: no case folding, no trimming.
        for near in ["outlook - copy", "Outlook - Copy "] {
            assert_eq!(
                repairs
                    .spec(&request(near, None), false)
                    .expect_err("not seen")
                    .code,
                ErrorCode::ProfileMissing,
                "{near:?}"
            );
        }
        let Ok(ActionSpec::RemoveProfile(r)) = repairs.spec(&request("Old Mail", None), false)
        else {
            panic!("a removal spec")
        };
        assert_eq!(r.version, "windows_messaging_subsystem");
        assert_eq!(
            repairs
                .preview(&request("Old Mail", None))
                .expect_err("refused")
                .code,
            ErrorCode::ProfileVersionUnsupported
        );
        let Ok(ActionSpec::RemoveProfile(r)) =
            repairs.spec(&request("Outlook - Copy", Some("16.0")), false)
        else {
            panic!("a removal spec")
        };
        assert_eq!(
            (r.name.as_str(), r.version.as_str()),
            ("Outlook - Copy", "16.0")
        );
    }

    #[test]
    fn disabling_an_addin_and_refusing_a_policy_one() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        let report = rescan(&pc);
        let teams = report
            .addins
            .iter()
            .find(|a| a.opens_connections && !a.policy)
            .expect("a connection add-in");
        repairs
            .run(&ActionRequest::DisableAddin {
                prog_id: teams.prog_id.clone(),
            })
            .expect("disable");
        let after = rescan(&pc);
        let now = after
            .addins
            .iter()
            .find(|a| a.prog_id == teams.prog_id)
            .expect("still listed");
        assert_eq!(now.load_behavior, Some(0), "{now:?}");
        if let Some(policy) = report.addins.iter().find(|a| a.policy) {
            let err = repairs
                .run(&ActionRequest::DisableAddin {
                    prog_id: policy.prog_id.clone(),
                })
                .expect_err("policy-managed add-ins are refused");
            assert_eq!(err.code, ErrorCode::AddinPolicyManaged);
        }
    }

    #[test]
    fn limiting_thunderbird_waits_until_it_is_closed_then_undo_deletes_user_js() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = open_demo(dir.path(), &hkcu, &pc).expect("repairs");
        let mut report = rescan(&pc);
        let account = report
            .accounts
            .iter()
            .find_map(|a| a.imap_connections.clone())
            .expect("an IMAP account");
        let request = ActionRequest::LimitImapConnections {
            profile_dir: account.profile_dir.clone(),
            server_key: account.server_key.clone(),
            max_connections: None,
        };
        // Before any scan nothing is known about the account: refused.
        assert_eq!(
            repairs.run(&request).expect_err("no scan").code,
            ErrorCode::ThunderbirdProfileInvalid
        );
        // The demo's scan lists Thunderbird running.
        repairs.saw(&report);
        let e = repairs.run(&request).expect_err("running");
        assert_eq!(e.code, ErrorCode::ClientRunning);
        assert!(
            e.message.contains("thunderbird.exe (process 9408)"),
            "{}",
            e.message
        );
        let user_js = std::path::Path::new(&account.profile_dir).join("user.js");
        assert!(!user_js.exists());
        // An account the scan did not list is refused whatever the files hold.
        let other = ActionRequest::LimitImapConnections {
            profile_dir: account.profile_dir.clone(),
            server_key: "server2".into(),
            max_connections: None,
        };
        assert_eq!(
            repairs.run(&other).expect_err("not listed").code,
            ErrorCode::ThunderbirdProfileInvalid
        );
        // Thunderbird closed (the scan no longer lists it): the change goes through.
        report
            .processes
            .retain(|p| p.kind != scan::ClientKind::Thunderbird);
        repairs.saw(&report);
        let done = repairs.run(&request).expect("closed now");
        let after = rescan(&pc);
        let now = after
            .accounts
            .iter()
            .find_map(|a| {
                a.imap_connections
                    .clone()
                    .filter(|s| s.server_key == account.server_key)
            })
            .expect("still listed");
        assert_eq!((now.max_connections, now.from.as_str()), (2, "user.js"));
        repairs.undo(&done.id, false).expect("undo");
        assert!(!user_js.exists(), "it did not exist before");
    }
}
