//! The scan runs system tools (`tasklist`, `security`, `lsof`) through the platform crate's
//! one runner, behind its trait so the parsers of their output are tested on recorded text.

pub use platform::command::{CommandRunner, SystemRunner, ToolError, decode_output};
