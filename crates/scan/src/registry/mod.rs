//! One way to read the Windows registry, whatever holds it: `.reg` exports on every OS
//! ([`RegFile`]) and, on Windows, the live registry ([`LiveRegistry`]).
//!
//! Paths are full key paths with the hive first (`HKEY_CURRENT_USER\Software\...`); the short
//! forms `HKCU` and `HKLM` are accepted too. Lookups are case-insensitive, as in Windows.

#[cfg(windows)]
mod live_windows;
mod reg_file;

#[cfg(windows)]
pub use live_windows::LiveRegistry;
pub use reg_file::{ParseWarning, RegFile};

/// A registry value with its type, raw enough to be decoded defensively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// REG_SZ.
    Sz(String),
    /// REG_EXPAND_SZ, unexpanded.
    ExpandSz(String),
    /// REG_MULTI_SZ.
    MultiSz(Vec<String>),
    /// REG_DWORD.
    Dword(u32),
    /// REG_QWORD.
    Qword(u64),
    /// REG_BINARY.
    Binary(Vec<u8>),
    /// REG_NONE or any other type, with its raw bytes.
    Other { kind: u32, bytes: Vec<u8> },
}

/// Errors of a registry source.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a registry export: {reason}")]
    NotAnExport { path: String, reason: String },
    #[error("registry key {key}: {message}")]
    Key { key: String, message: String },
}

/// Read access to registry keys. `Ok(None)` means "no such key", which is normal.
pub trait Registry {
    /// Names of the direct subkeys of `path`, or `None` when the key does not exist.
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError>;
    /// Values of `path` (name, value), or `None` when the key does not exist. The default
    /// value has the empty name.
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RegValue)>>, RegistryError>;

    /// One value by name (case-insensitive).
    fn value(&self, path: &str, name: &str) -> Result<Option<RegValue>, RegistryError> {
        Ok(self
            .values(path)?
            .and_then(|vals| vals.into_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v))
    }
}

/// Canonical form of a key path: long hive name, single backslashes, no trailing backslash.
/// Key names are kept exactly: spaces belong to the name (a profile "Outlook " is not the
/// profile "Outlook"), so nothing is trimmed; only the hive's short aliases are expanded.
pub fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_matches('\\');
    let (hive, rest) = match trimmed.split_once('\\') {
        Some((h, r)) => (h, Some(r)),
        None => (trimmed, None),
    };
    let hive = match hive.to_ascii_uppercase().as_str() {
        "HKCU" => "HKEY_CURRENT_USER".to_owned(),
        "HKLM" => "HKEY_LOCAL_MACHINE".to_owned(),
        "HKCR" => "HKEY_CLASSES_ROOT".to_owned(),
        "HKU" => "HKEY_USERS".to_owned(),
        "HKCC" => "HKEY_CURRENT_CONFIG".to_owned(),
        other => other.to_owned(),
    };
    let mut out = hive;
    if let Some(rest) = rest {
        for part in rest.split('\\').filter(|p| !p.is_empty()) {
            out.push('\\');
            out.push_str(part);
        }
    }
    out
}

/// Decodes UTF-16LE bytes, dropping one trailing odd byte and trailing NULs.
pub fn utf16le_to_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

impl RegValue {
    /// The value as text where that makes sense: strings as they are, binary as UTF-16LE
    /// (Outlook stores account names that way) or as ANSI when it does not look like UTF-16.
    /// `Err` explains why it is not text.
    pub fn as_text(&self) -> Result<String, String> {
        match self {
            Self::Sz(s) | Self::ExpandSz(s) => Ok(s.trim_end_matches('\0').to_owned()),
            Self::MultiSz(v) => Ok(v.join("; ")),
            Self::Binary(b) | Self::Other { bytes: b, .. } => binary_as_text(b),
            Self::Dword(d) => Err(format!("a number ({d}) where text was expected")),
            Self::Qword(q) => Err(format!("a number ({q}) where text was expected")),
        }
    }

    /// The value as a DWORD: REG_DWORD, or 4+ binary bytes little-endian, or decimal text.
    pub fn as_u32(&self) -> Option<u32> {
        match self {
            Self::Dword(d) => Some(*d),
            Self::Qword(q) => u32::try_from(*q).ok(),
            Self::Binary(b) | Self::Other { bytes: b, .. } if b.len() >= 4 => {
                Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            Self::Sz(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

fn binary_as_text(b: &[u8]) -> Result<String, String> {
    if b.is_empty() {
        return Ok(String::new());
    }
    // UTF-16LE of mostly-ASCII text has a zero in every odd byte.
    let odd_zeros = b.iter().skip(1).step_by(2).filter(|&&x| x == 0).count();
    let pairs = b.len() / 2;
    if pairs > 0 && odd_zeros * 2 >= pairs {
        let text = utf16le_to_string(b);
        if text.chars().all(|c| !c.is_control()) {
            return Ok(text);
        }
    }
    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
    let ansi = &b[..end];
    if !ansi.is_empty() && ansi.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        return Ok(String::from_utf8_lossy(ansi).into_owned());
    }
    Err(format!(
        "{} bytes of binary data that are not text",
        b.len()
    ))
}

/// Joins a parent key path and a child name.
pub(crate) fn join(parent: &str, child: &str) -> String {
    format!("{parent}\\{child}")
}

/// Every key at and below `root` (depth-first), bounded so a cyclic or absurd input cannot
/// run away. Errors of single keys are returned alongside what could be read.
pub(crate) fn walk(
    reg: &dyn Registry,
    root: &str,
    max_keys: usize,
) -> (Vec<String>, Vec<RegistryError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(key) = stack.pop() {
        if out.len() >= max_keys {
            errors.push(RegistryError::Key {
                key: root.to_owned(),
                message: format!("more than {max_keys} keys, the rest was not read"),
            });
            break;
        }
        match reg.subkeys(&key) {
            Ok(Some(children)) => {
                for child in children.iter().rev() {
                    stack.push(join(&key, child));
                }
                out.push(key);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

/// Fuzzing oracle for the `.reg` path (used by `fuzz/` and the mutation-loop test): parses
/// the bytes, walks the whole tree and runs the profile and add-in readers on it. Returns
/// `Err` when an invariant breaks (a listed subkey that cannot be read); panics are the
/// fuzzer's to catch.
#[doc(hidden)]
pub fn fuzz_check(data: &[u8]) -> Result<(), String> {
    let Ok(reg) = RegFile::from_bytes(data, "fuzz") else {
        return Ok(());
    };
    for hive in ["HKEY_CURRENT_USER", "HKEY_LOCAL_MACHINE"] {
        let (keys, errors) = walk(&reg, hive, 100_000);
        if !errors.is_empty() && keys.len() < 100_000 {
            return Err(format!("walk errors: {errors:?}"));
        }
        for k in &keys {
            if !matches!(reg.values(k), Ok(Some(_))) {
                return Err(format!("listed key {k:?} has no values entry"));
            }
        }
    }
    let _ = crate::profiles::read_profiles(&reg);
    let _ = crate::addins::read_addins(&reg);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_short_hives_and_slashes() {
        assert_eq!(
            normalize_path("HKCU\\Software\\\\X\\"),
            "HKEY_CURRENT_USER\\Software\\X"
        );
        assert_eq!(normalize_path("hklm"), "HKEY_LOCAL_MACHINE");
        // Spaces are part of key names: "Outlook " is its own profile.
        assert_eq!(
            normalize_path("HKCU\\P\\Outlook "),
            "HKEY_CURRENT_USER\\P\\Outlook "
        );
    }

    #[test]
    fn binary_text_is_decoded_as_utf16_or_refused() {
        let utf16: Vec<u8> = "a@b.com\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(RegValue::Binary(utf16).as_text().as_deref(), Ok("a@b.com"));
        assert_eq!(
            RegValue::Binary(b"ansi\0".to_vec()).as_text().as_deref(),
            Ok("ansi")
        );
        assert!(RegValue::Binary(vec![0xff, 0x01, 0x02]).as_text().is_err());
        assert!(RegValue::Dword(3).as_text().is_err());
        // One odd trailing byte of truncated UTF-16 is dropped, not a panic.
        assert_eq!(utf16le_to_string(&[b'h', 0, b'i']), "h");
    }
}
