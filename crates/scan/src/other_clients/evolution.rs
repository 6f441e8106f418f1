//! Evolution: one `.source` key file per account part under `~/.config/evolution/sources`.
//! Mail accounts have `[Mail Account]` (or `[Collection]`), the server is in
//! `[Authentication] Host`/`User` or `[Ews Backend] HostUrl`/`Email`, the address in the
//! identity source named by `IdentityUid`.

use std::collections::HashMap;
use std::path::Path;

use super::{ClientScan, parse_ini, read_text};
use crate::report::{ClientKind, OtherAccount};

/// Backends that are not server accounts.
const LOCAL_BACKENDS: &[&str] = &[
    "maildir", "mbox", "none", "vfolder", "local", "spool", "spooldir",
];

type Sections = HashMap<String, HashMap<String, String>>;

/// Evolution's mail accounts under `home` (its `sources` folder).
pub fn scan(home: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    let dir = super::under(home, ".config/evolution/sources");
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
    let mut sources: Vec<(String, std::path::PathBuf, Sections)> = Vec::new();
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.extension().and_then(|e| e.to_str()) != Some("source") {
            continue;
        }
        let Some(text) = read_text(&path, &mut out.problems) else {
            continue;
        };
        let mut sections: Sections = HashMap::new();
        for (s, k, v) in parse_ini(&text) {
            sections.entry(s).or_default().insert(k, v);
        }
        let uid = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        sources.push((uid, path, sections));
    }
    let identity_address = |uid: &str| -> Option<String> {
        sources
            .iter()
            .find(|(u, _, _)| u == uid)
            .and_then(|(_, _, s)| s.get("Mail Identity")?.get("Address").cloned())
            .filter(|a| !a.is_empty())
    };
    for (_, path, s) in &sources {
        let account = s.get("Mail Account").or_else(|| s.get("Collection"));
        let Some(account) = account else { continue };
        let backend = account.get("BackendName").cloned();
        if backend
            .as_deref()
            .is_some_and(|b| LOCAL_BACKENDS.contains(&b))
        {
            continue;
        }
        let auth = s.get("Authentication");
        let ews = s.get("Ews Backend");
        let user = auth.and_then(|a| a.get("User")).cloned();
        let email = ews
            .and_then(|e| e.get("Email").cloned())
            .filter(|e| !e.is_empty())
            .or_else(|| account.get("IdentityUid").and_then(|u| identity_address(u)))
            .or_else(|| {
                account
                    .get("Identity")
                    .cloned()
                    .filter(|i| crate::profiles::looks_like_email(i))
            })
            .or_else(|| user.filter(|u| crate::profiles::looks_like_email(u)));
        let host = auth
            .and_then(|a| a.get("Host").cloned())
            .filter(|h| !h.is_empty())
            .or_else(|| {
                ews.and_then(|e| e.get("HostUrl"))
                    .and_then(|u| host_of_url(u))
            });
        if email.is_none() && host.is_none() {
            continue;
        }
        out.accounts.push(OtherAccount {
            client: ClientKind::Evolution,
            email,
            host,
            source: path.display().to_string(),
            profile: s
                .get("Data Source")
                .and_then(|d| d.get("DisplayName"))
                .cloned(),
            account_type: backend,
            imap_connections: None,
            notes: Vec::new(),
        });
    }
    out
}

/// `https://outlook.office365.com/EWS/Exchange.asmx` -> `outlook.office365.com`.
pub(crate) fn host_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', ':', '?']).next()?.trim();
    (!host.is_empty()).then(|| host.to_owned())
}
