//! The sandbox's simulated PC, scanned: the demo shows every problem it was built to show.

use scan::{ClientKind, ConnectionCounts, ProcessSnapshot, ScanOptions};

#[test]
fn simulated_pc_shows_the_messy_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("writes");
    let processes = pc
        .processes
        .iter()
        .map(|p| ProcessSnapshot {
            name: p.name.clone(),
            pid: p.pid,
            parent_pid: p.parent_pid,
            cmdline: p.cmdline.clone(),
            exe: Some(p.exe.clone()),
            user: Some(p.user.clone()),
            start_time: Some(p.start_time),
            connections: Some(ConnectionCounts {
                established: p.established,
                microsoft_365: p.microsoft_365,
            }),
        })
        .collect();
    let options = ScanOptions {
        registry_files: pc.registry_files.clone(),
        home: Some(pc.home.clone()),
        live: false,
        processes: Some(processes),
        // Demo mode injects the simulated PC's credentials rather than asking the OS.
        credentials: Some(
            pc.credentials
                .iter()
                .map(|n| scan::Credential {
                    name: n.clone(),
                    store: scan::credentials::WINDOWS_STORE.to_owned(),
                })
                .collect(),
        ),
        windows_sessions: None,
    };
    let r = scan::run(&options, &mut |_| {});

    let outlooks: Vec<_> = r
        .processes
        .iter()
        .filter(|p| p.kind == ClientKind::ClassicOutlook)
        .collect();
    assert_eq!(outlooks.len(), 2);
    assert!(outlooks.iter().all(|p| p.instances_of_kind == 2));
    assert!(
        r.processes
            .iter()
            .any(|p| p.kind == ClientKind::OutlookWebApp)
    );
    assert!(r.processes.iter().any(|p| p.kind == ClientKind::Teams));
    assert!(
        r.processes
            .iter()
            .any(|p| p.kind == ClientKind::Thunderbird)
    );

    let names: Vec<&str> = r.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["Outlook", "Outlook - Copy"]);
    assert_eq!(
        r.profiles[0].duplicate_of,
        vec!["Outlook - Copy".to_owned()]
    );
    assert_eq!(r.profiles[1].duplicate_of, vec!["Outlook".to_owned()]);

    let teams = r
        .addins
        .iter()
        .find(|a| a.prog_id == "TeamsAddin.FastConnect")
        .expect("teams");
    assert!(teams.opens_connections);
    let pdf = r
        .addins
        .iter()
        .find(|a| a.prog_id == "Contoso.PdfMaker.Addin")
        .expect("pdf");
    assert!(pdf.crashing && pdf.disabled_by_outlook);
    assert_eq!(pdf.load_behavior, Some(2));
    let policy = r.addins.iter().find(|a| a.policy).expect("policy add-in");
    assert_eq!(policy.prog_id, "Fabrikam.Archiver.Connect");

    let tb = r
        .accounts
        .iter()
        .find(|a| a.client == ClientKind::Thunderbird)
        .expect("thunderbird");
    assert_eq!(tb.email.as_deref(), Some(sandbox::pc::ACCOUNT));
    assert_eq!(tb.host.as_deref(), Some("outlook.office365.com"));
    assert!(
        r.sources
            .iter()
            .all(|s| s.status != scan::SourceStatus::Failed),
        "{:#?}",
        r.sources
    );
}
