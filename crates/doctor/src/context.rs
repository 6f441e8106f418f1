//! What the running app holds between commands: live or demo mode, and the demo's sandbox.
//!
//! The Tauri shell keeps one [`AppContext`] as managed state; every command is one call on it.

use std::sync::{Arc, Mutex};
use words::{Lang, Words};

use scan::{Progress, ScanOptions, ScanReport};

use crate::account::{AccountState, Endpoint};
use crate::actions::{ActionRequest, Repairs};
use crate::demo::Demo;
use crate::error::{AppError, ErrorCode};
use crate::session::{Acted, AddinCheckRestored, AddinCheckStep, AddinCheckStepped, SessionView};
use crate::start::{Mode, StartReport, start_check};

/// The app's state. Thread-safe: commands run on Tauri's async runtime.
pub struct AppContext {
    /// `Some` while in demo mode; dropping it stops the simulated tenant and deletes the
    /// simulated PC.
    demo: Mutex<Option<Demo>>,
    /// The Microsoft account side of the current mode; replaced when the mode changes so
    /// demo sign-ins never mix with real ones.
    account: Mutex<Arc<AccountState>>,
    /// Opens a URL in the system browser; the shell installs it (the Tauri opener).
    browser: Mutex<Option<Browser>>,
    /// The last scan, for the diagnosis (the UI shows it; nothing is scanned twice).
    last_scan: Mutex<Option<ScanReport>>,
    /// The first scan of this mode: the "before" of the report's before/now.
    first_scan: Mutex<Option<ScanReport>>,
    /// The app's data folder (journal and backups in live mode); the shell sets it.
    data_dir: Mutex<Option<std::path::PathBuf>>,
    /// The journal and registry of the current mode, opened on first use.
    repairs: Mutex<Option<Repairs>>,
    /// Asks the user where to save a file (the native save dialog); the shell installs it.
    save_picker: Mutex<Option<SavePicker>>,
    /// The language the user reads: every sentence the backend builds (findings, evidence,
    /// the estimate, offers) is in it. The UI sets it at start and when the user switches.
    lang: Mutex<Lang>,
}

/// A change the user confirmed, for [`AppContext::act`].
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Runs a repair through the journal.
    Run(&'a ActionRequest),
    /// Puts a journaled change back (`force`: over a later edit, after the user agreed).
    Undo {
        /// The journal entry.
        id: &'a str,
        /// Undo over a later edit of the same key (the user agreed).
        force: bool,
    },
    /// Completes a change the app was killed in the middle of.
    Finish(&'a str),
    /// Rolls such a change back.
    RollBack(&'a str),
}

/// Asks where to save: the suggested file name in, the chosen path (or `None`, cancelled) out.
pub type SavePicker = Arc<dyn Fn(&str) -> Option<std::path::PathBuf> + Send + Sync>;

/// Opens a page in the user's browser.
pub type Browser = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

impl Default for AppContext {
    fn default() -> Self {
        Self {
            demo: Mutex::new(None),
            account: Mutex::new(Arc::new(AccountState::new(Endpoint::Live))),
            browser: Mutex::new(None),
            last_scan: Mutex::new(None),
            first_scan: Mutex::new(None),
            data_dir: Mutex::new(None),
            repairs: Mutex::new(None),
            save_picker: Mutex::new(None),
            lang: Mutex::new(Lang::En),
        }
    }
}

impl AppContext {
    /// A context on this computer and the real Microsoft cloud.
    pub fn live() -> Self {
        Self::default()
    }

    /// A context already in demo mode (`session-doctor --demo`).
    pub fn demo() -> Result<Self, AppError> {
        let ctx = Self::default();
        ctx.enter_demo()?;
        Ok(ctx)
    }

    /// The language the backend's sentences are in.
    pub fn lang(&self) -> Lang {
        self.lang.lock().map(|g| *g).unwrap_or_default()
    }

    /// Switches the backend's sentences to `lang` (the next diagnosis, plan or offer).
    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut guard) = self.lang.lock() {
            *guard = lang;
        }
        self.account().set_lang(lang);
    }

    /// Live or demo.
    pub fn mode(&self) -> Mode {
        match self.demo.lock() {
            Ok(guard) => match guard.as_ref() {
                Some(d) => Mode::Demo {
                    tenant_url: d.tenant_url().to_owned(),
                },
                None => Mode::Live,
            },
            // A poisoned lock means a command panicked mid-way; live mode is the safe answer.
            Err(_) => Mode::Live,
        }
    }

    /// The facts about the machine this session looks at: the simulated PC in the demo,
    /// else this computer.
    pub fn host_facts(&self) -> crate::host::HostFacts {
        match self.demo.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            Some(demo) => demo.machine().host_facts(),
            None => crate::host::HostFacts::live(),
        }
    }

    /// Switches to demo mode, starting the simulated tenant once.
    pub fn enter_demo(&self) -> Result<Mode, AppError> {
        let mut guard = self.demo.lock().map_err(|_| poisoned(self.lang()))?;
        if guard.is_none() {
            let demo = Demo::start(self.lang())?;
            self.set_account(AccountState::new(demo.endpoint()));
            *guard = Some(demo);
            drop(guard);
            self.forget_scans();
            self.reset_repairs();
        } else {
            drop(guard);
        }
        Ok(self.mode())
    }

    /// Leaves demo mode and stops the simulated tenant.
    pub fn leave_demo(&self) -> Mode {
        if let Ok(mut guard) = self.demo.lock()
            && guard.take().is_some()
        {
            self.set_account(AccountState::new(Endpoint::Live));
            self.forget_scans();
            self.reset_repairs();
        }
        Mode::Live
    }

    /// Installs how pages open in the user's browser.
    pub fn set_browser(&self, open: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static) {
        if let Ok(mut guard) = self.browser.lock() {
            *guard = Some(Arc::new(open));
        }
    }

    /// Browser sign-in for the current mode (the demo needs no browser).
    pub async fn sign_in(
        &self,
        login_hint: Option<String>,
        admin: bool,
        kind: Option<cloud::AccountKind>,
    ) -> Result<cloud::Account, AppError> {
        let browser = self.browser.lock().ok().and_then(|g| g.clone());
        let open = move |url: &str| match browser {
            Some(open) => open(url),
            None => Err("no browser is available to this app".to_owned()),
        };
        self.account()
            .sign_in_browser(open, login_hint, admin, kind)
            .await
    }

    /// Opens a Microsoft page in the system browser, through the one checked door
    /// ([`repair::validate_page_url`]): the page has no opener right of its own. In the demo
    /// the same check runs and the same browser opens (the pages are Microsoft's real ones).
    pub fn open_page(&self, url: &str) -> Result<(), AppError> {
        let checked = repair::validate_page_url(url)
            .map_err(|e| crate::actions::repair_error(&e, self.lang()))?;
        let browser = self.browser.lock().ok().and_then(|g| g.clone());
        let Some(open) = browser else {
            let w = Words::of(self.lang());
            return Err(AppError::new(
                ErrorCode::BrowserUnavailable,
                w.t("app.error.no_browser", &[("url", &checked)]),
                w.t("app.error.no_browser.hint", &[]),
            ));
        };
        open(&checked).map_err(|why| {
            let w = Words::of(self.lang());
            AppError::new(
                ErrorCode::BrowserUnavailable,
                w.t(
                    "app.error.browser_failed",
                    &[("url", &checked), ("why", &why)],
                ),
                w.t("app.error.no_browser.hint", &[]),
            )
        })
    }

    fn set_account(&self, state: AccountState) {
        state.set_lang(self.lang());
        if let Ok(mut guard) = self.account.lock() {
            *guard = Arc::new(state);
        }
    }

    /// The Microsoft account side of the current mode.
    pub fn account(&self) -> Arc<AccountState> {
        match self.account.lock() {
            Ok(guard) => guard.clone(),
            // Poisoned: a fresh live state is safe (it only reads the keyring when asked).
            Err(_) => Arc::new(AccountState::new(Endpoint::Live)),
        }
    }

    /// What the Start button runs.
    pub async fn start_check(&self) -> Result<StartReport, AppError> {
        let mode = self.mode();
        start_check(&mode, self.lang()).await
    }

    /// What to scan: this computer, or the demo's simulated PC.
    fn scan_options(&self) -> Result<ScanOptions, AppError> {
        let guard = self.demo.lock().map_err(|_| poisoned(self.lang()))?;
        Ok(match guard.as_ref() {
            Some(demo) => demo.scan_options(),
            None => ScanOptions {
                live: true,
                ..ScanOptions::default()
            },
        })
    }

    /// Scans this computer (or the simulated PC), reporting progress per source. The scan
    /// blocks on the file system and process table, so it runs off the async runtime.
    pub async fn scan(
        &self,
        mut progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<ScanReport, AppError> {
        let options = self.scan_options()?;
        let report = tokio::task::spawn_blocking(move || scan::run(&options, &mut progress))
            .await
            .map_err(|e| {
                let w = Words::of(self.lang());
                AppError::new(
                    ErrorCode::Internal,
                    w.t("app.error.scan_stopped", &[("detail", &e)]),
                    w.t("app.error.scan_stopped.hint", &[]),
                )
            })?;
        self.record_scan(&report);
        Ok(report)
    }

    /// The scan as the session's last (and, the first time in this mode, its first).
    fn record_scan(&self, report: &ScanReport) {
        if let Ok(mut guard) = self.last_scan.lock() {
            *guard = Some(report.clone());
        }
        if let Ok(mut guard) = self.first_scan.lock() {
            guard.get_or_insert_with(|| report.clone());
        }
    }

    /// Scans, then returns the whole session: what the Scan button and the start of the
    /// app render.
    pub async fn refresh(
        &self,
        progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<SessionView, AppError> {
        self.scan(progress).await?;
        Ok(self.session())
    }

    /// The session as it stands, without scanning (after a sign-in or a change of
    /// language: the diagnosis is built again from the same scan).
    pub fn session(&self) -> SessionView {
        let (journal, journal_error) = match self.journal() {
            Ok(entries) => (entries, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let first = self.first_scan();
        let last = self.last_scan();
        SessionView {
            diagnosis: last.as_ref().and_then(|_| self.diagnosis().ok()),
            changes: crate::session::changes(first.as_ref(), last.as_ref()),
            scan: last.map(|scan| crate::session::worded(scan, self.lang())),
            journal,
            journal_error,
        }
    }

    /// Makes a change (a repair, an undo, a finish or a roll-back), scans again and returns
    /// what it did with the session after it. Blocking: a polite close waits for the
    /// program, and the scan reads the disk; the shell runs it off the UI thread.
    pub fn act(
        &self,
        change: Change<'_>,
        mut progress: impl FnMut(Progress) + Send,
    ) -> Result<Acted, AppError> {
        let outcome = match change {
            Change::Run(request) => self.run_action(request),
            Change::Undo { id, force } => self.undo_action(id, force),
            Change::Finish(id) => self.finish_action(id),
            Change::RollBack(id) => self.roll_back_action(id),
        };
        let session = self.rescan(&mut progress)?;
        let (done, failed) = match outcome {
            Ok(entry) => (Some(entry), None),
            Err(e) => (None, Some(e)),
        };
        Ok(Acted {
            done,
            failed,
            session,
        })
    }

    /// A step of the add-in check (it turns add-ins off and on through the journal), then a
    /// scan, so the session shows which add-ins are off now.
    pub fn addin_check(
        &self,
        step: AddinCheckStep,
        mut progress: impl FnMut(Progress) + Send,
    ) -> Result<AddinCheckStepped, AppError> {
        let bisect = match step {
            AddinCheckStep::Start => self.bisect_start()?,
            AddinCheckStep::Answer { error_came_back } => self.bisect_answer(error_came_back)?,
            AddinCheckStep::Finish {
                keep_culprit_disabled,
            } => self.bisect_finish(keep_culprit_disabled)?,
        };
        Ok(AddinCheckStepped {
            bisect,
            session: self.rescan(&mut progress)?,
        })
    }

    /// Abandons the add-in check (every add-in it turned off back on), then a scan.
    pub fn addin_check_restore_all(
        &self,
        mut progress: impl FnMut(Progress) + Send,
    ) -> Result<AddinCheckRestored, AppError> {
        let restored = self.bisect_restore_all()?;
        Ok(AddinCheckRestored {
            restored,
            session: self.rescan(&mut progress)?,
        })
    }

    /// Scans again after a change (synchronously: the caller is off the UI thread) and
    /// returns the session with it.
    fn rescan(
        &self,
        progress: &mut (impl FnMut(Progress) + Send),
    ) -> Result<SessionView, AppError> {
        let options = self.scan_options()?;
        let report = scan::run(&options, progress);
        self.record_scan(&report);
        Ok(self.session())
    }

    /// Scans of one mode never mix with the other's.
    fn forget_scans(&self) {
        for slot in [&self.last_scan, &self.first_scan] {
            if let Ok(mut guard) = slot.lock() {
                guard.take();
            }
        }
    }

    /// The simulated PC's folder while in demo mode (tests look at what was written there).
    pub fn demo_dir(&self) -> Option<std::path::PathBuf> {
        let guard = self.demo.lock().ok()?;
        guard.as_ref().map(|d| d.pc_dir().to_path_buf())
    }

    /// The last scan of this mode.
    pub fn last_scan(&self) -> Option<ScanReport> {
        self.last_scan.lock().ok().and_then(|g| g.clone())
    }

    /// The first scan of this mode (the "before").
    pub fn first_scan(&self) -> Option<ScanReport> {
        self.first_scan.lock().ok().and_then(|g| g.clone())
    }

    /// What IT preset (config file, environment), read fresh so a changed file counts.
    pub fn settings(&self) -> settings::Settings {
        settings::load()
    }

    /// Installs the save dialog.
    pub fn set_save_picker(
        &self,
        pick: impl Fn(&str) -> Option<std::path::PathBuf> + Send + Sync + 'static,
    ) {
        if let Ok(mut guard) = self.save_picker.lock() {
            *guard = Some(Arc::new(pick));
        }
    }

    pub(crate) fn save_picker(&self) -> Option<SavePicker> {
        self.save_picker.lock().ok().and_then(|g| g.clone())
    }

    /// Where live mode keeps its journal and backups (the shell passes the app data dir).
    pub fn set_data_dir(&self, dir: std::path::PathBuf) {
        if let Ok(mut guard) = self.data_dir.lock() {
            *guard = Some(dir);
        }
    }

    fn reset_repairs(&self) {
        if let Ok(mut guard) = self.repairs.lock() {
            guard.take();
        }
    }

    /// Runs `f` on the current mode's repairs, opening the journal on first use. The demo
    /// lock is taken and released before the repairs lock (never both at once).
    fn with_repairs<T>(
        &self,
        f: impl FnOnce(&mut Repairs) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let demo_paths = {
            let guard = self.demo.lock().map_err(|_| poisoned(self.lang()))?;
            guard
                .as_ref()
                .map(|d| (d.pc_dir().to_path_buf(), d.hkcu_export(), d.machine()))
        };
        let mut guard = self.repairs.lock().map_err(|_| poisoned(self.lang()))?;
        if guard.is_none() {
            let opened = match demo_paths {
                Some((pc_dir, Some(hkcu), machine)) => {
                    Repairs::demo(&pc_dir, &hkcu, machine, self.lang())?
                }
                Some((_, None, _)) => {
                    let w = Words::of(self.lang());
                    return Err(AppError::new(
                        ErrorCode::SandboxUnavailable,
                        w.t("app.error.demo_no_registry", &[]),
                        w.t("app.error.demo_no_registry.hint", &[]),
                    ));
                }
                None => {
                    let dir = self
                        .data_dir
                        .lock()
                        .map_err(|_| poisoned(self.lang()))?
                        .clone();
                    let dir = dir.ok_or_else(|| {
                        let w = Words::of(self.lang());
                        AppError::new(
                            ErrorCode::Internal,
                            w.t("app.error.no_journal_folder", &[]),
                            w.t("app.error.restart", &[]),
                        )
                    })?;
                    Repairs::live(&dir, self.lang())?
                }
            };
            *guard = Some(opened);
        }
        match guard.as_mut() {
            Some(repairs) => {
                repairs.set_lang(self.lang());
                f(repairs)
            }
            None => Err(poisoned(self.lang())),
        }
    }

    /// What an action would change, before it runs.
    pub fn preview_action(&self, request: &ActionRequest) -> Result<repair::Preview, AppError> {
        let last = self.last_scan();
        self.with_repairs(|r| {
            if let Some(report) = &last {
                r.saw(report);
            }
            r.preview(request)
        })
    }

    /// Runs an action through the journal (backup first). In the demo the same actions act
    /// on the simulated PC (its registry export, programs and saved sign-ins), never on this
    /// computer, and are journaled like live ones.
    pub fn run_action(&self, request: &ActionRequest) -> Result<repair::EntryView, AppError> {
        let last = self.last_scan();
        self.with_repairs(|r| {
            if let Some(report) = &last {
                r.saw(report);
            }
            r.run(request)
        })
    }

    /// Undoes a journaled action from its backup. Refused with `undo_conflict` (naming what
    /// changed) when its key changed since the action; `force` after the user confirmed.
    pub fn undo_action(&self, id: &str, force: bool) -> Result<repair::EntryView, AppError> {
        self.with_repairs(|r| r.undo(id, force))
    }

    /// Starts the add-in check over the add-ins of the last scan.
    pub fn bisect_start(&self) -> Result<repair::bisect::Bisect, AppError> {
        let addins = self
            .last_scan
            .lock()
            .map_err(|_| poisoned(self.lang()))?
            .as_ref()
            .map(|r| r.addins.clone())
            .ok_or_else(|| {
                let w = Words::of(self.lang());
                AppError::new(
                    ErrorCode::InvalidInput,
                    w.t("app.error.bisect_needs_scan", &[]),
                    w.t("app.error.scan_first.hint", &[]),
                )
            })?;
        self.with_repairs(|r| r.bisect_start(&addins))
    }

    /// "Did the error come back?" for the current round of the add-in check.
    pub fn bisect_answer(&self, error_came_back: bool) -> Result<repair::bisect::Bisect, AppError> {
        self.with_repairs(|r| r.bisect_answer(error_came_back))
    }

    /// Ends the add-in check, keeping the culprit off if the user wants.
    pub fn bisect_finish(
        &self,
        keep_culprit_disabled: bool,
    ) -> Result<repair::bisect::Bisect, AppError> {
        self.with_repairs(|r| r.bisect_finish(keep_culprit_disabled))
    }

    /// The add-in check under way, if any; after a restart it is loaded from the journal
    /// folder. A damaged saved check is a `journal_corrupt` error.
    pub fn bisect_state(&self) -> Result<Option<repair::bisect::Bisect>, AppError> {
        self.with_repairs(|r| r.bisect_state())
    }

    /// Abandons the add-in check under way (also one saved before a restart or crash): puts
    /// every add-in it turned off back through the journal's undo and clears it.
    pub fn bisect_restore_all(&self) -> Result<repair::bisect::RestoredAll, AppError> {
        self.with_repairs(|r| r.bisect_restore_all())
    }

    /// Completes an interrupted change (the app was killed between backup and change).
    pub fn finish_action(&self, id: &str) -> Result<repair::EntryView, AppError> {
        self.with_repairs(|r| r.finish(id))
    }

    /// Rolls an interrupted change back to the state before it.
    pub fn roll_back_action(&self, id: &str) -> Result<repair::EntryView, AppError> {
        self.with_repairs(|r| r.roll_back(id))
    }

    /// Every journaled change of this mode, newest first.
    pub fn journal(&self) -> Result<Vec<repair::EntryView>, AppError> {
        self.with_repairs(|r| Ok(r.entries()))
    }

    /// The guided fix of `track` (the guessed one when `None`) for the last scan.
    pub fn wizard_plan(
        &self,
        track: Option<crate::plan::Track>,
    ) -> Result<crate::wizard::WizardPlan, AppError> {
        let scan = self
            .last_scan
            .lock()
            .map_err(|_| poisoned(self.lang()))?
            .clone();
        let cloud = self.account().last_snapshot();
        let diagnosis = scan
            .as_ref()
            .map(|s| crate::diagnose::diagnose(s, cloud.as_ref(), self.lang()));
        // The user's answers (the triage question) change the order: kept in the saved
        // progress, which the backend owns.
        let answers = self
            .wizard_progress()
            .map(|p| p.answers)
            .unwrap_or_default();
        Ok(crate::wizard::wizard_plan(
            track,
            answers,
            cloud.as_ref().map(|c| c.account.kind),
            scan.as_ref(),
            diagnosis.as_ref(),
            self.lang(),
        ))
    }

    /// Where this mode keeps the guided fix's progress: the data folder when live; the
    /// demo's own folder in the demo, whose simulated PC starts fresh each time (so must
    /// its progress).
    fn progress_path(&self) -> Result<std::path::PathBuf, AppError> {
        if let Some(dir) = self.demo_dir() {
            return Ok(crate::wizard::progress_path(&dir));
        }
        let dir = self
            .data_dir
            .lock()
            .map_err(|_| poisoned(self.lang()))?
            .clone();
        dir.map(|d| crate::wizard::progress_path(&d))
            .ok_or_else(|| {
                let w = Words::of(self.lang());
                AppError::new(
                    ErrorCode::Internal,
                    w.t("app.error.no_progress_folder", &[]),
                    w.t("app.error.restart", &[]),
                )
            })
    }

    /// The saved progress through the guided fix. Damaged or unreadable progress starts
    /// over: it is only a bookmark, the journal and the backups live elsewhere.
    pub fn wizard_progress(&self) -> Result<crate::wizard::WizardProgress, AppError> {
        let path = self.progress_path()?;
        Ok(crate::wizard::load_progress(&path).unwrap_or_default())
    }

    /// Saves the progress and returns it as saved.
    pub fn save_wizard_progress(
        &self,
        progress: crate::wizard::WizardProgress,
    ) -> Result<crate::wizard::WizardProgress, AppError> {
        if progress
            .answers
            .connections_counted
            .is_some_and(|n| n > crate::wizard::MAX_COUNTED_CONNECTIONS)
        {
            let w = Words::of(self.lang());
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                w.t(
                    "app.error.too_many_counted",
                    &[("max", &crate::wizard::MAX_COUNTED_CONNECTIONS)],
                ),
                w.t("app.error.too_many_counted.hint", &[]),
            ));
        }
        let path = self.progress_path()?;
        crate::wizard::save_progress(&path, &progress).map_err(|e| {
            let w = Words::of(self.lang());
            AppError::new(
                ErrorCode::IoError,
                w.t("app.error.progress_not_saved", &[("detail", &e)]),
                w.t("app.error.progress_not_saved.hint", &[]),
            )
        })?;
        Ok(progress)
    }

    /// Findings from the last scan and, when signed in, the last cloud snapshot.
    pub fn diagnosis(&self) -> Result<crate::diagnose::Diagnosis, AppError> {
        let scan = self
            .last_scan
            .lock()
            .map_err(|_| poisoned(self.lang()))?
            .clone()
            .ok_or_else(|| {
                let w = Words::of(self.lang());
                AppError::new(
                    ErrorCode::InvalidInput,
                    w.t("app.error.nothing_to_diagnose", &[]),
                    w.t("app.error.nothing_to_diagnose.hint", &[]),
                )
            })?;
        let account = self.account();
        let cloud = account.last_snapshot();
        let mut diagnosis = crate::diagnose::diagnose(&scan, cloud.as_ref(), self.lang());
        diagnosis.wait.revoked_at = account.revoked_at();
        Ok(diagnosis)
    }
}

impl std::fmt::Debug for AppContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppContext")
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

fn poisoned(lang: Lang) -> AppError {
    let w = Words::of(lang);
    AppError::new(
        ErrorCode::Internal,
        w.t("app.error.state_damaged", &[]),
        w.t("app.error.restart", &[]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn demo_round_trip() {
        let ctx = AppContext::live();
        assert_eq!(ctx.mode(), Mode::Live);
        let mode = ctx.enter_demo().expect("demo starts");
        assert!(matches!(mode, Mode::Demo { .. }));
        // Entering twice keeps the same tenant.
        assert_eq!(ctx.enter_demo().expect("still demo"), mode);
        let report = ctx.start_check().await.expect("check in demo");
        assert!(report.tenant.is_some());
        assert_eq!(ctx.leave_demo(), Mode::Live);
        assert!(ctx.start_check().await.expect("live").tenant.is_none());
    }

    #[tokio::test]
    async fn demo_scan_sees_the_messy_simulated_pc_and_reports_progress() {
        let ctx = AppContext::demo().expect("demo");
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = events.clone();
        let report = ctx
            .scan(move |p| sink.lock().expect("lock").push(p))
            .await
            .expect("scan");
        // The simulated PC: Outlook open twice, two profiles for one account, Thunderbird.
        let outlooks = report
            .processes
            .iter()
            .filter(|p| p.kind == scan::ClientKind::ClassicOutlook && !p.helper)
            .count();
        assert_eq!(outlooks, 2);
        assert!(report.profiles.iter().any(|p| !p.duplicate_of.is_empty()));
        assert!(
            report
                .accounts
                .iter()
                .any(|a| a.client == scan::ClientKind::Thunderbird)
        );
        let events = events.lock().expect("lock");
        assert!(!events.is_empty());
        assert!(events.iter().any(|p| p.fraction >= 1.0));
    }

    #[tokio::test]
    async fn demo_close_removes_a_simulated_outlook_and_never_touches_real_processes() {
        let ctx = AppContext::demo().expect("demo");
        let before = ctx.scan(|_| {}).await.expect("scan");
        let outlooks: Vec<_> = before
            .processes
            .iter()
            .filter(|p| p.kind == scan::ClientKind::ClassicOutlook && !p.helper)
            .collect();
        assert_eq!(outlooks.len(), 2);
        let request = ActionRequest::CloseClient {
            pid: outlooks[1].pid,
            name: outlooks[1].name.clone(),
            start_time: outlooks[1].start_time,
            force: false,
            confirmation: None,
        };
        let preview = ctx.preview_action(&request).expect("preview");
        assert!(!preview.undoable);
        assert!(preview.title.contains(&outlooks[1].name), "{preview:?}");
        let entry = ctx.run_action(&request).expect("closed");
        assert!(!entry.can_undo);
        assert_eq!(entry.kind, repair::ActionKind::CloseClient);
        let after = ctx.scan(|_| {}).await.expect("scan");
        let left = after
            .processes
            .iter()
            .filter(|p| p.kind == scan::ClientKind::ClassicOutlook && !p.helper)
            .count();
        assert_eq!(left, 1);
        // Closing it again is a clear error, not a signal to whatever has that pid here.
        let again = ctx.run_action(&request).expect_err("already gone");
        assert_eq!(again.code, ErrorCode::ProcessChanged);
        // The close went through the same journal as a live one: one entry, no undo.
        let journal = ctx.journal().expect("journal");
        assert_eq!(journal.len(), 1, "{journal:?}");
        assert_eq!(journal[0].id, entry.id);
    }

    #[tokio::test]
    async fn demo_removes_a_saved_sign_in_only_with_consent() {
        let ctx = AppContext::demo().expect("demo");
        let before = ctx.scan(|_| {}).await.expect("scan");
        let target = before
            .credentials
            .first()
            .expect("a saved sign-in")
            .name
            .clone();
        let refused = ctx
            .run_action(&ActionRequest::RemoveCredential {
                target: target.clone(),
                consent: false,
            })
            .expect_err("consent is required");
        assert_eq!(refused.code, ErrorCode::ConfirmationRequired);
        let preview = ctx
            .preview_action(&ActionRequest::RemoveCredential {
                target: target.clone(),
                consent: false,
            })
            .expect("preview");
        assert!(preview.needs_consent && !preview.undoable);
        ctx.run_action(&ActionRequest::RemoveCredential {
            target: target.clone(),
            consent: true,
        })
        .expect("removed");
        let after = ctx.scan(|_| {}).await.expect("scan");
        assert!(after.credentials.iter().all(|c| c.name != target));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_signing_out_everywhere_the_wait_counts_from_the_revoke() {
        let ctx = AppContext::demo().expect("demo");
        ctx.scan(|_| {}).await.expect("scan");
        assert_eq!(ctx.diagnosis().expect("diagnosis").wait.revoked_at, None);
        let account = ctx.account();
        account
            .sign_in_browser(
                |_| Ok(()),
                Some(sandbox::DEMO_ADMIN_UPN.into()),
                // Revoking through Graph needs User.RevokeSessions.All (admin scopes).
                true,
                None,
            )
            .await
            .expect("demo sign-in");
        let report = account
            .sign_out_everywhere(Vec::new())
            .await
            .expect("revoke");
        assert!(
            report
                .results
                .iter()
                .all(|r| r.outcome == cloud::RevokeOutcome::Revoked),
            "{report:?}"
        );
        let wait = ctx.diagnosis().expect("diagnosis").wait;
        assert_eq!(wait.revoked_at, account.revoked_at());
        assert!(wait.revoked_at.is_some());
    }
}
