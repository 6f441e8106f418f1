//! What the running app holds between commands: live or demo mode, and the demo's sandbox.
//!
//! The Tauri shell keeps one [`AppContext`] as managed state; every command is one call on it.

use std::sync::Mutex;

use crate::error::{AppError, ErrorCode};
use crate::start::{Mode, StartReport, start_check};

/// The app's state. Thread-safe: commands run on Tauri's async runtime.
#[derive(Debug, Default)]
pub struct AppContext {
    /// `Some` while in demo mode; dropping it stops the simulated tenant.
    sandbox: Mutex<Option<sandbox::Sandbox>>,
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
        match self.sandbox.lock() {
            Ok(guard) => match guard.as_ref() {
                Some(s) => Mode::Demo {
                    tenant_url: s.base_url().to_owned(),
                },
                None => Mode::Live,
            },
            // A poisoned lock means a command panicked mid-way; live mode is the safe answer.
            Err(_) => Mode::Live,
        }
    }

    /// Switches to demo mode, starting the simulated tenant once.
    pub fn enter_demo(&self) -> Result<Mode, AppError> {
        let mut guard = self.sandbox.lock().map_err(|_| {
            AppError::new(
                ErrorCode::Internal,
                "The app's state is damaged after an earlier failure.",
                "Restart Session Doctor.",
            )
        })?;
        if guard.is_none() {
            let started = sandbox::Sandbox::start().map_err(|e| {
                AppError::new(
                    ErrorCode::SandboxUnavailable,
                    format!("The demo could not start: {e}"),
                    "Check that programs may listen on 127.0.0.1, then try again.",
                )
            })?;
            *guard = Some(started);
        }
        drop(guard);
        Ok(self.mode())
    }

    /// Leaves demo mode and stops the simulated tenant.
    pub fn leave_demo(&self) -> Mode {
        if let Ok(mut guard) = self.sandbox.lock() {
            guard.take();
        }
        Mode::Live
    }

    /// What the Start button runs.
    pub async fn start_check(&self) -> Result<StartReport, AppError> {
        let mode = self.mode();
        start_check(&mode).await
    }
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
}
