//! Every bound on what the UI and the CLI hand in, in one place. Past a limit the input is
//! refused with [`CloudError::InputTooLarge`] (code `input_too_large`), never cut silently
//! where that would change what an action acts on.

use crate::error::{CloudError, Oversized};

/// A CSV of users larger than this is refused before it is read: 10,000 rows of the
/// longest user names (113 characters) with a few columns stay well under it.
pub const CSV_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Data rows read at most; the rows after are counted in `UpnImport::rows_not_read`.
pub const CSV_MAX_ROWS: usize = 10_000;
/// Skipped lines listed at most; the others are counted in `UpnImport::more_skipped`.
pub const CSV_MAX_SKIPPED: usize = 1_000;
/// Longest admin search text, in characters (a name or an address starts far shorter).
pub const SEARCH_MAX_CHARS: usize = 120;

/// `Err` when `text` is past `max` in the unit of `what` (characters for a search, bytes
/// for a file).
pub(crate) fn check(what: Oversized, text: &str, max: usize) -> Result<(), CloudError> {
    let size = what.size_of(text);
    if size > max {
        return Err(CloudError::InputTooLarge { what, size, max });
    }
    Ok(())
}
