//! The live Windows registry through `winreg`: raw values with their types, read and written,
//! so a backup exported here and imported again restores the same bytes and types. Which keys
//! may be written is the caller's policy; this only does what it is asked.

use std::io::ErrorKind;

use winreg::RegKey;
use winreg::enums::*;

use crate::path::normalize_path;
use crate::source::{Registry, RegistryError};
use crate::tree::RegTree;
use crate::value::RawValue;

/// Bound on keys walked in one export, so a huge or looping tree cannot run away.
const MAX_KEYS: usize = 100_000;

/// The registry of the running Windows session.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveRegistry;

fn io_err(path: &str, source: std::io::Error) -> RegistryError {
    RegistryError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Splits a full path into its predefined root and the rest.
fn root_of(path: &str) -> Result<(RegKey, String), RegistryError> {
    let p = normalize_path(path);
    let (hive, rest) = p.split_once('\\').unwrap_or((p.as_str(), ""));
    let root = match hive {
        "HKEY_CURRENT_USER" => HKEY_CURRENT_USER,
        "HKEY_LOCAL_MACHINE" => HKEY_LOCAL_MACHINE,
        "HKEY_CLASSES_ROOT" => HKEY_CLASSES_ROOT,
        "HKEY_USERS" => HKEY_USERS,
        "HKEY_CURRENT_CONFIG" => HKEY_CURRENT_CONFIG,
        other => {
            return Err(RegistryError::Key {
                key: p.clone(),
                message: format!("unknown hive {other}"),
            });
        }
    };
    Ok((RegKey::predef(root), rest.to_owned()))
}

fn reg_type(kind: u32) -> Option<RegType> {
    Some(match kind {
        0 => REG_NONE,
        1 => REG_SZ,
        2 => REG_EXPAND_SZ,
        3 => REG_BINARY,
        4 => REG_DWORD,
        5 => REG_DWORD_BIG_ENDIAN,
        6 => REG_LINK,
        7 => REG_MULTI_SZ,
        8 => REG_RESOURCE_LIST,
        9 => REG_FULL_RESOURCE_DESCRIPTOR,
        10 => REG_RESOURCE_REQUIREMENTS_LIST,
        11 => REG_QWORD,
        _ => return None,
    })
}

fn read_values(key: &RegKey, path: &str) -> Result<Vec<(String, RawValue)>, RegistryError> {
    let mut out = Vec::new();
    for item in key.enum_values() {
        let (name, v) = item.map_err(|e| io_err(path, e))?;
        out.push((
            name,
            RawValue {
                kind: v.vtype.clone() as u32,
                bytes: v.bytes.into_owned(),
            },
        ));
    }
    Ok(out)
}

fn subkey_names(key: &RegKey, path: &str) -> Result<Vec<String>, RegistryError> {
    key.enum_keys()
        .map(|name| name.map_err(|e| io_err(path, e)))
        .collect()
}

fn write_value(
    key: &RegKey,
    path: &str,
    name: &str,
    value: &RawValue,
) -> Result<(), RegistryError> {
    let vtype = reg_type(value.kind).ok_or_else(|| RegistryError::Key {
        key: path.to_owned(),
        message: format!(
            "value {name:?} has registry type {} which cannot be written",
            value.kind
        ),
    })?;
    let v = winreg::RegValue {
        bytes: std::borrow::Cow::Borrowed(value.bytes.as_slice()),
        vtype,
    };
    key.set_raw_value(name, &v).map_err(|e| io_err(path, e))
}

impl LiveRegistry {
    /// The registry of this session.
    pub fn new() -> Self {
        Self
    }

    /// Opens a key for reading; `Ok(None)` when it does not exist.
    fn open(&self, path: &str) -> Result<Option<RegKey>, RegistryError> {
        let (root, rest) = root_of(path)?;
        match root.open_subkey_with_flags(&rest, KEY_READ) {
            Ok(k) => Ok(Some(k)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&normalize_path(path), e)),
        }
    }

    /// The key and everything below it (`None` when absent), every key listed even without
    /// values so empty keys come back on import.
    pub fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RegistryError> {
        let root = normalize_path(path);
        if self.open(&root)?.is_none() {
            return Ok(None);
        }
        let mut tree = RegTree::new();
        // Depth-first with an explicit stack, children in the registry's order.
        let mut stack = vec![root.clone()];
        let mut seen = 0usize;
        while let Some(p) = stack.pop() {
            seen += 1;
            if seen > MAX_KEYS {
                return Err(RegistryError::Key {
                    key: root,
                    message: format!("more than {MAX_KEYS} keys"),
                });
            }
            let Some(k) = self.open(&p)? else {
                continue; // deleted while we walked
            };
            tree.touch_key(&p);
            for (n, v) in read_values(&k, &p)? {
                tree.set_value(&p, &n, v);
            }
            let children = subkey_names(&k, &p)?;
            stack.extend(children.iter().rev().map(|c| format!("{p}\\{c}")));
        }
        Ok(Some(tree))
    }

    /// Sets one value, creating the key. (Named apart from `RegistryWriter::set_value` so a
    /// caller holding a `LiveRegistry` cannot skip the repair policy by accident.)
    pub fn write_value(
        &self,
        path: &str,
        name: &str,
        value: &RawValue,
    ) -> Result<(), RegistryError> {
        let path = normalize_path(path);
        let (root, rest) = root_of(&path)?;
        let (key, _) = root.create_subkey(&rest).map_err(|e| io_err(&path, e))?;
        write_value(&key, &path, name, value)
    }

    /// Deletes the key and everything below it; a missing key is not an error.
    pub fn delete_tree(&self, path: &str) -> Result<(), RegistryError> {
        let path = normalize_path(path);
        let (root, rest) = root_of(&path)?;
        match root.delete_subkey_all(&rest) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(&path, e)),
        }
    }

    /// Imports a tree: every key created, every value set (like `reg import`).
    pub fn import(&self, content: &RegTree) -> Result<(), RegistryError> {
        for k in content.keys() {
            let (root, sub) = root_of(&k.path)?;
            let (key, _) = root.create_subkey(&sub).map_err(|e| io_err(&k.path, e))?;
            for (name, v) in &k.values {
                write_value(&key, &k.path, name, v)?;
            }
        }
        Ok(())
    }
}

impl Registry for LiveRegistry {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        match self.open(path)? {
            Some(key) => Ok(Some(subkey_names(&key, &normalize_path(path))?)),
            None => Ok(None),
        }
    }

    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError> {
        match self.open(path)? {
            Some(key) => Ok(Some(read_values(&key, &normalize_path(path))?)),
            None => Ok(None),
        }
    }
}
