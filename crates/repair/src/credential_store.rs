//! Saved sign-ins behind a trait: Windows Credential Manager through the credential API
//! (names only), and a folder of files (one file per saved sign-in) for demo mode and the
//! Linux tests. Only names are listed; secrets are never read.

use std::path::{Path, PathBuf};

use crate::error::RepairError;

/// A store of saved sign-ins, by target name.
pub trait CredentialStore {
    /// Target names of the saved sign-ins.
    fn list(&self) -> Result<Vec<String>, RepairError>;
    /// Deletes one; `Ok(false)` when it was not there.
    fn delete(&mut self, target: &str) -> Result<bool, RepairError>;
}

/// `MicrosoftOffice16_Data:SSPI:user@contoso.com` and the like (field guide section 4).
pub fn is_office_target(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    let n = n.strip_prefix("legacygeneric:target=").unwrap_or(&n);
    n.strip_prefix("microsoftoffice1")
        .is_some_and(|rest| rest.contains("_data:"))
}

/// The target without cmdkey's `LegacyGeneric:target=` prefix (scan reports it bare).
pub fn bare_target(name: &str) -> &str {
    let t = name.trim();
    match t.get(..21) {
        Some(p) if p.eq_ignore_ascii_case("legacygeneric:target=") => &t[21..],
        _ => t,
    }
}

/// Same saved sign-in, with or without the prefix, ignoring case (as Windows does).
pub fn same_target(a: &str, b: &str) -> bool {
    bare_target(a).eq_ignore_ascii_case(bare_target(b))
}

/// One file per sign-in in a folder; the file name is the target name, percent-encoded.
#[derive(Debug, Clone)]
pub struct FileCredentialStore {
    dir: PathBuf,
}

impl FileCredentialStore {
    /// A store of the credentials in the files of `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// Saves a sign-in (demo mode seeds its simulated PC this way; tests too).
    pub fn add(&self, target: &str, secret: &[u8]) -> Result<(), RepairError> {
        let f = self.file(target)?;
        crate::fsio::write_atomic(&f, secret)
    }

    fn file(&self, target: &str) -> Result<PathBuf, RepairError> {
        if target.is_empty() || target.contains('\0') {
            return Err(RepairError::NotOfficeCredential {
                target: target.to_owned(),
            });
        }
        Ok(self.dir.join(encode_name(target)))
    }
}

/// File name of a target: `%XX` for anything but letters, digits, `_`, `-`, `@` and `.` (a
/// `:` would be an alternate data stream on NTFS, a `/` a folder).
fn encode_name(target: &str) -> String {
    let mut out = String::new();
    for b in target.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // A leading dot would hide the file (and `..` must never be a name).
    if out.starts_with('.') {
        out = format!("%2E{}", &out[1..]);
    }
    out
}

fn decode_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = name.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl CredentialStore for FileCredentialStore {
    fn list(&self) -> Result<Vec<String>, RepairError> {
        let rd = std::fs::read_dir(&self.dir)
            .map_err(|e| RepairError::io(crate::error::IoOp::Read, &self.dir, e))?;
        let mut out: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .filter_map(|n| decode_name(&n))
            .collect();
        out.sort();
        Ok(out)
    }

    fn delete(&mut self, target: &str) -> Result<bool, RepairError> {
        let stored = self.list()?.into_iter().find(|t| same_target(t, target));
        let f = self.file(stored.as_deref().unwrap_or(target))?;
        match std::fs::remove_file(&f) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(RepairError::io(crate::error::IoOp::Delete, &f, e)),
        }
    }
}

/// Windows Credential Manager through the credential API (`CredEnumerateW`, `CredDeleteW`):
/// names exactly as stored, whatever the console's code page.
#[cfg(windows)]
#[derive(Debug, Default, Clone, Copy)]
pub struct WindowsCredentialManager;

#[cfg(windows)]
impl CredentialStore for WindowsCredentialManager {
    fn list(&self) -> Result<Vec<String>, RepairError> {
        Ok(platform::credentials::list(Some("MicrosoftOffice"))
            .map_err(credential_api_error)?
            .into_iter()
            .map(|c| c.target)
            .filter(|t| is_office_target(t))
            .collect())
    }

    fn delete(&mut self, target: &str) -> Result<bool, RepairError> {
        let Some(listed) = platform::credentials::list(Some("MicrosoftOffice"))
            .map_err(credential_api_error)?
            .into_iter()
            .find(|c| same_target(&c.target, target))
        else {
            return Ok(false);
        };
        platform::credentials::delete(&listed.target, listed.kind).map_err(credential_api_error)
    }
}

#[cfg(windows)]
fn credential_api_error(e: platform::CredentialError) -> RepairError {
    RepairError::Tool {
        tool: "Windows Credential Manager".to_owned(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_targets_are_recognised() {
        assert!(is_office_target("MicrosoftOffice16_Data:SSPI:a@b.com"));
        assert!(is_office_target(
            "LegacyGeneric:target=MicrosoftOffice15_Data:ADAL:x"
        ));
        assert!(!is_office_target("git:https://github.com"));
        assert!(!is_office_target("MicrosoftOffice"));
    }

    #[test]
    fn targets_match_with_or_without_the_cmdkey_prefix() {
        assert!(same_target(
            "LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:a@b.com",
            "microsoftoffice16_data:sspi:A@B.com"
        ));
        assert!(!same_target(
            "MicrosoftOffice16_Data:SSPI:a",
            "MicrosoftOffice16_Data:SSPI:b"
        ));
        assert_eq!(bare_target("x"), "x");
    }

    #[test]
    fn the_file_store_lists_and_deletes() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path()
                .join(encode_name("MicrosoftOffice16_Data:SSPI:a@b.com")),
            b"s",
        )
        .expect("w");
        let mut s = FileCredentialStore::new(dir.path());
        assert_eq!(
            s.list().expect("list"),
            vec!["MicrosoftOffice16_Data:SSPI:a@b.com".to_owned()]
        );
        assert!(
            s.delete("MicrosoftOffice16_Data:SSPI:a@b.com")
                .expect("delete")
        );
        assert!(
            !s.delete("MicrosoftOffice16_Data:SSPI:a@b.com")
                .expect("again")
        );
        assert!(!s.delete("../escape").expect("encoded, so simply absent"));
        assert_eq!(encode_name("../x"), "%2E.%2Fx");
    }
}
