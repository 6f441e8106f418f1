//! The case's knowledge, typed and pure: the vocabulary (finding codes, severities, limits,
//! tracks, step ids and states), the error decoder, the diagnosis rules, the repair plan
//! and the service limits. `doctor` gathers the facts (scans, the account) and acts;
//! `report` shows these values and matches them exhaustively; the UI receives them as
//! TypeScript unions. Nobody flattens them to strings and parses them back.
//!
//! No I/O: a scan report and a cloud snapshot in, findings and a plan out, in the language
//! asked for (the catalogs in `words`). The clock is read only when a caller asks for
//! today's diagnosis; every rule that depends on the date takes the day as a value.
#![deny(missing_docs)]

pub mod decoder;
pub mod diagnose;
mod finding;
mod limit;
pub mod plan;
pub mod service_limits;
mod step;

pub use finding::{FindingCode, Severity};
pub use limit::Limit;
pub use step::{StepId, StepStatus, Track};
