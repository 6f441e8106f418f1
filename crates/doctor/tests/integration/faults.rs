//! The fault suite at the app's level (issue 7): what the shell sees through `AppContext`
//! after the app was really killed in the middle of a repair, and the diagnosis fed odd
//! cloud data (sign-in times in the future, garbled, missing).
//!
//! The kill: this test binary re-runs itself as a child that starts the demo's repair of a
//! duplicate profile on the simulated PC and stops at the registry write (before it, or
//! after deleting part of the profile); the parent kills it. The demo `AppContext` of that
//! simulated PC then opens its journal, as the next start would: the list must offer the change with
//! "finish" and "roll back", and either must leave the registry file byte-identical to one
//! of the two consistent states.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use doctor::AppContext;
use registry::{RawValue, RegTree};
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{EntryState, Env, Journal, RemoveProfile, RepairError};

const DUPLICATE: &str = "Outlook - Copy";

/// Stops at the first registry write: before it, or after deleting one subkey.
struct Stall {
    inner: RegFileStore,
    half: bool,
    marker: PathBuf,
}

impl Stall {
    fn park(&self) -> ! {
        std::fs::write(&self.marker, "reached").expect("marker");
        loop {
            std::thread::sleep(Duration::from_secs(60));
        }
    }
}

impl RegistryWriter for Stall {
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RepairError> {
        self.inner.values(path)
    }
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RepairError> {
        self.inner.subkeys(path)
    }
    fn export_tree(&self, path: &str) -> Result<Option<RegTree>, RepairError> {
        self.inner.export_tree(path)
    }
    fn set_value(&mut self, _: &str, _: &str, _: &RawValue) -> Result<(), RepairError> {
        self.park()
    }
    fn replace_tree(&mut self, path: &str, _: Option<&RegTree>) -> Result<(), RepairError> {
        if self.half
            && let Some(first) = self.inner.subkeys(path)?.and_then(|k| k.first().cloned())
        {
            self.inner.replace_tree(&format!("{path}\\{first}"), None)?;
        }
        self.park()
    }
}

/// The child: the demo's "remove the duplicate profile", as `Repairs::demo` lays it out
/// (journal in `<pc>/journal`, registry `<pc>/hkcu.reg`). Idle in a normal run.
#[test]
fn killed_app_child() {
    let Some(pc) = std::env::var_os("DOCTOR_CRASH_PC").map(PathBuf::from) else {
        return;
    };
    let mut reg = Stall {
        inner: RegFileStore::open(&pc.join("hkcu.reg")).expect("store"),
        half: std::env::var("DOCTOR_CRASH_HALF").is_ok(),
        marker: PathBuf::from(std::env::var_os("DOCTOR_CRASH_MARKER").expect("marker")),
    };
    let mut journal = Journal::open(&pc.join("journal")).expect("journal");
    let _ = journal.run(
        RemoveProfile::new(DUPLICATE).into(),
        &mut Env::with_registry(&mut reg),
    );
    panic!("the stop was never reached");
}

/// The registry file after an uninterrupted removal, computed on a copy.
fn after_state(hkcu: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("hkcu.reg");
    std::fs::copy(hkcu, &copy).expect("copy");
    let mut store = RegFileStore::open(&copy).expect("store");
    Journal::open(&dir.path().join("journal"))
        .expect("journal")
        .run(
            RemoveProfile::new(DUPLICATE).into(),
            &mut Env::with_registry(&mut store),
        )
        .expect("clean run");
    std::fs::read(&copy).expect("read")
}

fn kill_mid_repair(pc: &Path, half: bool) {
    let marker = pc.join("reached");
    let mut cmd = Command::new(std::env::current_exe().expect("exe"));
    cmd.args(["--exact", "faults::killed_app_child", "--test-threads=1"])
        .env("DOCTOR_CRASH_PC", pc)
        .env("DOCTOR_CRASH_MARKER", &marker)
        .env_remove("DOCTOR_CRASH_HALF")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if half {
        cmd.env("DOCTOR_CRASH_HALF", "1");
    }
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("child ended ({status}) before the stop");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "child never stopped"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill");
    let _ = child.wait();
}

#[test]
fn after_a_real_kill_the_next_start_offers_finish_or_roll_back_and_ends_consistent() {
    for half in [false, true] {
        for finish in [true, false] {
            let case = format!("half={half} finish={finish}");
            let app = AppContext::demo().expect("demo");
            let pc = app.demo_dir().expect("pc dir");
            let hkcu = pc.join("hkcu.reg");
            // The simulated PC's export is not in `reg export`'s exact layout (key order, hex
            // wrapping); the store writes that layout, so bring the file to it first. The
            // content is unchanged; only then are "before" and "after" comparable as bytes.
            let tree = RegFileStore::open(&hkcu)
                .expect("store")
                .load()
                .expect("tree");
            RegFileStore::create(&hkcu, &tree).expect("rewrite");
            let before = std::fs::read(&hkcu).expect("read");
            let after = after_state(&hkcu);
            assert!(before != after);

            kill_mid_repair(&pc, half);
            let killed = std::fs::read(&hkcu).expect("read");
            if half {
                assert!(killed != before && killed != after, "{case}: half-way");
            } else {
                assert!(killed == before, "{case}: nothing changed yet");
            }

            // The next start: this context had not opened the journal yet; it does on first
            // use, now, after the crash, as a restarted app would.
            let list = app.journal().expect("journal list");
            let pending: Vec<_> = list.iter().filter(|e| e.can_roll_back).collect();
            assert_eq!(pending.len(), 1, "{case}: offered: {list:#?}");
            assert_eq!(pending[0].state, EntryState::BackedUp, "{case}");
            assert!(
                pending[0].target.contains(DUPLICATE),
                "{case}: {:?}",
                pending[0]
            );
            let id = pending[0].id.clone();
            let done = if finish {
                app.finish_action(&id).expect("finish")
            } else {
                app.roll_back_action(&id).expect("roll back")
            };
            let now = std::fs::read(&hkcu).expect("read");
            if finish {
                assert_eq!(done.state, EntryState::Applied, "{case}");
                assert!(done.can_undo);
                assert!(now == after, "{case}: finished");
            } else {
                assert_eq!(done.state, EntryState::RolledBack, "{case}");
                assert!(now == before, "{case}: rolled back");
            }
            let list = app.journal().expect("journal list");
            assert!(list.iter().all(|e| !e.can_roll_back), "{case}: {list:#?}");
            app.leave_demo();
        }
    }
}

#[test]
fn a_diagnosis_with_sign_ins_in_the_future_or_garbled_does_not_panic() {
    let sign_in = |created: &str, os: Option<&str>, device: Option<&str>| cloud::SignIn {
        created: created.to_owned(),
        app: "Microsoft Outlook".to_owned(),
        client_app: "Mobile Apps and Desktop clients".to_owned(),
        device: device.map(str::to_owned),
        operating_system: os.map(str::to_owned),
        browser: None,
        city: None,
        country: None,
        ip_address: None,
        success: true,
        error_code: 0,
        failure_reason: None,
        interactive: false,
    };
    let snapshot = cloud::CloudSnapshot {
        account: cloud::Account {
            upn: "megan.bowen@contoso.example".to_owned(),
            display_name: None,
            id: None,
            tenant_id: None,
            kind: cloud::AccountKind::Work,
            admin_scopes: true,
        },
        target: None,
        devices: Vec::new(),
        sign_ins: vec![
            sign_in("2999-12-31T23:59:59Z", Some("iOS 18"), Some("iPhone")),
            sign_in("not a date", Some("Android 15"), Some("Pixel")),
            sign_in("", None, None),
            sign_in("1601-01-01T00:00:00Z", Some("iOS"), None),
        ],
        capabilities: cloud::Capabilities {
            can_revoke: true,
            can_read_sign_ins: true,
            can_read_devices: true,
        },
        notes: Vec::new(),
    };
    let d = doctor::diagnose::diagnose(
        &scan::ScanReport::default(),
        Some(&snapshot),
        words::Lang::En,
    );
    serde_json::to_string(&d).expect("serializes for the UI");
}
