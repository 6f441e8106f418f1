//! The app's log: one file in the OS log folder, each line written once, rotated at 1 MB
//! keeping 3 files so it survives restarts without growing, and scrubbed of anything
//! shaped like a token.
//!
//! Why `clear_targets`: the log plugin's default targets already hold the log folder and
//! stdout; adding the log folder again (as this app once did) wrote every line twice.

use std::borrow::Cow;
use std::time::SystemTime;

use tauri_plugin_log::{Builder, RotationStrategy, Target, TargetKind};

/// Rotate the log file past this size.
pub const MAX_LOG_BYTES: u128 = 1_000_000;
/// Rotated files kept beside the current one.
pub const KEPT_LOG_FILES: usize = 3;
/// A run of token characters this long is a secret, never a word (real tokens are 1,500 to
/// 4,000 characters; the longest ordinary word in the app's messages is under 40).
const TOKEN_RUN: usize = 64;

/// The log plugin as the app uses it; `stdout` off in tests keeps their output readable.
pub fn builder(stdout: bool) -> Builder {
    let mut b = Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::LogDir { file_name: None }));
    if stdout {
        b = b.target(Target::new(TargetKind::Stdout));
    }
    b.max_file_size(MAX_LOG_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEPT_LOG_FILES))
        .level(log::LevelFilter::Info)
        .format(|out, message, record| {
            out.finish(format_args!(
                "{} [{}][{}] {}",
                platform::time::rfc3339(SystemTime::now()),
                record.target(),
                record.level(),
                scrub(&message.to_string())
            ))
        })
}

/// Replaces every run of [`TOKEN_RUN`] or more token characters (base64url, `.`, `~`:
/// JWTs, refresh tokens, device codes, authorization codes) with `[redacted]`. Secrets are
/// `Secret`s that never print; this is the second lock on the door.
pub fn scrub(line: &str) -> Cow<'_, str> {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=');
    let mut out = String::new();
    let mut last = 0;
    let mut run_start = None;
    let mut changed = false;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    for (n, &(i, c)) in bytes.iter().enumerate() {
        if is_token_char(c) {
            run_start.get_or_insert(i);
        }
        let run_ends = !is_token_char(c) || n + 1 == bytes.len();
        if let (true, Some(start)) = (run_ends, run_start) {
            let end = if is_token_char(c) {
                i + c.len_utf8()
            } else {
                i
            };
            if end - start >= TOKEN_RUN {
                out.push_str(&line[last..start]);
                out.push_str("[redacted]");
                last = end;
                changed = true;
            }
            run_start = None;
        }
    }
    if !changed {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_scrubbed_and_words_are_not() {
        let jwt = format!(
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{}.sig",
            "a".repeat(2500)
        );
        let line = format!("refresh failed for Bearer {jwt} (status 401)");
        assert_eq!(
            scrub(&line),
            "refresh failed for Bearer [redacted] (status 401)"
        );
        let rt = format!("0.AXoA{}", "Zk-_".repeat(850));
        assert_eq!(scrub(&rt), "[redacted]");
        assert_eq!(
            scrub(&format!("a {rt} b {rt}")),
            "a [redacted] b [redacted]"
        );
        let plain = "signed in as megan.bowen@contoso.example (work) at https://login.microsoftonline.com/organizations";
        assert!(matches!(scrub(plain), Cow::Borrowed(_)));
        assert_eq!(scrub("é ü ✓"), "é ü ✓");
        assert_eq!(scrub(""), "");
    }
}
