//! Real processes named like mail clients, holding real TCP connections to a local
//! listener: the live scan finds each with the right kind, instance count and connections.
//!
//! The stand-ins are copies of bash renamed `OUTLOOK.EXE`, `olk.exe`, `thunderbird` and
//! `msedge`: bash opens TCP connections itself (`/dev/tcp`) and stays the same process
//! (`read` is a builtin), so the renamed process owns the sockets. Unix only.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use scan::{ClientKind, ScanOptions};

const APP_ID: &str = "faolnafnngnfdaknnbpnkhgohbobgegn";

struct Stand {
    child: Child,
}

impl Drop for Stand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dir/name` (a bash copy) that opens `conns` connections to `port`, then waits.
fn spawn(dir: &Path, name: &str, port: u16, conns: usize, extra: &[&str]) -> Stand {
    let exe = dir.join(name);
    if !exe.exists() {
        std::fs::copy("/bin/bash", &exe).expect("copy bash");
    }
    let mut script = String::new();
    for fd in 0..conns {
        script.push_str(&format!("exec {}<>/dev/tcp/127.0.0.1/{port}; ", fd + 3));
    }
    script.push_str("echo ready; read -t 120 line");
    let mut child = Command::new(&exe)
        .arg("-c")
        .arg(&script)
        .arg(name)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn stand-in");
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .expect("ready line");
    assert_eq!(line.trim(), "ready", "{name} did not connect");
    Stand { child }
}

#[test]
fn finds_renamed_clients_with_their_connections() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    // Accept on a thread and keep the server ends open while the scan runs.
    let server = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for s in listener.incoming().take(9).flatten() {
            kept.push(s);
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
        drop(kept);
    });
    let dir = tempfile::tempdir().expect("tmp");
    let o1 = spawn(dir.path(), "OUTLOOK.EXE", port, 2, &[]);
    let o2 = spawn(dir.path(), "OUTLOOK.EXE", port, 3, &[]);
    let olk = spawn(dir.path(), "olk.exe", port, 1, &[]);
    let tb = spawn(dir.path(), "thunderbird", port, 2, &[]);
    let edge = spawn(
        dir.path(),
        "msedge",
        port,
        1,
        &[&format!("--app-id={APP_ID}")],
    );
    let plain = spawn(dir.path(), "notmail", port, 0, &[]);

    let options = ScanOptions {
        live: true,
        ..Default::default()
    };
    let mut events = Vec::new();
    let r = scan::run(&options, &mut |p| events.push(p));

    let find = |s: &Stand| r.processes.iter().find(|p| p.pid == s.child.id());
    let expect = [
        (&o1, ClientKind::ClassicOutlook, 2),
        (&o2, ClientKind::ClassicOutlook, 3),
        (&olk, ClientKind::NewOutlook, 1),
        (&tb, ClientKind::Thunderbird, 2),
        (&edge, ClientKind::OutlookWebApp, 1),
    ];
    for (stand, kind, conns) in expect {
        let p = find(stand)
            .unwrap_or_else(|| panic!("pid {} not found: {:#?}", stand.child.id(), r.processes));
        assert_eq!(p.kind, kind, "{p:?}");
        let c = p.connections.expect("connections measured");
        assert_eq!(c.established, conns as u32, "{p:?}");
        assert_eq!(c.microsoft_365, 0, "127.0.0.1 is not Microsoft 365");
    }
    assert!(find(&plain).is_none(), "a non-mail process is not reported");
    let ours = |kind| {
        r.processes
            .iter()
            .filter(|p| p.kind == kind && [o1.child.id(), o2.child.id()].contains(&p.pid))
            .map(|p| p.instances_of_kind)
            .min()
    };
    // Other Outlook stand-ins of parallel tests could only raise the count.
    assert!(ours(ClientKind::ClassicOutlook).is_some_and(|n| n >= 2));
    let edge_p = find(&edge).expect("edge");
    assert!(
        edge_p
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("Outlook web app")
    );

    let conn = r
        .sources
        .iter()
        .find(|s| s.name == "connections")
        .expect("source");
    assert_eq!(conn.status, scan::SourceStatus::Ok, "{conn:?}");
    // Progress: a start and a finish per source, fractions rising to 1.
    assert_eq!(events.len(), 2 * scan::SOURCE_NAMES.len());
    assert!((events.last().map(|e| e.fraction).unwrap_or(0.0) - 1.0).abs() < 1e-9);
    drop((o1, o2, olk, tb, edge, plain));
    let _ = server.join();
}

#[test]
fn no_live_skips_processes_and_sockets() {
    let r = scan::run(
        &ScanOptions {
            live: false,
            ..Default::default()
        },
        &mut |_| {},
    );
    assert!(r.processes.is_empty());
    for name in ["processes", "connections"] {
        let s = r.sources.iter().find(|s| s.name == name).expect("source");
        assert_eq!(s.status, scan::SourceStatus::Skipped);
    }
}
