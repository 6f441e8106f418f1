//! Demo mode's world: the simulated tenant (HTTP on 127.0.0.1) and the simulated PC (a
//! registry export and a home folder written to a private temp dir). Both live as long as
//! the demo, so actions taken in the demo change the simulated PC and a re-scan sees it.

use std::path::Path;

use scan::{ConnectionCounts, Credential, ProcessSnapshot, ScanOptions};

use crate::error::{AppError, ErrorCode};
use crate::simulated::SimulatedMachine;

/// A running demo.
#[derive(Debug)]
pub struct Demo {
    sandbox: sandbox::Sandbox,
    pc_dir: tempfile::TempDir,
    /// The simulated PC, shared with the demo's repairs (they act on it, scans read it).
    machine: SimulatedMachine,
}

/// Ordinary users added to the demo tenant (user001@contoso.example...).
pub const DEMO_BULK_USERS: usize = 45;

/// Makes the demo tenant fail the middle batch of the first bulk sign-out (503), so "retry
/// the failed ones" can be seen working; the end-to-end test sets it.
pub const ENV_DEMO_FLAKY_BATCH: &str = "SESSION_DOCTOR_DEMO_FLAKY_BATCH";

impl Demo {
    /// Starts the simulated tenant and writes the simulated PC; errors are in `lang`.
    pub fn start(lang: words::Lang) -> Result<Self, AppError> {
        let w = words::Words::of(lang);
        let failed = |detail: String| {
            AppError::new(
                ErrorCode::SandboxUnavailable,
                w.t("app.error.demo_failed", &[("detail", &detail)]),
                w.t("app.error.demo_failed.hint", &[]),
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
            machine: SimulatedMachine::new(pc),
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

    /// The simulated tenant's address.
    pub fn tenant_url(&self) -> &str {
        self.sandbox.base_url()
    }

    /// Where the simulated PC's files are.
    pub fn pc_dir(&self) -> &Path {
        self.pc_dir.path()
    }

    /// The simulated PC's HKCU export, which demo repairs change.
    pub fn hkcu_export(&self) -> Option<std::path::PathBuf> {
        crate::actions::demo_hkcu(&self.machine.pc().registry_files).cloned()
    }

    /// The simulated PC as a machine the demo's actions run on.
    pub fn machine(&self) -> SimulatedMachine {
        self.machine.clone()
    }

    /// Scan options that read the simulated PC instead of this computer.
    pub fn scan_options(&self) -> ScanOptions {
        demo_scan_options(&self.machine.pc())
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
