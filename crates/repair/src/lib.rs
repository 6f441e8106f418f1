//! One-click repairs for Session Doctor, each previewed, journaled and undoable where the
//! machine allows, plus the add-in bisect.
//!
//! - [`journal::Journal`]: `open(dir)` (finds interrupted changes), `run(spec, env)`,
//!   `undo(id, env)`, `finish` / `roll_back` after a crash, `undoable()` for the UI.
//! - [`actions`]: [`CloseClient`], [`RestartOutlook`], [`SetAddin`] (disable/enable),
//!   [`RemoveProfile`], [`RemoveCredential`], [`LimitImapConnections`] (Thunderbird's
//!   `user.js`, only while Thunderbird is closed), and [`validate_page_url`] for "open a page".
//! - [`registry::RegistryWriter`]: the live Windows registry or a `.reg` file (demo, tests).
//! - [`bisect::Bisect`]: find the add-in behind the error in O(log n) rounds.
//! - [`RepairError`]: typed errors with `code()` and `hint()`.
//!
//! ```no_run
//! use repair::{Env, Journal, SetAddin, registry::RegFileStore};
//! # fn main() -> Result<(), repair::RepairError> {
//! let mut journal = Journal::open(std::path::Path::new("/data/session-doctor"))?;
//! let mut reg = RegFileStore::open(std::path::Path::new("/data/demo/pc.reg"))?;
//! let mut env = Env::with_registry(&mut reg);
//! let done = journal.run(SetAddin::disable("Contoso.CrmAddin").into(), &mut env)?;
//! journal.undo(&done.id, &mut env)?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod actions;
pub mod bisect;
pub mod credential_store;
pub mod error;
pub mod from_scan;
mod fsio;
pub mod journal;
#[cfg(test)]
mod journal_tests;
pub mod process;
pub mod registry;

mod testhook;

pub use actions::open_page::validate_page_url;
pub use actions::{
    Action, ActionKind, ActionSpec, AddinState, CloseClient, Env, LimitImapConnections, Outcome,
    Preview, ProcessCheck, RegistryLayout, RemoveCredential, RemoveProfile, RestartMode,
    RestartOutlook, SetAddin, list_addins,
};
pub use bisect::{Bisect, BisectPhase, RestoredAll};
pub use error::{
    BisectRefusal, ErrorCode, ErrorInfo, IoOp, KeyDifference, NamedChange, RepairError,
    Unavailable, UrlRefusal, Wanted,
};
pub use journal::{AfterState, Entry, EntryState, EntryView, Journal};

/// Writes `bytes` to `target` atomically (temp file, fsync, rename), readable by its owner
/// only (0600 on Unix): the journal's own writer, offered for the other files the app
/// saves (reports), so none of them is ever half-written or world-readable.
pub fn write_private_file(target: &std::path::Path, bytes: &[u8]) -> Result<(), RepairError> {
    fsio::write_atomic(target, bytes)
}
