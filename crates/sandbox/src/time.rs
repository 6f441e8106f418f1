//! Timestamps in the formats Microsoft uses (the formatter itself is `platform::time`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use platform::time::rfc3339;

/// Now minus `ago`, formatted as [`rfc3339`]; demo data is relative to the moment it is built
/// so "2 hours ago" stays true whenever the demo runs.
pub fn ago(ago: Duration) -> String {
    rfc3339(SystemTime::now().checked_sub(ago).unwrap_or(UNIX_EPOCH))
}
