//! The case's vocabulary, typed once: what the diagnosis decides with and what the report
//! renders. `doctor` decides (its rules produce these values), `report` shows them and
//! matches them exhaustively, the UI receives them as TypeScript unions; nobody flattens
//! them to strings and parses them back.
//!
//! Pure data: no I/O, no words (the catalogs in `words` name each value).
#![deny(missing_docs)]

mod finding;
mod limit;
mod plan;

pub use finding::{FindingCode, Severity};
pub use limit::Limit;
pub use plan::{StepId, StepStatus, Track};
