//! Registry changes behind one trait, [`RegistryWriter`], with two implementations: the live
//! Windows registry ([`LiveRegistry`], Windows only) and a `.reg` file changed in place
//! ([`RegFileStore`]: demo mode's simulated PC and the Linux tests).
//!
//! Every write is limited to `HKEY_CURRENT_USER`: Session Doctor never changes machine-wide
//! settings, whatever a caller asks.

#[cfg(windows)]
mod live_windows;
mod reg_file_store;

#[cfg(windows)]
pub use ::registry::LiveRegistry;
pub use reg_file_store::RegFileStore;

use crate::error::RepairError;
use ::registry::{RawValue, RegTree, normalize_path};

/// Read and write access to registry keys. Absent keys are `Ok(None)`, not errors.
pub trait RegistryWriter {
    /// Values of the key in order, `None` when it does not exist.
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError>;

    /// Direct subkey names, `None` when the key does not exist.
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError>;

    /// The key and everything below it (`None` when absent): the backup of a change.
    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError>;

    /// Sets one value (creating the key). HKCU only.
    fn set_value(&mut self, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError>;

    /// Makes the subtree at `path` exactly `content`: deletes what is there, then imports
    /// `content` (or leaves the key absent for `None`). This is both "delete a profile" and
    /// "undo from the backup". HKCU only.
    fn replace_tree(&mut self, path: &str, content: Option<&RegTree>) -> Result<(), RepairError>;

    /// One value by name (case-insensitive).
    fn value(&self, path: &str, name: &str) -> Result<Option<RawValue>, RepairError> {
        Ok(self.values(path)?.and_then(|vals| {
            vals.into_iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        }))
    }
}

/// Refuses anything outside the current user's hive; returns the normalized path.
pub(crate) fn require_hkcu(path: &str) -> Result<String, RepairError> {
    let p = normalize_path(path);
    let under = p
        .get(..18)
        .is_some_and(|h| h.eq_ignore_ascii_case("HKEY_CURRENT_USER\\"));
    if under && p.len() > 18 {
        Ok(p)
    } else {
        Err(RepairError::NotCurrentUser { key: p })
    }
}

/// Checks that every key of an import lies under `root` (a backup cannot spill elsewhere).
pub(crate) fn require_within(root: &str, content: &RegTree) -> Result<(), RepairError> {
    let root_norm = normalize_path(root).to_uppercase();
    for p in content.paths() {
        let up = p.to_uppercase();
        if up != root_norm && !up.starts_with(&format!("{root_norm}\\")) {
            return Err(RepairError::Registry {
                key: p,
                message: format!("the backup holds a key outside {root}"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hkcu_is_writable() {
        assert!(require_hkcu("HKCU\\Software\\X").is_ok());
        assert!(require_hkcu("hkey_current_user\\Software").is_ok());
        assert!(require_hkcu("HKLM\\Software\\X").is_err());
        assert!(require_hkcu("HKCU").is_err());
        assert!(require_hkcu("HKEY_CURRENT_USERX\\a").is_err());
    }

    #[test]
    fn imports_stay_under_their_root() {
        let mut t = RegTree::new();
        t.set_value("HKCU\\A\\B", "v", RawValue::dword(1));
        assert!(require_within("HKCU\\A", &t).is_ok());
        assert!(require_within("HKCU\\A\\B", &t).is_ok());
        assert!(require_within("HKCU\\A\\C", &t).is_err());
        assert!(require_within("HKCU\\A\\", &t).is_ok());
    }
}
