//! The live Windows registry as a [`RegistryWriter`]: the registry crate's one live backend,
//! with this crate's policy in front of every write (the current user's keys only, a backup
//! never spilling outside the key it belongs to).

use ::registry::{LiveRegistry, RawValue, RegTree, Registry};

use super::{RegistryWriter, require_hkcu, require_within};
use crate::error::RepairError;

impl RegistryWriter for LiveRegistry {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError> {
        Ok(self.raw_values(path)?)
    }

    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError> {
        Ok(Registry::subkeys(self, path)?)
    }

    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError> {
        Ok(LiveRegistry::export_tree(self, path)?)
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        Ok(self.write_value(&path, name, value)?)
    }

    fn replace_tree(&mut self, path: &str, content: Option<&RegTree>) -> Result<(), RepairError> {
        let path = require_hkcu(path)?;
        if let Some(c) = content {
            require_within(&path, c)?;
        }
        self.delete_tree(&path)?;
        if let Some(content) = content {
            self.import(content)?;
        }
        Ok(())
    }
}
