//! Thunderbird: `profiles.ini` lists profiles; each profile's `prefs.js` has the servers
//! (`mail.server.serverN.hostname/.userName/.type`) and identities (`useremail`), and its
//! optional `user.js` overrides them (Thunderbird applies `user.js` over `prefs.js` at each
//! start). For IMAP servers the connection cap `max_cached_connections` is read the way
//! Thunderbird reads it (see [`ImapConnectionSetting`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ClientScan, parse_ini, read_text};
use crate::report::{ClientKind, ImapConnectionSetting, OtherAccount};

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

/// Thunderbird's IMAP and POP accounts under `home` (`profiles.ini` and each `prefs.js`).
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
            let prefs_js = parse_prefs_checked(&js);
            notes.extend(skipped_notes(&prefs, &prefs_js.skipped));
            // user.js is optional; Thunderbird copies it over prefs.js at every start, so
            // whatever it sets wins.
            let user_path = path.join(USER_JS);
            let user_js = if user_path.exists() {
                read_text(&user_path, &mut notes).map(|t| parse_prefs_checked(&t))
            } else {
                None
            };
            if let Some(u) = &user_js {
                notes.extend(skipped_notes(&user_path, &u.skipped));
            }
            let merged = Merged::new(&prefs_js, user_js.as_ref());
            let mut accounts = accounts_from_prefs(&merged, &prefs, &path, &name);
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

/// The file whose `user_pref` lines Thunderbird applies over `prefs.js` at each start.
pub const USER_JS: &str = "user.js";

/// Thunderbird's built-in `mail.server.default.max_cached_connections` (mailnews.js).
pub const DEFAULT_MAX_CACHED_CONNECTIONS: u32 = 5;

/// The per-server preference that caps an IMAP account's connections.
pub fn max_connections_pref(server_key: &str) -> String {
    format!("mail.server.{server_key}.max_cached_connections")
}

/// At most this many skipped lines are named per file; the rest are counted.
const MAX_SKIPPED_NOTES: usize = 3;

fn skipped_notes(file: &Path, skipped: &[SkippedPref]) -> Vec<String> {
    let mut out: Vec<String> = skipped
        .iter()
        .take(MAX_SKIPPED_NOTES)
        .map(|s| format!("{} line {}: skipped, {}", file.display(), s.line, s.reason))
        .collect();
    if skipped.len() > MAX_SKIPPED_NOTES {
        out.push(format!(
            "{}: {} more lines skipped",
            file.display(),
            skipped.len() - MAX_SKIPPED_NOTES
        ));
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

/// One `user_pref` value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefValue {
    /// Strings unescaped; numbers and booleans verbatim.
    pub text: String,
    /// Written as a JavaScript string (`"5"` is a string for Thunderbird, not a number).
    pub quoted: bool,
    /// 1-based line number.
    pub line: usize,
}

/// A line that looked like a preference but could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedPref {
    /// The line number in `prefs.js`, from 1.
    pub line: usize,
    /// Why it was not read.
    pub reason: String,
}

/// A parsed `prefs.js` or `user.js`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefs {
    /// Key -> value; a key set twice keeps the last line, as Thunderbird does.
    pub values: HashMap<String, PrefValue>,
    /// The lines that could not be read, with why.
    pub skipped: Vec<SkippedPref>,
}

/// `user_pref("key", value);` lines -> key -> value (strings unescaped, others verbatim).
pub fn parse_prefs(js: &str) -> HashMap<String, String> {
    parse_prefs_checked(js)
        .values
        .into_iter()
        .map(|(k, v)| (k, v.text))
        .collect()
}

/// Reads every `user_pref("key", value);` line. Comments and blank lines are ignored;
/// any other line is skipped with the reason, never guessed at (a value Thunderbird would
/// not read must not decide what the app reports).
pub fn parse_prefs_checked(js: &str) -> Prefs {
    let mut out = Prefs::default();
    let mut in_block_comment = false;
    for (i, raw) in js.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if in_block_comment {
            if line.contains("*/") {
                in_block_comment = false;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            continue;
        }
        if line.starts_with("/*") {
            in_block_comment = !line.contains("*/");
            continue;
        }
        let mut skip = |reason: &str| {
            out.skipped.push(SkippedPref {
                line: line_no,
                reason: reason.to_owned(),
            })
        };
        let Some(rest) = line.strip_prefix("user_pref(") else {
            if line.starts_with("pref(") || line.starts_with("sticky_pref(") {
                skip("only user_pref(...) lines are read");
            } else {
                skip("not a user_pref(\"name\", value); line");
            }
            continue;
        };
        let Some((key, rest)) = js_string(rest.trim_start()) else {
            skip("the preference name is not a complete \"quoted\" string");
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(',') else {
            skip("no comma after the preference name");
            continue;
        };
        let rest = rest.trim_start();
        let (text, quoted, tail) = if rest.starts_with('"') {
            match js_string(rest) {
                Some((v, tail)) => (v, true, tail),
                None => {
                    skip("the value is an unterminated string");
                    continue;
                }
            }
        } else {
            match rest.find(')') {
                Some(end) => (rest[..end].trim().to_owned(), false, &rest[end..]),
                None => {
                    skip("no closing parenthesis");
                    continue;
                }
            }
        };
        if !quoted && text.is_empty() {
            skip("the value is empty");
            continue;
        }
        let tail = tail.trim_start();
        let Some(after) = tail.strip_prefix(')') else {
            skip("no closing parenthesis after the value");
            continue;
        };
        let after = after.trim_start().trim_start_matches(';').trim_start();
        if !after.is_empty() && !after.starts_with("//") && !after.starts_with("/*") {
            skip("unexpected text after the closing parenthesis");
            continue;
        }
        out.values.insert(
            key,
            PrefValue {
                text,
                quoted,
                line: line_no,
            },
        );
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

/// The connection cap of `server_key` in effect with these files, as (value, `user.js` /
/// `prefs.js` / `default`, the deciding preference, notes on odd values): what a repair
/// reads right before it changes the setting.
pub fn effective_max_connections(
    prefs: &Prefs,
    user: Option<&Prefs>,
    server_key: &str,
) -> (u32, String, Option<String>, Vec<String>) {
    let mut notes = Vec::new();
    let (n, from, pref) = Merged::new(prefs, user).max_connections(server_key, &mut notes);
    (n, from, pref, notes)
}

/// A server's preference (`hostname`, `type`, `userName`) with `user.js` over `prefs.js`.
pub fn server_pref(
    prefs: &Prefs,
    user: Option<&Prefs>,
    server_key: &str,
    field: &str,
) -> Option<String> {
    Merged::new(prefs, user)
        .text(&format!("mail.server.{server_key}.{field}"))
        .map(str::to_owned)
}

/// Which file a merged preference came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    PrefsJs,
    UserJs,
}

impl Origin {
    fn file(self) -> &'static str {
        match self {
            Self::PrefsJs => "prefs.js",
            Self::UserJs => USER_JS,
        }
    }
}

/// `prefs.js` with `user.js` applied over it, as Thunderbird sees its preferences.
struct Merged<'a> {
    values: HashMap<&'a str, (&'a PrefValue, Origin)>,
}

impl<'a> Merged<'a> {
    fn new(prefs: &'a Prefs, user: Option<&'a Prefs>) -> Self {
        let mut values = HashMap::new();
        for (k, v) in &prefs.values {
            values.insert(k.as_str(), (v, Origin::PrefsJs));
        }
        for (k, v) in user.map(|u| &u.values).into_iter().flatten() {
            values.insert(k.as_str(), (v, Origin::UserJs));
        }
        Self { values }
    }

    fn text(&self, key: &str) -> Option<&'a str> {
        self.values.get(key).map(|(v, _)| v.text.as_str())
    }

    /// Thunderbird's `GetMaximumConnectionsNumber`: the server's own setting, else
    /// `mail.server.default`'s, else 5; a value that is not a number (a string, `"3"`
    /// included) reads as 5, 0 as 5, a negative number as 1.
    fn max_connections(
        &self,
        server_key: &str,
        notes: &mut Vec<String>,
    ) -> (u32, String, Option<String>) {
        let own = max_connections_pref(server_key);
        let fallback = "mail.server.default.max_cached_connections".to_owned();
        for key in [own, fallback] {
            let Some((v, origin)) = self.values.get(key.as_str()) else {
                continue;
            };
            let parsed = if v.quoted {
                None
            } else {
                v.text.parse::<i64>().ok()
            };
            let n = match parsed {
                Some(n) if n > 0 => u32::try_from(n).unwrap_or(u32::MAX),
                Some(0) => {
                    notes.push(format!(
                        "{} line {}: {key} is 0, which Thunderbird reads as {DEFAULT_MAX_CACHED_CONNECTIONS}",
                        origin.file(),
                        v.line
                    ));
                    DEFAULT_MAX_CACHED_CONNECTIONS
                }
                Some(_) => {
                    notes.push(format!(
                        "{} line {}: {key} is negative, which Thunderbird reads as 1",
                        origin.file(),
                        v.line
                    ));
                    1
                }
                None => {
                    notes.push(format!(
                        "{} line {}: {key} = {:?} is not a whole number, so Thunderbird uses {DEFAULT_MAX_CACHED_CONNECTIONS}",
                        origin.file(),
                        v.line,
                        v.text
                    ));
                    DEFAULT_MAX_CACHED_CONNECTIONS
                }
            };
            return (n, origin.file().to_owned(), Some(key));
        }
        (DEFAULT_MAX_CACHED_CONNECTIONS, "default".to_owned(), None)
    }
}

fn accounts_from_prefs(
    p: &Merged,
    prefs: &Path,
    profile_dir: &Path,
    profile: &str,
) -> Vec<OtherAccount> {
    // server id -> identity email, through mail.account.X.server / .identities.
    let mut email_of_server: HashMap<String, String> = HashMap::new();
    for (k, (server, _)) in &p.values {
        let Some(acc) = k
            .strip_prefix("mail.account.")
            .and_then(|r| r.strip_suffix(".server"))
        else {
            continue;
        };
        let first_id = p
            .text(&format!("mail.account.{acc}.identities"))
            .and_then(|ids| ids.split(',').next().map(|s| s.trim().to_owned()));
        if let Some(email) =
            first_id.and_then(|id| p.text(&format!("mail.identity.{id}.useremail")))
        {
            email_of_server.insert(server.text.clone(), email.to_owned());
        }
    }
    let mut servers: Vec<&str> = p
        .values
        .keys()
        .filter_map(|k| {
            k.strip_prefix("mail.server.")
                .and_then(|r| r.strip_suffix(".hostname"))
        })
        .filter(|id| *id != "default")
        .collect();
    servers.sort_unstable();
    servers
        .into_iter()
        .filter_map(|id| {
            let get = |f: &str| p.text(&format!("mail.server.{id}.{f}")).map(str::to_owned);
            let kind = get("type");
            if kind.as_deref().is_some_and(|t| NOT_ACCOUNTS.contains(&t)) {
                return None;
            }
            let user = get("userName");
            let email = email_of_server
                .get(id)
                .cloned()
                .or_else(|| user.filter(|u| crate::profiles::looks_like_email(u)));
            // Only IMAP accounts keep a pool of connections; POP opens one at a time.
            let mut notes = Vec::new();
            let imap_connections = (kind.as_deref() == Some("imap")).then(|| {
                let (max_connections, from, pref) = p.max_connections(id, &mut notes);
                ImapConnectionSetting {
                    server_key: id.to_owned(),
                    profile_dir: profile_dir.display().to_string(),
                    max_connections,
                    from,
                    pref,
                }
            });
            Some(OtherAccount {
                client: ClientKind::Thunderbird,
                email,
                host: get("hostname"),
                source: prefs.display().to_string(),
                profile: Some(profile.to_owned()),
                account_type: kind,
                imap_connections,
                notes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// A home with one Thunderbird profile `p` holding `prefs` (and `user`, when given).
    fn home_with(prefs: &str, user: Option<&str>) -> tempfile::TempDir {
        let home = tempfile::tempdir().expect("tmp");
        let tb = home.path().join(".thunderbird");
        write(
            &tb.join("profiles.ini"),
            "[Profile0]\nName=main\nIsRelative=1\nPath=p\nDefault=1\n",
        );
        write(&tb.join("p").join("prefs.js"), prefs);
        if let Some(u) = user {
            write(&tb.join("p").join(USER_JS), u);
        }
        home
    }

    fn imap_server(id: &str) -> String {
        format!(
            "user_pref(\"mail.server.{id}.hostname\", \"outlook.office365.com\");\n\
             user_pref(\"mail.server.{id}.type\", \"imap\");\n\
             user_pref(\"mail.server.{id}.userName\", \"ann@contoso.com\");\n"
        )
    }

    fn setting<'a>(scan: &'a ClientScan, id: &str) -> &'a ImapConnectionSetting {
        scan.accounts
            .iter()
            .filter_map(|a| a.imap_connections.as_ref())
            .find(|s| s.server_key == id)
            .expect("an IMAP setting")
    }

    #[test]
    fn user_js_overrides_prefs_js_and_the_default_applies_when_neither_sets_it() {
        let prefs = format!(
            "// Mozilla User Preferences\n/* Do not edit this file.\n * It is rewritten.\n */\n\
             {}{}{}\
             user_pref(\"mail.server.server1.max_cached_connections\", 4);\n\
             user_pref(\"mail.server.server2.max_cached_connections\", 3);\n",
            imap_server("server1"),
            imap_server("server2"),
            imap_server("server3"),
        );
        let user = "// mine\nuser_pref(\"mail.server.server1.max_cached_connections\", 2);\n";
        let home = home_with(&prefs, Some(user));
        let got = scan(home.path());
        assert_eq!(got.accounts.len(), 3, "{got:#?}");
        let one = setting(&got, "server1");
        assert_eq!((one.max_connections, one.from.as_str()), (2, "user.js"));
        assert_eq!(
            one.pref.as_deref(),
            Some("mail.server.server1.max_cached_connections")
        );
        assert!(one.profile_dir.ends_with('p'), "{one:?}");
        let two = setting(&got, "server2");
        assert_eq!((two.max_connections, two.from.as_str()), (3, "prefs.js"));
        let three = setting(&got, "server3");
        assert_eq!(
            (
                three.max_connections,
                three.from.as_str(),
                three.pref.as_deref()
            ),
            (5, "default", None)
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert!(got.accounts.iter().all(|a| a.notes.is_empty()), "{got:#?}");
    }

    #[test]
    fn mail_server_default_is_the_fallback_and_user_js_wins_there_too() {
        let prefs = format!(
            "{}user_pref(\"mail.server.default.max_cached_connections\", 8);\n",
            imap_server("server1")
        );
        let got = scan(home_with(&prefs, None).path());
        let s = setting(&got, "server1");
        assert_eq!((s.max_connections, s.from.as_str()), (8, "prefs.js"));
        let user = "user_pref(\"mail.server.default.max_cached_connections\", 1);\n";
        let got = scan(home_with(&prefs, Some(user)).path());
        let s = setting(&got, "server1");
        assert_eq!(
            (s.max_connections, s.from.as_str(), s.pref.as_deref()),
            (
                1,
                "user.js",
                Some("mail.server.default.max_cached_connections")
            )
        );
        // `mail.server.default` itself is not an account.
        assert_eq!(got.accounts.len(), 1);
    }

    #[test]
    fn values_thunderbird_would_not_read_as_numbers_are_read_as_it_does() {
        for (value, expected) in [("\"3\"", 5), ("abc", 5), ("0", 5), ("-2", 1), ("true", 5)] {
            let prefs = format!(
                "{}user_pref(\"mail.server.server1.max_cached_connections\", {value});\n",
                imap_server("server1")
            );
            let got = scan(home_with(&prefs, None).path());
            let a = &got.accounts[0];
            let s = a.imap_connections.as_ref().expect("imap");
            assert_eq!(s.max_connections, expected, "{value}");
            assert!(
                a.notes.iter().any(|n| n.contains("max_cached_connections")),
                "{value}: {:?}",
                a.notes
            );
        }
    }

    #[test]
    fn bad_lines_are_skipped_with_a_reason() {
        let js = "user_pref(\"a.b\", 1);\n\
                  user_pref(\"unterminated, 1);\n\
                  user_pref(\"c.d\" 1);\n\
                  user_pref(\"e.f\", \"open);\n\
                  user_pref(\"g.h\", 3;\n\
                  user_pref(\"i.j\", 4); alert(1)\n\
                  pref(\"k.l\", 5);\n\
                  var x = 1;\n\
                  user_pref(\"m.n\", );\n\
                  user_pref(\"o.p\", \"ok\"); // trailing comment\n\
                  user_pref(\"a.b\", 2);\n";
        let p = parse_prefs_checked(js);
        let lines: Vec<usize> = p.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8, 9], "{:#?}", p.skipped);
        assert!(p.skipped.iter().all(|s| !s.reason.is_empty()));
        assert_eq!(p.values.len(), 2, "{:?}", p.values);
        // The last line that sets a key wins, as in Thunderbird.
        assert_eq!(p.values["a.b"].text, "2");
        assert_eq!(p.values["a.b"].line, 11);
        assert!(p.values["o.p"].quoted);
        // The scan names skipped lines in the account's notes.
        let prefs = format!("{}garbage here\n", imap_server("server1"));
        let got = scan(home_with(&prefs, Some("user_pref(broken\n")).path());
        let notes = &got.accounts[0].notes;
        assert!(
            notes.iter().any(|n| n.contains("prefs.js line 4: skipped")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("user.js line 1: skipped")),
            "{notes:?}"
        );
    }

    #[test]
    fn never_panics_on_any_prefix_of_odd_input() {
        let odd = "user_pref(\"\\u{e9}\\\\\", \"\\\"é\u{feff}\"); /* x\nuser_pref(\"a\", 1)) ;;\n\u{0}\r\n*/ user_pref(";
        for end in (0..=odd.len()).filter(|i| odd.is_char_boundary(*i)) {
            let _ = parse_prefs_checked(&odd[..end]);
        }
    }
}
