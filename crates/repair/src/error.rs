//! Typed errors of the repair crate. Every variant has a stable snake_case [`RepairError::code`]
//! the UI branches on and a [`RepairError::hint`] that says what to do next; the lead maps them
//! to `doctor::AppError {code, message, hint}` through [`ErrorInfo`].

use serde::Serialize;
use words::{Lang, Words};

/// Everything that can go wrong in a repair. Messages are plain words for the user.
#[derive(Debug)]
pub enum RepairError {
    /// The disk (or quota) is full: nothing was changed.
    DiskFull {
        /// The backup's path.
        path: String,
    },
    /// The backup could not be written for another reason: nothing was changed.
    BackupFailed {
        /// The backup's path.
        path: String,
        /// Why it could not be written.
        reason: String,
    },
    /// A file of the app (journal, store) could not be read or written.
    Io {
        /// What was being done (`read`, `write`...).
        op: IoOp,
        /// The file.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// A journal file is not readable JSON.
    JournalCorrupt {
        /// The entry's file.
        path: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// No entry has this id.
    EntryNotFound {
        /// The id asked for.
        id: String,
    },
    /// The entry is not in a state that allows the request (undo of something not applied...).
    WrongState {
        /// The entry's id.
        id: String,
        /// Its state.
        state: crate::journal::EntryState,
        /// What was asked of it.
        wanted: Wanted,
    },
    /// The change cannot be undone (closing a program, deleting a secret).
    NotUndoable {
        /// The change.
        what: NamedChange,
    },
    /// A policy set by the organisation manages this add-in.
    PolicyManaged {
        /// The add-in's ProgID.
        prog_id: String,
        /// The policy key.
        key: String,
        /// Its value.
        value: String,
    },
    /// Writes are limited to the current user's hive.
    NotCurrentUser {
        /// The key outside HKCU.
        key: String,
    },
    /// The key does not exist.
    KeyMissing {
        /// The key.
        key: String,
    },
    /// Reading or writing a key failed.
    Registry {
        /// The key.
        key: String,
        /// The registry's words.
        message: String,
    },
    /// A `.reg` export could not be read at all.
    NotAnExport {
        /// The file or text it came from.
        origin: String,
        /// Why it is not an export.
        reason: String,
    },
    /// An action that needs the user's explicit agreement was called without it.
    ConsentRequired {
        /// The change.
        what: NamedChange,
    },
    /// The process at that id is not the one the user chose (it ended and the id was reused).
    ProcessChanged {
        /// The process id.
        pid: u32,
        /// The program the scan saw.
        name: String,
    },
    /// A graceful close did not end the process in time.
    StillRunning {
        /// The process id.
        pid: u32,
        /// The program.
        name: String,
        /// How long it was given.
        waited_ms: u64,
    },
    /// A program could not be started.
    StartFailed {
        /// The program.
        exe: String,
        /// The system's words.
        reason: String,
    },
    /// A system tool (taskkill, osascript, cmdkey) failed.
    Tool {
        /// The tool.
        tool: String,
        /// Its words or exit status.
        reason: String,
    },
    /// No profile of this name.
    ProfileMissing {
        /// The profile's name.
        name: String,
    },
    /// The profile is Outlook's default.
    ProfileIsDefault {
        /// The profile's name.
        name: String,
    },
    /// Not a saved Office sign-in.
    NotOfficeCredential {
        /// The credential's target name.
        target: String,
    },
    /// The page may not be opened.
    UrlRejected {
        /// The address.
        url: String,
        /// Why it was refused.
        reason: UrlRefusal,
    },
    /// Undo would overwrite what changed in the key since the action (someone or something
    /// edited it afterwards). The caller may confirm and undo anyway.
    UndoConflict {
        /// The entry's id.
        id: String,
        /// The key.
        key: String,
        /// What changed in it (at most five; `more` counts the rest).
        changes: Vec<KeyDifference>,
        /// How many more differences there are beyond those listed.
        more: usize,
    },
    /// The profile lives in a place the repair does not change (Windows Messaging Subsystem of
    /// Outlook 2010 and older, an unknown Office version).
    ProfileVersionUnsupported {
        /// The profile's name.
        name: String,
        /// Its Office version.
        version: String,
    },
    /// The add-in check refused the step.
    BisectStep {
        /// Why.
        reason: BisectRefusal,
    },
    /// This OS (or build) cannot do it.
    Unsupported {
        /// What.
        what: Unavailable,
    },
    /// The app whose settings would change is running: it reads them only when it starts
    /// and keeps the connections it has, so the change would look done and do nothing.
    ClientRunning {
        /// The mail app.
        client: String,
        /// Its processes (name and id).
        processes: String,
    },
    /// The folder named is not a Thunderbird profile holding that IMAP account.
    ThunderbirdProfileInvalid {
        /// The folder.
        path: String,
        /// Why it cannot be used.
        reason: String,
    },
}

/// Plain words for the logs and for callers without a language: the English catalog's.
impl std::fmt::Display for RepairError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RepairError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a page is not opened (only Microsoft's own https sign-in and account pages are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRefusal {
    /// Empty, too long, or with spaces, control characters or backslashes.
    Malformed,
    /// Not an address at all.
    NotAnAddress,
    /// Not https.
    NotHttps,
    /// It carries a user name or password.
    Credentials,
    /// A port other than https's own.
    Port,
    /// An IP address instead of a name.
    NumericHost,
    /// No host.
    NoHost,
    /// Not one of Microsoft's sign-in or account domains.
    NotMicrosoft,
}

impl UrlRefusal {
    /// Why, in `lang`.
    pub fn words(self, lang: Lang) -> String {
        let key = match self {
            Self::Malformed => "repair.url.malformed",
            Self::NotAnAddress => "repair.url.not_an_address",
            Self::NotHttps => "repair.url.not_https",
            Self::Credentials => "repair.url.credentials",
            Self::Port => "repair.url.port",
            Self::NumericHost => "repair.url.numeric_host",
            Self::NoHost => "repair.url.no_host",
            Self::NotMicrosoft => "repair.url.not_microsoft",
        };
        Words::of(lang).t(key, &[])
    }
}

/// One way a registry key differs from what a change left in it, found before an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyDifference {
    /// A subkey the change left is gone.
    KeyDeleted(String),
    /// A value the change left is gone.
    ValueDeleted(String),
    /// A value holds other data now.
    ValueChanged(String),
    /// A subkey appeared.
    KeyAdded(String),
    /// A value appeared.
    ValueAdded(String),
}

impl KeyDifference {
    /// The difference in `lang`, naming the key or value.
    pub fn words(&self, lang: Lang) -> String {
        let (key, label) = match self {
            Self::KeyDeleted(l) => ("repair.difference.key_deleted", l),
            Self::ValueDeleted(l) => ("repair.difference.value_deleted", l),
            Self::ValueChanged(l) => ("repair.difference.value_changed", l),
            Self::KeyAdded(l) => ("repair.difference.key_added", l),
            Self::ValueAdded(l) => ("repair.difference.value_added", l),
        };
        Words::of(lang).t(key, &[("label", label)])
    }
}

/// A change an error is about (asked for without consent, or that cannot be undone),
/// named in the catalog's words rather than an English fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamedChange {
    /// Closing a program by force.
    ForceClose,
    /// Closing the program `name`.
    CloseProgram {
        /// The program's name as the scan showed it.
        name: String,
    },
    /// Restarting Outlook.
    RestartOutlook,
    /// Removing the saved sign-in `target` from the credential store.
    RemoveCredential {
        /// The credential's target name.
        target: String,
    },
}

impl NamedChange {
    fn words(&self, w: &Words) -> String {
        match self {
            Self::ForceClose => w.t("repair.change.force_close", &[]),
            Self::CloseProgram { name } => w.t("repair.change.close_program", &[("name", name)]),
            Self::RestartOutlook => w.t("repair.change.restart_outlook", &[]),
            Self::RemoveCredential { target } => {
                w.t("repair.change.remove_credential", &[("target", target)])
            }
        }
    }

    /// Why it cannot be undone (a forced close is a close).
    fn no_undo_key(&self) -> &'static str {
        match self {
            Self::ForceClose | Self::CloseProgram { .. } => "repair.no_undo.close_program",
            Self::RestartOutlook => "repair.no_undo.restart_outlook",
            Self::RemoveCredential { .. } => "repair.no_undo.remove_credential",
        }
    }
}

/// What this computer (or this build) cannot do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Telling whether Thunderbird runs (no process list).
    ThunderbirdCheck,
    /// Writing the Windows registry (not Windows, no registry file).
    Registry,
    /// Removing saved Office sign-ins (no credential store).
    Credentials,
    /// Sending this signal to a process.
    Signal(String),
}

impl Unavailable {
    fn words(&self, w: &Words) -> String {
        match self {
            Self::ThunderbirdCheck => w.t("repair.unsupported.thunderbird_check", &[]),
            Self::Registry => w.t("repair.unsupported.registry", &[]),
            Self::Credentials => w.t("repair.unsupported.credentials", &[]),
            Self::Signal(signal) => w.t("repair.unsupported.signal", &[("signal", signal)]),
        }
    }
}

/// Why the add-in check refused a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BisectRefusal {
    /// No enabled add-in may be turned off.
    NothingToTurnOff,
    /// A round waits for its answer.
    AnswerFirst,
    /// No round waits for an answer.
    NoRoundWaiting,
    /// Nothing to take back.
    NothingToTakeBack,
    /// The check is finished.
    Finished,
    /// The check was already finished.
    AlreadyFinished,
}

impl BisectRefusal {
    fn key(self) -> &'static str {
        match self {
            Self::NothingToTurnOff => "repair.bisect.nothing_to_turn_off",
            Self::AnswerFirst => "repair.bisect.answer_first",
            Self::NoRoundWaiting => "repair.bisect.no_round_waiting",
            Self::NothingToTakeBack => "repair.bisect.nothing_to_take_back",
            Self::Finished => "repair.bisect.finished",
            Self::AlreadyFinished => "repair.bisect.already_finished",
        }
    }
}

/// What was asked of a journal entry in the wrong state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Undo it.
    Undone,
    /// Mark it finished.
    Finished,
    /// Roll it back.
    RolledBack,
}

impl Wanted {
    fn key(self) -> &'static str {
        match self {
            Self::Undone => "repair.wanted.undone",
            Self::Finished => "repair.wanted.finished",
            Self::RolledBack => "repair.wanted.rolled_back",
        }
    }
}

fn state_words(w: &Words, state: crate::journal::EntryState) -> String {
    use crate::journal::EntryState as S;
    match state {
        S::Planned => w.t("repair.state.planned", &[]),
        S::BackedUp => w.t("repair.state.backed_up", &[]),
        S::Applied => w.t("repair.state.applied", &[]),
        S::Undone => w.t("repair.state.undone", &[]),
        S::Failed => w.t("repair.state.failed", &[]),
        S::RolledBack => w.t("repair.state.rolled_back", &[]),
    }
}

/// What a file operation that failed was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoOp {
    /// Reading a file or a folder.
    Read,
    /// Writing a file.
    Write,
    /// Deleting a file.
    Delete,
    /// Removing a saved state.
    Remove,
    /// Creating a folder.
    CreateFolder,
    /// Moving a damaged file aside.
    SetAside,
    /// Setting a file's permissions.
    SetPermissions,
}

impl IoOp {
    fn words(self, w: &Words) -> String {
        match self {
            Self::Read => w.t("repair.op.read", &[]),
            Self::Write => w.t("repair.op.write", &[]),
            Self::Delete => w.t("repair.op.delete", &[]),
            Self::Remove => w.t("repair.op.remove", &[]),
            Self::CreateFolder => w.t("repair.op.create_the_folder", &[]),
            Self::SetAside => w.t("repair.op.set_aside", &[]),
            Self::SetPermissions => w.t("repair.op.set_the_permissions_of", &[]),
        }
    }
}

/// What went wrong in a repair, as a code: the app composes it into its own error code
/// (an exhaustive match, so a new variant here cannot be forgotten there) and the UI
/// branches on it. Serialized snake_case, as [`ErrorCode::as_str`] spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// `disk_full`
    DiskFull,
    /// `backup_failed`
    BackupFailed,
    /// `io_error`
    IoError,
    /// `journal_corrupt`
    JournalCorrupt,
    /// `journal_entry_not_found`
    JournalEntryNotFound,
    /// `journal_wrong_state`
    JournalWrongState,
    /// `not_undoable`
    NotUndoable,
    /// `addin_policy_managed`
    AddinPolicyManaged,
    /// `registry_not_current_user`
    RegistryNotCurrentUser,
    /// `registry_key_missing`
    RegistryKeyMissing,
    /// `registry_error`
    RegistryError,
    /// `registry_export_invalid`
    RegistryExportInvalid,
    /// `consent_required`
    ConsentRequired,
    /// `process_changed`
    ProcessChanged,
    /// `process_still_running`
    ProcessStillRunning,
    /// `start_failed`
    StartFailed,
    /// `tool_failed`
    ToolFailed,
    /// `profile_missing`
    ProfileMissing,
    /// `profile_is_default`
    ProfileIsDefault,
    /// `credential_not_office`
    CredentialNotOffice,
    /// `url_rejected`
    UrlRejected,
    /// `undo_conflict`
    UndoConflict,
    /// `profile_version_unsupported`
    ProfileVersionUnsupported,
    /// `bisect_wrong_step`
    BisectWrongStep,
    /// `unsupported_on_this_os`
    UnsupportedOnThisOs,
    /// `client_running`
    ClientRunning,
    /// `thunderbird_profile_invalid`
    ThunderbirdProfileInvalid,
}

impl ErrorCode {
    /// The code as the UI and the logs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DiskFull => "disk_full",
            Self::BackupFailed => "backup_failed",
            Self::IoError => "io_error",
            Self::JournalCorrupt => "journal_corrupt",
            Self::JournalEntryNotFound => "journal_entry_not_found",
            Self::JournalWrongState => "journal_wrong_state",
            Self::NotUndoable => "not_undoable",
            Self::AddinPolicyManaged => "addin_policy_managed",
            Self::RegistryNotCurrentUser => "registry_not_current_user",
            Self::RegistryKeyMissing => "registry_key_missing",
            Self::RegistryError => "registry_error",
            Self::RegistryExportInvalid => "registry_export_invalid",
            Self::ConsentRequired => "consent_required",
            Self::ProcessChanged => "process_changed",
            Self::ProcessStillRunning => "process_still_running",
            Self::StartFailed => "start_failed",
            Self::ToolFailed => "tool_failed",
            Self::ProfileMissing => "profile_missing",
            Self::ProfileIsDefault => "profile_is_default",
            Self::CredentialNotOffice => "credential_not_office",
            Self::UrlRejected => "url_rejected",
            Self::UndoConflict => "undo_conflict",
            Self::ProfileVersionUnsupported => "profile_version_unsupported",
            Self::BisectWrongStep => "bisect_wrong_step",
            Self::UnsupportedOnThisOs => "unsupported_on_this_os",
            Self::ClientRunning => "client_running",
            Self::ThunderbirdProfileInvalid => "thunderbird_profile_invalid",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests (and logs) compare a code with its spelling.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
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
    /// Its code, which the app composes into its own without parsing strings.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::DiskFull { .. } => ErrorCode::DiskFull,
            Self::BackupFailed { .. } => ErrorCode::BackupFailed,
            Self::Io { .. } => ErrorCode::IoError,
            Self::JournalCorrupt { .. } => ErrorCode::JournalCorrupt,
            Self::EntryNotFound { .. } => ErrorCode::JournalEntryNotFound,
            Self::WrongState { .. } => ErrorCode::JournalWrongState,
            Self::NotUndoable { .. } => ErrorCode::NotUndoable,
            Self::PolicyManaged { .. } => ErrorCode::AddinPolicyManaged,
            Self::NotCurrentUser { .. } => ErrorCode::RegistryNotCurrentUser,
            Self::KeyMissing { .. } => ErrorCode::RegistryKeyMissing,
            Self::Registry { .. } => ErrorCode::RegistryError,
            Self::NotAnExport { .. } => ErrorCode::RegistryExportInvalid,
            Self::ConsentRequired { .. } => ErrorCode::ConsentRequired,
            Self::ProcessChanged { .. } => ErrorCode::ProcessChanged,
            Self::StillRunning { .. } => ErrorCode::ProcessStillRunning,
            Self::StartFailed { .. } => ErrorCode::StartFailed,
            Self::Tool { .. } => ErrorCode::ToolFailed,
            Self::ProfileMissing { .. } => ErrorCode::ProfileMissing,
            Self::ProfileIsDefault { .. } => ErrorCode::ProfileIsDefault,
            Self::NotOfficeCredential { .. } => ErrorCode::CredentialNotOffice,
            Self::UrlRejected { .. } => ErrorCode::UrlRejected,
            Self::UndoConflict { .. } => ErrorCode::UndoConflict,
            Self::ProfileVersionUnsupported { .. } => ErrorCode::ProfileVersionUnsupported,
            Self::BisectStep { .. } => ErrorCode::BisectWrongStep,
            Self::Unsupported { .. } => ErrorCode::UnsupportedOnThisOs,
            Self::ClientRunning { .. } => ErrorCode::ClientRunning,
            Self::ThunderbirdProfileInvalid { .. } => ErrorCode::ThunderbirdProfileInvalid,
        }
    }

    /// What went wrong, in `lang`: the catalog's `repair.error.<code>` with the variant's
    /// details (paths, names and the system's own error text stay as they are).
    pub fn message(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::DiskFull { path } => w.t("repair.error.disk_full", &[("path", path)]),
            Self::BackupFailed { path, reason } => w.t(
                "repair.error.backup_failed",
                &[("path", path), ("reason", reason)],
            ),
            Self::Io { op, path, source } => w.t(
                "repair.error.io_error",
                &[("op", &op.words(w)), ("path", path), ("source", source)],
            ),
            Self::JournalCorrupt { path, reason } => w.t(
                "repair.error.journal_corrupt",
                &[("path", path), ("reason", reason)],
            ),
            Self::EntryNotFound { id } => {
                w.t("repair.error.journal_entry_not_found", &[("id", id)])
            }
            Self::WrongState { id, state, wanted } => w.t(
                "repair.error.journal_wrong_state",
                &[
                    ("id", id),
                    ("state", &state_words(w, *state)),
                    ("wanted", &w.t(wanted.key(), &[])),
                ],
            ),
            Self::NotUndoable { what } => w.t(
                "repair.error.not_undoable",
                &[
                    ("what", &what.words(w)),
                    ("reason", &w.t(what.no_undo_key(), &[])),
                ],
            ),
            Self::PolicyManaged {
                prog_id,
                key,
                value,
            } => w.t(
                "repair.error.addin_policy_managed",
                &[("prog_id", prog_id), ("key", key), ("value", value)],
            ),
            Self::NotCurrentUser { key } => {
                w.t("repair.error.registry_not_current_user", &[("key", key)])
            }
            Self::KeyMissing { key } => w.t("repair.error.registry_key_missing", &[("key", key)]),
            Self::Registry { key, message } => w.t(
                "repair.error.registry_error",
                &[("key", key), ("message", message)],
            ),
            Self::NotAnExport { origin, reason } => w.t(
                "repair.error.registry_export_invalid",
                &[("origin", origin), ("reason", reason)],
            ),
            Self::ConsentRequired { what } => {
                w.t("repair.error.consent_required", &[("what", &what.words(w))])
            }
            Self::ProcessChanged { pid, name } => w.t(
                "repair.error.process_changed",
                &[("pid", pid), ("name", name)],
            ),
            Self::StillRunning {
                pid,
                name,
                waited_ms,
            } => w.t(
                "repair.error.process_still_running",
                &[("pid", pid), ("name", name), ("waited_ms", waited_ms)],
            ),
            Self::StartFailed { exe, reason } => w.t(
                "repair.error.start_failed",
                &[("exe", exe), ("reason", reason)],
            ),
            Self::Tool { tool, reason } => w.t(
                "repair.error.tool_failed",
                &[("tool", tool), ("reason", reason)],
            ),
            Self::ProfileMissing { name } => w.t("repair.error.profile_missing", &[("name", name)]),
            Self::ProfileIsDefault { name } => {
                w.t("repair.error.profile_is_default", &[("name", name)])
            }
            Self::NotOfficeCredential { target } => {
                w.t("repair.error.credential_not_office", &[("target", target)])
            }
            Self::UrlRejected { url, reason } => w.t(
                "repair.error.url_rejected",
                &[("url", url), ("reason", &reason.words(lang))],
            ),
            Self::UndoConflict {
                id,
                key,
                changes,
                more,
            } => {
                let mut listed: Vec<String> = changes.iter().map(|c| c.words(lang)).collect();
                if listed.is_empty() {
                    listed.push(w.t("repair.difference.content", &[]));
                }
                if *more > 0 {
                    listed.push(w.t("repair.difference.more", &[("n", more)]));
                }
                w.t(
                    "repair.error.undo_conflict",
                    &[("id", id), ("key", key), ("changes", &listed.join("; "))],
                )
            }
            Self::ProfileVersionUnsupported { name, version } => w.t(
                "repair.error.profile_version_unsupported",
                &[("name", name), ("version", version)],
            ),
            Self::BisectStep { reason } => w.t(
                "repair.error.bisect_wrong_step",
                &[("reason", &w.t(reason.key(), &[]))],
            ),
            Self::Unsupported { what } => w.t(
                "repair.error.unsupported_on_this_os",
                &[("what", &what.words(w))],
            ),
            Self::ClientRunning { client, processes } => w.t(
                "repair.error.client_running",
                &[("client", client), ("processes", processes)],
            ),
            Self::ThunderbirdProfileInvalid { path, reason } => w.t(
                "repair.error.thunderbird_profile_invalid",
                &[("path", path), ("reason", reason)],
            ),
        }
    }

    /// What the user can do next, in `lang` (the catalog's `repair.error.<code>.hint`).
    pub fn hint(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::DiskFull { .. } => w.t("repair.error.disk_full.hint", &[]),
            Self::BackupFailed { .. } => w.t("repair.error.backup_failed.hint", &[]),
            Self::Io { .. } => w.t("repair.error.io_error.hint", &[]),
            Self::JournalCorrupt { .. } => w.t("repair.error.journal_corrupt.hint", &[]),
            Self::EntryNotFound { .. } => w.t("repair.error.journal_entry_not_found.hint", &[]),
            Self::WrongState { .. } => w.t("repair.error.journal_wrong_state.hint", &[]),
            Self::NotUndoable { .. } => w.t("repair.error.not_undoable.hint", &[]),
            Self::PolicyManaged { .. } => w.t("repair.error.addin_policy_managed.hint", &[]),
            Self::NotCurrentUser { .. } => w.t("repair.error.registry_not_current_user.hint", &[]),
            Self::KeyMissing { .. } => w.t("repair.error.registry_key_missing.hint", &[]),
            Self::Registry { .. } => w.t("repair.error.registry_error.hint", &[]),
            Self::NotAnExport { .. } => w.t("repair.error.registry_export_invalid.hint", &[]),
            Self::ConsentRequired { .. } => w.t("repair.error.consent_required.hint", &[]),
            Self::ProcessChanged { .. } => w.t("repair.error.process_changed.hint", &[]),
            Self::StillRunning { .. } => w.t("repair.error.process_still_running.hint", &[]),
            Self::StartFailed { .. } => w.t("repair.error.start_failed.hint", &[]),
            Self::Tool { .. } => w.t("repair.error.tool_failed.hint", &[]),
            Self::ProfileMissing { .. } => w.t("repair.error.profile_missing.hint", &[]),
            Self::ProfileIsDefault { .. } => w.t("repair.error.profile_is_default.hint", &[]),
            Self::NotOfficeCredential { .. } => w.t("repair.error.credential_not_office.hint", &[]),
            Self::UrlRejected { .. } => w.t("repair.error.url_rejected.hint", &[]),
            Self::UndoConflict { .. } => w.t("repair.error.undo_conflict.hint", &[]),
            Self::ProfileVersionUnsupported { .. } => {
                w.t("repair.error.profile_version_unsupported.hint", &[])
            }
            Self::BisectStep { .. } => w.t("repair.error.bisect_wrong_step.hint", &[]),
            Self::Unsupported { .. } => w.t("repair.error.unsupported_on_this_os.hint", &[]),
            Self::ClientRunning { .. } => w.t("repair.error.client_running.hint", &[]),
            Self::ThunderbirdProfileInvalid { .. } => {
                w.t("repair.error.thunderbird_profile_invalid.hint", &[])
            }
        }
    }

    /// The shape the UI gets.
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message: self.to_string(),
            hint: self.hint(Lang::En),
        }
    }

    /// An I/O error, recognising a full disk.
    pub(crate) fn io(op: IoOp, path: &std::path::Path, source: std::io::Error) -> Self {
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
    /// The code.
    pub code: ErrorCode,
    /// What went wrong, in English.
    pub message: String,
    /// What to do next, in English.
    pub hint: String,
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
    fn every_fragment_has_words_in_every_language() {
        use crate::journal::EntryState as S;
        let mut keys: Vec<&str> = [
            NamedChange::ForceClose,
            NamedChange::CloseProgram { name: "x".into() },
            NamedChange::RestartOutlook,
            NamedChange::RemoveCredential { target: "x".into() },
        ]
        .iter()
        .map(NamedChange::no_undo_key)
        .collect();
        keys.extend(
            [
                BisectRefusal::NothingToTurnOff,
                BisectRefusal::AnswerFirst,
                BisectRefusal::NoRoundWaiting,
                BisectRefusal::NothingToTakeBack,
                BisectRefusal::Finished,
                BisectRefusal::AlreadyFinished,
            ]
            .map(BisectRefusal::key),
        );
        keys.extend([Wanted::Undone, Wanted::Finished, Wanted::RolledBack].map(Wanted::key));
        for lang in [Lang::En, Lang::Es] {
            let w = Words::of(lang);
            for key in &keys {
                assert!(w.messages().contains_key(*key), "{key} missing in {lang:?}");
            }
            for state in [
                S::Planned,
                S::BackedUp,
                S::Applied,
                S::Undone,
                S::Failed,
                S::RolledBack,
            ] {
                assert!(!state_words(w, state).contains("repair.state"), "{state:?}");
                assert!(!state_words(w, state).contains('_'), "{state:?}: a raw id");
            }
            for op in [
                IoOp::Read,
                IoOp::Write,
                IoOp::Delete,
                IoOp::Remove,
                IoOp::CreateFolder,
                IoOp::SetAside,
                IoOp::SetPermissions,
            ] {
                assert!(!op.words(w).contains("repair.op"), "{op:?}");
            }
        }
    }

    #[test]
    fn a_repair_error_speaks_the_users_language() {
        let e = RepairError::WrongState {
            id: "e1".into(),
            state: crate::journal::EntryState::RolledBack,
            wanted: Wanted::Undone,
        };
        assert_eq!(
            e.message(Lang::En),
            "the journal entry e1 is rolled back, so it cannot be undone"
        );
        assert_eq!(e.to_string(), e.message(Lang::En));
        let es = e.message(Lang::Es);
        assert_eq!(
            es,
            "la entrada e1 del registro de cambios está revertida, así que no se puede deshacer"
        );
        assert_ne!(e.hint(Lang::Es), e.hint(Lang::En));
        let undo = RepairError::NotUndoable {
            what: NamedChange::RestartOutlook,
        };
        assert_eq!(
            undo.to_string(),
            "Restarting Outlook cannot be undone: a restart cannot be taken back"
        );
        assert_eq!(
            undo.message(Lang::Es),
            "Reiniciar Outlook no se puede deshacer: un reinicio no tiene vuelta atrás"
        );
    }

    #[test]
    fn what_changed_and_why_a_page_is_refused_are_worded_per_language() {
        let conflict = RepairError::UndoConflict {
            id: "e1".into(),
            key: "HKEY_CURRENT_USER\\Software\\X".into(),
            changes: vec![KeyDifference::ValueChanged("\"LoadBehavior\"".into())],
            more: 2,
        };
        let en = conflict.message(Lang::En);
        assert!(
            en.contains("the value \"LoadBehavior\" was changed; and 2 more"),
            "{en}"
        );
        let es = conflict.message(Lang::Es);
        assert!(
            es.contains("se cambió el valor \"LoadBehavior\"; y 2 más"),
            "{es}"
        );
        let unnamed = RepairError::UndoConflict {
            id: "e1".into(),
            key: "K".into(),
            changes: Vec::new(),
            more: 0,
        };
        assert!(unnamed.message(Lang::En).contains("its content differs"));
        let page = RepairError::UrlRejected {
            url: "http://example.com".into(),
            reason: UrlRefusal::NotHttps,
        };
        assert!(
            page.message(Lang::Es)
                .contains("solo se abren páginas seguras https")
        );
        assert!(words::english_left(&page.message(Lang::Es), Lang::Es).is_empty());
    }

    #[test]
    fn enospc_is_disk_full() {
        let code = if cfg!(windows) { 112 } else { 28 };
        assert!(is_disk_full(&std::io::Error::from_raw_os_error(code)));
        assert!(!is_disk_full(&std::io::Error::other("x")));
    }
}
