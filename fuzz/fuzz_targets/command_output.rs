//! Output of the tools the scan runs, decoded as the scan does (`command::decode_output`)
//! and given to every parser of tool output and shipped data (saved Office sign-ins are
//! listed through the Windows credential API, so its names are filtered as text here):
//! `credentials::office_credentials`, `security dump-keychain` (`parse_keychain_dump`),
//! `tasklist /fo csv` (`processes::parse_tasklist_csv`), `lsof -F pn`
//! (`connections::parse_lsof`), the Microsoft 365 ranges file (`M365Ranges::parse`) and
//! the connection add-in list (`addins::parse_connection_rules`).
#![no_main]

use std::collections::HashSet;
use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use scan::{addins, command, connections, credentials, processes};

fuzz_target!(|data: &[u8]| {
    let text = command::decode_output(data);

    let creds = credentials::office_credentials(text.lines().map(str::to_owned));
    let mut names = HashSet::new();
    for c in &creds {
        let lower = c.name.to_lowercase();
        assert!(
            lower.starts_with("microsoftoffice1") && lower.contains("_data:"),
            "not an Office target: {c:?}"
        );
        assert!(names.insert(c.name.clone()), "duplicate {c:?}");
    }
    let keychain = credentials::parse_keychain_dump(&text);
    let mut names = HashSet::new();
    for c in &keychain {
        assert!(names.insert(c.name.clone()), "duplicate {c:?}");
        assert!(!c.name.contains('\n'));
    }

    let pids = processes::parse_tasklist_csv(&text);
    assert!(pids.len() <= text.lines().count());

    let conns = connections::parse_lsof(&text);
    assert!(conns.len() <= text.lines().count());
    assert!(conns.iter().all(|c| c.pids.len() == 1));

    let ranges = connections::M365Ranges::parse(&text);
    assert!(ranges.len() + ranges.bad_lines() <= text.lines().count());
    for c in &conns {
        let inside = ranges.contains(c.remote);
        assert_eq!(
            ranges.is_m365(c.remote, c.remote_port),
            inside && c.remote_port == 443
        );
    }
    if ranges.is_empty() {
        assert!(!ranges.contains(IpAddr::from([52, 96, 0, 1])));
    }
    let shipped = connections::M365Ranges::shipped();
    let _ = connections::count_by_pid(&conns, &pids.iter().copied().collect(), &shipped);

    let rules = addins::parse_connection_rules(&text);
    assert!(
        rules
            .iter()
            .all(|r| !r.pattern.is_empty() && r.pattern == r.pattern.to_lowercase())
    );
});
