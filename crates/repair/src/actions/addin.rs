//! Turn an Outlook COM add-in off or on for the current user: `LoadBehavior` under
//! `HKCU\Software\Microsoft\Office\Outlook\Addins\<ProgID>` (HKCU wins over the machine's
//! registration, field guide section 3). The whole HKCU key is backed up as a `.reg` export
//! first, and undo puts back exactly that (the value with its old data, or no value, or no
//! key). Add-ins named in an Office policy `AddinList` are refused: the organisation decides.

use serde::{Deserialize, Serialize};
use words::Words;

use super::{Action, ActionKind, Env, Outcome, Preview, parse_registry_backup};
use crate::error::RepairError;
use crate::registry::RegistryWriter;
use ::registry::{RawValue, RegTree};

/// LoadBehavior written by "disable": 0, "off" in the field guide's table.
pub const LOAD_BEHAVIOR_OFF: u32 = 0;
/// LoadBehavior written by "enable" unless told otherwise: load at startup.
pub const LOAD_BEHAVIOR_STARTUP: u32 = 3;

/// Office versions whose policy lists are checked.
const POLICY_VERSIONS: &[&str] = &["16.0", "15.0"];

/// Where the actions find Outlook's keys. The default is the real layout; tests move it under
/// a scratch key (`HKCU\Software\SessionDoctorTest\<unique>`) so they never touch real settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RegistryLayout {
    /// `HKEY_CURRENT_USER\Software\Microsoft\Office`.
    pub office_root: String,
    /// Machine-wide add-in registrations (read only, to list add-ins).
    pub machine_addin_roots: Vec<String>,
    /// Policy roots (`...\Software\Policies\Microsoft\Office`), HKCU and HKLM.
    pub policy_roots: Vec<String>,
}

impl Default for RegistryLayout {
    fn default() -> Self {
        Self {
            office_root: "HKEY_CURRENT_USER\\Software\\Microsoft\\Office".to_owned(),
            machine_addin_roots: vec![
                "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Office\\Outlook\\Addins".to_owned(),
                "HKEY_LOCAL_MACHINE\\Software\\WOW6432Node\\Microsoft\\Office\\Outlook\\Addins"
                    .to_owned(),
            ],
            policy_roots: vec![
                "HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Office".to_owned(),
                "HKEY_LOCAL_MACHINE\\Software\\Policies\\Microsoft\\Office".to_owned(),
            ],
        }
    }
}

impl RegistryLayout {
    /// Everything under one scratch root (tests, demo mode).
    pub fn under(root: &str) -> Self {
        let root = root.trim_end_matches('\\');
        Self {
            office_root: format!("{root}\\Office"),
            machine_addin_roots: vec![format!("{root}\\Machine\\Office\\Outlook\\Addins")],
            policy_roots: vec![format!("{root}\\Policies")],
        }
    }

    /// `...\Office\Outlook\Addins` of the current user.
    pub fn addins_root(&self) -> String {
        format!("{}\\Outlook\\Addins", self.office_root)
    }

    /// The HKCU key of one add-in.
    pub fn addin_key(&self, prog_id: &str) -> String {
        format!("{}\\{prog_id}", self.addins_root())
    }

    /// `...\Office\<version>\Outlook` (holds `DefaultProfile`).
    pub fn outlook_key(&self, version: &str) -> String {
        format!("{}\\{version}\\Outlook", self.office_root)
    }

    /// `...\Office\<version>\Outlook\Profiles\<name>`.
    pub fn profile_key(&self, version: &str, name: &str) -> String {
        format!("{}\\Profiles\\{name}", self.outlook_key(version))
    }

    /// The policy that manages `prog_id`, as (key, value text), if any.
    pub fn policy_for(
        &self,
        reg: &dyn RegistryWriter,
        prog_id: &str,
    ) -> Result<Option<(String, String)>, RepairError> {
        for root in &self.policy_roots {
            for v in POLICY_VERSIONS {
                let key = format!("{root}\\{v}\\Outlook\\Resiliency\\AddinList");
                if let Some(value) = reg.value(&key, prog_id)? {
                    let text = value
                        .as_u32()
                        .map(|n| match n {
                            0 => "0 (always off)".to_owned(),
                            1 => "1 (always on)".to_owned(),
                            2 => "2 (the user chooses)".to_owned(),
                            n => n.to_string(),
                        })
                        .unwrap_or_else(|| "set".to_owned());
                    // 2 = "user choice" still lists the add-in under policy; Office may
                    // reset what we write, so we refuse it too and say why.
                    return Ok(Some((format!("{key}\\{prog_id}"), text)));
                }
            }
        }
        Ok(None)
    }
}

/// Checks a ProgID is one key name (no path tricks).
pub(crate) fn check_key_name(name: &str, what: &str) -> Result<(), RepairError> {
    if name.trim().is_empty() || name.contains('\\') || name.contains('\0') || name.len() > 255 {
        return Err(RepairError::Registry {
            key: name.to_owned(),
            message: format!("{what} is not a valid registry key name"),
        });
    }
    Ok(())
}

/// An add-in as the bisect and the UI see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AddinState {
    /// The add-in's ProgID.
    pub prog_id: String,
    /// Its name in Outlook's list, when set.
    pub friendly_name: Option<String>,
    /// Effective LoadBehavior (HKCU first, then the machine's).
    pub load_behavior: Option<u32>,
    /// The policy that manages it ("key = value"), if any: never changed by the app.
    pub policy: Option<String>,
}

impl AddinState {
    /// Loads (or may load) when Outlook starts: not off (0) and not "failed/unloaded" (2).
    pub fn is_enabled(&self) -> bool {
        self.load_behavior.is_some() && !scan::load_behavior_off(self.load_behavior)
    }
}

/// Lists the add-ins registered for Outlook (HKCU and machine roots), HKCU winning.
pub fn list_addins(
    reg: &dyn RegistryWriter,
    layout: &RegistryLayout,
) -> Result<Vec<AddinState>, RepairError> {
    let mut out: Vec<AddinState> = Vec::new();
    let roots = std::iter::once(layout.addins_root()).chain(layout.machine_addin_roots.clone());
    for root in roots {
        for prog_id in reg.subkeys(&root)?.unwrap_or_default() {
            let key = format!("{root}\\{prog_id}");
            let values = reg.values(&key)?.unwrap_or_default();
            let get = |n: &str| {
                values
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(_, v)| v)
            };
            let lb = get("LoadBehavior").and_then(RawValue::as_u32);
            let name = get("FriendlyName").and_then(RawValue::as_text);
            match out
                .iter_mut()
                .find(|a| a.prog_id.eq_ignore_ascii_case(&prog_id))
            {
                Some(a) => {
                    a.load_behavior = a.load_behavior.or(lb);
                    a.friendly_name = a.friendly_name.take().or(name);
                }
                None => out.push(AddinState {
                    prog_id,
                    friendly_name: name,
                    load_behavior: lb,
                    policy: None,
                }),
            }
        }
    }
    for a in &mut out {
        a.policy = layout
            .policy_for(reg, &a.prog_id)?
            .map(|(k, v)| format!("{k} = {v}"));
    }
    Ok(out)
}

/// Turn one add-in off (`enable: false`) or on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct SetAddin {
    /// The add-in's ProgID.
    pub prog_id: String,
    /// On (`true`) or off.
    pub enable: bool,
    /// LoadBehavior written when enabling (default 3, load at startup).
    pub load_behavior: Option<u32>,
    /// Where the add-in keys are (tests point it at scratch keys).
    pub layout: RegistryLayout,
}

impl SetAddin {
    /// Turn `prog_id` off.
    pub fn disable(prog_id: &str) -> Self {
        Self {
            prog_id: prog_id.to_owned(),
            enable: false,
            load_behavior: None,
            layout: RegistryLayout::default(),
        }
    }

    /// Turn `prog_id` on (LoadBehavior 3).
    pub fn enable(prog_id: &str) -> Self {
        Self {
            enable: true,
            ..Self::disable(prog_id)
        }
    }

    /// The same action on another layout (tests, demo mode).
    pub fn with_layout(mut self, layout: RegistryLayout) -> Self {
        self.layout = layout;
        self
    }

    fn new_value(&self) -> u32 {
        if self.enable {
            self.load_behavior.unwrap_or(LOAD_BEHAVIOR_STARTUP)
        } else {
            LOAD_BEHAVIOR_OFF
        }
    }

    fn refuse_policy(&self, reg: &dyn RegistryWriter) -> Result<(), RepairError> {
        match self.layout.policy_for(reg, &self.prog_id)? {
            Some((key, value)) => Err(RepairError::PolicyManaged {
                prog_id: self.prog_id.clone(),
                key,
                value,
            }),
            None => Ok(()),
        }
    }
}

fn describe(w: &Words, lb: Option<u32>) -> String {
    match lb {
        Some(v) => w.t(
            "preview.addin.value",
            &[("v", &v), ("meaning", &meaning_in(w, v))],
        ),
        None => w.t("preview.addin.not_set", &[]),
    }
}

/// Plain words for a LoadBehavior value (field guide section 3) in the catalog's language.
fn meaning_in(w: &Words, v: u32) -> String {
    let key = match v {
        0 => "preview.addin.lb_0",
        1 => "preview.addin.lb_1",
        2 => "preview.addin.lb_2",
        3 => "preview.addin.lb_3",
        8 => "preview.addin.lb_8",
        9 => "preview.addin.lb_9",
        16 => "preview.addin.lb_16",
        _ => "preview.addin.lb_unusual",
    };
    w.t(key, &[])
}

impl Action for SetAddin {
    fn kind(&self) -> ActionKind {
        if self.enable {
            ActionKind::EnableAddin
        } else {
            ActionKind::DisableAddin
        }
    }

    fn target(&self) -> String {
        self.prog_id.clone()
    }

    fn check(&self) -> Result<(), RepairError> {
        check_key_name(&self.prog_id, "the add-in name")
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        let reg = env.registry()?;
        self.refuse_policy(reg)?;
        let key = self.layout.addin_key(&self.prog_id);
        let now = reg.value(&key, "LoadBehavior")?.and_then(|v| v.as_u32());
        let machine_wide = reg.values(&key)?.is_none();
        let w = env.words();
        let mut changes = vec![w.t(
            "preview.addin.load_behavior",
            &[
                ("prog_id", &self.prog_id),
                ("now", &describe(w, now)),
                ("new", &describe(w, Some(self.new_value()))),
            ],
        )];
        if machine_wide {
            changes.push(w.t("preview.addin.machine_wide", &[("key", &key)]));
        }
        changes.push(w.t("preview.addin.next_start", &[]));
        let title = if self.enable {
            "preview.addin.title_on"
        } else {
            "preview.addin.title_off"
        };
        Ok(Preview {
            title: w.t(title, &[("prog_id", &self.prog_id)]),
            changes,
            undo: w.t("preview.addin.undo", &[]),
            undoable: true,
            needs_consent: false,
            confirmation: None,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        let reg = env.registry()?;
        self.refuse_policy(reg)?;
        let tree = reg
            .export_tree(&self.layout.addin_key(&self.prog_id))?
            .unwrap_or_default();
        Ok(tree.to_reg_bytes())
    }

    fn apply(&self, env: &mut Env, _backup: &[u8]) -> Result<Outcome, RepairError> {
        let key = self.layout.addin_key(&self.prog_id);
        env.registry()?
            .set_value(&key, "LoadBehavior", &RawValue::dword(self.new_value()))?;
        Ok(Outcome::Registry { key })
    }

    fn undo(&self, env: &mut Env, backup: &[u8]) -> Result<(), RepairError> {
        let before: Option<RegTree> = parse_registry_backup(backup)?;
        let key = self.layout.addin_key(&self.prog_id);
        env.registry()?.replace_tree(&key, before.as_ref())
    }

    fn undoable(&self) -> bool {
        true
    }

    fn changed_key(&self) -> Option<String> {
        Some(self.layout.addin_key(&self.prog_id))
    }
}
