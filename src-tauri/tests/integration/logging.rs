//! The log as the app writes it, on the mock runtime with a throw-away HOME: each line once,
//! rotated at its size limit with a bounded number of files, and never a token.

use std::path::PathBuf;

use tauri::Manager;
use tauri::test::{mock_builder, mock_context, noop_assets};

fn log_files(dir: &PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

const CHILD: &str = "SESSION_DOCTOR_LOG_TEST_HOME";

/// Re-runs the inner test in a child process whose HOME is a temp dir, so the log (and
/// anything else the app resolves from HOME) lands there and nowhere else.
#[test]
fn each_line_once_rotated_and_token_free() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let home = tempfile::tempdir().expect("home");
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args([
            "--exact",
            "logging::inner_log",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, home.path())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .output()
        .expect("re-run");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("log checks ok"), "{text}");
}

#[test]
#[ignore = "run by each_line_once_rotated_and_token_free with a temp HOME"]
fn inner_log() {
    let Some(home) = std::env::var_os(CHILD).map(PathBuf::from) else {
        return;
    };
    let app = mock_builder()
        .plugin(session_doctor_lib::logging::builder(false).build())
        .build(mock_context(noop_assets()))
        .expect("app");
    let dir = app.path().app_log_dir().expect("log dir");
    assert!(
        dir.starts_with(&home),
        "{} is not in the temp home",
        dir.display()
    );

    let token = format!("0.AXoA{}", "Qw-_".repeat(850));
    log::info!("marker-line-1 signed in; token {token}");
    log::logger().flush();
    let text: String = log_files(&dir)
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert_eq!(text.matches("marker-line-1").count(), 1, "{text}");
    assert!(
        !text.contains(&token[..80]),
        "a token reached the log: {text}"
    );
    assert!(text.contains("[redacted]"), "{text}");

    // Past the size limit, several times over (a second apart: rotated files are named by
    // the second): rotated, and the number of files stays bounded.
    let filler = "x ".repeat(500);
    for round in 0..5 {
        for i in 0..1_100 {
            log::info!("filler {round}-{i} {filler}");
        }
        log::logger().flush();
        std::thread::sleep(std::time::Duration::from_millis(1_100));
    }
    log::info!("after the rounds");
    log::logger().flush();
    let files = log_files(&dir);
    assert!(files.len() >= 2, "rotated: {files:?}");
    assert!(
        files.len() <= session_doctor_lib::logging::KEPT_LOG_FILES + 1,
        "bounded: {files:?}"
    );
    for f in &files {
        let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0) as u128;
        assert!(
            size <= session_doctor_lib::logging::MAX_LOG_BYTES + 4096,
            "{} is {size} bytes",
            f.display()
        );
    }
    drop(app);
    println!("log checks ok");
}
