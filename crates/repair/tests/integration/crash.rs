//! Crash safety with a real kill, through the public API and on the real registry where
//! there is one (issue 7, part 3). A test re-runs this binary as a child that runs one
//! action; the child's registry stops at a chosen write (before it, or after half of it)
//! and waits; the parent kills it (SIGKILL on Unix, TerminateProcess on Windows/Wine),
//! then "starts the app again": opens the journal, which must offer to finish or roll back,
//! does one or the other, and checks the registry is byte-identical to one of the two
//! consistent states (before the change, or after an uninterrupted run).
//!
//! On Linux the registry is a `.reg` file store (what demo mode changes); on Windows (and
//! under Wine: `scripts/wine-test.sh -p session-doctor-repair -- --test-threads=1 crash`)
//! it is the live registry under `HKCU\Software\SessionDoctorTest\<unique>`, compared with
//! `reg export` of that key, an independent reader.
//!
//! The crash points of `src/journal_tests.rs` (entry written, backup written, temp file
//! written but not renamed) sit inside the crate; these sit at the registry writes, which a
//! test outside the crate can reach.

use crate::machine;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use machine::Machine;
use registry::{RawValue, RegTree};
use repair::registry::RegistryWriter;
use repair::{
    ActionSpec, Bisect, BisectPhase, EntryState, Env, Journal, RegistryLayout, RemoveProfile,
    SetAddin, list_addins,
};

/// Where the child stops and waits to be killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the first registry write of the change: the journal entry and the backup are on
    /// disk, nothing is changed.
    BeforeChange,
    /// Half-way through the change: one subkey of the profile deleted, or the value
    /// written but not yet recorded as done.
    MidChange,
    /// Half-way through an undo: the profile's key deleted, the backup not yet re-imported.
    MidUndo,
}

impl Stop {
    fn name(self) -> &'static str {
        match self {
            Stop::BeforeChange => "before_change",
            Stop::MidChange => "mid_change",
            Stop::MidUndo => "mid_undo",
        }
    }
    fn parse(s: &str) -> Stop {
        match s {
            "mid_change" => Stop::MidChange,
            "mid_undo" => Stop::MidUndo,
            _ => Stop::BeforeChange,
        }
    }
}

/// A registry that runs normally until the stop, then announces it and waits forever.
struct Stall<W> {
    inner: W,
    stop: Stop,
    marker: PathBuf,
    /// Writes let through before the stop (the add-in check makes several changes).
    pass: usize,
}

impl<W> Stall<W> {
    fn park(&self) -> ! {
        std::fs::write(&self.marker, self.stop.name()).expect("marker");
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    }
}

impl<W: RegistryWriter> RegistryWriter for Stall<W> {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, repair::RepairError> {
        self.inner.values(path)
    }
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, repair::RepairError> {
        self.inner.subkeys(path)
    }
    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, repair::RepairError> {
        self.inner.export_tree(path)
    }
    fn set_value(
        &mut self,
        path: &str,
        name: &str,
        value: &RawValue,
    ) -> Result<(), repair::RepairError> {
        if self.pass > 0 {
            self.pass -= 1;
            return self.inner.set_value(path, name, value);
        }
        if self.stop != Stop::BeforeChange {
            self.inner.set_value(path, name, value)?;
        }
        self.park()
    }
    fn replace_tree(
        &mut self,
        path: &str,
        content: Option<&RegTree>,
    ) -> Result<(), repair::RepairError> {
        if self.pass > 0 {
            self.pass -= 1;
            return self.inner.replace_tree(path, content);
        }
        match self.stop {
            Stop::BeforeChange => {}
            Stop::MidChange => {
                let first = self.inner.subkeys(path)?.and_then(|k| k.first().cloned());
                if let Some(first) = first {
                    self.inner.replace_tree(&format!("{path}\\{first}"), None)?;
                }
            }
            Stop::MidUndo => {
                // Deleted what is there, not yet imported the backup.
                self.inner.replace_tree(path, None)?;
                if let Some(c) = content {
                    // And a first key of it, so the state is neither "before" nor "after".
                    let mut part = RegTree::new();
                    if let Some(k) = c.keys().next() {
                        part.touch_key(&k.path);
                    }
                    self.inner.replace_tree(path, Some(&part))?;
                }
            }
        }
        self.park()
    }
}

fn spec(action: &str, layout: &RegistryLayout) -> ActionSpec {
    match action {
        "profile" => RemoveProfile::new("Main (2)")
            .with_layout(layout.clone())
            .into(),
        _ => SetAddin::disable("Contoso.Crm")
            .with_layout(layout.clone())
            .into(),
    }
}

/// The child: runs the action (or the undo of `CRASH_ENTRY`) with the stalling registry.
/// Does nothing in a normal test run.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os("CRASH_CHILD_DIR").map(PathBuf::from) else {
        return;
    };
    let root = std::env::var("CRASH_ROOT").expect("root");
    let action = std::env::var("CRASH_ACTION").expect("action");
    let stop = Stop::parse(&std::env::var("CRASH_STOP").expect("stop"));
    let marker = PathBuf::from(std::env::var_os("CRASH_MARKER").expect("marker"));
    let machine = Machine::attach(&dir, &root);
    let pass = std::env::var("CRASH_PASS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let mut reg = Stall {
        inner: machine.writer(),
        stop,
        marker,
        pass,
    };
    let mut journal = Journal::open(&dir.join("data")).expect("journal");
    if action == "bisect" {
        // The add-in check: started (saved), then its first round turns off half the
        // add-ins; the registry lets the first change through and stops in the second.
        let addins = list_addins(&reg, &machine.layout()).expect("list");
        let mut b = Bisect::start_in(&addins, machine.layout(), &journal).expect("start");
        let mut env = Env::with_registry(&mut reg);
        let _ = b.next_round(&mut journal, &mut env);
        panic!("the stop was never reached");
    }
    let mut env = Env::with_registry(&mut reg);
    let _ = match std::env::var("CRASH_ENTRY") {
        Ok(id) => journal.undo(&id, &mut env),
        Err(_) => journal.run(spec(&action, &machine.layout()), &mut env),
    };
    panic!("the stop was never reached");
}

/// One crash, set up and done: the machine with its two consistent states.
struct Crashed {
    dir: tempfile::TempDir,
    machine: Machine,
    before: Vec<u8>,
    after: Vec<u8>,
    /// The entry undone by a `MidUndo` child.
    undone: Option<String>,
}

impl Crashed {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

fn crash(stop: Stop, action: &str, tag: &str) -> Crashed {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = Machine::create(dir.path(), tag, &seed);
    let layout = machine.layout();
    let before = machine.state(dir.path());
    // The "after" state from an uninterrupted run, undone again with a separate journal.
    let after = {
        let mut reg = machine.writer();
        let mut j = Journal::open(&dir.path().join("clean")).expect("journal");
        let done = j
            .run(spec(action, &layout), &mut Env::with_registry(&mut reg))
            .expect("clean run");
        let after = machine.state(dir.path());
        j.undo(&done.id, &mut Env::with_registry(&mut reg))
            .expect("clean undo");
        assert_eq!(machine.state(dir.path()), before, "undo restores exactly");
        after
    };
    assert_ne!(before, after);
    let undone = (stop == Stop::MidUndo).then(|| {
        let mut reg = machine.writer();
        let mut j = Journal::open(&dir.path().join("data")).expect("journal");
        let done = j
            .run(spec(action, &layout), &mut Env::with_registry(&mut reg))
            .expect("run");
        assert_eq!(machine.state(dir.path()), after);
        done.id
    });

    let marker = dir.path().join("reached");
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = Command::new(exe);
    cmd.args([
        "--exact",
        "crash::crash_child",
        "--test-threads=1",
        "--nocapture",
    ])
    .env("CRASH_CHILD_DIR", dir.path())
    .env("CRASH_ROOT", machine.root())
    .env("CRASH_ACTION", action)
    .env("CRASH_STOP", stop.name())
    .env("CRASH_MARKER", &marker)
    .env_remove("CRASH_ENTRY")
    .env_remove("CRASH_PASS")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    if let Some(id) = &undone {
        cmd.env("CRASH_ENTRY", id);
    }
    let mut child = cmd.spawn().expect("spawn child");
    let start = Instant::now();
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("child ended ({status}) before {stop:?}");
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child never reached {stop:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // A real kill: no destructor, no unwinding, no flush.
    child.kill().expect("kill child");
    let _ = child.wait();
    Crashed {
        dir,
        machine,
        before,
        after,
        undone,
    }
}

/// Kills a run at `stop`, restarts, takes `finish` or `roll_back`, checks the bytes.
fn crash_and_recover(stop: Stop, action: &str, finish: bool) {
    let tag = format!(
        "crash-{}-{action}-{}",
        stop.name(),
        if finish { "finish" } else { "rollback" }
    );
    let c = crash(stop, action, &tag);
    let state = c.machine.state(c.dir.path());
    match (stop, action) {
        (Stop::BeforeChange, _) => assert_eq!(state, c.before, "{tag}: nothing changed yet"),
        (Stop::MidChange, "disable") => {
            assert_eq!(state, c.after, "{tag}: written, not yet recorded")
        }
        _ => {
            assert_ne!(state, c.before, "{tag}: really half-way");
            assert_ne!(state, c.after, "{tag}: really half-way");
        }
    }

    // The next start.
    let mut j = Journal::open(&c.data()).expect("journal");
    let mut reg = c.machine.writer();
    if let Some(id) = &c.undone {
        // An undo has no "in progress" state: the change is still recorded as applied and
        // offered for undo again, which is idempotent.
        assert!(j.interrupted().is_empty());
        let e = j
            .entries()
            .into_iter()
            .find(|e| &e.id == id)
            .expect("entry");
        assert_eq!(e.state, EntryState::Applied);
        assert!(e.can_undo);
        j.undo(id, &mut Env::with_registry(&mut reg))
            .expect("undo again");
        assert_eq!(c.machine.state(c.dir.path()), c.before, "{tag}");
        return;
    }
    let pending = j.interrupted();
    assert_eq!(
        pending.len(),
        1,
        "{tag}: the app offers the change: {pending:?}"
    );
    assert_eq!(pending[0].state, EntryState::BackedUp, "{tag}");
    assert!(pending[0].can_roll_back, "{tag}");
    let id = pending[0].id.clone();
    if finish {
        let v = j
            .finish(&id, &mut Env::with_registry(&mut reg))
            .expect("finish");
        assert_eq!(v.state, EntryState::Applied);
        assert_eq!(c.machine.state(c.dir.path()), c.after, "{tag}: finished");
        j.undo(&id, &mut Env::with_registry(&mut reg))
            .expect("and undo");
        assert_eq!(c.machine.state(c.dir.path()), c.before, "{tag}: undone");
    } else {
        let v = j
            .roll_back(&id, &mut Env::with_registry(&mut reg))
            .expect("roll back");
        assert_eq!(v.state, EntryState::RolledBack);
        assert_eq!(
            c.machine.state(c.dir.path()),
            c.before,
            "{tag}: rolled back"
        );
    }
    assert!(
        Journal::open(&c.data())
            .expect("journal")
            .interrupted()
            .is_empty(),
        "{tag}: the recovery is recorded"
    );
}

/// The machine's Outlook settings under `layout`: two profiles (the second a duplicate),
/// binary, multi-string and 64-bit values, an empty key, and an add-in.
fn seed(layout: &RegistryLayout) -> RegTree {
    let mut t = RegTree::new();
    t.set_value(
        &layout.outlook_key("16.0"),
        "DefaultProfile",
        RawValue::sz("Main"),
    );
    for p in ["Main", "Main (2)"] {
        let k = layout.profile_key("16.0", p);
        let acct = format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\00000002");
        let mut email: Vec<u8> = "ana@contoso.com"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        email.extend([0, 0]);
        t.set_value(
            &acct,
            "Email",
            RawValue {
                kind: 3,
                bytes: email,
            },
        );
        t.set_value(
            &acct,
            "clsid",
            RawValue::sz("{ED475414-B0D6-11D2-8C3B-00104B2A6676}"),
        );
        t.set_value(
            &format!("{k}\\blob"),
            "0102663d",
            RawValue {
                kind: 3,
                bytes: (0..=255).collect(),
            },
        );
        t.set_value(
            &format!("{k}\\blob"),
            "multi",
            RawValue {
                kind: 7,
                bytes: b"a\0\0\0b\0\0\0\0\0".to_vec(),
            },
        );
        t.set_value(
            &format!("{k}\\blob"),
            "q",
            RawValue {
                kind: 11,
                bytes: vec![1, 2, 3, 4, 5, 6, 7, 8],
            },
        );
        t.touch_key(&format!("{k}\\Empty"));
    }
    let crm = layout.addin_key("Contoso.Crm");
    t.set_value(&crm, "FriendlyName", RawValue::sz("Contoso CRM"));
    t.set_value(&crm, "LoadBehavior", RawValue::dword(3));
    t
}

#[test]
fn a_real_kill_between_the_journal_write_and_the_change_offers_finish_or_roll_back() {
    for action in ["disable", "profile"] {
        for finish in [true, false] {
            crash_and_recover(Stop::BeforeChange, action, finish);
        }
    }
}

#[test]
fn a_real_kill_in_the_middle_of_removing_a_profile_ends_in_one_consistent_state() {
    for finish in [true, false] {
        crash_and_recover(Stop::MidChange, "profile", finish);
    }
}

#[test]
fn a_real_kill_after_the_value_is_written_but_not_recorded_ends_in_one_consistent_state() {
    for finish in [true, false] {
        crash_and_recover(Stop::MidChange, "disable", finish);
    }
}

#[test]
fn a_real_kill_in_the_middle_of_an_undo_leaves_it_undoable_again() {
    crash_and_recover(Stop::MidUndo, "profile", false);
}

/// Four add-ins for the add-in check (plus the machine's usual settings).
fn seed_addins(layout: &RegistryLayout) -> RegTree {
    let mut t = seed(layout);
    for name in ["Alpha.Connect", "Beta.Connect", "Gamma.Connect"] {
        let k = layout.addin_key(name);
        t.set_value(&k, "FriendlyName", RawValue::sz(name));
        t.set_value(&k, "LoadBehavior", RawValue::dword(3));
    }
    t
}

#[test]
fn a_real_kill_during_an_addin_check_round_is_loaded_again_and_restore_all_puts_every_addin_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = Machine::create(dir.path(), "crash-bisect-round", &seed_addins);
    let before = machine.state(dir.path());

    let marker = dir.path().join("reached");
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "crash::crash_child",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("CRASH_CHILD_DIR", dir.path())
        .env("CRASH_ROOT", machine.root())
        .env("CRASH_ACTION", "bisect")
        .env("CRASH_STOP", Stop::MidChange.name())
        .env("CRASH_MARKER", &marker)
        .env("CRASH_PASS", "1")
        .env_remove("CRASH_ENTRY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let start = Instant::now();
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("child ended ({status}) before the stop");
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child never reached the stop");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill child");
    let _ = child.wait();
    assert_ne!(
        machine.state(dir.path()),
        before,
        "two add-ins really were turned off"
    );

    // The next start: the check in progress is there, with the change it finished; the
    // one it was killed in is an interrupted journal entry.
    let data = dir.path().join("data");
    let mut j = Journal::open(&data).expect("journal");
    let b = Bisect::load(&j).expect("load").expect("the check is there");
    assert_eq!(b.candidates.len(), 4, "{:?}", b.candidates);
    assert_eq!(b.disabled.len(), 1, "{:?}", b.disabled);
    assert_eq!(b.phase, BisectPhase::Ready, "the round never completed");
    assert_eq!(j.interrupted().len(), 1);

    // Put every add-in back.
    let mut reg = machine.writer();
    let done = Bisect::restore_all(&mut j, &mut Env::with_registry(&mut reg)).expect("restore");
    assert_eq!(done.restored.len(), 2, "{done:?}");
    assert_eq!(
        machine.state(dir.path()),
        before,
        "byte-identical to before the check"
    );
    let j = Journal::open(&data).expect("journal");
    assert!(j.interrupted().is_empty(), "the rollback is recorded");
    assert_eq!(
        Bisect::load(&j).expect("load"),
        None,
        "the check is cleared"
    );
}
