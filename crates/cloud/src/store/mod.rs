//! Where the refresh token lives between runs: only the OS keyring (never a file, never a
//! log line). An in-memory store serves the demo, tests, and a sign-in the keyring could
//! not keep.

mod chunks;
mod keyring_store;

use std::sync::Mutex;

use serde::Serialize;

use crate::account::Account;
use crate::error::CloudError;
use crate::secret::Secret;

pub use keyring_store::{
    DEFAULT_KEYRING_SERVICE, ENV_KEYRING_BACKEND, KeyringBackend, KeyringStore,
};

/// What is kept between runs: the refresh token and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The refresh token.
    pub refresh_token: Secret,
    /// Who it belongs to.
    pub account: Account,
}

/// How long a sign-in is remembered, said to the user as it is (the app and the CLI show
/// it next to the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Remembered {
    /// In the OS keyring (Keychain, Credential Manager, a Secret Service): survives a
    /// restart of the app and of the computer.
    AcrossRestarts {
        /// The store, in plain words ("Windows Credential Manager").
        store: String,
    },
    /// In the Linux kernel keyring (no Secret Service is running): kept until the user
    /// logs out or the computer restarts.
    UntilLogout,
    /// Only in this program's memory: gone when it exits.
    ThisRunOnly {
        /// Why the keyring did not keep it, when it failed (a locked keyring).
        reason: Option<String>,
    },
}

impl Remembered {
    /// The sentence for the CLI and the logs.
    pub fn sentence(&self) -> String {
        match self {
            Self::AcrossRestarts { store } => format!("Remembered in {store}."),
            Self::UntilLogout => "Signed in; not remembered after a restart (no Secret Service \
                                  such as GNOME Keyring or KWallet is running, so the sign-in \
                                  is kept in the kernel keyring until you log out)."
                .to_owned(),
            Self::ThisRunOnly { reason: Some(r) } => format!(
                "Signed in for this run only; not remembered after a restart (the keyring \
                 could not keep it: {r})."
            ),
            Self::ThisRunOnly { reason: None } => {
                "Signed in for this run only; not remembered after a restart.".to_owned()
            }
        }
    }

    /// False when the user will have to sign in again after a restart.
    pub fn survives_restart(&self) -> bool {
        matches!(self, Self::AcrossRestarts { .. })
    }
}

/// Storage for the signed-in session.
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    /// The saved session, if any.
    fn load(&self) -> Result<Option<StoredSession>, CloudError>;
    /// Keeps `session`, replacing any other.
    fn save(&self, session: &StoredSession) -> Result<(), CloudError>;
    /// Forgets the session; not an error when there is none.
    fn clear(&self) -> Result<(), CloudError>;
    /// How long a successful [`save`](Self::save) keeps the session.
    fn remembers(&self) -> Remembered;
}

/// Keeps the session in memory only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Option<StoredSession>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<StoredSession>, CloudError> {
        Ok(self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }

    fn save(&self, session: &StoredSession) -> Result<(), CloudError> {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = Some(session.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), CloudError> {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    fn remembers(&self) -> Remembered {
        Remembered::ThisRunOnly { reason: None }
    }
}
