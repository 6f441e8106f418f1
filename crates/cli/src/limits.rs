//! Every bound on what the command line hands in, in one place. Past a limit the CLI stops
//! before reading, with a one-line error that names the limit and what to do instead.

/// The largest `--registry-file` export read. A full `HKEY_CURRENT_USER` export of a busy
/// profile is tens of MB (UTF-16); only the Office and Outlook keys matter, and
/// `reg export HKCU\Software\Microsoft\Office` is far smaller.
pub const MAX_REGISTRY_FILE_BYTES: u64 = 256 * 1024 * 1024;
