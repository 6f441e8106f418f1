//! What can go wrong: only (de)serialising JSON. Building, redacting and rendering never
//! fail. Like the other crates' errors, each maps to the app's `{code, message, hint}`.

/// A failure of the report crate.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The JSON could not be read or written.
    #[error("the report could not be read or written as JSON: {0}")]
    Json(#[source] serde_json::Error),
}

impl ReportError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json(_) => "report_json",
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Json(_) => "Make the report again; a saved report file may be damaged.",
        }
    }
}
