//! Crash-safe file writes: write a temp file next to the target, fsync it, rename it over the
//! target, fsync the directory. A reader (or the app after a crash) sees the old bytes or the
//! new bytes, never a mix. Files are created 0600 on Unix: journal entries and backups can
//! hold account names.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{RepairError, is_disk_full};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates a new file readable and writable by the owner only.
pub(crate) fn create_private(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Creates a directory (and parents) private to the owner on Unix.
pub(crate) fn create_private_dir(path: &Path) -> Result<(), RepairError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
        .map_err(|e| RepairError::io(crate::error::IoOp::CreateFolder, path, e))
}

/// A temp name in the same directory (rename is only atomic within one file system).
fn temp_path(target: &Path) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    target.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Writes `bytes` to `target` atomically and durably. On failure the target is untouched and
/// the temp file removed; the raw I/O error is returned so callers can tell a full disk.
pub(crate) fn write_atomic_raw(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_hooked(target, bytes, "")
}

/// [`write_atomic_raw`] with a named crash point between the temp file and the rename (the
/// middle of a change, for the crash-safety tests).
pub(crate) fn write_atomic_hooked(target: &Path, bytes: &[u8], hook: &str) -> std::io::Result<()> {
    let tmp = temp_path(target);
    let result = (|| {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if !hook.is_empty() {
            crate::testhook::point(hook);
        }
        std::fs::rename(&tmp, target)?;
        sync_dir(target);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`write_atomic_raw`] with the error typed: a full disk is [`RepairError::DiskFull`].
pub(crate) fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), RepairError> {
    write_atomic_raw(target, bytes).map_err(|e| typed(target, e))
}

/// Typed error of a failed write: a full disk is [`RepairError::DiskFull`].
pub(crate) fn typed(target: &Path, e: std::io::Error) -> RepairError {
    if is_disk_full(&e) {
        RepairError::DiskFull {
            path: target.display().to_string(),
        }
    } else {
        RepairError::io(crate::error::IoOp::Write, target, e)
    }
}

/// Makes a rename durable: fsync of the parent directory (Unix only; Windows has no
/// directory handles for this and NTFS journals the rename).
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent()
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = target;
}

/// Removes temp files a crash left behind (`.*.tmp`, or only those of `for_file` when
/// given); they never hold the only copy of data.
pub(crate) fn remove_stale_temps(dir: &Path, for_file: Option<&str>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = match for_file {
        Some(f) => format!(".{f}."),
        None => ".".to_owned(),
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").expect("first write");
        write_atomic(&p, b"two").expect("second write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("secret");
        write_atomic(&p, b"x").expect("write");
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("no").join("such").join("f");
        assert!(write_atomic(&p, b"x").is_err());
    }
}
