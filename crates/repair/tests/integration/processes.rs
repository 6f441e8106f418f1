//! Closing and restarting real processes: a copy of `sleep` named `outlook` in a temp dir,
//! one that ignores SIGTERM (the forced path, only with consent), one that exits by itself
//! while being closed, and a restart that shows up as a new process with Outlook's switches.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use repair::process::describe;
use repair::{
    ActionSpec, CloseClient, EntryState, Env, Journal, Outcome, RestartMode, RestartOutlook,
};

/// A process this test started; killed on drop if it still runs (never anyone else's).
struct Spawned {
    pid: u32,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if describe(self.pid).is_some_and(|p| p.name == "outlook") {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
    }
}

fn sleep_binary() -> PathBuf {
    ["/usr/bin/sleep", "/bin/sleep"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("sleep exists")
}

/// `dir/bin/outlook`: a copy of sleep.
fn fake_outlook(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    let exe = dir.join("bin").join("outlook");
    std::fs::copy(sleep_binary(), &exe).expect("copy sleep");
    exe
}

/// Starts `script` (a shell line run as `sh -c`) and reaps it on a thread; waits until the
/// process has exec'd into the sleep copy `dir/bin/outlook`.
fn spawn(script: &str, exe: &Path) -> Spawned {
    let mut child = Command::new("sh")
        .args(["-c", script, exe.to_str().expect("utf-8 path")])
        .spawn()
        .expect("spawn");
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    wait_exec(pid);
    Spawned { pid }
}

/// Waits until `pid` runs the sleep copy. Not by name: a `#!` script named `outlook` already
/// has that name before it exec's, which made an early version of these tests racy.
fn wait_exec(pid: u32) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if describe(pid)
            .and_then(|p| p.exe)
            .is_some_and(|e| e.ends_with("/bin/outlook"))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("process {pid} never ran bin/outlook");
}

fn journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().expect("tempdir");
    let j = Journal::open(&dir.path().join("data")).expect("journal");
    (dir, j)
}

fn close(pid: u32, timeout_ms: u32) -> CloseClient {
    CloseClient {
        timeout_ms,
        ..CloseClient::polite(pid, "outlook")
    }
}

#[test]
fn a_polite_close_ends_the_process_and_records_what_ran() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = fake_outlook(dir.path());
    let p = spawn("exec \"$0\" 30", &exe);
    let (_d, mut j) = journal();
    let mut env = Env::default();
    let preview = j
        .preview(&close(p.pid, 5000).into(), &mut env)
        .expect("preview");
    assert!(!preview.undoable);
    assert!(
        preview.undo.contains("cannot be undone"),
        "{}",
        preview.undo
    );
    let done = j.run(close(p.pid, 5000).into(), &mut env).expect("close");
    assert_eq!(done.state, EntryState::Applied);
    match done.outcome {
        Some(Outcome::Closed {
            running: Some(r),
            forced: false,
            ..
        }) => {
            assert_eq!(r.args, vec!["30".to_owned()]);
            assert_eq!(r.exe.as_deref(), exe.to_str());
        }
        other => panic!("unexpected outcome {other:?}"),
    }
    assert!(describe(p.pid).is_none(), "still running");
    assert!(!done.can_undo);
    assert_eq!(
        j.undo(&done.id, &mut env).expect_err("no undo").code(),
        "not_undoable"
    );
}

#[test]
fn a_process_ignoring_sigterm_is_forced_only_with_the_second_consent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = fake_outlook(dir.path());
    let p = spawn("trap '' TERM; exec \"$0\" 30", &exe);
    let (_d, mut j) = journal();
    let mut env = Env::default();

    let err = j
        .run(close(p.pid, 700).into(), &mut env)
        .expect_err("ignores TERM");
    assert_eq!(err.code(), "process_still_running");
    assert!(describe(p.pid).is_some(), "a polite close must not kill it");

    let no_consent = CloseClient {
        force: true,
        ..close(p.pid, 700)
    };
    let entries_before = j.entries().len();
    let err = j
        .run(no_consent.into(), &mut env)
        .expect_err("needs consent");
    assert_eq!(err.code(), "consent_required");
    assert_eq!(
        j.entries().len(),
        entries_before,
        "nothing journaled without consent"
    );
    assert!(describe(p.pid).is_some());

    let done = j
        .run(close(p.pid, 700).forced_with_consent().into(), &mut env)
        .expect("forced");
    assert!(
        matches!(done.outcome, Some(Outcome::Closed { forced: true, .. })),
        "{done:?}"
    );
    assert!(describe(p.pid).is_none());
}

#[test]
fn a_process_that_exits_by_itself_while_being_closed_is_success() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = fake_outlook(dir.path());
    // Ignores the polite request but ends on its own a moment later.
    let p = spawn("trap '' TERM; exec \"$0\" 1", &exe);
    let (_d, mut j) = journal();
    let done = j
        .run(close(p.pid, 5000).into(), &mut Env::default())
        .expect("success");
    assert!(
        matches!(done.outcome, Some(Outcome::Closed { forced: false, .. })),
        "{done:?}"
    );
    assert!(describe(p.pid).is_none());
}

#[test]
fn a_process_already_gone_is_success_and_a_reused_pid_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = fake_outlook(dir.path());
    let p = spawn("exec \"$0\" 30", &exe);
    let (_d, mut j) = journal();
    let mut env = Env::default();
    // Same pid, different program name: the scan saw something else there.
    let wrong = CloseClient::polite(p.pid, "thunderbird");
    assert_eq!(
        j.run(wrong.into(), &mut env).expect_err("changed").code(),
        "process_changed"
    );
    assert!(describe(p.pid).is_some());
    let _ = Command::new("kill")
        .args(["-KILL", &p.pid.to_string()])
        .status();
    let start = Instant::now();
    while describe(p.pid).is_some() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let done = j
        .run(close(p.pid, 1000).into(), &mut env)
        .expect("gone is fine");
    assert!(
        matches!(
            done.outcome,
            Some(Outcome::Closed {
                running: None,
                exited_by_itself: true,
                ..
            })
        ),
        "{done:?}"
    );
}

/// `dir/outlook`: a script that writes its arguments next to itself, then becomes the sleep copy.
fn launcher(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    fake_outlook(dir);
    let script = dir.join("outlook");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.args\"\nexec \"$(dirname \"$0\")/bin/outlook\" 30\n",
    )
    .expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    script
}

fn restart(mode: RestartMode) {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = launcher(dir.path());
    let old = spawn("exec \"$0\"", &script);
    let (_d, mut j) = journal();
    let spec: ActionSpec = RestartOutlook {
        exe: Some(script.display().to_string()),
        timeout_ms: 5000,
        ..RestartOutlook::running(old.pid, "outlook", mode.clone())
    }
    .into();
    let done = j.run(spec, &mut Env::default()).expect("restart");
    let Some(Outcome::Restarted {
        new_pid,
        previous,
        args,
        ..
    }) = done.outcome
    else {
        panic!("unexpected outcome {done:?}");
    };
    let _new = Spawned { pid: new_pid };
    assert_ne!(new_pid, old.pid);
    assert_eq!(previous.map(|p| p.pid), Some(old.pid));
    assert!(describe(old.pid).is_none(), "the old Outlook still runs");
    wait_exec(new_pid);
    let written = std::fs::read_to_string(dir.path().join("outlook.args")).expect("args file");
    let expected: String = mode.args().iter().map(|a| format!("{a}\n")).collect();
    assert_eq!(
        written,
        if expected.is_empty() {
            "\n".to_owned()
        } else {
            expected
        }
    );
    assert_eq!(args, mode.args());
}

#[test]
fn restart_in_safe_mode_is_a_new_process_with_slash_safe() {
    restart(RestartMode::Safe);
}

#[test]
fn restart_with_a_profile_passes_the_name_as_one_argument() {
    restart(RestartMode::Profile {
        name: "Work Profile".to_owned(),
    });
}

#[test]
fn restart_normally() {
    restart(RestartMode::Normal);
}

#[test]
fn a_closed_outlook_is_started_again_from_what_the_journal_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = launcher(dir.path());
    let old = spawn("exec \"$0\"", &script);
    let (_d, mut j) = journal();
    let closed = j
        .run(close(old.pid, 5000).into(), &mut Env::default())
        .expect("close");
    let Some(Outcome::Closed {
        running: Some(running),
        ..
    }) = closed.outcome
    else {
        panic!("unexpected {closed:?}");
    };
    // The running program is the sleep copy the launcher became; start that again.
    let again = j
        .run(
            RestartOutlook::from_closed(&running, RestartMode::Normal).into(),
            &mut Env::default(),
        )
        .expect("start again");
    let Some(Outcome::Restarted {
        new_pid,
        previous: None,
        exe,
        ..
    }) = again.outcome
    else {
        panic!("unexpected {again:?}");
    };
    let _new = Spawned { pid: new_pid };
    assert_eq!(Some(exe), running.exe);
    assert_ne!(new_pid, old.pid);
}
