//! Typed errors of the repair crate. Every variant has a stable snake_case [`RepairError::code`]
//! the UI branches on and a [`RepairError::hint`] that says what to do next; the lead maps them
//! to `doctor::AppError {code, message, hint}` through [`ErrorInfo`].

use serde::Serialize;

/// Everything that can go wrong in a repair. Messages are plain words for the user.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// The disk (or quota) is full: nothing was changed.
    #[error("the disk is full, so the backup {path} could not be written; nothing was changed")]
    DiskFull { path: String },
    /// The backup could not be written for another reason: nothing was changed.
    #[error("the backup {path} could not be written ({reason}); nothing was changed")]
    BackupFailed { path: String, reason: String },
    /// A file of the app (journal, store) could not be read or written.
    #[error("cannot {op} {path}: {source}")]
    Io {
        op: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A journal file is not readable JSON.
    #[error("the journal entry {path} is damaged: {reason}")]
    JournalCorrupt { path: String, reason: String },
    #[error("there is no journal entry {id}")]
    EntryNotFound { id: String },
    /// The entry is not in a state that allows the request (undo of something not applied...).
    #[error("the journal entry {id} is {state}, so it cannot be {wanted}")]
    WrongState {
        id: String,
        state: String,
        wanted: &'static str,
    },
    /// The change cannot be undone (closing a program, deleting a secret).
    #[error("{what} cannot be undone: {reason}")]
    NotUndoable { what: String, reason: String },
    /// A policy set by the organisation manages this add-in.
    #[error(
        "the add-in {prog_id} is managed by a policy of your organisation ({key} = {value}); it was not changed"
    )]
    PolicyManaged {
        prog_id: String,
        key: String,
        value: String,
    },
    /// Writes are limited to the current user's hive.
    #[error(
        "{key} is outside HKEY_CURRENT_USER; Session Doctor changes only the current user's settings"
    )]
    NotCurrentUser { key: String },
    #[error("the registry key {key} does not exist")]
    KeyMissing { key: String },
    #[error("registry key {key}: {message}")]
    Registry { key: String, message: String },
    /// A `.reg` export could not be read at all.
    #[error("{origin} is not a registry export: {reason}")]
    NotAnExport { origin: String, reason: String },
    /// An action that needs the user's explicit agreement was called without it.
    #[error("{what} needs your explicit consent")]
    ConsentRequired { what: String },
    /// The process at that id is not the one the user chose (it ended and the id was reused).
    #[error("process {pid} is no longer {name}; nothing was done")]
    ProcessChanged { pid: u32, name: String },
    /// A graceful close did not end the process in time.
    #[error("{name} (process {pid}) is still running after {waited_ms} ms")]
    StillRunning {
        pid: u32,
        name: String,
        waited_ms: u64,
    },
    #[error("cannot start {exe}: {reason}")]
    StartFailed { exe: String, reason: String },
    /// A system tool (taskkill, osascript, cmdkey) failed.
    #[error("{tool} failed: {reason}")]
    Tool { tool: String, reason: String },
    #[error("the profile {name} does not exist")]
    ProfileMissing { name: String },
    #[error("the profile {name} is Outlook's default profile; choose another default first")]
    ProfileIsDefault { name: String },
    #[error("{target} is not a saved Office credential; only Office sign-ins are removed")]
    NotOfficeCredential { target: String },
    #[error("the page {url} cannot be opened: {reason}")]
    UrlRejected { url: String, reason: String },
    /// Undo would overwrite what changed in the key since the action (someone or something
    /// edited it afterwards). The caller may confirm and undo anyway.
    #[error(
        "{key} changed after this change was made ({changes}); undoing it now would overwrite that, so nothing was undone"
    )]
    UndoConflict {
        id: String,
        key: String,
        changes: String,
    },
    /// The profile lives in a place the repair does not change (Windows Messaging Subsystem of
    /// Outlook 2010 and older, an unknown Office version).
    #[error(
        "the profile {name} is a profile of {version}; Session Doctor removes only profiles of Office 16.0 and 15.0"
    )]
    ProfileVersionUnsupported { name: String, version: String },
    #[error("the add-in check cannot do that now: {reason}")]
    BisectStep { reason: String },
    #[error("{what} is not available on this operating system")]
    Unsupported { what: String },
    /// The app whose settings would change is running: it reads them only when it starts
    /// and keeps the connections it has, so the change would look done and do nothing.
    #[error(
        "{client} is running ({processes}); its settings are changed only while it is closed, because it reads them when it starts; nothing was changed"
    )]
    ClientRunning { client: String, processes: String },
    /// The folder named is not a Thunderbird profile holding that IMAP account.
    #[error("{path} is not a Thunderbird profile this change can be made in: {reason}")]
    ThunderbirdProfileInvalid { path: String, reason: String },
}

/// The registry crate's errors in this crate's terms: an unreadable backup stays
/// `registry_export_invalid`, anything else about a key is `registry_error`.
impl From<::registry::RegistryError> for RepairError {
    fn from(e: ::registry::RegistryError) -> Self {
        use ::registry::RegistryError as E;
        match e {
            E::NotAnExport { path, reason } => Self::NotAnExport {
                origin: path,
                reason,
            },
            E::Io { path, source } => Self::Registry {
                key: path,
                message: source.to_string(),
            },
            E::Key { key, message } => Self::Registry { key, message },
        }
    }
}

impl RepairError {
    /// Stable machine-readable code (snake_case).
    pub fn code(&self) -> &'static str {
        match self {
            Self::DiskFull { .. } => "disk_full",
            Self::BackupFailed { .. } => "backup_failed",
            Self::Io { .. } => "io_error",
            Self::JournalCorrupt { .. } => "journal_corrupt",
            Self::EntryNotFound { .. } => "journal_entry_not_found",
            Self::WrongState { .. } => "journal_wrong_state",
            Self::NotUndoable { .. } => "not_undoable",
            Self::PolicyManaged { .. } => "addin_policy_managed",
            Self::NotCurrentUser { .. } => "registry_not_current_user",
            Self::KeyMissing { .. } => "registry_key_missing",
            Self::Registry { .. } => "registry_error",
            Self::NotAnExport { .. } => "registry_export_invalid",
            Self::ConsentRequired { .. } => "consent_required",
            Self::ProcessChanged { .. } => "process_changed",
            Self::StillRunning { .. } => "process_still_running",
            Self::StartFailed { .. } => "start_failed",
            Self::Tool { .. } => "tool_failed",
            Self::ProfileMissing { .. } => "profile_missing",
            Self::ProfileIsDefault { .. } => "profile_is_default",
            Self::NotOfficeCredential { .. } => "credential_not_office",
            Self::UrlRejected { .. } => "url_rejected",
            Self::UndoConflict { .. } => "undo_conflict",
            Self::ProfileVersionUnsupported { .. } => "profile_version_unsupported",
            Self::BisectStep { .. } => "bisect_wrong_step",
            Self::Unsupported { .. } => "unsupported_on_this_os",
            Self::ClientRunning { .. } => "client_running",
            Self::ThunderbirdProfileInvalid { .. } => "thunderbird_profile_invalid",
        }
    }

    /// What the user can do next, in plain words.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::DiskFull { .. } => "Free some disk space, then try again.",
            Self::BackupFailed { .. } => {
                "Check that the app's data folder exists and can be written, then try again."
            }
            Self::Io { .. } => "Check the folder's permissions and free space, then try again.",
            Self::JournalCorrupt { .. } => {
                "The damaged entry was left untouched; export a report for your help desk."
            }
            Self::EntryNotFound { .. } => "Refresh the list of changes and try again.",
            Self::WrongState { .. } => {
                "Refresh the list of changes; it may already be done or undone."
            }
            Self::NotUndoable { .. } => "Redo the step by hand if you need it back.",
            Self::PolicyManaged { .. } => {
                "Ask your IT department: they manage this add-in and can change the policy."
            }
            Self::NotCurrentUser { .. } => "Ask an administrator to change machine-wide settings.",
            Self::KeyMissing { .. } => "Scan again: the setting may already be gone.",
            Self::Registry { .. } => {
                "Close Outlook and try again; if it persists, export a report."
            }
            Self::NotAnExport { .. } => "Export the key again with regedit or `reg export`.",
            Self::ConsentRequired { .. } => "Confirm the step in the app to go on.",
            Self::ProcessChanged { .. } => "Scan again to see what is running now.",
            Self::StillRunning { .. } => {
                "Save your work in that program and close it, or allow Session Doctor to force it closed."
            }
            Self::StartFailed { .. } => "Start Outlook from the Start menu.",
            Self::Tool { .. } => "Try again; if it persists, do this step by hand.",
            Self::ProfileMissing { .. } => "Scan again: the profile may already be removed.",
            Self::ProfileIsDefault { .. } => {
                "In Control Panel > Mail > Show Profiles, choose another profile as the default."
            }
            Self::NotOfficeCredential { .. } => {
                "Remove other saved sign-ins in Credential Manager."
            }
            Self::UrlRejected { .. } => "Open the page from Microsoft's site yourself.",
            Self::UndoConflict { .. } => {
                "Scan again to see the current state; undo anyway only if you want the state from before the change back (the later edits are lost)."
            }
            Self::ProfileVersionUnsupported { .. } => {
                "Remove it in Control Panel > Mail > Show Profiles."
            }
            Self::BisectStep { .. } => "Follow the add-in check from its current step.",
            Self::Unsupported { .. } => "Follow the written instructions for this step instead.",
            Self::ClientRunning { .. } => {
                "Quit the program (in Thunderbird: the menu, Quit; check it is gone from the taskbar), then try again."
            }
            Self::ThunderbirdProfileInvalid { .. } => {
                "Scan again: the profile or the account may have changed."
            }
        }
    }

    /// The shape the UI gets.
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message: self.to_string(),
            hint: self.hint(),
        }
    }

    /// An I/O error, recognising a full disk.
    pub(crate) fn io(op: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.display().to_string(),
            source,
        }
    }
}

/// `{code, message, hint}` ready for the UI (mirrors `doctor::AppError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message: String,
    pub hint: &'static str,
}

/// True when an I/O error means "no space left" (ENOSPC, EDQUOT, Windows ERROR_DISK_FULL /
/// ERROR_HANDLE_DISK_FULL).
pub fn is_disk_full(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::StorageFull || e.kind() == std::io::ErrorKind::QuotaExceeded
    {
        return true;
    }
    match e.raw_os_error() {
        Some(code) if cfg!(windows) => code == 112 || code == 39,
        Some(code) => code == 28 || code == 122,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_info_serializes() {
        let e = RepairError::PolicyManaged {
            prog_id: "A.B".into(),
            key: "k".into(),
            value: "1".into(),
        };
        assert_eq!(e.code(), "addin_policy_managed");
        let v = serde_json::to_value(e.info()).expect("serializes");
        assert_eq!(v["code"], "addin_policy_managed");
        assert!(v["message"].as_str().unwrap_or("").contains("A.B"));
        assert!(!v["hint"].as_str().unwrap_or("").is_empty());
    }

    #[test]
    fn enospc_is_disk_full() {
        let code = if cfg!(windows) { 112 } else { 28 };
        assert!(is_disk_full(&std::io::Error::from_raw_os_error(code)));
        assert!(!is_disk_full(&std::io::Error::other("x")));
    }
}
