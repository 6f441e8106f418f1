//! Every bound on what the UI (over IPC) and the CLI hand to the backend, in one place.
//! Past a limit the input is refused with `ErrorCode::InputTooLarge` and a sentence
//! naming the limit, never cut silently.

/// The longest error text the decoder accepts (pasted from Outlook's dialog: a few hundred
/// bytes; a whole pasted log is not a message).
pub const MAX_ERROR_TEXT_BYTES: usize = 64 * 1024;
