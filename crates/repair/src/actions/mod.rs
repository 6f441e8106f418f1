//! The one-click actions. Each has a preview (what will change, in plain words), a backup
//! of what it changes, the change, and an undo where the machine allows. They run through
//! the [`Journal`](crate::journal::Journal), which writes the entry and the backup to disk
//! before anything changes; callers never call `apply` directly.
//!
//! Opening a page changes nothing on the machine, so it is a validation
//! ([`open_page::validate_page_url`]) rather than a journaled action.

pub mod addin;
pub mod close_client;
pub mod credentials;
pub mod imap_connections;
pub mod open_page;
pub mod remove_profile;
pub mod restart_outlook;

use serde::{Deserialize, Serialize};

use crate::credential_store::CredentialStore;
use crate::error::RepairError;
use crate::process::{LiveProcesses, ProcessControl, RunningProcess};
use crate::registry::RegistryWriter;

pub use addin::{AddinState, RegistryLayout, SetAddin, list_addins};
pub use close_client::CloseClient;
pub use credentials::RemoveCredential;
pub use imap_connections::LimitImapConnections;
pub use remove_profile::RemoveProfile;
pub use restart_outlook::{RestartMode, RestartOutlook};

/// What the machine offers to the actions: a registry to change, a credential store, and a
/// way to tell which mail apps run. A missing one makes the actions that need it fail with
/// `unsupported_on_this_os`.
#[derive(Default)]
pub struct Env<'a> {
    /// The registry the actions change (HKCU's Outlook keys only).
    pub registry: Option<&'a mut dyn RegistryWriter>,
    /// Where saved sign-ins are removed.
    pub credentials: Option<&'a mut dyn CredentialStore>,
    /// Which mail apps run now (actions that change an app's files refuse while it runs).
    pub processes: Option<&'a ProcessCheck>,
    /// Where programs are closed and started: this computer when `None`, else the given
    /// machine (demo mode's simulated PC). The same checks run either way.
    pub control: Option<&'a dyn ProcessControl>,
    /// The language of the previews' sentences (English by default).
    pub lang: words::Lang,
}

/// Where an action learns which mail apps run: this computer's process list at the moment
/// it asks, or a fixed list (the demo's simulated PC, tests).
#[derive(Debug, Clone)]
pub enum ProcessCheck {
    /// This computer's process list when the action asks.
    Live,
    /// A fixed list (the demo's simulated PC, tests).
    Listed(Vec<scan::ProcessInfo>),
}

impl Env<'_> {
    /// The catalog of the previews' language.
    pub fn words(&self) -> &'static words::Words {
        words::Words::of(self.lang)
    }
}

impl ProcessCheck {
    /// (pid, name) of every process of that kind, helpers included.
    pub fn running(&self, kind: scan::ClientKind) -> Vec<(u32, String)> {
        let procs = match self {
            Self::Live => scan::processes::classify(&scan::processes::snapshot_live(), &[]),
            Self::Listed(list) => list.clone(),
        };
        procs
            .into_iter()
            .filter(|p| p.kind == kind)
            .map(|p| (p.pid, p.name))
            .collect()
    }
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("registry", &self.registry.is_some())
            .field("credentials", &self.credentials.is_some())
            .field("processes", &self.processes)
            .field("control", &self.control.is_some())
            .finish()
    }
}

impl<'a> Env<'a> {
    /// An environment with a registry only.
    pub fn with_registry(registry: &'a mut dyn RegistryWriter) -> Self {
        Self {
            registry: Some(registry),
            credentials: None,
            processes: None,
            control: None,
            lang: words::Lang::En,
        }
    }

    /// The machine programs are closed and started on.
    pub(crate) fn control(&self) -> &dyn ProcessControl {
        match self.control {
            Some(c) => c,
            None => &LiveProcesses,
        }
    }

    pub(crate) fn registry(&mut self) -> Result<&mut dyn RegistryWriter, RepairError> {
        match self.registry.as_deref_mut() {
            Some(r) => Ok(r),
            None => Err(RepairError::Unsupported {
                what: crate::error::Unavailable::Registry,
            }),
        }
    }

    pub(crate) fn credentials(&mut self) -> Result<&mut dyn CredentialStore, RepairError> {
        match self.credentials.as_deref_mut() {
            Some(c) => Ok(c),
            None => Err(RepairError::Unsupported {
                what: crate::error::Unavailable::Credentials,
            }),
        }
    }
}

/// Kinds of journaled actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Close one mail app.
    CloseClient,
    /// Close Outlook and start it again.
    RestartOutlook,
    /// Turn an add-in off.
    DisableAddin,
    /// Turn an add-in on.
    EnableAddin,
    /// Delete a classic Outlook profile.
    RemoveProfile,
    /// Delete a saved Office sign-in.
    RemoveCredential,
    /// Lower Thunderbird's connections per IMAP account.
    LimitImapConnections,
}

impl ActionKind {
    /// Registry actions keep a `.reg` backup; the others a JSON record.
    pub(crate) fn backup_extension(self) -> &'static str {
        match self {
            Self::DisableAddin | Self::EnableAddin | Self::RemoveProfile => "reg",
            _ => "json",
        }
    }
}

/// What an action will do, shown before it runs and kept in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Preview {
    /// One line: "Turn off the add-in Contoso CRM".
    pub title: String,
    /// Each change in plain words.
    pub changes: Vec<String>,
    /// What undo does, or why there is no undo.
    pub undo: String,
    /// Whether undo can put it back.
    pub undoable: bool,
    /// The action runs only with the user's explicit consent flag.
    pub needs_consent: bool,
    /// A one-time confirmation the backend issued for exactly this action on exactly this
    /// target (a forced close of the process a polite close did not end): the run request
    /// must carry it back. Never stored in the journal.
    #[serde(default)]
    pub confirmation: Option<String>,
}

impl Preview {
    /// The preview as one text (title, changes, undo note).
    pub fn text(&self) -> String {
        let mut s = self.title.clone();
        for c in &self.changes {
            s.push_str("\n- ");
            s.push_str(c);
        }
        s.push('\n');
        s.push_str(&self.undo);
        s
    }
}

/// What an applied action did, recorded in its journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A registry key was changed; its previous state is in the backup.
    Registry {
        /// The key changed.
        key: String,
    },
    /// A program was closed. `running` is what ran (exe and arguments) so it can be started again.
    Closed {
        /// What ran, to start it again.
        running: Option<RunningProcess>,
        /// Whether it had to be forced.
        forced: bool,
        /// It ended on its own before or while being asked to close.
        exited_by_itself: bool,
    },
    /// Outlook was closed (if it ran) and started again as a new process.
    Restarted {
        /// The Outlook that was closed, if one ran.
        previous: Option<RunningProcess>,
        /// The new process's id.
        new_pid: u32,
        /// The program started.
        exe: String,
        /// Its arguments.
        args: Vec<String>,
    },
    /// A saved sign-in was deleted (`existed` false: it was already gone).
    CredentialRemoved {
        /// The credential's target name.
        target: String,
        /// Whether it was there to delete.
        existed: bool,
    },
    /// A settings file was written (`created`: it did not exist before); the backup holds
    /// its previous bytes.
    File {
        /// The file written.
        path: String,
        /// Whether it was created (it did not exist).
        created: bool,
    },
}

/// One action: checked, previewed, backed up, applied, undone.
pub trait Action {
    /// Which kind of action it is.
    fn kind(&self) -> ActionKind;
    /// What it acts on, for the journal list ("Contoso.Addin", "process 4242 OUTLOOK.EXE").
    fn target(&self) -> String;
    /// Refuses calls that must not even be previewed or journaled (bad names, a forced close
    /// without its second consent).
    fn check(&self) -> Result<(), RepairError> {
        Ok(())
    }
    /// Refuses a run the user has not agreed to yet. A preview comes before that agreement
    /// (it is what the user agrees to), so only `run` asks this.
    fn check_consent(&self) -> Result<(), RepairError> {
        Ok(())
    }
    /// What will change, read from the machine now.
    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError>;
    /// The bytes that let undo restore the current state (or record what ran); written to the
    /// journal's backup folder before `apply` runs.
    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError>;
    /// The change. Must be idempotent: after a crash the journal may run it again.
    fn apply(&self, env: &mut Env, backup: &[u8]) -> Result<Outcome, RepairError>;
    /// Restores the state in `backup`. Must be idempotent too.
    fn undo(&self, env: &mut Env, backup: &[u8]) -> Result<(), RepairError>;
    /// Whether `undo` can restore anything.
    fn undoable(&self) -> bool;
    /// The registry key (with everything below it) the change writes and undo restores:
    /// the journal records its state when the change completes, and undo refuses to
    /// overwrite it if it changed since. `None`: the action changes no registry key.
    fn changed_key(&self) -> Option<String> {
        None
    }
}

/// An action with its parameters, as stored in the journal so it can be finished, rolled
/// back or undone after the app restarts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionSpec {
    /// Close a mail app.
    CloseClient(CloseClient),
    /// Restart Outlook.
    RestartOutlook(RestartOutlook),
    /// Turn an add-in off or on.
    SetAddin(SetAddin),
    /// Delete a profile.
    RemoveProfile(RemoveProfile),
    /// Delete a saved sign-in.
    RemoveCredential(RemoveCredential),
    /// Lower Thunderbird's IMAP connections.
    LimitImapConnections(LimitImapConnections),
}

impl ActionSpec {
    /// The action behind the spec.
    pub fn action(&self) -> &dyn Action {
        match self {
            Self::CloseClient(a) => a,
            Self::RestartOutlook(a) => a,
            Self::SetAddin(a) => a,
            Self::RemoveProfile(a) => a,
            Self::RemoveCredential(a) => a,
            Self::LimitImapConnections(a) => a,
        }
    }
}

impl From<CloseClient> for ActionSpec {
    fn from(a: CloseClient) -> Self {
        Self::CloseClient(a)
    }
}
impl From<RestartOutlook> for ActionSpec {
    fn from(a: RestartOutlook) -> Self {
        Self::RestartOutlook(a)
    }
}
impl From<SetAddin> for ActionSpec {
    fn from(a: SetAddin) -> Self {
        Self::SetAddin(a)
    }
}
impl From<RemoveProfile> for ActionSpec {
    fn from(a: RemoveProfile) -> Self {
        Self::RemoveProfile(a)
    }
}
impl From<LimitImapConnections> for ActionSpec {
    fn from(a: LimitImapConnections) -> Self {
        Self::LimitImapConnections(a)
    }
}
impl From<RemoveCredential> for ActionSpec {
    fn from(a: RemoveCredential) -> Self {
        Self::RemoveCredential(a)
    }
}

/// Reads a registry backup: an empty export means "the key did not exist".
pub(crate) fn parse_registry_backup(
    backup: &[u8],
) -> Result<Option<::registry::RegTree>, RepairError> {
    let tree = ::registry::RegTree::parse_strict(backup, "backup")?;
    Ok((!tree.is_empty()).then_some(tree))
}
