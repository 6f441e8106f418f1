//! Saved sign-ins in Windows Credential Manager, by name.

/// What kind of credential Windows keeps (`CRED_TYPE_*`); Office's are generic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `CRED_TYPE_GENERIC`: an application's own (Office's `MicrosoftOffice16_Data:...`).
    Generic,
    /// `CRED_TYPE_DOMAIN_PASSWORD`: a Windows logon to a server.
    DomainPassword,
    /// Any other type, by its number.
    Other(u32),
}

/// One saved credential: its target name (exactly as stored) and user name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCredential {
    /// The target name, as Windows keeps it (no `LegacyGeneric:target=` prefix: that is
    /// only how `cmdkey` prints generic credentials).
    pub target: String,
    /// The user name, when one is stored.
    pub user: Option<String>,
    /// The credential's type.
    pub kind: CredentialKind,
}

/// Why the credential API failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// This OS has no Windows Credential Manager.
    #[error("Windows Credential Manager exists on Windows only")]
    Unsupported,
    /// The API answered with this Win32 error code.
    #[error("Windows Credential Manager refused the request (error {code})")]
    Api {
        /// `GetLastError()` after the call.
        code: u32,
    },
}

/// Every saved credential of the current user whose target starts with `prefix` (case as
/// Windows compares: insensitive). `None` lists them all.
pub fn list(prefix: Option<&str>) -> Result<Vec<SavedCredential>, CredentialError> {
    imp::list(prefix)
}

/// Saves a generic credential for the current user (tests seed Office's saved sign-ins
/// with it; the app itself never writes one).
pub fn save_generic(target: &str, user: &str, secret: &[u8]) -> Result<(), CredentialError> {
    imp::save_generic(target, user, secret)
}

/// Deletes the credential `target` of `kind`; `Ok(false)` when there was none.
pub fn delete(target: &str, kind: CredentialKind) -> Result<bool, CredentialError> {
    imp::delete(target, kind)
}

#[cfg(windows)]
#[allow(unsafe_code)] // The Win32 calls themselves; everything they return is copied out here.
mod imp {
    use windows_sys::Win32::Foundation::{ERROR_NOT_FOUND, GetLastError};
    use windows_sys::Win32::Security::Credentials::{
        CRED_PERSIST_LOCAL_MACHINE, CRED_TYPE_DOMAIN_PASSWORD, CRED_TYPE_GENERIC, CREDENTIALW,
        CredDeleteW, CredEnumerateW, CredFree, CredWriteW,
    };

    use super::{CredentialError, CredentialKind, SavedCredential};

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// Reads a NUL-terminated UTF-16 string; `None` for a null pointer.
    ///
    /// SAFETY: `p` is null or points to a NUL-terminated string owned by the API's buffer,
    /// alive until `CredFree`.
    unsafe fn read_wide(p: *const u16) -> Option<String> {
        if p.is_null() {
            return None;
        }
        let mut len = 0;
        // SAFETY: the string is NUL-terminated (the API's contract).
        while unsafe { p.add(len).read_unaligned() } != 0 {
            len += 1;
        }
        // SAFETY: `len` units were just read as valid (copied out, as they may be unaligned).
        let units: Vec<u16> = (0..len)
            .map(|i| unsafe { p.add(i).read_unaligned() })
            .collect();
        Some(String::from_utf16_lossy(&units))
    }

    fn kind(t: u32) -> CredentialKind {
        match t {
            CRED_TYPE_GENERIC => CredentialKind::Generic,
            CRED_TYPE_DOMAIN_PASSWORD => CredentialKind::DomainPassword,
            other => CredentialKind::Other(other),
        }
    }

    pub(super) fn list(prefix: Option<&str>) -> Result<Vec<SavedCredential>, CredentialError> {
        // Always a `PREFIX*` filter (`*` for all): Wine refuses CRED_ENUMERATE_ALL_CREDENTIALS
        // (error 1004) and mishandles a null filter; Windows takes both forms.
        let filter = wide(&format!("{}*", prefix.unwrap_or("")));
        let filter_ptr = filter.as_ptr();
        let flags = 0;
        let mut count: u32 = 0;
        let mut creds: *mut *mut CREDENTIALW = std::ptr::null_mut();
        // SAFETY: out-pointers to locals; the filter outlives the call.
        let ok = unsafe { CredEnumerateW(filter_ptr, flags, &mut count, &mut creds) };
        if ok == 0 {
            // SAFETY: plain Win32 call.
            let code = unsafe { GetLastError() };
            return if code == ERROR_NOT_FOUND {
                Ok(Vec::new())
            } else {
                Err(CredentialError::Api { code })
            };
        }
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count as usize {
            // SAFETY: the API returned `count` valid pointers in `creds`. Read unaligned:
            // Wine packs the structs at odd addresses (Windows aligns them).
            let c: CREDENTIALW = unsafe { std::ptr::read_unaligned(creds.add(i).read_unaligned()) };
            // SAFETY: fields of a credential the API returned, alive until CredFree.
            let target = unsafe { read_wide(c.TargetName) }.unwrap_or_default();
            let user = unsafe { read_wide(c.UserName) };
            out.push(SavedCredential {
                target,
                user,
                kind: kind(c.Type),
            });
        }
        // SAFETY: the buffer came from CredEnumerateW; nothing of it is used after this.
        unsafe { CredFree(creds as *const core::ffi::c_void) };
        Ok(out)
    }

    pub(super) fn save_generic(
        target: &str,
        user: &str,
        secret: &[u8],
    ) -> Result<(), CredentialError> {
        let mut target = wide(target);
        let mut user = wide(user);
        let mut blob = secret.to_vec();
        let cred = CREDENTIALW {
            Type: CRED_TYPE_GENERIC,
            TargetName: target.as_mut_ptr(),
            UserName: user.as_mut_ptr(),
            CredentialBlobSize: blob.len() as u32,
            CredentialBlob: blob.as_mut_ptr(),
            Persist: CRED_PERSIST_LOCAL_MACHINE,
            ..Default::default()
        };
        // SAFETY: every pointer in `cred` points into a local that outlives the call.
        if unsafe { CredWriteW(&cred, 0) } != 0 {
            Ok(())
        } else {
            // SAFETY: plain Win32 call.
            Err(CredentialError::Api {
                code: unsafe { GetLastError() },
            })
        }
    }

    pub(super) fn delete(target: &str, k: CredentialKind) -> Result<bool, CredentialError> {
        let t = match k {
            CredentialKind::Generic => CRED_TYPE_GENERIC,
            CredentialKind::DomainPassword => CRED_TYPE_DOMAIN_PASSWORD,
            CredentialKind::Other(n) => n,
        };
        let name = wide(target);
        // SAFETY: a NUL-terminated string alive for the call.
        let ok = unsafe { CredDeleteW(name.as_ptr(), t, 0) };
        if ok != 0 {
            return Ok(true);
        }
        // SAFETY: plain Win32 call.
        match unsafe { GetLastError() } {
            ERROR_NOT_FOUND => Ok(false),
            code => Err(CredentialError::Api { code }),
        }
    }
}

#[cfg(not(windows))]
mod imp {
    use super::{CredentialError, CredentialKind, SavedCredential};

    pub(super) fn list(_: Option<&str>) -> Result<Vec<SavedCredential>, CredentialError> {
        Err(CredentialError::Unsupported)
    }

    pub(super) fn save_generic(_: &str, _: &str, _: &[u8]) -> Result<(), CredentialError> {
        Err(CredentialError::Unsupported)
    }

    pub(super) fn delete(_: &str, _: CredentialKind) -> Result<bool, CredentialError> {
        Err(CredentialError::Unsupported)
    }
}
