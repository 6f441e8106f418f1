//! New Outlook's `UserSettings.json`, read by `new_outlook::scan` from a scratch
//! `%LOCALAPPDATA%`. Accounts are lower-case, trimmed, email-shaped, distinct and never
//! the `@shadow.outlook.com` placeholders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scan::ClientKind;
use scan::other_clients::new_outlook;

fuzz_target!(|data: &[u8]| {
    let lad = fuzz_common::scratch("new_outlook");
    fuzz_common::write(&lad.join("Microsoft/Olk/UserSettings.json"), data);
    let found = new_outlook::scan(lad);
    assert!(found.found);
    let mut seen = std::collections::HashSet::new();
    for a in &found.accounts {
        assert_eq!(a.client, ClientKind::NewOutlook);
        let e = a.email.as_deref().expect("every account has an address");
        assert_eq!(e, e.trim().to_lowercase(), "not normalised: {e:?}");
        assert!(
            e.contains('@') && !e.ends_with("@shadow.outlook.com"),
            "{e:?}"
        );
        assert!(seen.insert(e.to_owned()), "duplicate {e:?}");
    }
});
