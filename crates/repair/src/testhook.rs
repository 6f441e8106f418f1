//! Named points where the crash-safety tests stop a child process and kill it (SIGKILL), to
//! prove the journal recovers from a crash at that exact place. Compiled only into the
//! crate's own test binary; in the app each call is empty and optimised away.

/// In a test child started with `REPAIR_TEST_CRASH_AT=<name>`: announce the point by creating
/// the file named by `REPAIR_TEST_CRASH_MARKER`, then wait to be killed.
#[cfg(test)]
pub(crate) fn point(name: &str) {
    if std::env::var("REPAIR_TEST_CRASH_AT").ok().as_deref() == Some(name) {
        if let Some(marker) = std::env::var_os("REPAIR_TEST_CRASH_MARKER") {
            let _ = std::fs::write(marker, name);
        }
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

#[cfg(not(test))]
#[inline(always)]
pub(crate) fn point(_name: &str) {}
