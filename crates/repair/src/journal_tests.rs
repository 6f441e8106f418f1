//! Crash safety and full-disk tests of the journal. They live inside the crate because the
//! crash points ([`crate::testhook`]) exist only in its own test binary: a test re-runs that
//! binary as a child which stops at a named point, the parent kills it (SIGKILL on Unix,
//! TerminateProcess on Windows), and then checks what `Journal::open` offers and that the
//! files end byte-identical to one of the two consistent states.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::actions::{ActionSpec, Env, RemoveProfile, SetAddin};
use crate::journal::{EntryState, Journal};
use crate::registry::RegFileStore;
use ::registry::{RawValue, RegTree};

const OUTLOOK: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook";
const ADDINS: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins";

fn fixture(big: usize) -> RegTree {
    let mut t = RegTree::new();
    t.set_value(OUTLOOK, "DefaultProfile", RawValue::sz("Main"));
    for p in ["Main", "Dup"] {
        let k = format!("{OUTLOOK}\\Profiles\\{p}");
        t.touch_key(&k);
        t.set_value(
            &format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\00000002"),
            "Account Name",
            RawValue::sz("ana@contoso.com"),
        );
        t.set_value(
            &format!("{k}\\blob"),
            "data",
            RawValue {
                kind: 3,
                bytes: vec![0x5a; big],
            },
        );
    }
    t.set_value(
        &format!("{ADDINS}\\Contoso.Crm"),
        "LoadBehavior",
        RawValue::dword(3),
    );
    t
}

fn spec_for(action: &str) -> ActionSpec {
    match action {
        "profile" => RemoveProfile::new("Dup").into(),
        _ => SetAddin::disable("Contoso.Crm").into(),
    }
}

/// The child side: runs one action in the work folder named by the environment. Without
/// that variable (a normal test run) it does nothing.
#[test]
fn crash_child() {
    let Some(work) = std::env::var_os("REPAIR_TEST_CHILD_DIR").map(PathBuf::from) else {
        return;
    };
    let action = std::env::var("REPAIR_TEST_CHILD_ACTION").unwrap_or_default();
    let mut store = RegFileStore::open(&work.join("pc.reg")).expect("store");
    let mut journal = Journal::open(&work.join("data")).expect("journal");
    let mut env = Env::with_registry(&mut store);
    let _ = journal.run(spec_for(&action), &mut env);
    panic!("the crash point was never reached");
}

struct Crashed {
    dir: tempfile::TempDir,
    before: Vec<u8>,
    after: Vec<u8>,
}

impl Crashed {
    fn store_path(&self) -> PathBuf {
        self.dir.path().join("work").join("pc.reg")
    }
    fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.store_path()).expect("read store")
    }
    fn journal(&self) -> Journal {
        Journal::open(&self.dir.path().join("work").join("data")).expect("open journal")
    }
}

/// Runs `action` in a child killed at `point`; returns the folder with the two consistent
/// states of the store file (before, and after an uninterrupted run).
fn crash_at(point: &str, action: &str) -> Crashed {
    let dir = tempfile::tempdir().expect("tempdir");
    // The "after" state from an uninterrupted run on a copy.
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(&clean).expect("mkdir");
    let mut s = RegFileStore::create(&clean.join("pc.reg"), &fixture(300)).expect("store");
    let before = std::fs::read(s.path()).expect("read");
    Journal::open(&clean.join("data"))
        .expect("journal")
        .run(spec_for(action), &mut Env::with_registry(&mut s))
        .expect("clean run");
    let after = std::fs::read(s.path()).expect("read");
    assert_ne!(before, after);

    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    RegFileStore::create(&work.join("pc.reg"), &fixture(300)).expect("store");
    let marker = dir.path().join("reached");
    let exe = std::env::current_exe().expect("test binary");
    let mut command = Command::new(exe);
    command
        .args([
            "--exact",
            "journal_tests::crash_child",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("REPAIR_TEST_CHILD_DIR", &work)
        .env("REPAIR_TEST_CHILD_ACTION", action)
        .env("REPAIR_TEST_CRASH_AT", point)
        .env("REPAIR_TEST_CRASH_MARKER", &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR (1359) under load; the
    // child is what this test is about, not starting it, so a failed start is tried again.
    let mut tries = 0;
    let mut child = loop {
        match command.spawn() {
            Ok(child) => break child,
            Err(e) if tries < 3 => {
                tries += 1;
                eprintln!("starting the child failed ({e}); trying again");
                std::thread::sleep(Duration::from_millis(300));
            }
            Err(e) => panic!("spawn child: {e}"),
        }
    };
    let start = Instant::now();
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("child ended ({status}) before reaching {point}");
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("child never reached {point}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill child");
    let _ = child.wait();
    Crashed { dir, before, after }
}

fn recover(point: &str, action: &str, expected_state: EntryState) {
    for finish in [true, false] {
        let c = crash_at(point, action);
        assert_eq!(
            c.bytes(),
            c.before,
            "{point}: killed before the change took effect"
        );
        let mut j = c.journal();
        let pending = j.interrupted();
        assert_eq!(pending.len(), 1, "{point}: {pending:?}");
        assert_eq!(pending[0].state, expected_state, "{point}");
        assert!(pending[0].can_roll_back);
        let id = pending[0].id.clone();
        let mut store = RegFileStore::open(&c.store_path()).expect("store");
        let mut env = Env::with_registry(&mut store);
        if finish {
            let v = j.finish(&id, &mut env).expect("finish");
            assert_eq!(v.state, EntryState::Applied);
            assert_eq!(
                c.bytes(),
                c.after,
                "{point}: finish gives the changed state"
            );
            // And the finished change can still be undone.
            let mut env = Env::with_registry(&mut store);
            j.undo(&id, &mut env).expect("undo after finish");
            assert_eq!(c.bytes(), c.before);
        } else {
            let v = j.roll_back(&id, &mut env).expect("roll back");
            assert_eq!(v.state, EntryState::RolledBack);
            assert_eq!(
                c.bytes(),
                c.before,
                "{point}: roll back gives the original state"
            );
        }
        assert!(c.journal().interrupted().is_empty(), "recovery is recorded");
        // No temp file is left next to the store.
        let names: Vec<String> = std::fs::read_dir(c.store_path().parent().expect("dir"))
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}

#[test]
fn killed_after_the_journal_entry_before_any_backup() {
    recover("after_planned", "disable", EntryState::Planned);
}

#[test]
fn killed_between_the_backup_and_the_change() {
    recover("after_backed_up", "disable", EntryState::BackedUp);
    recover("after_backed_up", "profile", EntryState::BackedUp);
}

#[test]
fn killed_in_the_middle_of_the_change() {
    // The new registry file is written to its temp file but not yet renamed over the old one.
    recover("store_mid_write", "profile", EntryState::BackedUp);
    recover("store_mid_write", "disable", EntryState::BackedUp);
}

#[test]
fn a_backup_that_cannot_be_written_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = RegFileStore::create(&dir.path().join("pc.reg"), &fixture(10)).expect("store");
    let before = std::fs::read(store.path()).expect("read");
    let data = dir.path().join("data");
    let mut j = Journal::open(&data).expect("journal");
    // The backup folder replaced by a file: every backup write fails.
    std::fs::remove_dir_all(data.join("backups")).expect("rm");
    std::fs::write(data.join("backups"), b"in the way").expect("file");
    let err = j
        .run(
            RemoveProfile::new("Dup").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect_err("no backup, no change");
    assert_eq!(err.code(), "backup_failed", "{err}");
    assert_eq!(std::fs::read(store.path()).expect("read"), before);
    let entries = j.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Failed);
    assert!(!entries[0].can_undo);
}

/// A 64 KiB tmpfs mounted for the test and unmounted on drop (root only).
#[cfg(target_os = "linux")]
struct TinyDisk {
    path: PathBuf,
}

#[cfg(target_os = "linux")]
impl TinyDisk {
    fn mount(path: &std::path::Path) -> Option<TinyDisk> {
        std::fs::create_dir_all(path).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| TinyDisk {
            path: path.to_path_buf(),
        })
    }
}

#[cfg(target_os = "linux")]
impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_clear_error_and_nothing_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = TinyDisk::mount(&dir.path().join("tiny")) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?)");
        return;
    };
    // The profile export is ~1.2 MB of UTF-16 text: far more than 64 KiB.
    let mut store =
        RegFileStore::create(&dir.path().join("pc.reg"), &fixture(200_000)).expect("store");
    let before = std::fs::read(store.path()).expect("read");
    let data = disk.path.join("data");
    let mut j = Journal::open(&data).expect("journal on the tiny disk");
    let err = j
        .run(
            RemoveProfile::new("Dup").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect_err("disk full");
    assert_eq!(err.code(), "disk_full", "{err}");
    assert!(err.to_string().contains("nothing was changed"));
    assert_eq!(
        std::fs::read(store.path()).expect("read"),
        before,
        "no change made"
    );
    // No half-written backup or temp file is left on the full disk.
    let backups: Vec<_> = std::fs::read_dir(data.join("backups"))
        .expect("list")
        .flatten()
        .collect();
    assert!(backups.is_empty(), "{backups:?}");
    // A small change still fits and works on the same journal.
    let ok = j
        .run(
            SetAddin::disable("Contoso.Crm").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect("small backup fits");
    assert_eq!(ok.state, EntryState::Applied);
    drop(j);
    drop(disk);
}
