//! Classic Outlook profiles: 16.0, 15.0 and the Windows Messaging Subsystem (2010 and older).
//!
//! Each profile's subtree is walked whole and accounts are recognised by their values, never
//! by fixed subkey numbers: real profiles mix `9375CFF0...\0000000N` account keys with
//! MAPI section keys named by 32 hex digits, and the numbers differ between profiles.

use std::collections::{BTreeSet, HashMap};

use crate::registry::{RegValue, Registry, join, walk};
use crate::report::{DataFile, Profile, ProfileAccount};

/// Where each Outlook generation keeps its profiles, and its `DefaultProfile` value.
const ROOTS: &[(&str, &str, &str)] = &[
    (
        "16.0",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook",
    ),
    (
        "15.0",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\15.0\\Outlook\\Profiles",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\15.0\\Outlook",
    ),
    (
        "windows_messaging_subsystem",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging Subsystem\\Profiles",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging Subsystem\\Profiles",
    ),
];

/// A profile with more keys than this is cut short (real ones have a few hundred).
const MAX_KEYS_PER_PROFILE: usize = 20_000;

// MAPI property tags as value names (field guide section 3).
const PR_DISPLAY_NAME_W: &str = "001f3001";
const PR_SMTP_ADDRESS_W: &str = "001f6641";
const PR_OST_PATH_W: &str = "001f6610";
const PR_PST_PATH_W: &str = "001f6700";
/// PR_PROFILE_CONFIG_FLAGS of the Exchange section.
const PR_PROFILE_CONFIG_FLAGS: &str = "00036601";
/// Bit of PR_PROFILE_CONFIG_FLAGS for cached mode (0x80 = CONFIG_OST_CACHE_PRIVATE).
const CONFIG_CACHED: u32 = 0x80;
/// Bit that admin scripts toggle for "Download shared folders": `84 01 00 00` (on) vs
/// `84 09 00 00` (off). Unverified: code treats it as a hint, reported as `Option`.
const CONFIG_NO_SHARED_FOLDERS: u32 = 0x800;

/// Names Outlook gives to entries that are not mail accounts.
const PSEUDO_ACCOUNTS: &[&str] = &[
    "outlook address book",
    "outlook data file",
    "personal folders",
    "mobile address book",
    "microsoft outlook address book",
];

/// Reads every profile of every generation. Errors of single keys become notes on the
/// profile or are returned as messages for the source's reason.
pub fn read_profiles(reg: &dyn Registry) -> (Vec<Profile>, Vec<String>) {
    let mut profiles = Vec::new();
    let mut problems = Vec::new();
    for (version, root, default_key) in ROOTS {
        let names = match reg.subkeys(root) {
            Ok(Some(n)) => n,
            Ok(None) => continue,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let default = match reg.value(default_key, "DefaultProfile") {
            Ok(Some(v)) => v.as_text().ok(),
            Ok(None) => None,
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        };
        let mut group = Vec::new();
        for name in names {
            let key = join(root, &name);
            let mut p = read_profile(reg, &name, version, &key);
            p.is_default = default
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(&name));
            group.push(p);
        }
        mark_duplicates(&mut group);
        profiles.extend(group);
    }
    (profiles, problems)
}

fn read_profile(reg: &dyn Registry, name: &str, version: &str, key: &str) -> Profile {
    let mut notes = Vec::new();
    let (keys, errors) = walk(reg, key, MAX_KEYS_PER_PROFILE);
    notes.extend(errors.into_iter().map(|e| e.to_string()));

    // Values of every key, and an index from the last path component (section UID) to them.
    let mut sections: Vec<(String, Vec<(String, RegValue)>)> = Vec::with_capacity(keys.len());
    for k in keys {
        match reg.values(&k) {
            Ok(Some(v)) => sections.push((k, v)),
            Ok(None) => {}
            Err(e) => notes.push(e.to_string()),
        }
    }
    let by_uid: HashMap<String, usize> = sections
        .iter()
        .enumerate()
        .filter_map(|(i, (k, _))| k.rsplit('\\').next().map(|last| (last.to_lowercase(), i)))
        .collect();

    let mut accounts = Vec::new();
    let mut data_files: Vec<DataFile> = Vec::new();
    let mut smtp: BTreeSet<String> = BTreeSet::new();
    let mut cached_mode = None;
    let mut download_shared_folders = None;

    for (k, values) in &sections {
        let get = |n: &str| {
            values
                .iter()
                .find(|(vn, _)| vn.eq_ignore_ascii_case(n))
                .map(|(_, v)| v)
        };
        let text = |n: &str, notes: &mut Vec<String>| -> Option<String> {
            let v = get(n)?;
            match v.as_text() {
                Ok(t) if t.trim().is_empty() => None,
                Ok(t) => Some(t.trim().to_owned()),
                Err(why) => {
                    notes.push(format!("{k}\\{n}: {why}"));
                    None
                }
            }
        };
        for (tag, kind) in [(PR_OST_PATH_W, "ost"), (PR_PST_PATH_W, "pst")] {
            if let Some(path) = text(tag, &mut notes) {
                let df = DataFile {
                    path,
                    kind: kind.to_owned(),
                };
                if !data_files.contains(&df) {
                    data_files.push(df);
                }
            }
        }
        if let Some(addr) = text(PR_SMTP_ADDRESS_W, &mut notes) {
            smtp.insert(addr.to_lowercase());
        }
        if let Some(flags) = get(PR_PROFILE_CONFIG_FLAGS) {
            match flags.as_u32() {
                Some(f) => {
                    let cached = f & CONFIG_CACHED != 0;
                    cached_mode = Some(cached);
                    download_shared_folders = Some(cached && f & CONFIG_NO_SHARED_FOLDERS == 0);
                }
                None => notes.push(format!(
                    "{k}\\{PR_PROFILE_CONFIG_FLAGS}: not a 4-byte flag value"
                )),
            }
        }
        // An account key is one with a `clsid`, even an unreadable one (then kind "other").
        if get("clsid").is_none() {
            continue;
        }
        let clsid = text("clsid", &mut notes).unwrap_or_default();
        let account_name = text("Account Name", &mut notes);
        let mut email = text("Email", &mut notes).or_else(|| text(PR_SMTP_ADDRESS_W, &mut notes));
        if email.is_none()
            && let Some(RegValue::Binary(uid)) = get("Service UID")
        {
            // Exchange accounts keep the address in the service's section, named by the UID.
            let hex: String = uid.iter().map(|b| format!("{b:02x}")).collect();
            if let Some(&i) = by_uid.get(&hex) {
                email = sections[i]
                    .1
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(PR_SMTP_ADDRESS_W))
                    .and_then(|(_, v)| v.as_text().ok())
                    .filter(|s| !s.is_empty());
            }
        }
        if email.is_none() {
            email = account_name.clone().filter(|n| looks_like_email(n));
        }
        let display_name =
            text("Display Name", &mut notes).or_else(|| text(PR_DISPLAY_NAME_W, &mut notes));
        let kind = kind_from_clsid(&clsid, text("Service Name", &mut notes).as_deref());
        let is_pseudo = account_name
            .as_deref()
            .is_some_and(|n| PSEUDO_ACCOUNTS.contains(&n.to_lowercase().as_str()));
        if is_pseudo || (email.is_none() && kind == "other") {
            continue;
        }
        accounts.push(ProfileAccount {
            email,
            display_name,
            kind: kind.to_owned(),
            account_name,
        });
    }

    let account_emails: BTreeSet<String> = accounts
        .iter()
        .filter_map(|a| a.email.as_ref().map(|e| e.to_lowercase()))
        .collect();
    let mailboxes = smtp
        .into_iter()
        .filter(|a| !account_emails.contains(a) && looks_like_email(a))
        .collect();

    Profile {
        name: name.to_owned(),
        version: version.to_owned(),
        is_default: false,
        accounts,
        mailboxes,
        data_files,
        cached_mode,
        download_shared_folders,
        duplicate_of: Vec::new(),
        key: key.to_owned(),
        notes,
    }
}

/// `clsid` of the account -> kind (field guide section 3).
fn kind_from_clsid(clsid: &str, service: Option<&str>) -> &'static str {
    let c = clsid
        .trim()
        .trim_matches(|c| c == '{' || c == '}')
        .to_lowercase();
    match c.as_str() {
        "ed475411-b0d6-11d2-8c3b-00104b2a6676" => "pop3",
        "ed475412-b0d6-11d2-8c3b-00104b2a6676" => "imap",
        "ed475414-b0d6-11d2-8c3b-00104b2a6676" => "exchange",
        "4db5cbf0-3b77-4852-bc8e-bb81908861f3" => "outlook_com",
        _ if service.is_some_and(|s| s.eq_ignore_ascii_case("MSEMS")) => "exchange",
        _ => "other",
    }
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Profiles of one Outlook generation whose accounts share an email are duplicates.
fn mark_duplicates(group: &mut [Profile]) {
    let emails: Vec<BTreeSet<String>> = group
        .iter()
        .map(|p| {
            p.accounts
                .iter()
                .filter_map(|a| a.email.as_ref().map(|e| e.to_lowercase()))
                .collect()
        })
        .collect();
    // Index email -> profiles, so 1,000 profiles stay linear rather than quadratic.
    let mut by_email: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, set) in emails.iter().enumerate() {
        for e in set {
            by_email.entry(e.as_str()).or_default().push(i);
        }
    }
    let mut dups: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); group.len()];
    for idxs in by_email.values().filter(|v| v.len() > 1) {
        for &i in idxs {
            dups[i].extend(idxs.iter().copied().filter(|&j| j != i));
        }
    }
    let names: Vec<String> = group.iter().map(|p| p.name.clone()).collect();
    for (p, d) in group.iter_mut().zip(dups) {
        p.duplicate_of = d.into_iter().map(|j| names[j].clone()).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clsid_kinds() {
        assert_eq!(
            kind_from_clsid("{ED475412-B0D6-11D2-8C3B-00104B2A6676}", None),
            "imap"
        );
        assert_eq!(kind_from_clsid("{x}", Some("MSEMS")), "exchange");
        assert_eq!(kind_from_clsid("{x}", None), "other");
    }

    #[test]
    fn emails_are_recognised_loosely() {
        assert!(looks_like_email("a.b@contoso.com"));
        assert!(!looks_like_email("Outlook Data File"));
        assert!(!looks_like_email("a@b"));
    }
}
