//! Remove a duplicate Outlook profile: the whole profile subtree is exported to the journal's
//! backup folder as a `.reg` file first, then deleted; undo imports it again (same keys,
//! values, types and bytes). Outlook's default profile is refused: deleting it leaves Outlook
//! asking for a profile at the next start.

use serde::{Deserialize, Serialize};

use super::addin::{RegistryLayout, check_key_name};
use super::{Action, ActionKind, Env, Outcome, Preview, parse_registry_backup};
use crate::error::RepairError;

/// Delete one profile of classic Outlook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RemoveProfile {
    pub name: String,
    /// Office version key: "16.0" (2016 and later) or "15.0" (2013).
    pub version: String,
    pub layout: RegistryLayout,
}

impl RemoveProfile {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            version: "16.0".to_owned(),
            layout: RegistryLayout::default(),
        }
    }

    pub fn with_layout(mut self, layout: RegistryLayout) -> Self {
        self.layout = layout;
        self
    }

    fn key(&self) -> String {
        self.layout.profile_key(&self.version, &self.name)
    }

    fn refuse_default(&self, env: &mut Env) -> Result<(), RepairError> {
        let reg = env.registry()?;
        let default = reg
            .value(&self.layout.outlook_key(&self.version), "DefaultProfile")?
            .and_then(|v| v.as_text());
        if default.is_some_and(|d| d.eq_ignore_ascii_case(&self.name)) {
            return Err(RepairError::ProfileIsDefault {
                name: self.name.clone(),
            });
        }
        Ok(())
    }
}

impl Action for RemoveProfile {
    fn kind(&self) -> ActionKind {
        ActionKind::RemoveProfile
    }

    fn target(&self) -> String {
        self.name.clone()
    }

    fn check(&self) -> Result<(), RepairError> {
        check_key_name(&self.name, "the profile name")?;
        check_key_name(&self.version, "the Office version")
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        self.refuse_default(env)?;
        let key = self.key();
        let tree =
            env.registry()?
                .export_tree(&key)?
                .ok_or_else(|| RepairError::ProfileMissing {
                    name: self.name.clone(),
                })?;
        Ok(Preview {
            title: format!("Remove the Outlook profile \"{}\"", self.name),
            changes: vec![
                format!(
                    "Delete {key} and the {} registry keys below it (its accounts and settings)",
                    tree.key_count()
                ),
                "Mail stays on the server; this profile's offline copy is not deleted".to_owned(),
                "Close Outlook before you do this".to_owned(),
            ],
            undo: "A full export is saved first; undo imports it again".to_owned(),
            undoable: true,
            needs_consent: false,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        self.refuse_default(env)?;
        let tree = env.registry()?.export_tree(&self.key())?.ok_or_else(|| {
            RepairError::ProfileMissing {
                name: self.name.clone(),
            }
        })?;
        Ok(tree.to_reg_bytes())
    }

    fn apply(&self, env: &mut Env, _backup: &[u8]) -> Result<Outcome, RepairError> {
        let key = self.key();
        env.registry()?.replace_tree(&key, None)?;
        Ok(Outcome::Registry { key })
    }

    fn undo(&self, env: &mut Env, backup: &[u8]) -> Result<(), RepairError> {
        let before = parse_registry_backup(backup)?;
        env.registry()?.replace_tree(&self.key(), before.as_ref())
    }

    fn undoable(&self) -> bool {
        true
    }
}
