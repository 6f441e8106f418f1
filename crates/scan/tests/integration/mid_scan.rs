//! Faults while a scan runs: another app's files disappear between one source and the
//! next (a profile deleted mid-scan, a folder removed by an uninstaller). The scan goes on,
//! the source says what happened, nothing panics.

use scan::{ProgressState, ScanOptions, SourceStatus};

fn options(pc: &sandbox::pc::SimulatedPc) -> ScanOptions {
    ScanOptions {
        registry_files: pc.registry_files.clone(),
        home: Some(pc.home.clone()),
        live: false,
        processes: Some(Vec::new()),
        credentials: Some(Vec::new()),
        windows_sessions: None,
    }
}

/// Runs a scan that calls `when_started(source)` as each source starts.
fn scan_with(
    pc: &sandbox::pc::SimulatedPc,
    mut when_started: impl FnMut(&str),
) -> scan::ScanReport {
    scan::run(&options(pc), &mut |p| {
        if p.state == ProgressState::Started {
            when_started(&p.source);
        }
    })
}

fn status<'a>(report: &'a scan::ScanReport, name: &str) -> &'a scan::Source {
    report
        .sources
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no source {name}"))
}

#[test]
fn a_thunderbird_profile_deleted_mid_scan_is_a_reason_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let before = scan_with(&pc, |_| {});
    assert!(
        before
            .accounts
            .iter()
            .any(|a| a.source.ends_with("prefs.js"))
    );

    // The profile folder goes away just as the Thunderbird reader starts; profiles.ini
    // still lists it.
    let profile = pc.home.join(".thunderbird/k2x9a7.default-release");
    assert!(profile.is_dir());
    let report = scan_with(&pc, |source| {
        if source == "thunderbird" {
            std::fs::remove_dir_all(&profile).expect("delete the profile");
        }
    });
    let tb = status(&report, "thunderbird");
    assert_ne!(tb.status, SourceStatus::Ok, "{tb:?}");
    let reason = tb.reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains("k2x9a7"),
        "the reason names the profile: {reason}"
    );
    assert!(!report.accounts.iter().any(|a| a.source.contains("k2x9a7")));
    // The other sources are unaffected.
    assert_eq!(status(&report, "outlook_profiles").status, SourceStatus::Ok);
    assert_eq!(report.profiles.len(), before.profiles.len());
}

#[test]
fn a_whole_app_folder_removed_mid_scan_skips_that_source_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let mut removed = 0;
    let thunderbird = pc.home.join(".thunderbird");
    let report = scan_with(&pc, |source| {
        if source == "new_outlook" {
            std::fs::remove_dir_all(&thunderbird).expect("uninstall");
            removed += 1;
        }
    });
    assert_eq!(removed, 1);
    let tb = status(&report, "thunderbird");
    assert_eq!(tb.status, SourceStatus::Skipped, "{tb:?}");
    assert!(
        tb.reason
            .as_deref()
            .unwrap_or_default()
            .contains("not found")
    );
    assert_eq!(report.sources.len(), scan::SOURCE_NAMES.len());
}

#[test]
fn a_registry_export_deleted_before_it_is_read_fails_the_registry_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let exports = pc.registry_files.clone();
    let report = scan_with(&pc, |source| {
        if source == "registry" {
            for f in &exports {
                std::fs::remove_file(f).expect("delete the export");
            }
        }
    });
    let reg = status(&report, "registry");
    assert_eq!(reg.status, SourceStatus::Failed, "{reg:?}");
    assert!(reg.reason.is_some());
    assert_eq!(
        status(&report, "outlook_profiles").status,
        SourceStatus::Skipped
    );
    // Files of other apps are still read.
    assert_eq!(status(&report, "thunderbird").status, SourceStatus::Ok);
}
