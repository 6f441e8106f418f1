//! Closing and restarting a real Windows process named OUTLOOK.EXE (this test binary copied
//! and told to wait), under Wine or Windows. A console program has no window to close, so
//! `taskkill /PID` without `/F` cannot end it: the polite close reports it still running,
//! and only the call with the second consent forces it.
#![cfg(windows)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use repair::process::describe;
use repair::{CloseClient, EntryState, Env, Journal, Outcome, RestartMode, RestartOutlook};

/// The child side: waits when asked to, else does nothing.
#[test]
fn helper_wait() {
    if let Some(ms) = std::env::var("REPAIR_TEST_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

struct Outlook {
    child: Child,
    pid: u32,
    _dir: tempfile::TempDir,
    exe: PathBuf,
}

impl Drop for Outlook {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_outlook() -> Outlook {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join("OUTLOOK.EXE");
    std::fs::copy(std::env::current_exe().expect("self"), &exe).expect("copy");
    let child = Command::new(&exe)
        .args([
            "--exact",
            "windows_processes::helper_wait",
            "--test-threads=1",
        ])
        .env("REPAIR_TEST_WAIT_MS", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let start = Instant::now();
    while describe(pid).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "OUTLOOK.EXE never showed up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Outlook {
        child,
        pid,
        _dir: dir,
        exe,
    }
}

fn gone(pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if describe(pid).is_none() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_windowless_outlook_is_forced_only_with_consent() {
    let o = start_outlook();
    assert_eq!(
        describe(o.pid).map(|p| p.name.to_uppercase()),
        Some("OUTLOOK.EXE".to_owned())
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let polite = CloseClient {
        timeout_ms: 1500,
        ..CloseClient::polite(o.pid, "OUTLOOK.EXE")
    };
    let e = j
        .run(polite.clone().into(), &mut Env::default())
        .expect_err("no window to close");
    assert_eq!(e.code(), "process_still_running");
    assert!(describe(o.pid).is_some());
    let done = j
        .run(polite.forced_with_consent().into(), &mut Env::default())
        .expect("forced");
    assert_eq!(done.state, EntryState::Applied);
    assert!(
        matches!(done.outcome, Some(Outcome::Closed { forced: true, .. })),
        "{done:?}"
    );
    assert!(gone(o.pid));
}

#[test]
fn restart_gives_a_new_process() {
    let o = start_outlook();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let spec = RestartOutlook {
        force: true,
        force_consent: true,
        timeout_ms: 1000,
        ..RestartOutlook::running(o.pid, "OUTLOOK.EXE", RestartMode::Safe)
    };
    let done = j.run(spec.into(), &mut Env::default()).expect("restart");
    let Some(Outcome::Restarted {
        new_pid,
        exe,
        args,
        previous,
    }) = done.outcome
    else {
        panic!("unexpected {done:?}");
    };
    assert_ne!(new_pid, o.pid);
    assert_eq!(args, vec!["/safe".to_owned()]);
    assert_eq!(previous.map(|p| p.pid), Some(o.pid));
    assert!(
        PathBuf::from(&exe).file_name() == o.exe.file_name(),
        "{exe} was started again"
    );
    assert!(gone(o.pid));
    // The new one runs the test harness with the filter "/safe" (no test) and ends by itself.
    assert!(gone(new_pid));
}
