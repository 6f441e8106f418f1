//! The live Windows registry through `winreg`: raw values with their types, so a backup
//! exported here and imported again restores the same bytes and types.

use winreg::RegKey;
use winreg::enums::*;

use super::{RegistryWriter, require_hkcu, require_within};
use crate::error::RepairError;
use crate::regtext::{RawValue, RegTree, normalize_path};

/// Bound on keys walked in one export, so a huge or looping tree cannot run away.
const MAX_KEYS: usize = 100_000;

/// The registry of this Windows session.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveRegistry;

impl LiveRegistry {
    pub fn new() -> Self {
        Self
    }
}

fn reg_err(key: &str, e: impl std::fmt::Display) -> RepairError {
    RepairError::Registry {
        key: key.to_owned(),
        message: e.to_string(),
    }
}

/// Splits a full path into its predefined root and the rest.
fn root_of(path: &str) -> Result<(RegKey, String), RepairError> {
    let p = normalize_path(path);
    let (hive, rest) = p.split_once('\\').unwrap_or((p.as_str(), ""));
    let root = match hive {
        "HKEY_CURRENT_USER" => HKEY_CURRENT_USER,
        "HKEY_LOCAL_MACHINE" => HKEY_LOCAL_MACHINE,
        "HKEY_CLASSES_ROOT" => HKEY_CLASSES_ROOT,
        "HKEY_USERS" => HKEY_USERS,
        "HKEY_CURRENT_CONFIG" => HKEY_CURRENT_CONFIG,
        _ => {
            return Err(RepairError::Registry {
                key: p.clone(),
                message: "unknown registry hive".to_owned(),
            });
        }
    };
    Ok((RegKey::predef(root), rest.to_owned()))
}

fn open_read(path: &str) -> Result<Option<RegKey>, RepairError> {
    let (root, rest) = root_of(path)?;
    match root.open_subkey_with_flags(&rest, KEY_READ) {
        Ok(k) => Ok(Some(k)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(reg_err(path, e)),
    }
}

fn kind_number(t: &RegType) -> u32 {
    t.clone() as u32
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

fn read_values(key: &RegKey, path: &str) -> Result<Vec<(String, RawValue)>, RepairError> {
    let mut out = Vec::new();
    for item in key.enum_values() {
        let (name, v) = item.map_err(|e| reg_err(path, e))?;
        out.push((
            name,
            RawValue {
                kind: kind_number(&v.vtype),
                bytes: v.bytes.into_owned(),
            },
        ));
    }
    Ok(out)
}

fn write_value(key: &RegKey, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError> {
    let vtype = reg_type(value.kind).ok_or_else(|| RepairError::Registry {
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
    key.set_raw_value(name, &v).map_err(|e| reg_err(path, e))
}

impl RegistryWriter for LiveRegistry {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError> {
        match open_read(path)? {
            Some(k) => Ok(Some(read_values(&k, path)?)),
            None => Ok(None),
        }
    }

    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError> {
        let Some(k) = open_read(path)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for name in k.enum_keys() {
            out.push(name.map_err(|e| reg_err(path, e))?);
        }
        Ok(Some(out))
    }

    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError> {
        let root = normalize_path(path);
        if open_read(&root)?.is_none() {
            return Ok(None);
        }
        let mut tree = RegTree::new();
        // Depth-first with an explicit stack; each key is written even without values so
        // empty keys come back on import.
        let mut stack = vec![root.clone()];
        let mut seen = 0usize;
        while let Some(p) = stack.pop() {
            seen += 1;
            if seen > MAX_KEYS {
                return Err(reg_err(&root, format!("more than {MAX_KEYS} keys")));
            }
            let Some(k) = open_read(&p)? else {
                continue; // deleted while we walked
            };
            let values = read_values(&k, &p)?;
            tree.merge(&single_key(&p, values));
            let mut children = Vec::new();
            for name in k.enum_keys() {
                children.push(format!("{p}\\{}", name.map_err(|e| reg_err(&p, e))?));
            }
            stack.extend(children.into_iter().rev());
        }
        Ok(Some(tree))
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        let (root, rest) = root_of(&path)?;
        let (key, _) = root.create_subkey(&rest).map_err(|e| reg_err(&path, e))?;
        write_value(&key, &path, name, value)
    }

    fn replace_tree(&mut self, path: &str, content: Option<&RegTree>) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        if let Some(c) = content {
            require_within(&path, c)?;
        }
        let (root, rest) = root_of(&path)?;
        match root.delete_subkey_all(&rest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(reg_err(&path, e)),
        }
        let Some(content) = content else {
            return Ok(());
        };
        for k in content.keys() {
            let (r, sub) = root_of(&k.path)?;
            let (key, _) = r.create_subkey(&sub).map_err(|e| reg_err(&k.path, e))?;
            for (name, v) in &k.values {
                write_value(&key, &k.path, name, v)?;
            }
        }
        Ok(())
    }
}

fn single_key(path: &str, values: Vec<(String, RawValue)>) -> RegTree {
    let mut t = RegTree::new();
    t.touch_key(path);
    for (n, v) in values {
        t.set_value(path, &n, v);
    }
    t
}
