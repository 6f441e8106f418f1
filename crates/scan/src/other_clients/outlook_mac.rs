//! Outlook for Mac: profiles under
//! `~/Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles/<Profile>/`.
//! Accounts live in the profile's `Data/Outlook.sqlite` (schema unverified); rather than
//! depend on an SQLite build for every target, the file is searched for email addresses,
//! read-only and bounded, and the result is labelled as such.

use std::io::Read;
use std::path::Path;

use super::{ClientScan, emails_in};
use crate::report::{ClientKind, OtherAccount};

const PROFILES: &str = "Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles";
/// Bytes of Outlook.sqlite searched: account tables sit near the start of the file.
const MAX_BYTES: u64 = 64 * 1024 * 1024;
const MAX_EMAILS: usize = 50;

pub fn scan(home: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    let dir = super::under(home, PROFILES);
    out.looked_in.push(dir.display().to_string());
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
        Err(e) => {
            out.found = true;
            out.problems
                .push(format!("cannot list {}: {e}", dir.display()));
            return out;
        }
    };
    out.found = true;
    let mut profiles: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    profiles.sort();
    for p in profiles {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let db = p.join("Data").join("Outlook.sqlite");
        let mut notes = Vec::new();
        let mut emails = Vec::new();
        match std::fs::File::open(&db) {
            Ok(f) => {
                let mut buf = Vec::new();
                match f.take(MAX_BYTES).read_to_end(&mut buf) {
                    Ok(_) => emails = emails_in(&buf, MAX_EMAILS),
                    Err(e) => notes.push(format!("cannot read {}: {e}", db.display())),
                }
            }
            Err(e) => notes.push(format!("cannot read {}: {e}", db.display())),
        }
        let source = db.display().to_string();
        if emails.is_empty() {
            notes.push("no account address found; the profile exists".to_owned());
            out.accounts.push(OtherAccount {
                client: ClientKind::OutlookMac,
                email: None,
                host: None,
                source,
                profile: Some(name),
                account_type: None,
                notes,
            });
            continue;
        }
        for email in emails {
            let mut n = notes.clone();
            n.push("address found by a text search of Outlook.sqlite".to_owned());
            out.accounts.push(OtherAccount {
                client: ClientKind::OutlookMac,
                email: Some(email),
                host: None,
                source: source.clone(),
                profile: Some(name.clone()),
                account_type: None,
                notes: n,
            });
        }
    }
    out
}
