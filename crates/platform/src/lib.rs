//! The operating system's own APIs, behind safe functions, in one place so no crate parses
//! a tool's localised output where the OS has an API.
//!
//! - [`credentials`]: Windows Credential Manager through `CredEnumerateW` and `CredDeleteW`
//!   (target names and user names only; secrets are never read). `cmdkey /list` prints in
//!   the console's OEM code page, which breaks non-ASCII names, and its labels are
//!   localised: the API has neither problem.
//! - [`time`]: RFC 3339 timestamps without a date-time dependency.
//! - [`command`]: running a system tool with a time limit, its output decoded (one runner,
//!   as Yaak's `command.rs` and ripgrep's `process.rs` are one place).
//! - [`process`]: a program's base name; [`text`]: the one UTF-16LE decoder.

#![deny(missing_docs)]

pub mod command;
pub mod credentials;
pub mod process;
pub mod text;
pub mod time;

pub use credentials::{CredentialError, CredentialKind, SavedCredential};
