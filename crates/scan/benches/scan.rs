//! Benchmarks of issue 3:
//! - `live_local_scan`: the whole scan of this computer (processes, sockets, home files);
//!   target median < 50 ms.
//! - `offline_analysis`: parse a generated UTF-16 export with 1,000 profiles and 500 add-ins
//!   and read profiles and add-ins from it; target < 100 ms and >= 100 MB/s.
//!
//! Run: `cargo bench -p session-doctor-scan --bench scan`. Medians are in
//! `$CARGO_TARGET_DIR/criterion/<name>/new/estimates.json`. Not built for macOS (criterion is
//! not a macOS dev-dependency, see Cargo.toml).

#[cfg(target_os = "macos")]
fn main() {}

#[cfg(not(target_os = "macos"))]
mod bench {
    use std::fmt::Write as _;
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{Criterion, Throughput, criterion_group};
    use scan::{RegFile, ScanOptions, addins, profiles};

    fn hex(name: &str, bytes: &[u8]) -> String {
        let mut line = format!("\"{name}\"=hex:");
        let mut out = String::new();
        for (i, b) in bytes.iter().enumerate() {
            let tok = if i + 1 == bytes.len() {
                format!("{b:02x}")
            } else {
                format!("{b:02x},")
            };
            if line.len() + tok.len() > 77 {
                out.push_str(&line);
                out.push_str("\\\r\n");
                line = "  ".to_owned();
            }
            line.push_str(&tok);
        }
        out.push_str(&line);
        out.push_str("\r\n");
        out
    }

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    /// A `reg export`-shaped file: 1,000 profiles (two accounts, a service section, an OST each)
    /// and 500 add-ins in HKCU and HKLM, UTF-16LE with BOM.
    fn generated_export() -> Vec<u8> {
        let mut t = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
        let o = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook";
        let _ = write!(t, "[{o}]\r\n\"DefaultProfile\"=\"Profile 0\"\r\n\r\n");
        for p in 0..1000 {
            let base = format!("{o}\\Profiles\\Profile {p}");
            let _ = write!(
                t,
                "[{base}]\r\n\r\n[{base}\\9375CFF0413111d3B88A00104B2A6676]\r\n\"LastChangeVer\"=hex:00,00,00,00,00,00,00,02\r\n\r\n"
            );
            for (n, email) in [
                (1, format!("user{}@contoso.com", p % 700)),
                (2, format!("shared{p}@fabrikam.com")),
            ] {
                let _ = write!(
                    t,
                    "[{base}\\9375CFF0413111d3B88A00104B2A6676\\0000000{n}]\r\n"
                );
                t.push_str(&hex("Account Name", &utf16z(&email)));
                t.push_str(&hex("Display Name", &utf16z(&format!("User {p}"))));
                t.push_str(&hex("Email", &utf16z(&email)));
                t.push_str("\"clsid\"=\"{ED475414-B0D6-11D2-8C3B-00104B2A6676}\"\r\n\r\n");
            }
            let _ = write!(t, "[{base}\\13dbb0c8aa05101a9bb000aa002fc45a]\r\n");
            t.push_str(&hex(
                "001f6610",
                &utf16z(&format!(
                    "C:\\Users\\u\\AppData\\Local\\Microsoft\\Outlook\\user{p}.ost"
                )),
            ));
            t.push_str("\"00036601\"=hex:84,01,00,00\r\n\r\n");
        }
        for a in 0..500 {
            for hive in ["HKEY_CURRENT_USER", "HKEY_LOCAL_MACHINE"] {
                let _ = write!(
                    t,
                    "[{hive}\\Software\\Microsoft\\Office\\Outlook\\Addins\\Vendor{a}.Addin]\r\n\"FriendlyName\"=\"Vendor {a} add-in\"\r\n\"Description\"=\"Does things {a}\"\r\n\"LoadBehavior\"=dword:{:08x}\r\n\r\n",
                    if hive.ends_with("USER") { 0 } else { 3 }
                );
            }
        }
        let mut out = vec![0xFF, 0xFE];
        out.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn offline(c: &mut Criterion) {
        let bytes = generated_export();
        let mut g = c.benchmark_group("offline_analysis");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.sample_size(30).measurement_time(Duration::from_secs(8));
        g.bench_function("1000_profiles_500_addins", |b| {
            b.iter(|| {
                let reg = RegFile::from_bytes(black_box(&bytes), "bench").expect("parses");
                let (p, _) = profiles::read_profiles(&reg);
                let (a, _, _) = addins::read_addins(&reg);
                assert_eq!(p.len(), 1000);
                assert_eq!(a.len(), 500);
                black_box((p, a))
            })
        });
        g.bench_function("parse_only", |b| {
            b.iter(|| RegFile::from_bytes(black_box(&bytes), "bench").expect("parses"))
        });
        g.finish();
    }

    fn live(c: &mut Criterion) {
        let home = tempfile::tempdir().expect("tmp");
        let options = ScanOptions {
            live: true,
            home: Some(home.path().to_path_buf()),
            ..Default::default()
        };
        let mut g = c.benchmark_group("live_local_scan");
        g.sample_size(30).measurement_time(Duration::from_secs(5));
        g.bench_function("whole_scan", |b| {
            b.iter(|| black_box(scan::run(&options, &mut |_| {})))
        });
        g.finish();
    }

    criterion_group!(benches, offline, live);
    /// What `criterion_main!` would generate, public so the cfg-gated `main` can call it.
    pub fn main() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}

#[cfg(not(target_os = "macos"))]
fn main() {
    bench::main();
}
