//! Restart classic Outlook: close it politely (force only with the second consent), wait for
//! it to end, start it again normally, in safe mode (`/safe`, no add-ins) or with a chosen
//! profile (`/profile "Name"`). The result is a new process with a new id.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::close_client::{DEFAULT_CLOSE_TIMEOUT_MS, require_force_consent};
use super::{Action, ActionKind, Env, Outcome, Preview};
use crate::error::RepairError;
use crate::process::{self, RunningProcess};

/// How Outlook starts again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RestartMode {
    /// As usual.
    Normal,
    /// `/safe`: without add-ins, to see whether one causes the error.
    Safe,
    /// `/profile "Name"`.
    Profile {
        /// The profile's name.
        name: String,
    },
}

impl RestartMode {
    /// Outlook's command-line switches for the mode (each a separate argument, so the OS
    /// quotes a profile name with spaces itself).
    pub fn args(&self) -> Vec<String> {
        match self {
            Self::Normal => Vec::new(),
            Self::Safe => vec!["/safe".to_owned()],
            Self::Profile { name } => vec!["/profile".to_owned(), name.clone()],
        }
    }
}

/// Close (if running) and start Outlook again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RestartOutlook {
    /// The running Outlook, if any.
    pub pid: Option<u32>,
    /// The name the scan saw (`OUTLOOK.EXE`).
    pub name: String,
    /// Start time the scan saw, to recognise a reused process id.
    pub start_time: Option<u32>,
    /// The program to start; when absent, the running one's.
    pub exe: Option<String>,
    /// The program file the scan saw running at `pid`: a process id now running another
    /// file is left alone.
    #[serde(default)]
    pub running_exe: Option<String>,
    /// How it starts again.
    pub mode: RestartMode,
    /// Force it closed if it does not quit in time...
    pub force: bool,
    /// ...and only if the user agreed to that a second time.
    pub force_consent: bool,
    /// How long a polite close may take, in milliseconds.
    pub timeout_ms: u32,
}

impl RestartOutlook {
    /// Restart the running Outlook `pid` in `mode`.
    pub fn running(pid: u32, name: &str, mode: RestartMode) -> Self {
        Self {
            pid: Some(pid),
            name: name.to_owned(),
            start_time: None,
            exe: None,
            running_exe: None,
            mode,
            force: false,
            force_consent: false,
            timeout_ms: DEFAULT_CLOSE_TIMEOUT_MS,
        }
    }
}

impl RestartOutlook {
    /// Starts Outlook again from what a close recorded (`Outcome::Closed { running }`).
    pub fn from_closed(running: &RunningProcess, mode: RestartMode) -> Self {
        Self {
            pid: None,
            name: running.name.clone(),
            start_time: None,
            exe: running.exe.clone(),
            running_exe: None,
            mode,
            force: false,
            force_consent: false,
            timeout_ms: DEFAULT_CLOSE_TIMEOUT_MS,
        }
    }
}

/// The backup of a restart: what ran, and the program that will be started.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RestartRecord {
    running: Option<RunningProcess>,
    exe: String,
}

impl Action for RestartOutlook {
    fn kind(&self) -> ActionKind {
        ActionKind::RestartOutlook
    }

    fn target(&self) -> String {
        match self.pid {
            Some(pid) => format!("{} (process {pid})", self.name),
            None => self.name.clone(),
        }
    }

    fn check(&self) -> Result<(), RepairError> {
        require_force_consent(self.force, self.force_consent)?;
        if let RestartMode::Profile { name } = &self.mode
            && (name.trim().is_empty() || name.contains('"'))
        {
            return Err(RepairError::ProfileMissing { name: name.clone() });
        }
        Ok(())
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        let w = env.words();
        let mut changes = Vec::new();
        if let Some(pid) = self.pid
            && process::identify(
                env.control(),
                pid,
                &self.name,
                self.start_time,
                self.running_exe.as_deref(),
            )?
            .is_some()
        {
            changes.push(w.t(
                "preview.restart.ask",
                &[("pid", &pid), ("seconds", &(self.timeout_ms / 1000))],
            ));
            if self.force {
                changes.push(w.t("preview.restart.force", &[]));
            }
        }
        changes.push(match &self.mode {
            RestartMode::Normal => w.t("preview.restart.start", &[]),
            RestartMode::Safe => w.t("preview.restart.start_safe", &[]),
            RestartMode::Profile { name } => {
                w.t("preview.restart.start_profile", &[("name", name)])
            }
        });
        Ok(Preview {
            title: w.t("preview.restart.title", &[]),
            changes,
            undo: w.t("preview.restart.undo", &[]),
            undoable: false,
            needs_consent: self.force,
            confirmation: None,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        let running = match self.pid {
            Some(pid) => process::identify(
                env.control(),
                pid,
                &self.name,
                self.start_time,
                self.running_exe.as_deref(),
            )?,
            None => None,
        };
        let exe = self
            .exe
            .clone()
            .or_else(|| running.as_ref().and_then(|r| r.exe.clone()))
            .ok_or_else(|| RepairError::StartFailed {
                exe: self.name.clone(),
                reason: "the location of Outlook is not known".to_owned(),
            })?;
        // Only Outlook is ever started: the program comes from the scan or the UI, and this
        // action must not become a way to launch anything else.
        if crate::process::base_name(&exe) != "outlook" {
            return Err(RepairError::StartFailed {
                exe,
                reason: "only Outlook (OUTLOOK.EXE) is restarted by this step".to_owned(),
            });
        }
        serde_json::to_vec_pretty(&RestartRecord { running, exe }).map_err(|e| {
            RepairError::BackupFailed {
                path: "process record".to_owned(),
                reason: e.to_string(),
            }
        })
    }

    fn apply(&self, env: &mut Env, backup: &[u8]) -> Result<Outcome, RepairError> {
        require_force_consent(self.force, self.force_consent)?;
        let record: RestartRecord =
            serde_json::from_slice(backup).map_err(|e| RepairError::JournalCorrupt {
                path: "restart record".to_owned(),
                reason: e.to_string(),
            })?;
        if let Some(r) = &record.running {
            process::close(
                env.control(),
                r,
                std::time::Duration::from_millis(u64::from(self.timeout_ms)),
                self.force && self.force_consent,
            )?;
        }
        let args = self.mode.args();
        let new_pid = env.control().start(Path::new(&record.exe), &args)?;
        Ok(Outcome::Restarted {
            previous: record.running,
            new_pid,
            exe: record.exe,
            args,
        })
    }

    fn undo(&self, _env: &mut Env, _backup: &[u8]) -> Result<(), RepairError> {
        Err(RepairError::NotUndoable {
            what: crate::error::NamedChange::RestartOutlook,
        })
    }

    fn undoable(&self) -> bool {
        false
    }
}
