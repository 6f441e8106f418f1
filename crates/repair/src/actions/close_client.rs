//! Close a mail client (Outlook, Teams, a web app window...). Politely first; by force only
//! when the call carries the user's second consent. There is no undo (a closed program's
//! state is gone), but what ran (exe and arguments) is recorded so "restart" can start it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, Env, Outcome, Preview};
use crate::error::RepairError;
use crate::process::{self, RunningProcess};

/// Default wait for a polite close: Outlook may take a while to save and sync.
pub const DEFAULT_CLOSE_TIMEOUT_MS: u32 = 20_000;

/// Close one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct CloseClient {
    /// The process id the scan saw.
    pub pid: u32,
    /// The name the scan saw (`OUTLOOK.EXE`): a process with another name is left alone.
    pub name: String,
    /// Start time the scan saw (seconds since the epoch), to recognise a reused process id.
    pub start_time: Option<u32>,
    /// The program file the scan saw: a process id now running another file is left alone.
    #[serde(default)]
    pub exe: Option<String>,
    /// Force it closed if it does not quit in time...
    pub force: bool,
    /// ...and only if the user agreed to that a second time.
    pub force_consent: bool,
    /// How long a polite close may take, in milliseconds.
    pub timeout_ms: u32,
}

impl CloseClient {
    /// A polite close with the default wait.
    pub fn polite(pid: u32, name: &str) -> Self {
        Self {
            pid,
            name: name.to_owned(),
            start_time: None,
            exe: None,
            force: false,
            force_consent: false,
            timeout_ms: DEFAULT_CLOSE_TIMEOUT_MS,
        }
    }

    /// The same close, forced after the wait, with the user's second consent.
    pub fn forced_with_consent(mut self) -> Self {
        self.force = true;
        self.force_consent = true;
        self
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(u64::from(self.timeout_ms))
    }
}

/// What the backup of a close holds: the program as it ran (`None`: already ended).
pub(crate) fn parse_running(backup: &[u8]) -> Option<RunningProcess> {
    serde_json::from_slice::<Option<RunningProcess>>(backup)
        .ok()
        .flatten()
}

pub(crate) fn require_force_consent(force: bool, consent: bool) -> Result<(), RepairError> {
    if force && !consent {
        return Err(RepairError::ConsentRequired {
            what: crate::error::NamedChange::ForceClose,
        });
    }
    Ok(())
}

impl Action for CloseClient {
    fn kind(&self) -> ActionKind {
        ActionKind::CloseClient
    }

    fn target(&self) -> String {
        format!("{} (process {})", self.name, self.pid)
    }

    fn check(&self) -> Result<(), RepairError> {
        require_force_consent(self.force, self.force_consent)
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        let running = process::identify(
            env.control(),
            self.pid,
            &self.name,
            self.start_time,
            self.exe.as_deref(),
        )?;
        let w = env.words();
        let who: [words::Arg<'_>; 2] = [("name", &self.name), ("pid", &self.pid)];
        let mut changes = vec![match &running {
            Some(_) => w.t("preview.close.ask", &who),
            None => w.t("preview.close.ended", &who),
        }];
        if self.force {
            changes.push(w.t(
                "preview.close.force",
                &[("seconds", &(self.timeout_ms / 1000))],
            ));
        }
        Ok(Preview {
            title: w.t("preview.close.title", &[("name", &self.name)]),
            changes,
            undo: w.t("preview.close.undo", &[]),
            undoable: false,
            needs_consent: self.force,
            confirmation: None,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        let running = process::identify(
            env.control(),
            self.pid,
            &self.name,
            self.start_time,
            self.exe.as_deref(),
        )?;
        serde_json::to_vec_pretty(&running).map_err(|e| RepairError::BackupFailed {
            path: "process record".to_owned(),
            reason: e.to_string(),
        })
    }

    fn apply(&self, env: &mut Env, backup: &[u8]) -> Result<Outcome, RepairError> {
        require_force_consent(self.force, self.force_consent)?;
        let Some(running) = parse_running(backup) else {
            return Ok(Outcome::Closed {
                running: None,
                forced: false,
                exited_by_itself: true,
            });
        };
        let was_running = process::is_same_running(env.control(), &running);
        let forced = process::close(
            env.control(),
            &running,
            self.timeout(),
            self.force && self.force_consent,
        )?;
        Ok(Outcome::Closed {
            running: Some(running),
            forced,
            exited_by_itself: !was_running,
        })
    }

    fn undo(&self, _env: &mut Env, _backup: &[u8]) -> Result<(), RepairError> {
        Err(RepairError::NotUndoable {
            what: crate::error::NamedChange::CloseProgram {
                name: self.name.clone(),
            },
        })
    }

    fn undoable(&self) -> bool {
        false
    }
}
