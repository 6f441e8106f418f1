//! Files the app writes are its user's alone.
//!
//! The journal, backups and reports are written 0600 by their own writer, but the log plugin,
//! WebKit's caches and anything a library creates use the process's file-creation mask
//! (usually 022: readable by everyone). Setting the mask to 077 at start makes every file the
//! app and its WebKit processes create private, without each writer having to remember.

/// Must run before anything creates files (the top of `run`).
#[cfg(unix)]
pub fn private_files_by_default() {
    use rustix::fs::Mode;
    rustix::process::umask(Mode::from_raw_mode(0o077));
}

/// Windows files inherit the user profile's ACL, which other users cannot read already.
#[cfg(not(unix))]
pub fn private_files_by_default() {}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn files_created_afterwards_are_private() {
        super::private_files_by_default();
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("app.log");
        std::fs::write(&file, b"log line").expect("write");
        let sub = dir.path().join("cache");
        std::fs::create_dir(&sub).expect("mkdir");
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&sub), 0o700);
    }
}
