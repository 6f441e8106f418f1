//! A `.reg` export used as a registry: each change reads the file, changes the tree and
//! writes the whole file back atomically (temp + fsync + rename), so a crash leaves either
//! the old or the new file. Demo mode changes its simulated PC this way, and Linux tests use
//! it as the target of real registry actions.

use std::path::{Path, PathBuf};

use super::{RegistryWriter, require_hkcu, require_within};
use crate::error::RepairError;
use crate::fsio;
use ::registry::{RawValue, RegTree};

/// A registry held in one `.reg` file.
#[derive(Debug, Clone)]
pub struct RegFileStore {
    path: PathBuf,
}

impl RegFileStore {
    /// Uses an existing export (it is read at each call, so outside edits are seen). Temp
    /// files of a write a crash interrupted are removed: the export itself is always whole.
    pub fn open(path: &Path) -> Result<Self, RepairError> {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            fsio::remove_stale_temps(dir, Some(&name.to_string_lossy()));
        }
        let store = Self {
            path: path.to_path_buf(),
        };
        store.load()?;
        Ok(store)
    }

    /// Creates the file from a tree (demo mode seeds its simulated PC this way).
    pub fn create(path: &Path, tree: &RegTree) -> Result<Self, RepairError> {
        fsio::write_atomic(path, &tree.to_reg_bytes())?;
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole tree as it is on disk now.
    pub fn load(&self) -> Result<RegTree, RepairError> {
        let bytes = std::fs::read(&self.path)
            .map_err(|e| RepairError::io(crate::error::IoOp::Read, &self.path, e))?;
        Ok(RegTree::parse_strict(
            &bytes,
            &self.path.display().to_string(),
        )?)
    }

    fn save(&self, tree: &RegTree) -> Result<(), RepairError> {
        fsio::write_atomic_hooked(&self.path, &tree.to_reg_bytes(), "store_mid_write")
            .map_err(|e| fsio::typed(&self.path, e))
    }
}

impl RegistryWriter for RegFileStore {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError> {
        Ok(self.load()?.values(path))
    }

    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError> {
        Ok(self.load()?.subkeys(path))
    }

    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError> {
        Ok(self.load()?.subtree(path))
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        let mut tree = self.load()?;
        tree.set_value(&path, name, value.clone());
        self.save(&tree)
    }

    fn replace_tree(&mut self, path: &str, content: Option<&RegTree>) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        if let Some(c) = content {
            require_within(&path, c)?;
        }
        let mut tree = self.load()?;
        tree.remove_subtree(&path);
        if let Some(c) = content {
            tree.merge(c);
        }
        // One write for delete + import: a crash cannot leave the key half restored.
        self.save(&tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_written_back_and_hklm_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut t = RegTree::new();
        t.set_value("HKLM\\Software\\M", "v", RawValue::dword(1));
        t.set_value("HKCU\\Software\\U", "v", RawValue::dword(1));
        let p = dir.path().join("pc.reg");
        let mut store = RegFileStore::create(&p, &t).expect("create");
        store
            .set_value("HKCU\\Software\\U", "v", &RawValue::dword(2))
            .expect("set");
        assert_eq!(
            RegFileStore::open(&p)
                .expect("open")
                .value("HKCU\\Software\\U", "V")
                .expect("read"),
            Some(RawValue::dword(2))
        );
        let err = store
            .set_value("HKLM\\Software\\M", "v", &RawValue::dword(0))
            .expect_err("refused");
        assert_eq!(err.code(), "registry_not_current_user");
        let err = store
            .replace_tree("HKLM\\Software\\M", None)
            .expect_err("refused");
        assert_eq!(err.code(), "registry_not_current_user");
        assert!(store.load().expect("load").exists("HKLM\\Software\\M"));
    }

    #[test]
    fn a_broken_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bad.reg");
        std::fs::write(&p, b"not a reg file").expect("write");
        assert_eq!(
            RegFileStore::open(&p).expect_err("refused").code(),
            "registry_export_invalid"
        );
    }
}
