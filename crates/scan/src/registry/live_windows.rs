//! The live Windows registry through `winreg`, read-only (`KEY_READ`).

use std::io::ErrorKind;

use winreg::RegKey;
use winreg::enums::{
    HKEY_CLASSES_ROOT, HKEY_CURRENT_CONFIG, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, HKEY_USERS,
    KEY_READ, RegType,
};

use super::{RegValue, Registry, RegistryError, normalize_path};

/// The registry of the running Windows session.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveRegistry;

impl LiveRegistry {
    /// A reader of the live registry.
    pub fn new() -> Self {
        Self
    }

    /// Opens a key for reading; `Ok(None)` when it does not exist.
    fn open(&self, path: &str) -> Result<Option<RegKey>, RegistryError> {
        let path = normalize_path(path);
        let (hive, rest) = path.split_once('\\').unwrap_or((path.as_str(), ""));
        let root = match hive {
            "HKEY_CURRENT_USER" => RegKey::predef(HKEY_CURRENT_USER),
            "HKEY_LOCAL_MACHINE" => RegKey::predef(HKEY_LOCAL_MACHINE),
            "HKEY_CLASSES_ROOT" => RegKey::predef(HKEY_CLASSES_ROOT),
            "HKEY_USERS" => RegKey::predef(HKEY_USERS),
            "HKEY_CURRENT_CONFIG" => RegKey::predef(HKEY_CURRENT_CONFIG),
            other => {
                return Err(RegistryError::Key {
                    key: path.clone(),
                    message: format!("unknown hive {other}"),
                });
            }
        };
        match root.open_subkey_with_flags(rest, KEY_READ) {
            Ok(k) => Ok(Some(k)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RegistryError::Io { path, source: e }),
        }
    }
}

fn convert(vtype: &RegType, bytes: &[u8]) -> RegValue {
    let utf16 = |b: &[u8]| super::utf16le_to_string(b);
    match vtype {
        RegType::REG_SZ => RegValue::Sz(utf16(bytes)),
        RegType::REG_EXPAND_SZ => RegValue::ExpandSz(utf16(bytes)),
        RegType::REG_MULTI_SZ => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            RegValue::MultiSz(
                units
                    .split(|&u| u == 0)
                    .map(String::from_utf16_lossy)
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        }
        RegType::REG_DWORD if bytes.len() == 4 => {
            RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        RegType::REG_QWORD if bytes.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(bytes);
            RegValue::Qword(u64::from_le_bytes(a))
        }
        RegType::REG_BINARY => RegValue::Binary(bytes.to_vec()),
        other => RegValue::Other {
            kind: other.clone() as u32,
            bytes: bytes.to_vec(),
        },
    }
}

impl Registry for LiveRegistry {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        let Some(key) = self.open(path)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for name in key.enum_keys() {
            match name {
                Ok(n) => out.push(n),
                Err(e) => {
                    return Err(RegistryError::Io {
                        path: normalize_path(path),
                        source: e,
                    });
                }
            }
        }
        Ok(Some(out))
    }

    fn values(&self, path: &str) -> Result<Option<Vec<(String, RegValue)>>, RegistryError> {
        let Some(key) = self.open(path)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for item in key.enum_values() {
            match item {
                Ok((name, raw)) => out.push((name, convert(&raw.vtype, &raw.bytes))),
                Err(e) => {
                    return Err(RegistryError::Io {
                        path: normalize_path(path),
                        source: e,
                    });
                }
            }
        }
        Ok(Some(out))
    }
}
