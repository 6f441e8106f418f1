//! Where Session Doctor keeps its own files (the repair journal and its backups): the app's
//! data folder, which the Tauri shell gets from `app_data_dir()` (the platform data folder
//! joined with the bundle identifier of `src-tauri/tauri.conf.json`). The CLI uses the same
//! folder, so a change made from the command line shows in the app's journal and back.

use std::path::{Path, PathBuf};

/// The app's bundle identifier, the name of its data folder (`src-tauri/tauri.conf.json`).
pub const APP_IDENTIFIER: &str = "app.sessiondoctor.desktop";

/// Overrides the data folder for the CLI (and tests).
pub const ENV_DATA_DIR: &str = "SESSION_DOCTOR_DATA_DIR";

/// The app's data folder on this system, as Tauri computes it: `%APPDATA%\<id>` on Windows,
/// `~/Library/Application Support/<id>` on macOS, `$XDG_DATA_HOME/<id>` (or
/// `~/.local/share/<id>`) elsewhere. `None` when the environment names no home.
pub fn platform_data_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        var("APPDATA")?
    } else if cfg!(target_os = "macos") {
        var("HOME")?.join("Library").join("Application Support")
    } else {
        var("XDG_DATA_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| h.join(".local").join("share")))?
    };
    Some(base.join(APP_IDENTIFIER))
}

/// The journal folder for repairs made to a `.reg` export rather than the registry: one per
/// file, under `<data>/exports/<file name>-<hash of its canonical path>`, so two exports
/// never share a journal (and neither shares the live registry's).
pub fn export_journal_dir(data_dir: &Path, export: &Path) -> std::io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(export)?;
    let text = canonical.to_string_lossy();
    let name: String = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    Ok(data_dir
        .join("exports")
        .join(format!("{name}-{:016x}", fnv1a(text.as_bytes()))))
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifier_is_the_apps() {
        let conf = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/tauri.conf.json"),
        )
        .expect("tauri.conf.json");
        assert!(
            conf.contains(&format!("\"identifier\": \"{APP_IDENTIFIER}\"")),
            "the app's identifier changed: update APP_IDENTIFIER"
        );
    }

    #[test]
    fn two_exports_get_two_journals_and_one_export_always_the_same() {
        let dir = tempfile::tempdir().expect("tmp");
        let (a, b) = (dir.path().join("a.reg"), dir.path().join("sub a.reg"));
        std::fs::write(&a, b"x").expect("write");
        std::fs::write(&b, b"x").expect("write");
        let data = dir.path().join("data");
        let ja = export_journal_dir(&data, &a).expect("a");
        let jb = export_journal_dir(&data, &b).expect("b");
        assert_ne!(ja, jb);
        assert!(ja.starts_with(data.join("exports")));
        assert_eq!(
            export_journal_dir(&data, &dir.path().join(".").join("a.reg")).expect("again"),
            ja
        );
        assert!(export_journal_dir(&data, &dir.path().join("missing.reg")).is_err());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    }
}
