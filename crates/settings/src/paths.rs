//! Where an administrator puts the config file on each system: machine-wide locations
//! that ordinary users cannot write, as deployment tools (Intune, Jamf, Ansible) expect.

use std::path::PathBuf;

/// `%ProgramData%\SessionDoctor\config.toml` on Windows,
/// `/Library/Application Support/SessionDoctor/config.toml` on macOS,
/// `/etc/session-doctor/config.toml` elsewhere.
pub fn system_config_path() -> PathBuf {
    if cfg!(windows) {
        let base = std::env::var_os("ProgramData")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        base.join("SessionDoctor").join("config.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/SessionDoctor/config.toml")
    } else {
        PathBuf::from("/etc/session-doctor/config.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_place_for_this_system() {
        let p = system_config_path();
        assert!(p.ends_with("config.toml"));
        if cfg!(target_os = "linux") {
            assert_eq!(p, PathBuf::from("/etc/session-doctor/config.toml"));
        }
    }
}
