//! The OS credential store: macOS Keychain, Windows Credential Manager, and on Linux a
//! Secret Service (GNOME Keyring, KWallet: persistent) with the kernel keyring (keyutils:
//! until logout) as the fallback for headless sessions. Two values under one service, the
//! refresh token and the account, each split into parts that fit one entry
//! (see [`super::chunks`]).

use std::sync::OnceLock;

use super::chunks::{self, MAX_PARTS, Stored};
use super::{KeyStore, Remembered, StoredSession, TokenStore};
use crate::account::Account;
use crate::error::CloudError;
use crate::secret::Secret;

const TOKEN_ENTRY: &str = "refresh_token";
const ACCOUNT_ENTRY: &str = "account";

/// The service name the app uses.
pub const DEFAULT_KEYRING_SERVICE: &str = "session-doctor";

/// Picks the Linux backend instead of detecting it: `secret-service` or `kernel`
/// (tests run in a private kernel keyring or a private Secret Service; IT may pin one).
pub const ENV_KEYRING_BACKEND: &str = "SESSION_DOCTOR_KEYRING_BACKEND";

/// Windows counts a credential's 2,560 bytes in UTF-16; keep a margin.
const WINDOWS_PART_UTF16: usize = 1200;
/// Elsewhere one entry holds a whole token; parts only guard against absurd sizes (a
/// kernel "user" key holds at most 32,767 bytes).
const OTHER_PART_UTF16: usize = 8000;

/// Which store holds the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringBackend {
    /// The platform's own: Keychain on macOS, Credential Manager on Windows.
    Native,
    /// A Secret Service on the session bus (GNOME Keyring, KWallet).
    SecretService,
    /// The Linux kernel keyring (keyutils): survives until logout, not a restart.
    Kernel,
}

/// The session in the OS keyring.
#[derive(Debug)]
pub struct KeyringStore {
    service: String,
    /// Chosen on first use (a Secret Service is probed once).
    backend: OnceLock<KeyringBackend>,
    part_utf16: Option<usize>,
}

impl KeyringStore {
    /// A store under the keyring service name `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            backend: OnceLock::new(),
            part_utf16: None,
        }
    }

    /// A store on a chosen backend (tests, and IT pinning one).
    pub fn with_backend(service: impl Into<String>, backend: KeyringBackend) -> Self {
        let store = Self::new(service);
        let _ = store.backend.set(backend);
        store
    }

    /// Smaller parts than the platform needs, so tests exercise the split everywhere.
    pub fn with_part_limit(mut self, utf16_units: usize) -> Self {
        self.part_utf16 = Some(utf16_units);
        self
    }

    /// The backend in use, detecting it on first call.
    pub fn backend(&self) -> KeyringBackend {
        *self.backend.get_or_init(|| detect(&self.service))
    }

    fn part_limit(&self) -> usize {
        self.part_utf16.unwrap_or(if cfg!(windows) {
            WINDOWS_PART_UTF16
        } else {
            OTHER_PART_UTF16
        })
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, CloudError> {
        entry(self.backend(), &self.service, name)
    }

    fn read_one(&self, name: &str) -> Result<Option<String>, CloudError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    /// Deletes one entry; `false` when there was none.
    fn delete_one(&self, name: &str) -> Result<bool, CloudError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }

    /// Reads a value written by [`write`](Self::write).
    fn read(&self, name: &str) -> Result<Read, CloudError> {
        let Some(head) = self.read_one(name)? else {
            return Ok(Read::Missing);
        };
        let header = match chunks::parse(head) {
            Stored::Whole(v) => return Ok(Read::Value(v)),
            Stored::Damaged => return Ok(Read::Damaged),
            Stored::Parts(h) => h,
        };
        let mut value = String::new();
        for i in 1..=header.parts {
            match self.read_one(&chunks::part_name(name, i))? {
                Some(part) => value.push_str(&part),
                None => return Ok(Read::Damaged),
            }
        }
        if value.chars().count() != header.chars {
            return Ok(Read::Damaged);
        }
        Ok(Read::Value(value))
    }

    fn write(&self, name: &str, value: &str) -> Result<(), CloudError> {
        let parts = chunks::split(value, self.part_limit());
        if parts.len() > MAX_PARTS {
            return Err(CloudError::Keyring(format!(
                "the value is too long to keep ({} characters)",
                value.chars().count()
            )));
        }
        for (i, part) in parts.iter().enumerate() {
            self.entry(&chunks::part_name(name, i + 1))?
                .set_password(part)
                .map_err(keyring_error)?;
        }
        self.entry(name)?
            .set_password(&chunks::header(parts.len(), value.chars().count()))
            .map_err(keyring_error)?;
        // Parts left over from a longer value saved earlier.
        self.delete_parts_from(name, parts.len() + 1)
    }

    fn delete_parts_from(&self, name: &str, first: usize) -> Result<(), CloudError> {
        for i in first..=MAX_PARTS {
            if !self.delete_one(&chunks::part_name(name, i))? {
                break;
            }
        }
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), CloudError> {
        self.delete_one(name)?;
        self.delete_parts_from(name, 1)
    }
}

/// One stored value as found.
enum Read {
    Missing,
    Value(String),
    /// Parts that do not add up (a crash mid-save, another program's edit).
    Damaged,
}

fn keyring_error(e: keyring::Error) -> CloudError {
    // keyring's messages name the backend and the failure, never the secret.
    CloudError::Keyring(e.to_string())
}

impl TokenStore for KeyringStore {
    fn load(&self) -> Result<Option<StoredSession>, CloudError> {
        let (token, account) = match (self.read(TOKEN_ENTRY)?, self.read(ACCOUNT_ENTRY)?) {
            (Read::Value(t), Read::Value(a)) => (t, a),
            (Read::Missing, Read::Missing) => return Ok(None),
            _ => {
                // Half a session is a signed-out state, not a crash and not a wrong token.
                log::warn!("the saved sign-in is incomplete; signing out");
                self.clear()?;
                return Ok(None);
            }
        };
        let Ok(account) = serde_json::from_str::<Account>(&account) else {
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
        self.write(TOKEN_ENTRY, session.refresh_token.expose())?;
        self.write(ACCOUNT_ENTRY, &account)
    }

    fn clear(&self) -> Result<(), CloudError> {
        self.delete(TOKEN_ENTRY)?;
        self.delete(ACCOUNT_ENTRY)
    }

    fn remembers(&self) -> Remembered {
        match self.backend() {
            KeyringBackend::Native if cfg!(windows) => Remembered::AcrossRestarts {
                store: KeyStore::WindowsCredentialManager,
            },
            KeyringBackend::Native if cfg!(target_os = "macos") => Remembered::AcrossRestarts {
                store: KeyStore::MacosKeychain,
            },
            KeyringBackend::Native => Remembered::AcrossRestarts {
                store: KeyStore::System,
            },
            KeyringBackend::SecretService => Remembered::AcrossRestarts {
                store: KeyStore::SecretService,
            },
            KeyringBackend::Kernel => Remembered::UntilLogout,
        }
    }
}

/// The entry `name` of `service` on `backend`.
#[cfg(target_os = "linux")]
fn entry(backend: KeyringBackend, service: &str, name: &str) -> Result<keyring::Entry, CloudError> {
    use keyring::{keyutils::KeyutilsCredential, secret_service::SsCredential};
    Ok(match backend {
        KeyringBackend::SecretService => keyring::Entry::new_with_credential(Box::new(
            SsCredential::new_with_target(None, service, name).map_err(keyring_error)?,
        )),
        KeyringBackend::Kernel | KeyringBackend::Native => {
            keyring::Entry::new_with_credential(Box::new(
                KeyutilsCredential::new_with_target(None, service, name).map_err(keyring_error)?,
            ))
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn entry(_: KeyringBackend, service: &str, name: &str) -> Result<keyring::Entry, CloudError> {
    keyring::Entry::new(service, name).map_err(keyring_error)
}

/// Linux: a Secret Service when one answers on the session bus, else the kernel keyring.
/// Elsewhere the platform's own store.
#[cfg(target_os = "linux")]
fn detect(service: &str) -> KeyringBackend {
    match std::env::var(ENV_KEYRING_BACKEND)
        .ok()
        .as_deref()
        .map(str::trim)
    {
        Some("secret-service") => return KeyringBackend::SecretService,
        Some("kernel") | Some("keyutils") => return KeyringBackend::Kernel,
        _ => {}
    }
    // Without a session bus address libdbus would try to autolaunch one (X11): a desktop
    // session always sets it, so its absence means "headless".
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
        log::info!("no D-Bus session: keeping the sign-in in the kernel keyring");
        return KeyringBackend::Kernel;
    }
    let probe = entry(KeyringBackend::SecretService, service, TOKEN_ENTRY).and_then(|e| {
        match e.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            // Locked: the Secret Service is there; the lock is the user's to lift.
            Err(keyring::Error::NoStorageAccess(_)) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    });
    match probe {
        Ok(()) => KeyringBackend::SecretService,
        Err(e) => {
            log::info!("no Secret Service ({e}): keeping the sign-in in the kernel keyring");
            KeyringBackend::Kernel
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn detect(_: &str) -> KeyringBackend {
    KeyringBackend::Native
}
