//! Remove a duplicate Outlook profile: the whole profile subtree is exported to the journal's
//! backup folder as a `.reg` file first, then deleted; undo imports it again (same keys,
//! values, types and bytes). Outlook's default profile is refused: deleting it leaves Outlook
//! asking for a profile at the next start.

use serde::{Deserialize, Serialize};

use super::addin::{RegistryLayout, check_key_name};
use super::{Action, ActionKind, Env, Outcome, Preview, parse_registry_backup};
use crate::error::RepairError;

/// The Office version keys whose profiles this action removes.
pub const REMOVABLE_VERSIONS: &[&str] = &["16.0", "15.0"];

/// Delete one profile of classic Outlook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RemoveProfile {
    /// The profile's name, exactly (no trimming).
    pub name: String,
    /// Office version key: "16.0" (2016 and later) or "15.0" (2013).
    pub version: String,
    /// Where the profiles are (tests point it at scratch keys).
    pub layout: RegistryLayout,
}

impl RemoveProfile {
    /// The Office 16.0 profile `name`.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            version: "16.0".to_owned(),
            layout: RegistryLayout::default(),
        }
    }

    /// With the profiles under `layout`.
    pub fn with_layout(mut self, layout: RegistryLayout) -> Self {
        self.layout = layout;
        self
    }

    fn key(&self) -> String {
        self.layout.profile_key(&self.version, &self.name)
    }

    /// Refuses the default profile of the same Office version: `DefaultProfile` of
    /// `Office\<version>\Outlook` names this very key. The name is compared as the registry
    /// compares key names (exact characters, spaces included; letters without case, since
    /// `Outlook` and `OUTLOOK` are one key to Windows), never trimmed; the default of
    /// another version never protects nor exposes this one.
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
        // Exactly the version keys whose profiles live under `Office\<v>\Outlook\Profiles`;
        // anything else (the Windows Messaging Subsystem key of Outlook 2010 and older, a
        // typo) is refused rather than guessed, so it can never land on 16.0's profile.
        if !REMOVABLE_VERSIONS.contains(&self.version.as_str()) {
            return Err(RepairError::ProfileVersionUnsupported {
                name: self.name.clone(),
                version: if self.version == "windows_messaging_subsystem" {
                    "the Windows Messaging Subsystem (Outlook 2010 and older)".to_owned()
                } else {
                    format!("Office version {:?}", self.version)
                },
            });
        }
        Ok(())
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
        let w = env.words();
        Ok(Preview {
            title: w.t("preview.profile.title", &[("name", &self.name)]),
            changes: vec![
                w.t(
                    "preview.profile.delete",
                    &[("key", &key), ("n", &tree.key_count())],
                ),
                w.t("preview.profile.mail_stays", &[]),
                w.t("preview.profile.close_first", &[]),
            ],
            undo: w.t("preview.profile.undo", &[]),
            undoable: true,
            needs_consent: false,
            confirmation: None,
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

    fn changed_key(&self) -> Option<String> {
        Some(self.key())
    }
}
