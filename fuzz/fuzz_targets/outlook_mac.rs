//! Outlook for Mac's `Outlook.sqlite`, read with SQLite (a temp copy, read-only) by
//! `outlook_mac::scan` from a scratch home: any bytes, including corrupt databases, give
//! either accounts from the two account tables (at most 50 each, distinct per table, each an
//! address) or one address-less row for the profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scan::ClientKind;
use scan::other_clients::outlook_mac;

const PROFILE: &str =
    "Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles/Main Profile";

fuzz_target!(|data: &[u8]| {
    let home = fuzz_common::scratch("outlook_mac");
    fuzz_common::write(&home.join(PROFILE).join("Data/Outlook.sqlite"), data);
    let found = outlook_mac::scan(home);
    assert!(found.found);
    let emails: Vec<(&str, Option<&str>)> = found
        .accounts
        .iter()
        .filter_map(|a| Some((a.email.as_deref()?, a.account_type.as_deref())))
        .collect();
    assert!(emails.len() <= 100);
    if emails.is_empty() {
        assert_eq!(
            found.accounts.len(),
            1,
            "one account for the profile without an address"
        );
    }
    for (i, e) in emails.iter().enumerate() {
        assert!(!emails[..i].contains(e), "duplicate {e:?}");
        assert!(e.0.contains('@'), "{e:?} is not an address");
    }
    for a in &found.accounts {
        assert_eq!(a.client, ClientKind::OutlookMac);
    }
});
