//! The registry as the scan reads it: `.reg` exports on every OS ([`RegFile`]) and, on
//! Windows, the live registry ([`LiveRegistry`]), both from the one registry crate (one model,
//! one parser, one path rule). Paths are full key paths with the hive first
//! (`HKEY_CURRENT_USER\Software\...`); `HKCU` and `HKLM` are accepted too. Lookups are
//! case-insensitive, as in Windows; key names keep their spaces.

#[cfg(windows)]
pub use ::registry::LiveRegistry;
pub use ::registry::{
    ParseWarning, RawValue, RegFile, RegValue, Registry, RegistryError, join, normalize_path,
    utf16le_to_string, walk,
};

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
