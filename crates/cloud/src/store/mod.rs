//! Where the refresh token lives between runs: only the OS keyring (never a file, never a
//! log line). An in-memory store serves the demo, tests, and a sign-in the keyring could
//! not keep.

mod chunks;
mod keyring_store;

use std::sync::Mutex;

use serde::Serialize;
use words::{Lang, Words};

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
        /// Which keyring.
        store: KeyStore,
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

/// A keyring that keeps a sign-in across restarts, named in the user's words by
/// [`Remembered::sentence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum KeyStore {
    /// Windows Credential Manager.
    WindowsCredentialManager,
    /// The macOS Keychain.
    MacosKeychain,
    /// The desktop keyring through the Secret Service API (GNOME Keyring, KWallet).
    SecretService,
    /// Another platform's native keyring.
    System,
}

impl Remembered {
    /// The sentence for the CLI and the logs, in `lang`: the same words as the app's
    /// account screen.
    pub fn sentence(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::AcrossRestarts { store } => {
                let key = match store {
                    KeyStore::WindowsCredentialManager => "cloud.key_store.windows",
                    KeyStore::MacosKeychain => "cloud.key_store.macos",
                    KeyStore::SecretService => "cloud.key_store.secret_service",
                    KeyStore::System => "cloud.key_store.system",
                };
                w.t(
                    "cloud.remembered.across_restarts",
                    &[("store", &w.t(key, &[]))],
                )
            }
            Self::UntilLogout => w.t("account.remembered.until_logout", &[]),
            Self::ThisRunOnly { reason: Some(r) } => {
                w.t("account.remembered.this_run_reason", &[("reason", r)])
            }
            Self::ThisRunOnly { reason: None } => w.t("account.remembered.this_run", &[]),
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
