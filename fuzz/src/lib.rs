//! Helpers shared by the fuzz targets: a scratch directory per process for the readers that
//! take a home directory rather than bytes, and splitting one input into several files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A directory of this process only, created once and reused by every run: under
/// `$SESSION_DOCTOR_FUZZ_TMP` (set by `scripts/fuzz.sh`, which removes it afterwards), or
/// the system temp directory.
pub fn scratch(target: &str) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::var_os("SESSION_DOCTOR_FUZZ_TMP")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("sd-fuzz-{target}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}

/// Writes `bytes` to `path`, creating its parents.
pub fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create a scratch folder");
    }
    std::fs::write(path, bytes).expect("write a scratch file");
}

/// The input cut at NUL bytes into at most `max` pieces (the last keeps any further NULs).
pub fn pieces(data: &[u8], max: usize) -> Vec<&[u8]> {
    data.splitn(max, |b| *b == 0).collect()
}

/// ASCII-case-insensitive positions of `needle` in `hay`.
pub fn find_all_ci(hay: &str, needle: &str) -> Vec<usize> {
    let hay = hay.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    hay.match_indices(&needle).map(|(i, _)| i).collect()
}

/// `STATUS [RETRY-AFTER]\n` then the body: the HTTP status (100..=599) and the
/// `Retry-After` header bytes of the first line, and the rest. Without such a line: 200,
/// no header, the whole input.
pub fn status_line(data: &[u8]) -> (u16, &[u8], &[u8]) {
    if let Some(nl) = data.iter().position(|b| *b == b'\n') {
        let line = &data[..nl];
        let (code, retry) = match line.iter().position(|b| *b == b' ') {
            Some(sp) => (&line[..sp], &line[sp + 1..]),
            None => (line, &line[line.len()..]),
        };
        if let Some(status) = std::str::from_utf8(code)
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|s| (100..=599).contains(s))
        {
            return (status, retry, &data[nl + 1..]);
        }
    }
    (200, &[], data)
}
