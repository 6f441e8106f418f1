//! Closing and starting programs, per OS (field guide section 2): Linux SIGTERM and macOS
//! `osascript ... quit` (SIGTERM for other apps), Windows `taskkill /PID n` without `/F`; the
//! forced variants (SIGKILL, `taskkill /F`) only where the caller passed the user's second
//! consent. Before any signal the process is checked to still be the one the user chose
//! (same name and start time), so a reused process id is never hit.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sysinfo::{Pid, ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System, UpdateKind};

use crate::error::RepairError;

/// A program as it ran: enough to recognise it and to start it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RunningProcess {
    /// The process id.
    pub pid: u32,
    /// The executable's file name.
    pub name: String,
    /// The executable's full path, when known.
    pub exe: Option<String>,
    /// Arguments after the program itself.
    pub args: Vec<String>,
    /// Seconds since the Unix epoch (0 when unknown).
    pub start_time: u32,
}

/// What the close and restart actions need from a machine: look a process up, ask it to quit,
/// end it, start a program. This computer ([`LiveProcesses`]) and demo mode's simulated PC
/// implement it; the checks around it (is it still the program the user chose, did it quit
/// in time, was force agreed to) are written once, in this module's functions.
pub trait ProcessControl: Send + Sync {
    /// The process with this id, if it runs (zombies count as ended).
    fn describe(&self, pid: u32) -> Option<RunningProcess>;
    /// Asks it to quit as the user would (callers checked it is still the one).
    fn ask_to_close(&self, p: &RunningProcess) -> Result<(), RepairError>;
    /// Ends it at once (callers checked the user's consent and that it is still the one).
    fn force_close(&self, p: &RunningProcess) -> Result<(), RepairError>;
    /// Starts a program detached; its process id.
    fn start(&self, exe: &Path, args: &[String]) -> Result<u32, RepairError>;
}

/// This computer's processes.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveProcesses;

impl ProcessControl for LiveProcesses {
    fn describe(&self, pid: u32) -> Option<RunningProcess> {
        describe(pid)
    }
    fn ask_to_close(&self, p: &RunningProcess) -> Result<(), RepairError> {
        live_ask_to_close(p)
    }
    fn force_close(&self, p: &RunningProcess) -> Result<(), RepairError> {
        live_force_close(p)
    }
    fn start(&self, exe: &Path, args: &[String]) -> Result<u32, RepairError> {
        live_start(exe, args)
    }
}

pub(crate) use platform::process::base_name;

fn refresh(sys: &mut System, pid: Pid) {
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing()
            .with_exe(UpdateKind::OnlyIfNotSet)
            .with_cmd(UpdateKind::OnlyIfNotSet),
    );
}

/// The live process with this id, if it runs (zombies count as ended).
pub fn describe(pid: u32) -> Option<RunningProcess> {
    let mut sys = System::new();
    let spid = Pid::from_u32(pid);
    refresh(&mut sys, spid);
    let p = sys.process(spid)?;
    if matches!(p.status(), ProcessStatus::Zombie | ProcessStatus::Dead) {
        return None;
    }
    Some(RunningProcess {
        pid,
        name: p.name().to_string_lossy().into_owned(),
        exe: p.exe().map(|e| e.display().to_string()),
        args: p
            .cmd()
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        start_time: u32::try_from(p.start_time()).unwrap_or(0),
    })
}

/// The process still runs and is the same program (same name, same start when known).
pub fn is_same_running(control: &dyn ProcessControl, expected: &RunningProcess) -> bool {
    control
        .describe(expected.pid)
        .is_some_and(|now| same_program(expected, &now))
}

/// Same name, same start time and same program file, each compared when both sides know it
/// (the OS may not tell another user's exe path, and a start time may be unknown).
fn same_program(expected: &RunningProcess, now: &RunningProcess) -> bool {
    base_name(&now.name) == base_name(&expected.name)
        && (expected.start_time == 0
            || now.start_time == 0
            || expected.start_time == now.start_time)
        && match (&expected.exe, &now.exe) {
            (Some(a), Some(b)) => same_path(a, b),
            _ => true,
        }
}

/// Program paths compare without case on Windows (and macOS's default volumes), exactly
/// elsewhere.
fn same_path(a: &str, b: &str) -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Refuses to signal a process id that now belongs to another program. `Ok(false)`: the
/// process ended (nothing to signal); `Ok(true)`: it is still the one the user chose.
fn still_the_one(control: &dyn ProcessControl, p: &RunningProcess) -> Result<bool, RepairError> {
    match control.describe(p.pid) {
        None => Ok(false),
        Some(now) if same_program(p, &now) => Ok(true),
        Some(_) => Err(RepairError::ProcessChanged {
            pid: p.pid,
            name: p.name.clone(),
        }),
    }
}

/// Finds the process and checks it is what the user chose (name, start time and, when the
/// scan knew it, the program file). `Ok(None)`: it already ended.
pub fn identify(
    control: &dyn ProcessControl,
    pid: u32,
    name: &str,
    start_time: Option<u32>,
    exe: Option<&str>,
) -> Result<Option<RunningProcess>, RepairError> {
    let Some(now) = control.describe(pid) else {
        return Ok(None);
    };
    let expected = RunningProcess {
        pid,
        name: name.to_owned(),
        exe: exe.map(str::to_owned),
        args: Vec::new(),
        start_time: start_time.unwrap_or(0),
    };
    if same_program(&expected, &now) {
        Ok(Some(now))
    } else {
        Err(RepairError::ProcessChanged {
            pid,
            name: name.to_owned(),
        })
    }
}

/// Waits until the process has ended (or is another program); true when it did in time.
pub fn wait_exit(control: &dyn ProcessControl, p: &RunningProcess, timeout: Duration) -> bool {
    let start = Instant::now();
    loop {
        if !is_same_running(control, p) {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asks the program to quit, as the user would. An already ended process is not an error.
/// A process id that now belongs to another program is refused (`process_changed`).
pub fn ask_to_close(control: &dyn ProcessControl, p: &RunningProcess) -> Result<(), RepairError> {
    if !still_the_one(control, p)? {
        return Ok(());
    }
    control.ask_to_close(p)
}

/// Ends the program at once (unsaved work is lost). Callers check the user's consent.
pub fn force_close(control: &dyn ProcessControl, p: &RunningProcess) -> Result<(), RepairError> {
    if !still_the_one(control, p)? {
        return Ok(());
    }
    control.force_close(p)
}

/// This computer: taskkill without /F, osascript quit or SIGTERM.
fn live_ask_to_close(p: &RunningProcess) -> Result<(), RepairError> {
    #[cfg(windows)]
    {
        // No /F: taskkill posts WM_CLOSE, Outlook saves and quits. A non-zero exit (no
        // window, already gone) is judged by the wait that follows, not here.
        let _ = run_tool("taskkill", &["/PID", &p.pid.to_string()]);
        Ok(())
    }
    #[cfg(target_os = "macos")]
    {
        if base_name(&p.name) == "microsoft outlook" {
            let _ = run_tool(
                "osascript",
                &["-e", "tell application \"Microsoft Outlook\" to quit"],
            );
            return Ok(());
        }
        signal(p, sysinfo::Signal::Term)
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        signal(p, sysinfo::Signal::Term)
    }
}

/// This computer: taskkill /F or SIGKILL.
fn live_force_close(p: &RunningProcess) -> Result<(), RepairError> {
    #[cfg(windows)]
    {
        match run_tool("taskkill", &["/F", "/PID", &p.pid.to_string()]) {
            Ok(()) => Ok(()),
            Err(_) if !is_same_running(&LiveProcesses, p) => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(unix)]
    {
        signal(p, sysinfo::Signal::Kill)
    }
}

#[cfg(unix)]
fn signal(p: &RunningProcess, sig: sysinfo::Signal) -> Result<(), RepairError> {
    let mut sys = System::new();
    let spid = Pid::from_u32(p.pid);
    refresh(&mut sys, spid);
    let Some(proc_) = sys.process(spid) else {
        return Ok(()); // ended by itself
    };
    match proc_.kill_with(sig) {
        Some(true) => Ok(()),
        // Delivery failed: fine if it ended meanwhile, else report.
        _ if !is_same_running(&LiveProcesses, p) => Ok(()),
        Some(false) => Err(RepairError::Tool {
            tool: "kill".to_owned(),
            reason: format!("the signal could not be sent to process {}", p.pid),
        }),
        None => Err(RepairError::Unsupported {
            what: crate::error::Unavailable::Signal(format!("{sig:?}")),
        }),
    }
}

/// Runs a system tool through the platform crate's one runner (20 s at most); a non-zero
/// exit is an error.
#[cfg(any(windows, target_os = "macos"))]
pub(crate) fn run_tool(program: &str, args: &[&str]) -> Result<(), RepairError> {
    platform::command::run_tool(program, args, Duration::from_secs(20))
        .map(|_| ())
        .map_err(|e| RepairError::Tool {
            tool: program.to_owned(),
            reason: e.to_string(),
        })
}

/// Starts a program detached from the app; returns its process id. A thread reaps it when it
/// ends so no zombie is left behind on Unix.
fn live_start(exe: &Path, args: &[String]) -> Result<u32, RepairError> {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| RepairError::StartFailed {
            exe: exe.display().to_string(),
            reason: e.to_string(),
        })?;
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(pid)
}

/// Closes a program: politely first, then by force only with `force` (the user's second
/// consent). `Ok(true)` = it was forced. A program that ends by itself meanwhile is success.
pub fn close(
    control: &dyn ProcessControl,
    p: &RunningProcess,
    timeout: Duration,
    force: bool,
) -> Result<bool, RepairError> {
    ask_to_close(control, p)?;
    if wait_exit(control, p, timeout) {
        return Ok(false);
    }
    if !force {
        return Err(RepairError::StillRunning {
            pid: p.pid,
            name: p.name.clone(),
            waited_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
        });
    }
    force_close(control, p)?;
    if wait_exit(control, p, Duration::from_secs(10)) {
        Ok(true)
    } else {
        Err(RepairError::StillRunning {
            pid: p.pid,
            name: p.name.clone(),
            waited_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX) + 10_000,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_and_exe() {
        assert_eq!(base_name("C:\\Program Files\\OUTLOOK.EXE"), "outlook");
        assert_eq!(base_name("/usr/bin/outlook"), "outlook");
    }

    #[test]
    fn a_pid_that_does_not_run_is_none() {
        assert!(describe(u32::MAX - 7).is_none());
        assert!(
            identify(&LiveProcesses, u32::MAX - 7, "outlook", None, None)
                .ok()
                .flatten()
                .is_none()
        );
    }

    #[test]
    fn our_own_process_is_described_and_a_wrong_name_is_refused() {
        let me = describe(std::process::id()).expect("self");
        assert_eq!(me.pid, std::process::id());
        let err = identify(&LiveProcesses, me.pid, "definitely-not-this", None, None)
            .expect_err("mismatch");
        assert_eq!(err.code(), "process_changed");
    }

    #[test]
    fn another_program_file_or_start_time_at_the_same_pid_is_refused_before_any_signal() {
        let me = describe(std::process::id()).expect("self");
        // Without our own exe and start time the checks below could not tell us apart, and
        // the refused signals would hit this test process: skip rather than risk it.
        let Some(exe) = me.exe.clone().filter(|_| me.start_time > 100) else {
            return;
        };
        assert!(
            identify(
                &LiveProcesses,
                me.pid,
                &me.name,
                Some(me.start_time),
                Some(&exe)
            )
            .expect("same")
            .is_some()
        );
        let other_exe = format!("{exe}.other");
        let err = identify(
            &LiveProcesses,
            me.pid,
            &me.name,
            Some(me.start_time),
            Some(&other_exe),
        )
        .expect_err("another program file at this pid");
        assert_eq!(err.code(), "process_changed");
        // A recorded process whose pid now runs something else: no signal, a clear error.
        let reused = RunningProcess {
            exe: Some(other_exe),
            ..me.clone()
        };
        assert_eq!(
            ask_to_close(&LiveProcesses, &reused)
                .expect_err("refused")
                .code(),
            "process_changed"
        );
        assert_eq!(
            force_close(&LiveProcesses, &reused)
                .expect_err("refused")
                .code(),
            "process_changed"
        );
        let restarted = RunningProcess {
            start_time: me.start_time - 100,
            ..me
        };
        assert_eq!(
            force_close(&LiveProcesses, &restarted)
                .expect_err("refused")
                .code(),
            "process_changed"
        );
    }
}
