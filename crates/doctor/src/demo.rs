//! Demo mode's world: the simulated tenant (HTTP on 127.0.0.1) and the simulated PC (a
//! registry export and a home folder written to a private temp dir). Both live as long as
//! the demo, so actions taken in the demo change the simulated PC and a re-scan sees it.

use std::path::Path;

use scan::{ConnectionCounts, Credential, ProcessSnapshot, ScanOptions};

use crate::error::{AppError, ErrorCode};

/// A running demo.
#[derive(Debug)]
pub struct Demo {
    sandbox: sandbox::Sandbox,
    pc_dir: tempfile::TempDir,
    pc: sandbox::pc::SimulatedPc,
}

/// Ordinary users added to the demo tenant (user001@contoso.example...).
pub const DEMO_BULK_USERS: usize = 45;

/// Makes the demo tenant fail the middle batch of the first bulk sign-out (503), so "retry
/// the failed ones" can be seen working; the end-to-end test sets it.
pub const ENV_DEMO_FLAKY_BATCH: &str = "SESSION_DOCTOR_DEMO_FLAKY_BATCH";

impl Demo {
    pub fn start() -> Result<Self, AppError> {
        let failed = |detail: String| {
            AppError::new(
                ErrorCode::SandboxUnavailable,
                format!("The demo could not start: {detail}"),
                "Check that programs may listen on 127.0.0.1 and write to the temp folder, then try again.",
            )
        };
        // The demo company has 45 more people, so admin mode has someone to search for and
        // a bulk sign-out runs in three batches.
        let tenant = sandbox::Tenant::demo().with_bulk_users(DEMO_BULK_USERS);
        let sandbox = sandbox::Sandbox::start_with(tenant).map_err(|e| failed(e.to_string()))?;
        if std::env::var_os(ENV_DEMO_FLAKY_BATCH).is_some() {
            // The second batch of the first bulk sign-out fails with 503, once.
            sandbox.faults().push(
                sandbox::Fault::on("/graph/v1.0/users/")
                    .method("POST")
                    .in_batch()
                    .after(20)
                    .times(20)
                    .status(503),
            );
        }
        let pc_dir = tempfile::Builder::new()
            .prefix("session-doctor-demo-")
            .tempdir()
            .map_err(|e| failed(e.to_string()))?;
        let pc =
            sandbox::pc::write_simulated_pc(pc_dir.path()).map_err(|e| failed(e.to_string()))?;
        Ok(Self {
            sandbox,
            pc_dir,
            pc,
        })
    }

    /// Where the demo's cloud calls go: the simulated tenant.
    pub fn endpoint(&self) -> crate::account::Endpoint {
        crate::account::Endpoint::Demo {
            authority: self.sandbox.authority().to_owned(),
            graph_base: self.sandbox.graph_base(),
            client_id: self.sandbox.client_id().to_owned(),
        }
    }

    pub fn tenant_url(&self) -> &str {
        self.sandbox.base_url()
    }

    /// Where the simulated PC's files are.
    pub fn pc_dir(&self) -> &Path {
        self.pc_dir.path()
    }

    /// The simulated PC's HKCU export, which demo repairs change.
    pub fn hkcu_export(&self) -> Option<std::path::PathBuf> {
        crate::actions::demo_hkcu(&self.pc.registry_files).cloned()
    }

    /// What closing or restarting a simulated program would do. The demo's programs are
    /// plain data: nothing real is signalled, ever (their ids may be real pids here).
    pub fn preview_simulated_action(
        &self,
        request: &crate::actions::ActionRequest,
    ) -> Result<repair::Preview, AppError> {
        if let crate::actions::ActionRequest::RemoveCredential { target, .. } = request {
            if !self.pc.credentials.iter().any(|c| c == target) {
                return Err(AppError::new(
                    ErrorCode::InvalidInput,
                    format!("The simulated PC has no saved sign-in named {target}."),
                    "Scan again to see what is saved now.",
                ));
            }
            return Ok(repair::Preview {
                title: format!("Delete the saved sign-in {target} on the simulated PC"),
                changes: vec![
                    "Outlook asks for the password once and saves a fresh sign-in.".to_owned(),
                    "Demo: only the simulated PC changes.".to_owned(),
                ],
                undo: "This cannot be undone: the saved secret is never read, so it cannot be put back."
                    .to_owned(),
                undoable: false,
                needs_consent: true,
                confirmation: None,
            });
        }
        let (pid, verb) = match request {
            // Simulated programs always quit when asked, so a forced close is never offered.
            crate::actions::ActionRequest::CloseClient { force: true, .. } => {
                return Err(AppError::new(
                    ErrorCode::ConsentRequired,
                    "A forced close is offered only after a polite close did not work; the simulated programs always quit when asked.",
                    "Close it politely.",
                ));
            }
            crate::actions::ActionRequest::CloseClient { pid, .. } => (*pid, "Close"),
            crate::actions::ActionRequest::RestartOutlook { pid, .. } => (*pid, "Restart"),
            _ => return Err(not_a_process_action()),
        };
        let p = self.simulated(pid)?;
        Ok(repair::Preview {
            title: format!("{verb} {} (process {pid}) on the simulated PC", p.name),
            changes: vec![
                "Asks the program to close, as clicking its X would; it saves its own work."
                    .to_owned(),
                "Demo: the simulated program goes away; nothing on this computer is touched."
                    .to_owned(),
            ],
            undo: "Closing cannot be undone; start the program again when you need it.".to_owned(),
            undoable: false,
            needs_consent: false,
            confirmation: None,
        })
    }

    /// Closes (removes) or restarts (new process id) a simulated program.
    pub fn run_simulated_action(
        &mut self,
        request: &crate::actions::ActionRequest,
    ) -> Result<repair::Preview, AppError> {
        let preview = self.preview_simulated_action(request)?;
        match request {
            crate::actions::ActionRequest::RemoveCredential { target, consent } => {
                if !consent {
                    return Err(AppError::new(
                        ErrorCode::ConsentRequired,
                        "Deleting a saved sign-in needs your explicit yes.",
                        "Read what it does, then confirm.",
                    ));
                }
                self.pc.credentials.retain(|c| c != target);
            }
            crate::actions::ActionRequest::CloseClient { pid, .. } => {
                self.pc.processes.retain(|p| p.pid != *pid);
            }
            crate::actions::ActionRequest::RestartOutlook { pid, .. } => {
                let next = self.pc.processes.iter().map(|p| p.pid).max().unwrap_or(0) + 4;
                if let Some(p) = self.pc.processes.iter_mut().find(|p| p.pid == *pid) {
                    p.pid = next;
                }
            }
            _ => return Err(not_a_process_action()),
        }
        Ok(preview)
    }

    fn simulated(&self, pid: u32) -> Result<&sandbox::pc::SimulatedProcess, AppError> {
        self.pc
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::ProcessChanged,
                    format!("Process {pid} is no longer running on the simulated PC."),
                    "Scan again to see what runs now.",
                )
            })
    }

    /// Scan options that read the simulated PC instead of this computer.
    pub fn scan_options(&self) -> ScanOptions {
        demo_scan_options(&self.pc)
    }
}

/// Scan options for a simulated PC. Shared by the app and `session-doctor-cli scan --demo`.
pub fn demo_scan_options(pc: &sandbox::pc::SimulatedPc) -> ScanOptions {
    ScanOptions {
        registry_files: pc.registry_files.clone(),
        home: Some(pc.home.clone()),
        live: false,
        processes: Some(pc.processes.iter().map(snapshot_of).collect()),
        credentials: Some(
            pc.credentials
                .iter()
                .map(|name| Credential {
                    name: name.clone(),
                    store: scan::credentials::WINDOWS_STORE.to_owned(),
                })
                .collect(),
        ),
        windows_sessions: Some(scan::SessionsSnapshot {
            current: pc.current_session,
            sessions: pc
                .sessions
                .iter()
                .map(|s| scan::SessionSnapshot {
                    id: s.id,
                    station: s.station.clone(),
                    state: s.state,
                    user: s.user.clone(),
                    domain: s.domain.clone(),
                    processes: s.processes.clone(),
                })
                .collect(),
        }),
    }
}

/// `sandbox::pc::SimulatedProcess` -> `scan::ProcessSnapshot`. The sandbox cannot depend on
/// the scan crate (the scan's tests depend on the sandbox), so the conversion lives here.
pub fn snapshot_of(p: &sandbox::pc::SimulatedProcess) -> ProcessSnapshot {
    ProcessSnapshot {
        name: p.name.clone(),
        pid: p.pid,
        parent_pid: p.parent_pid,
        cmdline: p.cmdline.clone(),
        exe: Some(p.exe.clone()),
        user: Some(p.user.clone()),
        start_time: Some(p.start_time),
        connections: Some(ConnectionCounts {
            established: p.established,
            microsoft_365: p.microsoft_365,
        }),
    }
}

fn not_a_process_action() -> AppError {
    AppError::new(
        ErrorCode::Internal,
        "That is not an action on a running program.",
        "Report this as a bug.",
    )
}
