//! The operating system's own APIs, behind safe functions, in one place so no crate parses
//! a tool's localised output where the OS has an API.
//!
//! - [`credentials`]: Windows Credential Manager through `CredEnumerateW` and `CredDeleteW`
//!   (target names and user names only; secrets are never read). `cmdkey /list` prints in
//!   the console's OEM code page, which breaks non-ASCII names, and its labels are
//!   localised: the API has neither problem.
//! - [`time`]: RFC 3339 timestamps without a date-time dependency.

#![deny(missing_docs)]

pub mod credentials;
pub mod time;

pub use credentials::{CredentialError, CredentialKind, SavedCredential};
