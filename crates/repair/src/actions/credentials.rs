//! Remove a stale saved Office sign-in (Windows Credential Manager, `CredDeleteW`), only with the user's
//! consent and only for Office targets. There is no undo: the secret is never read, so it
//! cannot be put back (Office asks for the password at the next sign-in instead).

use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, Env, Outcome, Preview};
use crate::credential_store::{is_office_target, same_target};
use crate::error::RepairError;

/// Delete one saved sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RemoveCredential {
    /// The credential's target name.
    pub target: String,
    /// The user agreed after reading the preview.
    pub consent: bool,
}

/// The backup of a removal: the name and whether it existed (never the secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CredentialRecord {
    target: String,
    existed: bool,
}

impl Action for RemoveCredential {
    fn kind(&self) -> ActionKind {
        ActionKind::RemoveCredential
    }

    fn target(&self) -> String {
        self.target.clone()
    }

    fn check(&self) -> Result<(), RepairError> {
        if !is_office_target(&self.target) {
            return Err(RepairError::NotOfficeCredential {
                target: self.target.clone(),
            });
        }
        Ok(())
    }

    fn check_consent(&self) -> Result<(), RepairError> {
        if !self.consent {
            return Err(RepairError::ConsentRequired {
                what: crate::error::NamedChange::RemoveCredential {
                    target: self.target.clone(),
                },
            });
        }
        Ok(())
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        let present = env
            .credentials()?
            .list()?
            .iter()
            .any(|t| same_target(t, &self.target));
        let w = env.words();
        let target: [words::Arg<'_>; 1] = [("target", &self.target)];
        Ok(Preview {
            title: w.t("preview.credential.title", &[]),
            changes: vec![if present {
                w.t("preview.credential.delete", &target)
            } else {
                w.t("preview.credential.gone", &target)
            }],
            undo: w.t("preview.credential.undo", &[]),
            undoable: false,
            needs_consent: true,
            confirmation: None,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        self.check()?;
        self.check_consent()?;
        let existed = env
            .credentials()?
            .list()?
            .iter()
            .any(|t| same_target(t, &self.target));
        serde_json::to_vec_pretty(&CredentialRecord {
            target: self.target.clone(),
            existed,
        })
        .map_err(|e| RepairError::BackupFailed {
            path: "credential record".to_owned(),
            reason: e.to_string(),
        })
    }

    fn apply(&self, env: &mut Env, _backup: &[u8]) -> Result<Outcome, RepairError> {
        self.check()?;
        self.check_consent()?;
        let existed = env.credentials()?.delete(&self.target)?;
        Ok(Outcome::CredentialRemoved {
            target: self.target.clone(),
            existed,
        })
    }

    fn undo(&self, _env: &mut Env, _backup: &[u8]) -> Result<(), RepairError> {
        Err(RepairError::NotUndoable {
            what: crate::error::NamedChange::RemoveCredential {
                target: self.target.clone(),
            },
        })
    }

    fn undoable(&self) -> bool {
        false
    }
}
