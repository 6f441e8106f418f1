//! The shareable report of Session Doctor: findings, steps and their results, before and
//! now, the environment, the account's devices and sign-ins, and the admin commands for
//! the case, filled in. Exported as self-contained HTML ([`to_html`]) and JSON
//! ([`to_json`]), and as a short plain text for a help-desk ticket ([`ticket_summary`]).
//!
//! Personal data is redacted by default with consistent pseudonyms (`user-1@domain-1`,
//! `device-2`, `person-1`, IP ranges masked): see [`Redactor`]. No Tauri, no I/O, no clock.
//!
//! ```
//! let input = report::ReportInput {
//!     app_version: "0.1.0".into(),
//!     generated_at: "2025-01-01T09:00:00Z".into(),
//!     account: Some("megan.bowen@contoso.example".into()),
//!     ..Default::default()
//! };
//! let r = report::build_report(&input, false);
//! assert_eq!(r.account.as_deref(), Some("user-1@domain-1"));
//! let html = report::to_html(&r);
//! assert!(!html.contains("megan"));
//! let _ticket = report::ticket_summary(&r);
//! ```
#![deny(missing_docs)]

mod commands;
mod error;
mod html;
mod input;
mod json;
mod model;
mod redact;
mod ticket;

pub use commands::{AdminCommand, CommandContext, STORE_KEY, admin_commands, ps_quote};
pub use error::ReportError;
pub use html::{escape as escape_html, to_html};
pub use input::{
    FindingCode, FindingLine, Limit, LimitLine, MeasureLine, RepairLine, ReportInput, Severity,
    StepId, StepLine, StepStatus, Track, UserAnswers,
};
pub use json::{from_json, to_json};
pub use model::{
    AccountLine, ClientLine, DEFAULT_ERROR, DeviceLine, Environment, LimitView, MAX_SIGN_INS,
    ProfileLine, Report, SignInLine, Summary, build_report, client_label, limit_label,
};
pub use redact::{Redactor, is_public_domain};
pub use ticket::ticket_summary;
