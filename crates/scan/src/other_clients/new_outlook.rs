//! New Outlook for Windows: `%LOCALAPPDATA%\Microsoft\Olk\UserSettings.json`, accounts under
//! `Identities.IdentityMap` (email -> id) and `AccountLocalBackup` entries with
//! `emailAddress`/`accountType` (community knowledge, unverified: the JSON is searched
//! defensively for those names wherever they are).

use std::path::Path;

use serde_json::Value;

use super::{ClientScan, read_text};
use crate::report::{ClientKind, OtherAccount};

/// The new Outlook for Windows' accounts under `local_app_data`.
pub fn scan(local_app_data: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    let file = local_app_data
        .join("Microsoft")
        .join("Olk")
        .join("UserSettings.json");
    out.looked_in.push(file.display().to_string());
    if !file.exists() {
        return out;
    }
    out.found = true;
    let Some(text) = read_text(&file, &mut out.problems) else {
        return out;
    };
    let json: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            out.problems
                .push(format!("{} is not valid JSON: {e}", file.display()));
            return out;
        }
    };
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |email: &str, kind: Option<String>| {
        let e = email.trim().to_lowercase();
        if !crate::profiles::looks_like_email(&e) || e.ends_with("@shadow.outlook.com") {
            return;
        }
        match found.iter_mut().find(|(x, _)| *x == e) {
            Some(slot) => {
                if slot.1.is_none() {
                    slot.1 = kind;
                }
            }
            None => found.push((e, kind)),
        }
    };
    if let Some(map) = json
        .pointer("/Identities/IdentityMap")
        .and_then(Value::as_object)
    {
        for email in map.keys() {
            push(email, None);
        }
    }
    // Depth-first over the whole document for objects with an `emailAddress`.
    let mut stack = vec![&json];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(e) = o.get("emailAddress").and_then(Value::as_str) {
                    push(
                        e,
                        o.get("accountType")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    );
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out.accounts = found
        .into_iter()
        .map(|(email, kind)| OtherAccount {
            client: ClientKind::NewOutlook,
            email: Some(email),
            host: None,
            source: file.display().to_string(),
            profile: None,
            account_type: kind,
            imap_connections: None,
            notes: Vec::new(),
        })
        .collect();
    out
}
