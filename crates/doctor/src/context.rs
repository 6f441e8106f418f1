//! What the running app holds between commands: live or demo mode, and the demo's sandbox.
//!
//! The Tauri shell keeps one [`AppContext`] as managed state; every command is one call on it.

use std::sync::Mutex;

use scan::{Progress, ScanOptions, ScanReport};

use crate::demo::Demo;
use crate::error::{AppError, ErrorCode};
use crate::start::{Mode, StartReport, start_check};

/// The app's state. Thread-safe: commands run on Tauri's async runtime.
#[derive(Debug, Default)]
pub struct AppContext {
    /// `Some` while in demo mode; dropping it stops the simulated tenant and deletes the
    /// simulated PC.
    demo: Mutex<Option<Demo>>,
}

impl AppContext {
    /// A context on this computer and the real Microsoft cloud.
    pub fn live() -> Self {
        Self::default()
    }

    /// A context already in demo mode (`session-doctor --demo`).
    pub fn demo() -> Result<Self, AppError> {
        let ctx = Self::default();
        ctx.enter_demo()?;
        Ok(ctx)
    }

    pub fn mode(&self) -> Mode {
        match self.demo.lock() {
            Ok(guard) => match guard.as_ref() {
                Some(d) => Mode::Demo {
                    tenant_url: d.tenant_url().to_owned(),
                },
                None => Mode::Live,
            },
            // A poisoned lock means a command panicked mid-way; live mode is the safe answer.
            Err(_) => Mode::Live,
        }
    }

    /// Switches to demo mode, starting the simulated tenant once.
    pub fn enter_demo(&self) -> Result<Mode, AppError> {
        let mut guard = self.demo.lock().map_err(|_| poisoned())?;
        if guard.is_none() {
            *guard = Some(Demo::start()?);
        }
        drop(guard);
        Ok(self.mode())
    }

    /// Leaves demo mode and stops the simulated tenant.
    pub fn leave_demo(&self) -> Mode {
        if let Ok(mut guard) = self.demo.lock() {
            guard.take();
        }
        Mode::Live
    }

    /// What the Start button runs.
    pub async fn start_check(&self) -> Result<StartReport, AppError> {
        let mode = self.mode();
        start_check(&mode).await
    }

    /// What to scan: this computer, or the demo's simulated PC.
    fn scan_options(&self) -> Result<ScanOptions, AppError> {
        let guard = self.demo.lock().map_err(|_| poisoned())?;
        Ok(match guard.as_ref() {
            Some(demo) => demo.scan_options(),
            None => ScanOptions {
                live: true,
                ..ScanOptions::default()
            },
        })
    }

    /// Scans this computer (or the simulated PC), reporting progress per source. The scan
    /// blocks on the file system and process table, so it runs off the async runtime.
    pub async fn scan(
        &self,
        mut progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<ScanReport, AppError> {
        let options = self.scan_options()?;
        tokio::task::spawn_blocking(move || scan::run(&options, &mut progress))
            .await
            .map_err(|e| {
                AppError::new(
                    ErrorCode::Internal,
                    format!("The scan stopped unexpectedly: {e}"),
                    "Run the scan again; if it keeps failing, export the log and report it.",
                )
            })
    }
}

fn poisoned() -> AppError {
    AppError::new(
        ErrorCode::Internal,
        "The app's state is damaged after an earlier failure.",
        "Restart Session Doctor.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn demo_round_trip() {
        let ctx = AppContext::live();
        assert_eq!(ctx.mode(), Mode::Live);
        let mode = ctx.enter_demo().expect("demo starts");
        assert!(matches!(mode, Mode::Demo { .. }));
        // Entering twice keeps the same tenant.
        assert_eq!(ctx.enter_demo().expect("still demo"), mode);
        let report = ctx.start_check().await.expect("check in demo");
        assert!(report.tenant.is_some());
        assert_eq!(ctx.leave_demo(), Mode::Live);
        assert!(ctx.start_check().await.expect("live").tenant.is_none());
    }

    #[tokio::test]
    async fn demo_scan_sees_the_messy_simulated_pc_and_reports_progress() {
        let ctx = AppContext::demo().expect("demo");
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = events.clone();
        let report = ctx
            .scan(move |p| sink.lock().expect("lock").push(p))
            .await
            .expect("scan");
        // The simulated PC: Outlook open twice, two profiles for one account, Thunderbird.
        let outlooks = report
            .processes
            .iter()
            .filter(|p| p.kind == scan::ClientKind::ClassicOutlook && !p.helper)
            .count();
        assert_eq!(outlooks, 2);
        assert!(report.profiles.iter().any(|p| !p.duplicate_of.is_empty()));
        assert!(
            report
                .accounts
                .iter()
                .any(|a| a.client == scan::ClientKind::Thunderbird)
        );
        let events = events.lock().expect("lock");
        assert!(!events.is_empty());
        assert!(events.iter().any(|p| p.fraction >= 1.0));
    }
}
