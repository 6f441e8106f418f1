//! Bridges from `scan`'s report to the actions, so the lead turns what the scan found into a
//! one-click action without copying fields: a process into a close or restart, an add-in
//! into the bisect's input.
//!
//! Scan and repair read the registry through the same crate (`registry`: one model with the
//! exact bytes, one parser, one writer), so what a repair writes is what the next scan reads.

use crate::actions::{AddinState, CloseClient, RestartMode, RestartOutlook};

impl From<&scan::Addin> for AddinState {
    fn from(a: &scan::Addin) -> Self {
        AddinState {
            prog_id: a.prog_id.clone(),
            friendly_name: a.friendly_name.clone(),
            load_behavior: a.load_behavior,
            policy: a.policy.then(|| match a.policy_value {
                Some(v) => format!("Resiliency\\AddinList = {v}"),
                None => "Resiliency\\AddinList".to_owned(),
            }),
        }
    }
}

/// The bisect's input from a scan's add-ins.
pub fn addin_states(addins: &[scan::Addin]) -> Vec<AddinState> {
    addins.iter().map(AddinState::from).collect()
}

impl CloseClient {
    /// A polite close of a process the scan found (its start time guards against a reused id).
    pub fn from_scan(p: &scan::ProcessInfo) -> Self {
        Self {
            start_time: p.start_time,
            ..Self::polite(p.pid, &p.name)
        }
    }
}

impl RestartOutlook {
    /// A restart of the classic Outlook the scan found.
    pub fn from_scan(p: &scan::ProcessInfo, mode: RestartMode) -> Self {
        Self {
            start_time: p.start_time,
            exe: p.exe.clone(),
            ..Self::running(p.pid, &p.name, mode)
        }
    }
}
