//! The session as the UI sees it: the last scan, its diagnosis, the journal, and what changed
//! since the first scan of this mode. The backend owns all of it; every mutating command
//! returns a new [`SessionView`] (GitButler's pattern: a mutation returns the new state), so
//! the UI renders and asks, and never runs the scan-diagnose-journal loop itself.

use scan::{ClientKind, ScanReport};
use serde::Serialize;

use crate::diagnose::Diagnosis;
use crate::error::AppError;

/// A count that shows whether a repair worked. The scan screen's and the wizard's before/now
/// and the report's "Before -> now" line are all built from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Outlook windows (classic and new), helpers left out.
    Outlook,
    /// Outlook profiles.
    Profiles,
    /// Profiles that duplicate another.
    Duplicates,
    /// Add-ins that open their own connections and are not off.
    Addins,
    /// Connections to Microsoft 365 from this computer's processes.
    M365,
}

impl Measure {
    /// Every measure, in the order they are shown.
    pub const ALL: [Measure; 5] = [
        Measure::Outlook,
        Measure::Profiles,
        Measure::Duplicates,
        Measure::Addins,
        Measure::M365,
    ];

    /// Its catalog key (`verify.<measure>`: the UI's and the report's words for it).
    pub fn key(self) -> &'static str {
        match self {
            Measure::Outlook => "verify.outlook",
            Measure::Profiles => "verify.profiles",
            Measure::Duplicates => "verify.duplicates",
            Measure::Addins => "verify.addins",
            Measure::M365 => "verify.m365",
        }
    }

    /// What one scan shows for it.
    pub fn of(self, scan: &ScanReport) -> u32 {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match self {
            Measure::Outlook => count(
                scan.processes
                    .iter()
                    .filter(|p| {
                        !p.helper
                            && matches!(p.kind, ClientKind::ClassicOutlook | ClientKind::NewOutlook)
                    })
                    .count(),
            ),
            Measure::Profiles => count(scan.profiles.len()),
            Measure::Duplicates => count(
                scan.profiles
                    .iter()
                    .filter(|p| !p.duplicate_of.is_empty())
                    .count(),
            ),
            Measure::Addins => count(
                scan.addins
                    .iter()
                    .filter(|a| a.opens_connections && !a.is_off())
                    .count(),
            ),
            Measure::M365 => scan
                .processes
                .iter()
                .map(|p| p.connections.map_or(0, |c| c.microsoft_365))
                .fold(0u32, u32::saturating_add),
        }
    }
}

/// One measure in the first scan of this mode and in the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct MeasureChange {
    /// Which count.
    pub measure: Measure,
    /// In the first scan.
    pub before: u32,
    /// In the last scan.
    pub now: u32,
}

/// Every measure, before and now (the report lists them all).
pub fn before_and_now(first: &ScanReport, last: &ScanReport) -> Vec<MeasureChange> {
    Measure::ALL
        .iter()
        .map(|&measure| MeasureChange {
            measure,
            before: measure.of(first),
            now: measure.of(last),
        })
        .collect()
}

/// The measures that differ between the first scan and the last (the screens show only
/// these; nothing before a second scan that changed something).
pub fn changes(first: Option<&ScanReport>, last: Option<&ScanReport>) -> Vec<MeasureChange> {
    match (first, last) {
        (Some(first), Some(last)) => before_and_now(first, last)
            .into_iter()
            .filter(|c| c.before != c.now)
            .collect(),
        _ => Vec::new(),
    }
}

/// The scan as the user reads it: each source's reason in `lang` (the scan records them
/// in English for its JSON and the logs; a language switch re-words them here).
pub fn worded(mut scan: ScanReport, lang: words::Lang) -> ScanReport {
    for source in &mut scan.sources {
        source.reason = source.reason_worded(lang);
    }
    scan
}

/// What the UI renders of the session.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SessionView {
    /// The last scan of this mode (`None` before the first).
    pub scan: Option<ScanReport>,
    /// The diagnosis of that scan with the account's devices, in the user's language.
    pub diagnosis: Option<Diagnosis>,
    /// The changes made in this mode, newest first.
    pub journal: Vec<repair::EntryView>,
    /// Why the journal could not be read (it is then empty), in the user's words.
    pub journal_error: Option<AppError>,
    /// The measures that changed since the first scan of this mode.
    pub changes: Vec<MeasureChange>,
}

/// What a repair, an undo, a finish or a roll-back did, and the session after it (the PC
/// scanned again). Exactly one of `done` and `failed` is set: a failed change may still
/// have changed something (a program that closed, then would not start), so the session
/// comes back either way.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Acted {
    /// The journal entry of the change.
    pub done: Option<repair::EntryView>,
    /// Why it did not happen (or not completely).
    pub failed: Option<AppError>,
    /// The session after it.
    pub session: SessionView,
}

/// A step of the add-in check the user takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddinCheckStep {
    /// Turn half of the enabled add-ins off.
    Start,
    /// Did the error come back with this round's add-ins off?
    Answer {
        /// The user's answer.
        error_came_back: bool,
    },
    /// End the check: every add-in back on, the culprit kept off if the user wants.
    Finish {
        /// Keep the add-in found guilty off.
        keep_culprit_disabled: bool,
    },
}

/// The add-in check after a step, and the session after it (the PC scanned again).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AddinCheckStepped {
    /// Where the check stands.
    pub bisect: repair::bisect::Bisect,
    /// The session after the step.
    pub session: SessionView,
}

/// What "put every add-in back" did, and the session after it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AddinCheckRestored {
    /// The add-ins put back, with notes.
    pub restored: repair::bisect::RestoredAll,
    /// The session after it.
    pub session: SessionView,
}

#[cfg(test)]
mod tests {
    use super::*;
    use scan::{Addin, ConnectionCounts, ProcessInfo, Profile};

    fn process(kind: ClientKind, helper: bool) -> ProcessInfo {
        ProcessInfo {
            kind,
            name: format!("{kind:?}"),
            pid: 1,
            parent_pid: None,
            user: None,
            start_time: None,
            exe: None,
            helper,
            instance: 1,
            instances_of_kind: 1,
            detail: None,
            connections: Some(ConnectionCounts {
                established: 2,
                microsoft_365: 2,
            }),
        }
    }

    fn profile(duplicate_of: &[&str]) -> Profile {
        Profile {
            name: "P".into(),
            version: "16.0".into(),
            is_default: false,
            accounts: Vec::new(),
            mailboxes: Vec::new(),
            data_files: Vec::new(),
            cached_mode: None,
            download_shared_folders: None,
            duplicate_of: duplicate_of.iter().map(|s| s.to_string()).collect(),
            key: String::new(),
            notes: Vec::new(),
        }
    }

    fn addin(opens_connections: bool, load_behavior: u32) -> Addin {
        Addin {
            prog_id: "A.Connect".into(),
            friendly_name: None,
            description: None,
            load_behavior: Some(load_behavior),
            load_behavior_meaning: None,
            off: scan::load_behavior_off(Some(load_behavior)),
            hive: "HKCU".into(),
            hives: Vec::new(),
            policy: false,
            policy_value: None,
            disabled_by_outlook: false,
            crashing: false,
            do_not_disable: false,
            opens_connections,
            connections_note: None,
            connections_note_key: None,
            notes: Vec::new(),
        }
    }

    /// Moved from the UI's `scan.test.ts` with the same counts: the UI no longer measures.
    fn messy() -> ScanReport {
        ScanReport {
            processes: vec![
                process(ClientKind::ClassicOutlook, false),
                process(ClientKind::ClassicOutlook, false),
                process(ClientKind::NewOutlook, true),
                process(ClientKind::Teams, false),
            ],
            profiles: vec![profile(&["B"]), profile(&["A"]), profile(&[])],
            addins: vec![addin(true, 3), addin(true, 0), addin(false, 3)],
            ..ScanReport::default()
        }
    }

    #[test]
    fn counts_what_a_repair_should_lower() {
        let scan = messy();
        let counts: Vec<(Measure, u32)> = Measure::ALL.iter().map(|&m| (m, m.of(&scan))).collect();
        assert_eq!(
            counts,
            vec![
                (Measure::Outlook, 2),
                (Measure::Profiles, 3),
                (Measure::Duplicates, 2),
                (Measure::Addins, 1),
                (Measure::M365, 8),
            ]
        );
    }

    #[test]
    fn only_what_changed_is_shown_and_nothing_before_a_second_scan() {
        let first = messy();
        assert!(changes(Some(&first), None).is_empty());
        assert!(changes(None, None).is_empty());
        assert!(changes(Some(&first), Some(&first)).is_empty());
        let mut last = messy();
        last.processes.remove(0);
        last.addins[0].load_behavior = Some(2);
        assert_eq!(
            changes(Some(&first), Some(&last)),
            vec![
                MeasureChange {
                    measure: Measure::Outlook,
                    before: 2,
                    now: 1
                },
                MeasureChange {
                    measure: Measure::Addins,
                    before: 1,
                    now: 0
                },
                MeasureChange {
                    measure: Measure::M365,
                    before: 8,
                    now: 6
                },
            ]
        );
        assert_eq!(before_and_now(&first, &last).len(), Measure::ALL.len());
    }
}
