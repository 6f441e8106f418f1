//! Thunderbird: `profiles.ini` lists profiles; each profile's `prefs.js` has the servers
//! (`mail.server.serverN.hostname/.userName/.type`) and identities (`useremail`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ClientScan, parse_ini, read_text};
use crate::report::{ClientKind, OtherAccount};

/// Where Thunderbird keeps `profiles.ini` on each OS and packaging, relative to home.
const ROOTS: &[&str] = &[
    ".thunderbird",
    ".mozilla-thunderbird",
    "snap/thunderbird/common/.thunderbird",
    ".var/app/org.mozilla.Thunderbird/.thunderbird",
    "Library/Thunderbird",
    "AppData/Roaming/Thunderbird",
];

/// Server types that are not mail accounts.
const NOT_ACCOUNTS: &[&str] = &["none", "rss", "nntp", "movemail"];

pub fn scan(home: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    for root in ROOTS {
        let dir = super::under(home, root);
        let ini = dir.join("profiles.ini");
        out.looked_in.push(ini.display().to_string());
        if !ini.exists() {
            continue;
        }
        out.found = true;
        let Some(text) = read_text(&ini, &mut out.problems) else {
            continue;
        };
        for (name, path) in profiles(&text, &dir) {
            let prefs = path.join("prefs.js");
            let mut notes = Vec::new();
            let Some(js) = read_text(&prefs, &mut notes) else {
                out.problems.extend(notes);
                continue;
            };
            let mut accounts = accounts_from_prefs(&js, &prefs, &name);
            for a in &mut accounts {
                a.notes.extend(notes.iter().cloned());
            }
            if accounts.is_empty() && !notes.is_empty() {
                out.problems.extend(notes);
            }
            out.accounts.extend(accounts);
        }
    }
    out
}

/// (profile name, directory) from `profiles.ini`.
fn profiles(ini: &str, dir: &Path) -> Vec<(String, PathBuf)> {
    let mut by_section: Vec<(String, HashMap<String, String>)> = Vec::new();
    for (section, k, v) in parse_ini(ini) {
        if !section.to_lowercase().starts_with("profile") {
            continue;
        }
        match by_section.iter_mut().find(|(s, _)| *s == section) {
            Some((_, m)) => {
                m.insert(k.to_lowercase(), v);
            }
            None => by_section.push((section, HashMap::from([(k.to_lowercase(), v)]))),
        }
    }
    by_section
        .into_iter()
        .filter_map(|(section, m)| {
            let path = m.get("path")?;
            let relative = m.get("isrelative").is_none_or(|v| v.trim() == "1");
            let p: PathBuf = path.split(['/', '\\']).collect();
            let full = if relative {
                dir.join(p)
            } else {
                PathBuf::from(path)
            };
            Some((m.get("name").cloned().unwrap_or(section), full))
        })
        .collect()
}

/// `user_pref("key", value);` lines -> key -> value (strings unescaped, others verbatim).
pub fn parse_prefs(js: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in js.lines() {
        let Some(rest) = line.trim().strip_prefix("user_pref(") else {
            continue;
        };
        let Some((key, rest)) = js_string(rest.trim_start()) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(',') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = if rest.starts_with('"') {
            match js_string(rest) {
                Some((v, _)) => v,
                None => continue,
            }
        } else {
            rest.trim_end_matches(';')
                .trim_end()
                .trim_end_matches(')')
                .trim()
                .to_owned()
        };
        out.insert(key, value);
    }
    out
}

fn js_string(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
            }
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn accounts_from_prefs(js: &str, prefs: &Path, profile: &str) -> Vec<OtherAccount> {
    let p = parse_prefs(js);
    // server id -> identity email, through mail.account.X.server / .identities.
    let mut email_of_server: HashMap<String, String> = HashMap::new();
    for (k, server) in &p {
        let Some(acc) = k
            .strip_prefix("mail.account.")
            .and_then(|r| r.strip_suffix(".server"))
        else {
            continue;
        };
        let first_id = p
            .get(&format!("mail.account.{acc}.identities"))
            .and_then(|ids| ids.split(',').next().map(|s| s.trim().to_owned()));
        if let Some(email) = first_id.and_then(|id| p.get(&format!("mail.identity.{id}.useremail")))
        {
            email_of_server.insert(server.clone(), email.clone());
        }
    }
    let mut servers: Vec<&str> = p
        .keys()
        .filter_map(|k| {
            k.strip_prefix("mail.server.")
                .and_then(|r| r.strip_suffix(".hostname"))
        })
        .collect();
    servers.sort_unstable();
    servers
        .into_iter()
        .filter_map(|id| {
            let get = |f: &str| p.get(&format!("mail.server.{id}.{f}")).cloned();
            let kind = get("type");
            if kind.as_deref().is_some_and(|t| NOT_ACCOUNTS.contains(&t)) {
                return None;
            }
            let user = get("userName");
            let email = email_of_server
                .get(id)
                .cloned()
                .or_else(|| user.filter(|u| crate::profiles::looks_like_email(u)));
            Some(OtherAccount {
                client: ClientKind::Thunderbird,
                email,
                host: get("hostname"),
                source: prefs.display().to_string(),
                profile: Some(profile.to_owned()),
                account_type: kind,
                notes: Vec::new(),
            })
        })
        .collect()
}
