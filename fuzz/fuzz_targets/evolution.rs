//! Evolution `.source` key files: the input cut at NUL bytes into up to four files
//! `s0.source` .. `s3.source` (so `IdentityUid=s1` links them), read by
//! `evolution::scan` from a scratch home.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scan::ClientKind;
use scan::other_clients::evolution;

const LOCAL: &[&str] = &[
    "maildir", "mbox", "none", "vfolder", "local", "spool", "spooldir",
];

fuzz_target!(|data: &[u8]| {
    let home = fuzz_common::scratch("evolution");
    let dir = home.join(".config/evolution/sources");
    let files = fuzz_common::pieces(data, 4);
    for i in 0..4 {
        let path = dir.join(format!("s{i}.source"));
        match files.get(i) {
            Some(bytes) => fuzz_common::write(&path, bytes),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let found = evolution::scan(home);
    assert!(found.found);
    assert!(found.accounts.len() <= files.len());
    for a in &found.accounts {
        assert_eq!(a.client, ClientKind::Evolution);
        assert!(a.email.is_some() || a.host.is_some(), "empty account {a:?}");
        assert!(a.host.as_deref() != Some(""), "{a:?}");
        assert!(
            !a.account_type
                .as_deref()
                .is_some_and(|t| LOCAL.contains(&t)),
            "local store reported as an account: {a:?}"
        );
        assert!(a.source.ends_with(".source"), "{a:?}");
    }
});
