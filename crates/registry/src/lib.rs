//! The Windows registry as Session Doctor sees it, in one place.
//!
//! - [`RawValue`]: a value exactly as the registry stores it (type number and bytes), so a
//!   backup written and read again restores the same bytes; [`RawValue::decoded`] gives the
//!   display view, [`RegValue`].
//! - [`RegTree`]: keys in registry order with their values, the in-memory registry of a
//!   `.reg` export. [`RegFile`] is one or more exports merged, with the parser's warnings.
//! - One lenient parser ([`RegFile::add_bytes`]: bad lines become [`ParseWarning`]s, never a
//!   panic) and its strict use for backups ([`RegTree::parse_strict`]: any warning refuses the
//!   file); one writer in `reg export`'s layout ([`RegTree::to_reg_bytes`]).
//! - One path rule ([`normalize_path`]): hive aliases are expanded, nothing else changes; key
//!   names keep their spaces and case (a profile `"Outlook "` is not `"Outlook"`), lookups
//!   compare case-insensitively as Windows does.
//! - One read trait ([`Registry`]) for exports and the live registry, and on Windows one live
//!   backend ([`LiveRegistry`]) that also writes. Which keys may be written is the caller's
//!   policy (the repair crate allows only the current user's Outlook keys).
#![deny(missing_docs)]

#[cfg(windows)]
mod live_windows;
mod parse;
mod path;
mod source;
mod text;
mod tree;
mod value;
mod write;

#[cfg(windows)]
pub use live_windows::LiveRegistry;
pub use parse::{ParseWarning, RegFile};
pub use path::{join, normalize_path};
pub use source::{Registry, RegistryError, walk};
pub use tree::{KeyData, RegTree};
pub use value::{RawValue, RegValue, utf16le_to_string};
