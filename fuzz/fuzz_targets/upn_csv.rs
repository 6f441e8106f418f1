//! CSV lists of users for admin mode (`cloud::parse_upn_csv`): bounded, every user valid
//! (`upn_problem` is `None`) and distinct ignoring case, skipped lines cut to 200 characters.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let got = cloud::parse_upn_csv(&text);
    assert!(got.upns.len() <= cloud::CSV_MAX_ROWS);
    assert!(got.skipped.len() <= cloud::CSV_MAX_SKIPPED);
    if got.more_skipped > 0 {
        assert_eq!(got.skipped.len(), cloud::CSV_MAX_SKIPPED);
    }
    let mut seen = HashSet::new();
    for u in &got.upns {
        assert_eq!(cloud::upn_problem(u), None, "invalid user kept: {u:?}");
        assert!(seen.insert(u.to_lowercase()), "duplicate user {u:?}");
    }
    for s in &got.skipped {
        assert!(s.text.chars().count() <= 201, "skipped text not cut: {s:?}");
        assert!(s.line >= 1 && !s.reason.is_empty(), "{s:?}");
    }
    let mut lines = got.skipped.iter().map(|s| s.line);
    if let Some(mut last) = lines.next() {
        for l in lines {
            assert!(l > last, "skipped lines out of order: {:?}", got.skipped);
            last = l;
        }
    }
    assert!(!got.summary.is_empty() && !got.column.is_empty());
});
