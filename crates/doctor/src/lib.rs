//! Session Doctor's backend: what the app knows and does, without any UI toolkit.
//!
//! The Tauri shell and the CLI both call into this crate; neither holds logic of its own.
#![deny(missing_docs)]

pub mod account;
pub mod actions;
pub mod context;
pub mod data_dir;
pub mod decoder;
pub mod demo;
pub mod error;
pub mod host;
pub mod limits;
pub mod offers;
pub mod report;
pub mod session;
pub mod simulated;
pub mod start;
pub mod wizard;

// The diagnosis rules, the plan and the service limits are the domain crate's: pure
// knowledge below the report, re-exported where callers have always found them.
pub use domain::{diagnose, plan, service_limits};

pub use context::{AppContext, Change};
pub use error::{AppError, ErrorCode};
pub use session::{Acted, AddinCheckRestored, AddinCheckStep, AddinCheckStepped, SessionView};
pub use start::{Mode, StartReport, TenantHealth, start_check};
pub use words::Lang;
