//! Outlook for Mac's `Outlook.sqlite`, searched for addresses by `outlook_mac::scan` from a
//! scratch home. Every address found is in the file (ASCII lower-cased), at most 50, distinct.
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
    let lower = data.to_ascii_lowercase();
    let emails: Vec<&str> = found
        .accounts
        .iter()
        .filter_map(|a| a.email.as_deref())
        .collect();
    assert!(emails.len() <= 50);
    if emails.is_empty() {
        assert_eq!(
            found.accounts.len(),
            1,
            "one account for the profile without an address"
        );
    }
    for (i, e) in emails.iter().enumerate() {
        assert!(!emails[..i].contains(e), "duplicate {e:?}");
        assert!(
            lower.windows(e.len()).any(|w| w == e.as_bytes()),
            "{e:?} is not in the file"
        );
    }
    for a in &found.accounts {
        assert_eq!(a.client, ClientKind::OutlookMac);
    }
});
