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
    CloudNotConfigured,
    CloudConfigInvalid,
    NotSignedIn,
    Timeout,
    Throttled,
    ServiceUnavailable,
    ConsentRequired,
    InteractionRequired,
    PublicClientFlowsDisabled,
    /// Expected after "sign out everywhere": the app's own sign-in ended too.
    SignedOutEverywhere,
    SignInExpired,
    SignInDeclined,
    DeviceCodeExpired,
    SignInStateMismatch,
    SignInTimedOut,
    LoopbackUnavailable,
    BrowserUnavailable,
    SignInFailed,
    GraphError,
    KeyringUnavailable,
    /// Admin mode needs an Entra admin role and admin-consented permissions (named in the hint).
    AdminRequired,
    // Repairs (crates/repair); the names are `RepairError::code()`'s.
    DiskFull,
    BackupFailed,
    IoError,
    JournalCorrupt,
    JournalEntryNotFound,
    JournalWrongState,
    NotUndoable,
    AddinPolicyManaged,
    RegistryNotCurrentUser,
    RegistryKeyMissing,
    RegistryError,
    RegistryExportInvalid,
    ProcessChanged,
    ProcessStillRunning,
    StartFailed,
    ToolFailed,
    ProfileMissing,
    ProfileIsDefault,
    ProfileVersionUnsupported,
    CredentialNotOffice,
    UrlRejected,
    /// Undo would overwrite a later edit of the same key; the user may confirm and undo anyway.
    UndoConflict,
    BisectWrongStep,
    UnsupportedOnThisOs,
    /// The mail app whose settings a repair changes is running; close it first.
    ClientRunning,
    /// The Thunderbird profile or account a repair names is not (or no longer) there.
    ThunderbirdProfileInvalid,
    /// A repair failed in a way without a code of its own.
    RepairFailed,
    /// What the user typed or picked cannot be used as it is.
    InvalidInput,
    /// What was handed in (pasted text, a file, a search) is past its size limit.
    InputTooLarge,
    /// Something inside the app went wrong; a bug, not the user's fault.
    Internal,
}

/// An error as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
        }
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
