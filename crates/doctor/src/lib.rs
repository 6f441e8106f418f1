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
pub mod diagnose;
pub mod error;
pub mod host;
pub mod limits;
pub mod offers;
pub mod plan;
pub mod report;
pub mod service_limits;
pub mod session;
pub mod simulated;
pub mod start;
pub mod wizard;

pub use context::{AppContext, Change};
pub use error::{AppError, ErrorCode};
pub use session::{Acted, AddinCheckRestored, AddinCheckStep, AddinCheckStepped, SessionView};
pub use start::{Mode, StartReport, TenantHealth, start_check};
pub use words::Lang;
