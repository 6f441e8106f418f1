//! The security review, as tests over the configuration that ships: the CSP, the
//! capabilities and the opener's URL scope. A change that loosens any of them fails here
//! with the reason, instead of slipping through a code review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn conf() -> Value {
    read_json(&crate_dir().join("tauri.conf.json"))
}

fn capability_files() -> Vec<PathBuf> {
    let dir = crate_dir().join("capabilities");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .collect();
    files.sort();
    files
}

/// The app's own commands, as the build script declares them to Tauri's ACL.
fn declared_commands() -> BTreeSet<String> {
    let build = std::fs::read_to_string(crate_dir().join("build.rs")).expect("build.rs");
    let start = build
        .find(".commands(&[")
        .expect("command list in build.rs");
    let end = start + build[start..].find("])").expect("end of the command list");
    build[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn csp_allows_no_unsafe_sources_and_no_remote_scripts() {
    let csp = &conf()["app"]["security"]["csp"];
    let directives = csp
        .as_object()
        .expect("the CSP is set, as an object of directives");
    for required in [
        "default-src",
        "script-src",
        "object-src",
        "base-uri",
        "frame-ancestors",
    ] {
        assert!(directives.contains_key(required), "CSP lacks {required}");
    }
    for (name, value) in directives {
        let value = value.as_str().unwrap_or_default();
        assert!(!value.contains("unsafe-"), "{name} allows {value}");
        assert!(!value.contains('*'), "{name} uses a wildcard: {value}");
        assert!(
            !value.contains("data:") || name == "img-src",
            "{name} allows data: URLs"
        );
    }
    for name in ["default-src", "script-src", "style-src"] {
        let value = directives[name].as_str().unwrap_or_default();
        assert_eq!(value, "'self'", "{name} must load from the app only");
    }
    assert_eq!(directives["object-src"], "'none'");
    // Only Tauri's IPC; the app talks to Microsoft from Rust, never from the page.
    let connect = directives["connect-src"].as_str().unwrap_or_default();
    for source in connect.split_whitespace() {
        assert!(
            source == "ipc:" || source == "http://ipc.localhost",
            "connect-src allows {source}"
        );
    }
}

#[test]
fn no_setting_switches_a_protection_off() {
    let c = conf();
    let security = &c["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    assert!(
        security
            .get("dangerousDisableAssetCspModification")
            .is_none()
    );
    assert!(
        security.get("assetProtocol").is_none(),
        "no asset protocol scope"
    );
    assert_ne!(
        c["app"]["withGlobalTauri"], true,
        "no window.__TAURI__ global"
    );
    // Capabilities are the files under capabilities/, named here; none inline.
    let named: Vec<&str> = security["capabilities"]
        .as_array()
        .expect("capabilities listed")
        .iter()
        .map(|v| v.as_str().expect("capabilities are referenced by name"))
        .collect();
    assert_eq!(named, ["main-window"]);
    for window in c["app"]["windows"].as_array().expect("windows") {
        assert!(
            window
                .get("url")
                .is_none_or(|u| !u.as_str().unwrap_or("").starts_with("http"))
        );
    }
}

#[test]
fn capabilities_target_the_main_window_only_and_grant_only_our_commands() {
    let commands = declared_commands();
    assert!(commands.len() >= 20, "parsed {commands:?}");
    let mut granted = BTreeSet::new();
    for file in capability_files() {
        let cap = read_json(&file);
        let name = file.display();
        assert_eq!(
            cap["windows"],
            serde_json::json!(["main"]),
            "{name}: windows"
        );
        assert!(cap.get("webviews").is_none(), "{name}: webviews");
        assert!(
            cap.get("remote").is_none(),
            "{name}: remote URLs get no access"
        );
        assert!(
            cap.get("platforms").is_none(),
            "{name}: same rights everywhere"
        );
        for permission in cap["permissions"].as_array().expect("permissions") {
            let id = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .expect("permission id");
            if let Some(command) = id.strip_prefix("allow-") {
                let command = command.replace('-', "_");
                assert!(
                    commands.contains(&command),
                    "{name}: {id} is not our command"
                );
                granted.insert(command);
                continue;
            }
            // Plugin rights: exactly these, nothing like fs:, shell: or opener:default.
            assert!(
                ["core:event:default", "log:allow-log"].contains(&id),
                "{name}: {id} grants more than the app needs"
            );
            assert!(!id.contains('*'), "{name}: wildcard permission {id}");
        }
    }
    assert_eq!(
        granted, commands,
        "every command granted exactly once in all"
    );
}

/// A URL glob matches the raw string (`*` also matches `/`, `?`, `#`, `@`): the page gets
/// no opener right at all; pages open through the `open_page` command, which parses them.
#[test]
fn the_page_has_no_opener_right_and_pages_open_through_the_checked_command() {
    for file in capability_files() {
        let cap = read_json(&file);
        for p in cap["permissions"].as_array().expect("permissions") {
            let id = p
                .as_str()
                .or_else(|| p["identifier"].as_str())
                .unwrap_or_default();
            assert!(!id.starts_with("opener:"), "{}: {id}", file.display());
        }
        assert!(
            cap["permissions"]
                .as_array()
                .expect("permissions")
                .iter()
                .any(|p| p == "allow-open-page"),
            "the checked door is granted"
        );
    }
}

#[test]
fn the_bundle_ships_no_dev_server_or_remote_frontend() {
    let c = conf();
    let dist = c["build"]["frontendDist"].as_str().expect("frontendDist");
    assert!(
        !dist.starts_with("http"),
        "the UI is embedded, not fetched: {dist}"
    );
    // The dev URL only serves `tauri dev`; it must stay on this machine.
    if let Some(dev) = c["build"]["devUrl"].as_str() {
        assert!(dev.starts_with("http://localhost:") || dev.starts_with("http://127.0.0.1:"));
    }
}
