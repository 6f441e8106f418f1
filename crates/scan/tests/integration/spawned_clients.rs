//! Real processes named like mail clients on every OS (Wine included): this test binary
//! copies itself to `OUTLOOK.EXE`, `olk.exe`, `thunderbird.exe` and `msedge.exe` and runs
//! the copies as helpers (`helper_connect_and_wait` below) that open TCP connections to a
//! local listener and wait. The live scan must find each with its kind and connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scan::{ClientKind, ScanOptions, SourceStatus};

const APP_ID: &str = "faolnafnngnfdaknnbpnkhgohbobgegn";

/// Runs only as a spawned helper: connects `SCAN_HELPER_CONNS` times, says "ready", and
/// waits for its standard input to close.
#[test]
fn helper_connect_and_wait() {
    let (Ok(port), Ok(n)) = (
        std::env::var("SCAN_HELPER_PORT"),
        std::env::var("SCAN_HELPER_CONNS"),
    ) else {
        return;
    };
    let port: u16 = port.parse().expect("port");
    let n: usize = n.parse().expect("count");
    let conns: Vec<TcpStream> = (0..n)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect"))
        .collect();
    println!("SCAN-HELPER-READY");
    std::io::stdout().flush().expect("flush");
    let mut buf = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut buf);
    drop(conns);
}

struct Helper(Child);

impl Drop for Helper {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(dir: &Path, name: &str, port: u16, conns: usize, extra: &[&str]) -> Helper {
    let exe = dir.join(name);
    if !exe.exists() {
        std::fs::copy(std::env::current_exe().expect("own exe"), &exe).expect("copy");
    }
    let mut cmd = Command::new(&exe);
    cmd.args([
        "spawned_clients::helper_connect_and_wait",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ]);
    if !extra.is_empty() {
        // After `--`, libtest takes these as more name filters; they match no test.
        cmd.arg("--").args(extra);
    }
    let mut child = cmd
        .env("SCAN_HELPER_PORT", port.to_string())
        .env("SCAN_HELPER_CONNS", conns.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn helper");
    let out = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(out).lines();
    loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("SCAN-HELPER-READY") => break,
            Some(Ok(_)) => continue,
            other => panic!("{name} did not get ready: {other:?}"),
        }
    }
    // Keep draining stdout so the helper never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Helper(child)
}

#[test]
fn spawned_clients_are_found_with_their_connections() {
    if std::env::var_os("SCAN_HELPER_PORT").is_some() {
        return; // inside a helper
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let kept: Vec<_> = listener.incoming().take(7).flatten().collect();
        std::thread::sleep(Duration::from_secs(8));
        drop(kept);
    });
    let dir = tempfile::tempdir().expect("tmp");
    let o1 = spawn(dir.path(), "OUTLOOK.EXE", port, 1, &[]);
    let o2 = spawn(dir.path(), "OUTLOOK.EXE", port, 2, &[]);
    let olk = spawn(dir.path(), "olk.exe", port, 1, &[]);
    let tb = spawn(dir.path(), "thunderbird.exe", port, 2, &[]);
    let web = spawn(
        dir.path(),
        "msedge.exe",
        port,
        1,
        &[&format!("--app-id={APP_ID}")],
    );

    let r = scan::run(
        &ScanOptions {
            live: true,
            ..Default::default()
        },
        &mut |_| {},
    );
    let conn_source = r
        .sources
        .iter()
        .find(|s| s.name == "connections")
        .expect("source");
    // Wine lists sockets without their owner (PID 0): then the counts must be unknown, not 0.
    // Real Windows, Linux and macOS report owners, and the counts are checked exactly.
    let owners_unknown = cfg!(windows)
        && conn_source.status == SourceStatus::Failed
        && conn_source
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("not which process owns them"));
    if !owners_unknown {
        assert_eq!(conn_source.status, SourceStatus::Ok, "{conn_source:?}");
    }
    for (h, kind, n) in [
        (&o1, ClientKind::ClassicOutlook, 1u32),
        (&o2, ClientKind::ClassicOutlook, 2),
        (&olk, ClientKind::NewOutlook, 1),
        (&tb, ClientKind::Thunderbird, 2),
        (&web, ClientKind::OutlookWebApp, 1),
    ] {
        let pid = h.0.id();
        let p = r
            .processes
            .iter()
            .find(|p| p.pid == pid)
            .unwrap_or_else(|| panic!("pid {pid} ({kind:?}) not in {:#?}", r.processes));
        assert_eq!(p.kind, kind);
        if owners_unknown {
            assert_eq!(p.connections, None, "{p:?}");
            continue;
        }
        let c = p.connections.expect("measured");
        assert_eq!(
            (c.established, c.microsoft_365),
            (n, 0),
            "{p:?}\nconnections to the listener: {:?}",
            scan::connections::established_connections().map(|v| v
                .into_iter()
                .filter(|c| c.remote_port == port)
                .collect::<Vec<_>>())
        );
    }
    let outlook_instances = r
        .processes
        .iter()
        .find(|p| p.pid == o1.0.id())
        .map(|p| p.instances_of_kind)
        .unwrap_or(0);
    assert!(outlook_instances >= 2);
    drop((o1, o2, olk, tb, web));
    let _ = server.join();
}
