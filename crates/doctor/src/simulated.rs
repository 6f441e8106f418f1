//! Demo mode's simulated PC as a machine the actions run on: its programs
//! ([`repair::process::ProcessControl`]) and its saved sign-ins
//! ([`repair::credential_store::CredentialStore`]). Demo actions therefore take the same path
//! as live ones (the same checks, preview, journal and undo); only the machine differs. The
//! simulated programs are plain data: nothing real is ever signalled, even when a simulated
//! process id happens to be a real one here.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use repair::RepairError;
use repair::credential_store::{CredentialStore, same_target};
use repair::process::{ProcessControl, RunningProcess};
use sandbox::pc::{SimulatedPc, SimulatedProcess};

/// The simulated PC, shared by the demo's scans and its actions, so a re-scan sees what an
/// action changed.
#[derive(Debug, Clone)]
pub struct SimulatedMachine(Arc<Mutex<State>>);

#[derive(Debug)]
struct State {
    pc: SimulatedPc,
    /// Programs closed so far: a restart starts the same program again.
    closed: Vec<SimulatedProcess>,
}

impl SimulatedMachine {
    /// The machine of a simulated PC that [`sandbox::pc::write_simulated_pc`] wrote.
    pub fn new(pc: SimulatedPc) -> Self {
        Self(Arc::new(Mutex::new(State {
            pc,
            closed: Vec::new(),
        })))
    }

    /// The simulated PC as it is now.
    pub fn pc(&self) -> SimulatedPc {
        self.state().pc.clone()
    }

    /// What the simulated PC says about itself in a report.
    pub fn host_facts(&self) -> crate::host::HostFacts {
        host_facts()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The simulated PC's operating system, name and user (every simulated PC has the same).
pub fn host_facts() -> crate::host::HostFacts {
    crate::host::HostFacts {
        os: Some("Windows 11 (simulated)".to_owned()),
        os_version: None,
        host_name: Some(sandbox::pc::COMPUTER_NAME.to_owned()),
        os_user: Some(sandbox::pc::WINDOWS_USER.to_owned()),
    }
}

fn running(p: &SimulatedProcess) -> RunningProcess {
    RunningProcess {
        pid: p.pid,
        name: p.name.clone(),
        exe: Some(p.exe.clone()),
        args: p.cmdline.iter().skip(1).cloned().collect(),
        start_time: p.start_time,
    }
}

impl ProcessControl for SimulatedMachine {
    fn describe(&self, pid: u32) -> Option<RunningProcess> {
        self.state()
            .pc
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .map(running)
    }

    /// Simulated programs always quit when asked.
    fn ask_to_close(&self, p: &RunningProcess) -> Result<(), RepairError> {
        let mut state = self.state();
        let State { pc, closed } = &mut *state;
        if let Some(i) = pc.processes.iter().position(|q| q.pid == p.pid) {
            closed.push(pc.processes.remove(i));
        }
        Ok(())
    }

    fn force_close(&self, p: &RunningProcess) -> Result<(), RepairError> {
        self.ask_to_close(p)
    }

    /// Starts a program the simulated PC had running before (a restart); anything else does
    /// not exist there.
    fn start(&self, exe: &Path, args: &[String]) -> Result<u32, RepairError> {
        let mut state = self.state();
        let exe_text = exe.display().to_string();
        let Some(template) = state
            .closed
            .iter()
            .rev()
            .find(|p| p.exe.eq_ignore_ascii_case(&exe_text))
            .cloned()
        else {
            return Err(RepairError::StartFailed {
                exe: exe_text,
                reason: "the simulated PC has no such program".to_owned(),
            });
        };
        let highest = state
            .pc
            .processes
            .iter()
            .chain(&state.closed)
            .map(|p| p.pid)
            .max()
            .unwrap_or(0);
        let pid = highest + 4;
        let mut cmdline = vec![template.exe.clone()];
        cmdline.extend(args.iter().cloned());
        state.pc.processes.push(SimulatedProcess {
            pid,
            cmdline,
            ..template
        });
        Ok(pid)
    }
}

impl CredentialStore for SimulatedMachine {
    fn list(&self) -> Result<Vec<String>, RepairError> {
        Ok(self.state().pc.credentials.clone())
    }

    fn delete(&mut self, target: &str) -> Result<bool, RepairError> {
        let mut state = self.state();
        let before = state.pc.credentials.len();
        state.pc.credentials.retain(|c| !same_target(c, target));
        Ok(state.pc.credentials.len() != before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_then_a_start_is_a_restart_under_a_new_id() {
        let dir = tempfile::tempdir().expect("tmp");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        let first = pc.processes[0].clone();
        let mut machine = SimulatedMachine::new(pc);
        let seen = machine.describe(first.pid).expect("runs");
        assert_eq!(seen.exe.as_deref(), Some(first.exe.as_str()));
        machine.ask_to_close(&seen).expect("closes");
        assert!(machine.describe(first.pid).is_none());
        let again = machine
            .start(Path::new(&first.exe), &["/safe".to_owned()])
            .expect("starts");
        assert_ne!(again, first.pid);
        let back = machine.describe(again).expect("runs again");
        assert_eq!(back.args, vec!["/safe".to_owned()]);
        assert!(machine.start(Path::new("C:\\evil.exe"), &[]).is_err());
        let cred = machine.list().expect("list")[0].clone();
        assert!(machine.delete(&cred).expect("deleted"));
        assert!(!machine.delete(&cred).expect("gone"));
        assert!(!machine.pc().credentials.contains(&cred));
    }
}
