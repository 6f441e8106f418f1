//! Thunderbird: `profiles.ini` and `prefs.js`. The input is `prefs.js` (with a fixed
//! `profiles.ini` pointing at it), or `profiles.ini` NUL `prefs.js`. Runs
//! `thunderbird::parse_prefs` on the text and `thunderbird::scan` on a scratch home.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scan::ClientKind;
use scan::other_clients::thunderbird;

const DEFAULT_INI: &[u8] = b"[Profile0]\nName=fuzz\nIsRelative=1\nPath=p\nDefault=1\n";

fuzz_target!(|data: &[u8]| {
    let (ini, prefs) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (DEFAULT_INI, data),
    };
    let _ = thunderbird::parse_prefs(&String::from_utf8_lossy(prefs));
    let home = fuzz_common::scratch("thunderbird");
    let tb = home.join(".thunderbird");
    fuzz_common::write(&tb.join("profiles.ini"), ini);
    fuzz_common::write(&tb.join("p").join("prefs.js"), prefs);
    let found = thunderbird::scan(home);
    assert!(found.found, "profiles.ini was written");
    for a in &found.accounts {
        assert_eq!(a.client, ClientKind::Thunderbird);
        // Accounts come from `mail.server.X.hostname` keys only.
        assert!(a.host.is_some(), "account without host: {a:?}");
        assert!(
            !matches!(
                a.account_type.as_deref(),
                Some("none" | "rss" | "nntp" | "movemail")
            ),
            "not a mail account: {a:?}"
        );
        assert!(a.source.ends_with("prefs.js"), "{a:?}");
    }
});
