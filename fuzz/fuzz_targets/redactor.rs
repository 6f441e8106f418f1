//! The report redactor (`report::Redactor::redact` and `redact_value`). Input: NUL-separated
//! pieces; the first is a mail address to register (`add_email`), pieces starting `P:`,
//! `D:`, `U:`, `S:`, `I:` or `F:` register a person, device, OS user, server, id or Outlook
//! profile, the others are text. The text is the text pieces joined by ` ADDRESS `, then a
//! canary: a bare GUID, a UNC path and a generated computer name. A registered address must
//! not survive anywhere it stands on word boundaries (the redactor's own rule), none of the
//! canaries may survive, and the same text redacts the same way twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use report::Redactor;

/// Letters that no pseudonym (`user-N@domain-M`, `person-N`, kept public domains, masked
/// IPs) contains: an address with one of them in its local part cannot be produced by the
/// redactor's own replacements.
const MARKERS: &[char] = &['j', 'q', 'w', 'z'];

/// Appended to every text, after a space: a tenant-style GUID, the server and share of a UNC
/// path, and a computer name Windows generated. None of them may be in the output.
const CANARY: &str = r" 1b2c3d4e-aaaa-4bbb-8ccc-0123456789ab \\canaryhost9\canaryshare9\x DESKTOP-C4N4RY9 ";
const CANARY_PARTS: &[&str] = &[
    "1b2c3d4e-aaaa-4bbb-8ccc-0123456789ab",
    "canaryhost9",
    "canaryshare9",
    "desktop-c4n4ry9",
];

fn canary_leaks(out: &str) -> Vec<&'static str> {
    let lower = out.to_ascii_lowercase();
    CANARY_PARTS
        .iter()
        .copied()
        .filter(|c| lower.contains(c))
        .collect()
}

fn checkable(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && local.to_ascii_lowercase().contains(MARKERS)
}

/// The redactor's own rule for public mail domains (kept in pseudonyms).
fn public_domain(email: &str) -> bool {
    report::is_public_domain(email.rsplit('@').next().unwrap_or_default())
}

/// Occurrences of `email` in `out` that must have been replaced.
///
/// With a private domain: every one on word boundaries (the redactor's needle rule). With
/// a public one, only those standing alone between spaces: a pseudonym keeps a public
/// domain as written, so in `x@outlook.zed_9@outlook.com` the first match becomes
/// `user-2@outlook.zed` and, followed by the rest of the text, spells `zed_9@outlook.com`
/// again although that address was never left in place.
fn leaks(out: &str, email: &str) -> Vec<usize> {
    if public_domain(email) {
        return fuzz_common::find_all_ci(out, &format!(" {email} "));
    }
    let first_alnum = email.chars().next().is_some_and(char::is_alphanumeric);
    let last_alnum = email.chars().next_back().is_some_and(char::is_alphanumeric);
    fuzz_common::find_all_ci(out, email)
        .into_iter()
        .filter(|&i| {
            let prev = out[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let next = out[i + email.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
            !(first_alnum && prev) && !(last_alnum && next)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut pieces = input.split('\0');
    let email: String = pieces
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._%+-'@".contains(*c))
        .collect();
    let mut r = Redactor::new();
    let checked = checkable(&email);
    if checked {
        assert!(r.add_email(&email).is_some(), "{email:?} not learned");
    }
    let mut fragments = Vec::new();
    for p in pieces {
        match p.split_at_checked(2) {
            Some(("P:", name)) => r.add_person(name),
            Some(("D:", name)) => r.add_device(name),
            Some(("U:", name)) => r.add_os_user(name),
            Some(("S:", name)) => r.add_server(name),
            Some(("I:", name)) => r.add_id(name),
            Some(("F:", name)) => r.add_profile(name),
            _ => fragments.push(p),
        }
    }
    let text = if checked {
        let mut t = fragments.join(&format!(" {email} "));
        if fragments.len() < 2 {
            t.push(' ');
            t.push_str(&email);
        }
        t
    } else {
        fragments.join(" ")
    };
    let text = format!("{text}{CANARY}");

    let out = r.redact(&text);
    if checked {
        let l = leaks(&out, &email);
        assert!(
            l.is_empty(),
            "{email:?} left at {l:?} in {out:?} (from {text:?})"
        );
    }
    let c = canary_leaks(&out);
    assert!(c.is_empty(), "{c:?} left in {out:?} (from {text:?})");
    assert_eq!(r.redact(&text), out, "the same text redacted differently");

    let mut value = serde_json::json!({ "a": text, "b": [text, null, 1] });
    r.redact_value(&mut value);
    let strings = [&value["a"], &value["b"][0]];
    for s in strings {
        let s = s.as_str().expect("still a string");
        if checked {
            let l = leaks(s, &email);
            assert!(
                l.is_empty(),
                "{email:?} left at {l:?} in JSON {s:?} (from {text:?})"
            );
        }
        let c = canary_leaks(s);
        assert!(c.is_empty(), "{c:?} left in JSON {s:?} (from {text:?})");
    }
});
