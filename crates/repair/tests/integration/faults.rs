//! The fault suite, repair half (issue 7): the registry refuses a write (access denied), a
//! write fails half-way, an undo is refused, the journal's folder cannot be written, a
//! backup has gone missing when a crash is to be rolled back. In every case the error says
//! what happened, nothing is recorded as done that was not, and the registry ends
//! byte-identical to a consistent state.

use crate::common;

use std::path::Path;

use registry::{RawValue, RegTree};
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{EntryState, Env, Journal, RemoveProfile, RepairError, SetAddin};

/// How the test registry misbehaves on writes (reads always work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every write: "Access is denied", as `RegSetValueEx` answers on a locked-down key.
    DenyAll,
    /// A subtree replace deletes one subkey, then fails: a change cut half-way.
    HalfThenDeny,
    /// Writes pass.
    Allow,
}

/// A registry double over a `.reg` file store.
struct Flaky<'a> {
    inner: &'a mut RegFileStore,
    mode: Mode,
    writes_refused: usize,
}

impl<'a> Flaky<'a> {
    fn new(inner: &'a mut RegFileStore, mode: Mode) -> Self {
        Flaky {
            inner,
            mode,
            writes_refused: 0,
        }
    }

    fn denied(&mut self, key: &str) -> RepairError {
        self.writes_refused += 1;
        RepairError::Registry {
            key: key.to_owned(),
            message: "Access is denied. (os error 5)".to_owned(),
        }
    }
}

impl RegistryWriter for Flaky<'_> {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError> {
        self.inner.values(path)
    }
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError> {
        self.inner.subkeys(path)
    }
    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError> {
        self.inner.export_tree(path)
    }
    fn set_value(&mut self, path: &str, name: &str, value: &RawValue) -> Result<(), RepairError> {
        match self.mode {
            Mode::Allow => self.inner.set_value(path, name, value),
            _ => Err(self.denied(path)),
        }
    }
    fn replace_tree(&mut self, path: &str, content: Option<&RegTree>) -> Result<(), RepairError> {
        match self.mode {
            Mode::Allow => self.inner.replace_tree(path, content),
            Mode::DenyAll => Err(self.denied(path)),
            Mode::HalfThenDeny => {
                // Only the change is cut; the rollback after it goes through.
                self.mode = Mode::Allow;
                if let Some(first) = self.inner.subkeys(path)?.and_then(|k| k.first().cloned()) {
                    self.inner.replace_tree(&format!("{path}\\{first}"), None)?;
                }
                Err(self.denied(path))
            }
        }
    }
}

const PROFILES: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles";

fn setup(dir: &Path) -> (RegFileStore, Vec<u8>, Journal) {
    let store = RegFileStore::create(&dir.join("pc.reg"), &common::pc()).expect("store");
    let before = std::fs::read(store.path()).expect("read");
    let journal = Journal::open(&dir.join("data")).expect("journal");
    (store, before, journal)
}

fn bytes(store: &RegFileStore) -> Vec<u8> {
    std::fs::read(store.path()).expect("read")
}

#[test]
fn a_registry_write_refused_changes_nothing_and_is_not_recorded_as_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, before, mut j) = setup(dir.path());
    for spec in [
        SetAddin::disable("Contoso.Crm").into(),
        RemoveProfile::new("Outlook (2)").into(),
    ] {
        let mut reg = Flaky::new(&mut store, Mode::DenyAll);
        let err = j
            .run(spec, &mut Env::with_registry(&mut reg))
            .expect_err("access denied");
        assert!(reg.writes_refused >= 1);
        assert_eq!(err.code(), "registry_error", "{err}");
        assert!(err.to_string().contains("Access is denied"), "{err}");
        assert!(!err.hint(words::Lang::En).is_empty());
    }
    assert_eq!(bytes(&store), before, "nothing changed");
    let entries = j.entries();
    assert_eq!(entries.len(), 2);
    for e in &entries {
        assert_ne!(e.state, EntryState::Applied, "{e:?}");
        assert!(!e.can_undo, "nothing to undo: {e:?}");
        assert!(
            e.error
                .as_deref()
                .is_some_and(|m| m.contains("Access is denied"))
        );
    }
    // A restart finds nothing half-done to offer.
    let reopened = Journal::open(&dir.path().join("data")).expect("journal");
    assert!(reopened.interrupted().is_empty());
    assert!(reopened.undoable().is_empty());
}

#[test]
fn a_write_refused_half_way_is_rolled_back_from_the_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, before, mut j) = setup(dir.path());
    let mut reg = Flaky::new(&mut store, Mode::HalfThenDeny);
    let err = j
        .run(
            RemoveProfile::new("Outlook (2)").into(),
            &mut Env::with_registry(&mut reg),
        )
        .expect_err("cut half-way");
    assert_eq!(err.code(), "registry_error");
    assert_eq!(bytes(&store), before, "the backup put it all back");
    let e = &j.entries()[0];
    assert_eq!(e.state, EntryState::RolledBack);
    assert!(!e.can_undo);
    assert!(
        store
            .subkeys(&format!("{PROFILES}\\Outlook (2)"))
            .expect("read")
            .is_some()
    );
}

#[test]
fn an_undo_refused_keeps_the_change_undoable_for_a_later_try() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, before, mut j) = setup(dir.path());
    let done = j
        .run(
            RemoveProfile::new("Outlook (2)").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect("removed");
    let after = bytes(&store);
    let mut reg = Flaky::new(&mut store, Mode::DenyAll);
    let err = j
        .undo(&done.id, &mut Env::with_registry(&mut reg))
        .expect_err("refused");
    assert_eq!(err.code(), "registry_error");
    assert_eq!(bytes(&store), after, "still the changed state");
    let reopened = Journal::open(&dir.path().join("data")).expect("journal");
    let e = reopened.entries().into_iter().next().expect("entry");
    assert_eq!(e.state, EntryState::Applied);
    assert!(e.can_undo, "the undo can be tried again");
    // Access comes back (Outlook closed, policy lifted): the undo works.
    j.undo(&done.id, &mut Env::with_registry(&mut store))
        .expect("undo");
    assert_eq!(bytes(&store), before);
}

#[test]
fn a_journal_folder_that_cannot_be_written_refuses_before_any_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, before, mut j) = setup(dir.path());
    // The entries folder replaced by a file: the first journal write fails (as on a
    // read-only or vanished data folder; chmod does not stop root, so no permission trick).
    let entries = dir.path().join("data").join("entries");
    std::fs::remove_dir_all(&entries).expect("rm");
    std::fs::write(&entries, b"in the way").expect("file");
    let err = j
        .run(
            SetAddin::disable("Contoso.Crm").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect_err("no journal, no change");
    assert_eq!(err.code(), "io_error", "{err}");
    assert!(err.to_string().contains("entries"), "{err}");
    assert_eq!(bytes(&store), before);
    // The backups folder holds nothing either.
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("data").join("backups"))
        .expect("list")
        .flatten()
        .collect();
    assert!(backups.is_empty(), "{backups:?}");
}

#[test]
fn a_backup_missing_after_a_crash_is_a_clear_error_and_the_registry_is_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, before, mut j) = setup(dir.path());
    let done = j
        .run(
            SetAddin::disable("Contoso.Crm").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect("disabled");
    let after = bytes(&store);
    // What a crash between the change and its record leaves: the entry still says
    // `backed_up`. Then someone (a cleaner, the user) deleted the backups folder.
    let data = dir.path().join("data");
    let entry_file = data.join("entries").join(format!("{}.json", done.id));
    let text = std::fs::read_to_string(&entry_file).expect("entry");
    let mut entry: serde_json::Value = serde_json::from_str(&text).expect("json");
    entry["state"] = "backed_up".into();
    std::fs::write(&entry_file, entry.to_string()).expect("write");
    std::fs::remove_dir_all(data.join("backups")).expect("rm");

    let mut j = Journal::open(&data).expect("reopen");
    let pending = j.interrupted();
    assert_eq!(pending.len(), 1);
    let err = j
        .roll_back(&done.id, &mut Env::with_registry(&mut store))
        .expect_err("no backup to roll back from");
    assert_eq!(err.code(), "io_error", "{err}");
    assert!(err.to_string().contains("backups"), "{err}");
    assert_eq!(bytes(&store), after, "nothing half-restored");
    // Finishing reads the backup too (undo would need it later): also refused, untouched.
    j.finish(&done.id, &mut Env::with_registry(&mut store))
        .expect_err("finish reads the backup too");
    assert_eq!(bytes(&store), after);
    assert_ne!(before, after);
    // Still offered after a restart: nothing was silently dropped.
    assert_eq!(Journal::open(&data).expect("reopen").interrupted().len(), 1);
}
