//! One-click repairs from the UI: what the user asked for, turned into `repair` actions that
//! run through the journal (preview, backup, change, record, undo). Demo mode changes the
//! simulated PC's registry export, so a re-scan shows the effect; live mode writes the real
//! registry on Windows and has no registry elsewhere.

use std::path::{Path, PathBuf};

use repair::bisect::{Bisect, BisectPhase};
use repair::credential_store::CredentialStore;
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{
    ActionSpec, CloseClient, EntryView, Env, Journal, Preview, RegistryLayout, RemoveCredential,
    RemoveProfile, RepairError, RestartMode, RestartOutlook, SetAddin,
};
use serde::Deserialize;

use crate::error::{AppError, ErrorCode};

/// A repair the UI can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionRequest {
    /// Turn an add-in off (HKCU LoadBehavior); refused for policy-managed add-ins.
    DisableAddin { prog_id: String },
    /// Turn an add-in back on.
    EnableAddin { prog_id: String },
    /// Remove a duplicate Outlook profile, exported first so undo can put it back.
    RemoveProfile {
        // The exact key name, never trimmed ("Outlook " is not "Outlook").
        name: String,
        // The Office version key the profile lives under ("16.0", "15.0"); absent: "16.0".
        #[serde(default)]
        version: Option<String>,
    },
    /// Close a mail app the scan saw. `force` only after the user agreed a second time
    /// (a polite close that did not work); unsaved work may be lost then.
    CloseClient {
        pid: u32,
        name: String,
        start_time: Option<u32>,
        force: bool,
    },
    /// Delete a saved Office sign-in (Windows Credential Manager). `consent` is sent only
    /// after the user read that this cannot be undone.
    RemoveCredential { target: String, consent: bool },
    /// Close Outlook and start it again (normally, in safe mode, or with a profile).
    RestartOutlook {
        pid: u32,
        name: String,
        start_time: Option<u32>,
        mode: RestartMode,
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
                force,
            } => {
                let mut close = CloseClient::polite(*pid, name);
                close.start_time = *start_time;
                if *force {
                    close = close.forced_with_consent();
                }
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
        }
    }

    /// Actions on running programs and saved sign-ins: in the demo these are simulated, so
    /// they change the simulated PC and never this computer.
    pub fn is_simulated_in_demo(&self) -> bool {
        matches!(
            self,
            Self::CloseClient { .. } | Self::RestartOutlook { .. } | Self::RemoveCredential { .. }
        )
    }
}

/// The journal and the registry the actions change, for one mode.
pub struct Repairs {
    journal: Journal,
    /// The add-in bisect under way, if any (its changes are in the journal too).
    bisect: Option<Bisect>,
    registry: Option<Box<dyn RegistryWriter + Send>>,
    credentials: Option<Box<dyn CredentialStore + Send>>,
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
    /// Demo: the journal beside the simulated PC, which owns the registry export it changes.
    pub fn demo(pc_dir: &Path, hkcu_export: &Path) -> Result<Self, AppError> {
        let journal = Journal::open(&pc_dir.join("journal")).map_err(|e| repair_error(&e))?;
        let store = RegFileStore::open(hkcu_export).map_err(|e| repair_error(&e))?;
        Ok(Self {
            journal,
            bisect: None,
            registry: Some(Box::new(store)),
            credentials: None,
        })
    }

    /// A `.reg` export as the registry: changes are made to the file itself (read and
    /// written back whole at each change), journaled in `journal_dir`. Saved sign-ins are
    /// this computer's, as a scan of the export reads them.
    pub fn on_export(journal_dir: &Path, export: &Path) -> Result<Self, AppError> {
        let store = RegFileStore::open(export).map_err(|e| repair_error(&e))?;
        let journal = Journal::open(journal_dir).map_err(|e| repair_error(&e))?;
        Ok(Self {
            journal,
            bisect: None,
            registry: Some(Box::new(store)),
            credentials: live_credentials(),
        })
    }

    /// The folder the journal keeps its entries and backups in.
    pub fn journal_dir(&self) -> &Path {
        self.journal.dir()
    }

    /// Live: the journal in the app's data folder; the real registry on Windows only.
    pub fn live(data_dir: &Path) -> Result<Self, AppError> {
        let journal = Journal::open(&data_dir.join("journal")).map_err(|e| repair_error(&e))?;
        Ok(Self {
            journal,
            bisect: None,
            registry: live_registry(),
            credentials: live_credentials(),
        })
    }

    pub fn preview(&mut self, request: &ActionRequest) -> Result<Preview, AppError> {
        let spec = request.spec();
        let mut env = env(&mut self.registry, &mut self.credentials);
        self.journal
            .preview(&spec, &mut env)
            .map_err(|e| repair_error(&e))
    }

    pub fn run(&mut self, request: &ActionRequest) -> Result<EntryView, AppError> {
        let spec = request.spec();
        let mut env = env(&mut self.registry, &mut self.credentials);
        self.journal
            .run(spec, &mut env)
            .map_err(|e| repair_error(&e))
    }

    pub fn undo(&mut self, id: &str) -> Result<EntryView, AppError> {
        let mut env = env(&mut self.registry, &mut self.credentials);
        self.journal
            .undo(id, &mut env)
            .map_err(|e| repair_error(&e))
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
    /// first half at once (journaled). The user then restarts Outlook and answers.
    pub fn bisect_start(&mut self, addins: &[scan::Addin]) -> Result<Bisect, AppError> {
        let states = repair::from_scan::addin_states(addins);
        let mut bisect =
            Bisect::start(&states, RegistryLayout::default()).map_err(|e| repair_error(&e))?;
        let mut env = env(&mut self.registry, &mut self.credentials);
        bisect
            .next_round(&mut self.journal, &mut env)
            .map_err(|e| repair_error(&e))?;
        self.bisect = Some(bisect.clone());
        Ok(bisect)
    }

    /// Records "did the error come back?" and, when suspects are left, turns off the next half.
    pub fn bisect_answer(&mut self, error_came_back: bool) -> Result<Bisect, AppError> {
        let Some(bisect) = self.bisect.as_mut() else {
            return Err(no_bisect());
        };
        bisect
            .answer(error_came_back)
            .map_err(|e| repair_error(&e))?;
        if bisect.phase == BisectPhase::Ready {
            let mut env = env(&mut self.registry, &mut self.credentials);
            bisect
                .next_round(&mut self.journal, &mut env)
                .map_err(|e| repair_error(&e))?;
        }
        Ok(bisect.clone())
    }

    /// Ends the bisect: everything it turned off comes back on, except the culprit when the
    /// user chose to keep it off.
    pub fn bisect_finish(&mut self, keep_culprit_disabled: bool) -> Result<Bisect, AppError> {
        let Some(bisect) = self.bisect.as_mut() else {
            return Err(no_bisect());
        };
        let mut env = env(&mut self.registry, &mut self.credentials);
        bisect
            .finish(keep_culprit_disabled, &mut self.journal, &mut env)
            .map_err(|e| repair_error(&e))?;
        let done = bisect.clone();
        self.bisect = None;
        Ok(done)
    }

    /// The bisect under way, to show after the screen was left.
    pub fn bisect_state(&self) -> Option<Bisect> {
        self.bisect.clone()
    }

    /// Completes a change the app was killed in the middle of.
    pub fn finish(&mut self, id: &str) -> Result<EntryView, AppError> {
        let mut env = env(&mut self.registry, &mut self.credentials);
        self.journal
            .finish(id, &mut env)
            .map_err(|e| repair_error(&e))
    }

    /// Puts back the state from before a change the app was killed in the middle of.
    pub fn roll_back(&mut self, id: &str) -> Result<EntryView, AppError> {
        let mut env = env(&mut self.registry, &mut self.credentials);
        self.journal
            .roll_back(id, &mut env)
            .map_err(|e| repair_error(&e))
    }
}

/// The actions' environment: the registry and credential store they may change (borrowed
/// apart from the journal).
fn env<'a>(
    registry: &'a mut Option<Box<dyn RegistryWriter + Send>>,
    credentials: &'a mut Option<Box<dyn CredentialStore + Send>>,
) -> Env<'a> {
    Env {
        registry: registry
            .as_deref_mut()
            .map(|r| r as &mut dyn RegistryWriter),
        credentials: credentials
            .as_deref_mut()
            .map(|c| c as &mut dyn CredentialStore),
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

fn no_bisect() -> AppError {
    AppError::new(
        ErrorCode::BisectWrongStep,
        "No add-in check is under way.",
        "Start the add-in check again from the add-ins list.",
    )
}

/// The record of a demo action on a simulated program (not journaled: nothing is real).
pub fn simulated_entry(request: &ActionRequest, preview: Preview) -> EntryView {
    let (kind, target) = match request {
        ActionRequest::RestartOutlook { pid, .. } => (repair::ActionKind::RestartOutlook, *pid),
        ActionRequest::CloseClient { pid, .. } => (repair::ActionKind::CloseClient, *pid),
        _ => (repair::ActionKind::RemoveCredential, 0),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or_default();
    EntryView {
        id: format!("demo-{target}-{now}"),
        kind,
        target: match request {
            ActionRequest::RemoveCredential { target, .. } => target.clone(),
            _ => format!("process {target}"),
        },
        preview,
        state: repair::EntryState::Applied,
        created_at_ms: now,
        updated_at_ms: now,
        can_undo: false,
        can_roll_back: false,
        outcome: None,
        error: None,
    }
}

/// The simulated PC's HKCU export (the first registry file the simulated PC wrote).
pub fn demo_hkcu(files: &[PathBuf]) -> Option<&PathBuf> {
    files.iter().find(|f| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("hkcu.reg"))
    })
}

/// A repair error in the user's words, under a code the UI can branch on.
pub fn repair_error(e: &RepairError) -> AppError {
    let code = serde_json::from_value::<ErrorCode>(serde_json::Value::String(e.code().to_owned()))
        .unwrap_or(ErrorCode::RepairFailed);
    AppError::new(code, e.to_string(), e.hint())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, sandbox::pc::SimulatedPc) {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        (dir, pc)
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
        let mut repairs = Repairs::demo(dir.path(), &hkcu).expect("repairs");
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
        repairs.undo(&done.id).expect("undo");
        assert!(
            profiles(&rescan(&pc)) == before,
            "undo did not bring the profile back"
        );
        // A second change and undo round-trips byte for byte in the store's own layout.
        let again = repairs.run(&request).expect("run again");
        assert!(std::fs::read(&hkcu).expect("read") == after_change);
        repairs.undo(&again.id).expect("undo again");
    }

    #[test]
    fn bisect_over_the_demo_addins_finds_the_culprit_and_restores_the_rest() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = Repairs::demo(dir.path(), &hkcu).expect("repairs");
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
        assert!(repairs.bisect_state().is_none());
        assert_eq!(
            repairs.bisect_answer(true).expect_err("over").code,
            ErrorCode::BisectWrongStep
        );
    }

    #[test]
    fn close_and_restart_specs_carry_what_the_scan_saw() {
        let close = ActionRequest::CloseClient {
            pid: 42,
            name: "OUTLOOK.EXE".into(),
            start_time: Some(7),
            force: false,
        };
        assert!(close.is_simulated_in_demo());
        let ActionSpec::CloseClient(c) = close.spec() else {
            panic!("a close spec")
        };
        assert_eq!(
            (c.pid, c.start_time, c.force, c.force_consent),
            (42, Some(7), false, false)
        );
        let forced = ActionRequest::CloseClient {
            pid: 42,
            name: "OUTLOOK.EXE".into(),
            start_time: None,
            force: true,
        };
        let ActionSpec::CloseClient(f) = forced.spec() else {
            panic!("a close spec")
        };
        assert!(f.force && f.force_consent, "force only ever with consent");
        assert!(
            !ActionRequest::RemoveProfile {
                name: "x".into(),
                version: None
            }
            .is_simulated_in_demo()
        );
    }

    #[test]
    fn disabling_an_addin_and_refusing_a_policy_one() {
        let (dir, pc) = demo();
        let hkcu = demo_hkcu(&pc.registry_files).expect("hkcu").clone();
        let mut repairs = Repairs::demo(dir.path(), &hkcu).expect("repairs");
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
}
