//! The one error shape that reaches a user: a stable `code` the UI branches on, a
//! plain-words `message`, and a `hint` that says what to do next.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. The UI branches on these, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The simulated tenant (demo mode) could not be started or reached.
    SandboxUnavailable,
    /// An HTTP answer was not what the documented API returns (HTML from a proxy, bad JSON).
    UnexpectedResponse,
    /// A network request failed or timed out.
    Network,
    // Microsoft sign-in and Graph (crates/cloud); the names are `CloudError::code()`'s.
    /// No client id is configured for Microsoft sign-in.
    CloudNotConfigured,
    /// The cloud configuration is not valid.
    CloudConfigInvalid,
    /// Nobody is signed in.
    NotSignedIn,
    /// Microsoft did not answer in time.
    Timeout,
    /// Microsoft throttles the requests.
    Throttled,
    /// Microsoft's service is unavailable.
    ServiceUnavailable,
    /// AADSTS65001 / 90094: an admin must consent for the organisation (the error's
    /// `action` carries the admin-consent link and the ticket text).
    ConsentRequired,
    /// A change that needs the user's explicit yes (a forced close, deleting a saved
    /// sign-in) came without it. Not [`ErrorCode::ConsentRequired`], which is the
    /// organisation's admin consent and has its own words and button.
    ConfirmationRequired,
    /// Microsoft wants the user in a browser (terms, Conditional Access).
    InteractionRequired,
    /// MFA wanted (AADSTS50076/50079 or a claims challenge): the browser sign-in asks for it.
    MfaRequired,
    /// AADSTS53003: a Conditional Access policy blocked the sign-in.
    ConditionalAccessBlocked,
    /// AADSTS53000 / 53001: only managed or compliant devices may sign in.
    DeviceNotCompliant,
    /// The organisation blocks the device code flow: use the browser sign-in.
    DeviceCodeBlocked,
    /// The app registration does not allow public client flows.
    PublicClientFlowsDisabled,
    /// Expected after "sign out everywhere": the app's own sign-in ended too.
    SignedOutEverywhere,
    /// The saved sign-in is no longer valid.
    SignInExpired,
    /// The user declined or cancelled the sign-in.
    SignInDeclined,
    /// The device code expired.
    DeviceCodeExpired,
    /// The sign-in answer did not match the request.
    SignInStateMismatch,
    /// The browser did not come back in time.
    SignInTimedOut,
    /// The loopback listener could not start.
    LoopbackUnavailable,
    /// No browser could be opened.
    BrowserUnavailable,
    /// Another sign-in failure.
    SignInFailed,
    /// Graph refused.
    GraphError,
    /// The system keyring is not available.
    KeyringUnavailable,
    /// Admin mode needs an Entra admin role and admin-consented permissions (named in the hint).
    AdminRequired,
    // Repairs (crates/repair); the names are `RepairError::code()`'s.
    /// The disk is full: nothing was changed.
    DiskFull,
    /// The backup could not be written: nothing was changed.
    BackupFailed,
    /// A file of the app could not be read or written.
    IoError,
    /// A journal entry is damaged.
    JournalCorrupt,
    /// No journal entry has that id.
    JournalEntryNotFound,
    /// The entry is not in a state that allows it.
    JournalWrongState,
    /// The change cannot be undone.
    NotUndoable,
    /// An organisation's policy manages the add-in.
    AddinPolicyManaged,
    /// The key is outside the current user's hive.
    RegistryNotCurrentUser,
    /// The registry key does not exist.
    RegistryKeyMissing,
    /// Reading or writing the registry failed.
    RegistryError,
    /// A file is not a registry export.
    RegistryExportInvalid,
    /// The process is not the one the scan saw.
    ProcessChanged,
    /// The program did not close in time.
    ProcessStillRunning,
    /// A program could not be started.
    StartFailed,
    /// A system tool failed.
    ToolFailed,
    /// No profile of that name.
    ProfileMissing,
    /// The profile is Outlook's default.
    ProfileIsDefault,
    /// The profile is of an Office version the repair does not change.
    ProfileVersionUnsupported,
    /// Not a saved Office sign-in.
    CredentialNotOffice,
    /// The page may not be opened.
    UrlRejected,
    /// Undo would overwrite a later edit of the same key; the user may confirm and undo anyway.
    UndoConflict,
    /// The add-in check cannot take that step now.
    BisectWrongStep,
    /// Not available on this operating system.
    UnsupportedOnThisOs,
    /// The mail app whose settings a repair changes is running; close it first.
    ClientRunning,
    /// The Thunderbird profile or account a repair names is not (or no longer) there.
    ThunderbirdProfileInvalid,
    /// What the user typed or picked cannot be used as it is.
    InvalidInput,
    /// What was handed in (pasted text, a file, a search) is past its size limit.
    InputTooLarge,
    /// Something inside the app went wrong; a bug, not the user's fault.
    Internal,
}

/// A repair's code in the app's terms: one arm per code, so a code added to `repair` does
/// not compile until it has its place here (it used to be matched by its spelling, with a
/// silent fallback).
impl From<repair::ErrorCode> for ErrorCode {
    fn from(code: repair::ErrorCode) -> Self {
        use repair::ErrorCode as R;
        match code {
            R::DiskFull => Self::DiskFull,
            R::BackupFailed => Self::BackupFailed,
            R::IoError => Self::IoError,
            R::JournalCorrupt => Self::JournalCorrupt,
            R::JournalEntryNotFound => Self::JournalEntryNotFound,
            R::JournalWrongState => Self::JournalWrongState,
            R::NotUndoable => Self::NotUndoable,
            R::AddinPolicyManaged => Self::AddinPolicyManaged,
            R::RegistryNotCurrentUser => Self::RegistryNotCurrentUser,
            R::RegistryKeyMissing => Self::RegistryKeyMissing,
            R::RegistryError => Self::RegistryError,
            R::RegistryExportInvalid => Self::RegistryExportInvalid,
            R::ConsentRequired => Self::ConfirmationRequired,
            R::ProcessChanged => Self::ProcessChanged,
            R::ProcessStillRunning => Self::ProcessStillRunning,
            R::StartFailed => Self::StartFailed,
            R::ToolFailed => Self::ToolFailed,
            R::ProfileMissing => Self::ProfileMissing,
            R::ProfileIsDefault => Self::ProfileIsDefault,
            R::CredentialNotOffice => Self::CredentialNotOffice,
            R::UrlRejected => Self::UrlRejected,
            R::UndoConflict => Self::UndoConflict,
            R::ProfileVersionUnsupported => Self::ProfileVersionUnsupported,
            R::BisectWrongStep => Self::BisectWrongStep,
            R::UnsupportedOnThisOs => Self::UnsupportedOnThisOs,
            R::ClientRunning => Self::ClientRunning,
            R::ThunderbirdProfileInvalid => Self::ThunderbirdProfileInvalid,
        }
    }
}

/// Microsoft's errors in the app's terms, one arm per code as for repairs.
impl From<cloud::ErrorCode> for ErrorCode {
    fn from(code: cloud::ErrorCode) -> Self {
        use cloud::ErrorCode as C;
        match code {
            C::CloudNotConfigured => Self::CloudNotConfigured,
            C::CloudConfigInvalid => Self::CloudConfigInvalid,
            C::NotSignedIn => Self::NotSignedIn,
            C::Network => Self::Network,
            C::Timeout => Self::Timeout,
            C::UnexpectedResponse => Self::UnexpectedResponse,
            C::Throttled => Self::Throttled,
            C::ServiceUnavailable => Self::ServiceUnavailable,
            C::ConsentRequired => Self::ConsentRequired,
            C::InteractionRequired => Self::InteractionRequired,
            C::MfaRequired => Self::MfaRequired,
            C::ConditionalAccessBlocked => Self::ConditionalAccessBlocked,
            C::DeviceNotCompliant => Self::DeviceNotCompliant,
            C::DeviceCodeBlocked => Self::DeviceCodeBlocked,
            C::PublicClientFlowsDisabled => Self::PublicClientFlowsDisabled,
            C::SignedOutEverywhere => Self::SignedOutEverywhere,
            C::SignInExpired => Self::SignInExpired,
            C::SignInDeclined => Self::SignInDeclined,
            C::DeviceCodeExpired => Self::DeviceCodeExpired,
            C::SignInStateMismatch => Self::SignInStateMismatch,
            C::SignInTimedOut => Self::SignInTimedOut,
            C::LoopbackUnavailable => Self::LoopbackUnavailable,
            C::BrowserUnavailable => Self::BrowserUnavailable,
            C::SignInFailed => Self::SignInFailed,
            C::GraphError => Self::GraphError,
            C::KeyringUnavailable => Self::KeyringUnavailable,
            C::AdminRequired => Self::AdminRequired,
            C::InputTooLarge => Self::InputTooLarge,
        }
    }
}

/// What the UI can offer beyond the words: a button that does the next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorAction {
    /// An admin consents once for the whole organisation: the tenant's admin-consent link
    /// and the ticket text to send to IT.
    AdminConsent {
        /// The link and what the ticket names.
        consent: cloud::AdminConsent,
        /// The request for IT, ready to paste into a ticket, in the user's language.
        ticket: String,
    },
    /// The browser sign-in is the way on (MFA wanted, Conditional Access, the device code
    /// flow blocked); a claims challenge, if any, is kept by the backend for it.
    BrowserSignIn,
}

/// An error as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What to branch on.
    pub code: ErrorCode,
    /// What went wrong, in the user's language.
    pub message: String,
    /// What to do next, in the user's language.
    pub hint: String,
    /// The next step as a button, where there is one. Absent from the JSON otherwise, so
    /// every other error keeps its `{code, message, hint}` shape. Boxed: every `Result`
    /// in the app carries an `AppError`, and the consent details would triple its size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Box<ErrorAction>>,
}

impl AppError {
    /// An error with these words.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            action: None,
        }
    }

    /// With a button for the next step.
    pub fn with_action(mut self, action: ErrorAction) -> Self {
        self.action = Some(Box::new(action));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_message_hint() {
        let e = AppError::new(ErrorCode::SandboxUnavailable, "down", "restart");
        let v = serde_json::to_value(&e).expect("serializes");
        assert_eq!(
            v,
            serde_json::json!({"code": "sandbox_unavailable", "message": "down", "hint": "restart"})
        );
    }
}
