//! Every bound on what the UI (over IPC) and the CLI hand to the backend, in one place.
//! Past a limit the input is refused with `ErrorCode::InputTooLarge` and a sentence
//! naming the limit, never cut silently.

/// The longest error text the decoder accepts: the decoder's own bound, which the report
/// keeps to as well.
pub use domain::decoder::MAX_ERROR_TEXT_BYTES;
