//! The report as JSON (snake_case keys, as the CLI's output).

use crate::error::ReportError;
use crate::model::Report;

/// Pretty-printed JSON of the report.
pub fn to_json(report: &Report) -> Result<String, ReportError> {
    serde_json::to_string_pretty(report).map_err(ReportError::Json)
}

/// Reads a report back (to re-render a saved one).
pub fn from_json(text: &str) -> Result<Report, ReportError> {
    serde_json::from_str(text).map_err(ReportError::Json)
}
