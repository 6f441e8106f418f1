//! Where the refresh token lives between runs: only the OS keyring (never a file, never a
//! log line). An in-memory store serves tests and "don't remember me".

use std::sync::Mutex;

use crate::account::Account;
use crate::error::CloudError;
use crate::secret::Secret;

/// What is kept between runs: the refresh token and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub refresh_token: Secret,
    pub account: Account,
}

/// Storage for the signed-in session.
pub trait TokenStore: Send + Sync + std::fmt::Debug {
    fn load(&self) -> Result<Option<StoredSession>, CloudError>;
    fn save(&self, session: &StoredSession) -> Result<(), CloudError>;
    /// Forgets the session; not an error when there is none.
    fn clear(&self) -> Result<(), CloudError>;
}

/// Keeps the session in memory only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Option<StoredSession>>,
}

impl MemoryStore {
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
}

/// The OS credential store: macOS Keychain, Windows Credential Manager, Linux kernel
/// keyutils. Two entries under one service: the refresh token, and the account (kept
/// apart because Windows limits one credential to about 2.5 KB and tokens are long).
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

const TOKEN_ENTRY: &str = "refresh_token";
const ACCOUNT_ENTRY: &str = "account";

/// The service name the app uses.
pub const DEFAULT_KEYRING_SERVICE: &str = "session-doctor";

impl KeyringStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, CloudError> {
        keyring::Entry::new(&self.service, name).map_err(keyring_error)
    }

    fn read(&self, name: &str) -> Result<Option<String>, CloudError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), CloudError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

fn keyring_error(e: keyring::Error) -> CloudError {
    // keyring's messages name the backend and the failure, never the secret.
    CloudError::Keyring(e.to_string())
}

impl TokenStore for KeyringStore {
    fn load(&self) -> Result<Option<StoredSession>, CloudError> {
        let (Some(token), Some(account)) = (self.read(TOKEN_ENTRY)?, self.read(ACCOUNT_ENTRY)?)
        else {
            return Ok(None);
        };
        let Ok(account) = serde_json::from_str::<Account>(&account) else {
            // A damaged entry is a signed-out state, not a crash.
            log::warn!("the stored account could not be read; signing out");
            self.clear()?;
            return Ok(None);
        };
        Ok(Some(StoredSession {
            refresh_token: Secret::new(token),
            account,
        }))
    }

    fn save(&self, session: &StoredSession) -> Result<(), CloudError> {
        let account = serde_json::to_string(&session.account)
            .map_err(|e| CloudError::Keyring(format!("cannot encode the account: {e}")))?;
        self.entry(TOKEN_ENTRY)?
            .set_password(session.refresh_token.expose())
            .map_err(keyring_error)?;
        self.entry(ACCOUNT_ENTRY)?
            .set_password(&account)
            .map_err(keyring_error)
    }

    fn clear(&self) -> Result<(), CloudError> {
        self.delete(TOKEN_ENTRY)?;
        self.delete(ACCOUNT_ENTRY)
    }
}
