//! Personal data out, consistent pseudonyms in.
//!
//! A [`Redactor`] first learns the identifiers the input names outright (the account, mail
//! addresses, display names, device and computer names, OS user names, directory ids,
//! mail servers), then rewrites text. Every string is rewritten in one left-to-right pass
//! over the original text, where three kinds of match compete:
//!
//! 1. known addresses (longest first), so a known mailbox keeps its pseudonym even where
//!    more text follows it (`megan@contoso.example.ost`);
//! 2. patterns found by hand-written scanners: any email-shaped text, IPv4 and IPv6
//!    addresses, the user segment of home-directory paths, bare GUIDs (tenant and directory
//!    object ids), the server and share of UNC paths, and computer names Windows generated
//!    (`DESKTOP-1A2B3C4`), in paths or not (see [`paths`]);
//! 3. other known names (person names and their parts, devices, servers, ids), longest
//!    first, on word boundaries and ASCII-case-insensitively.
//!
//! The same identifier always gets the same pseudonym: `user-N@domain-M` (same domain, same
//! `M`; well-known public mail domains such as `outlook.com` are kept, as they say nothing
//! about the person), `device-N`, `person-N`, `user-N` for OS accounts (numbered with the
//! mailboxes, so `user-2` is never also a mailbox's `user-2@...`), `server-N`, `id-N`,
//! `share-N` for UNC shares, `profile-N` for Outlook profiles named after someone
//! (generic names such as `Outlook` or `Outlook - Copy` are kept).
//! IPv4 addresses keep their first two octets (`203.0.x.x`), IPv6 their first two groups.

use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Value;

use crate::input::ReportInput;
use crate::model::Report;

mod find;
mod paths;
mod words;

pub use find::is_public_domain;
use find::*;
use paths::{UncPart, find_generated_computer_names, find_guids, find_unc};
use words::*;

/// Priority of a match when several start at the same place (lower wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    KnownAddress,
    Pattern,
    Name,
}

/// What replaces a match, computed only for matches that are kept.
#[derive(Debug, Clone)]
enum Replacement {
    Fixed(String),
    Email,
    OsUser,
    /// A GUID: `id-N`, the number of [`Redactor::add_id`].
    Id,
    /// A UNC server: a known name's pseudonym, else `server-N`.
    Server,
    Share,
    /// A generated computer name: `device-N`, the number of [`Redactor::add_device`].
    Device,
}

#[derive(Debug, Clone)]
struct Span {
    start: usize,
    end: usize,
    class: Class,
    replacement: Replacement,
}

/// Consistent pseudonyms for the identifiers of one report.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// `mail:<address>` and `os:<name>` -> N of `user-N` (one numbering for both).
    users: HashMap<String, u32>,
    domains: HashMap<String, u32>,
    devices: HashMap<String, u32>,
    persons: HashMap<String, u32>,
    servers: HashMap<String, u32>,
    ids: HashMap<String, u32>,
    shares: HashMap<String, u32>,
    profiles: HashMap<String, u32>,
    /// ASCII-lower-cased known text -> its replacement.
    needles: HashMap<String, (String, Class)>,
    /// Distinct needle lengths in bytes.
    lengths: BTreeSet<usize>,
    /// First bytes of needles, to skip most positions at once.
    first_bytes: Vec<bool>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// A redactor that knows no identifier yet (patterns are still found).
    pub fn new() -> Self {
        Self {
            users: HashMap::new(),
            domains: HashMap::new(),
            devices: HashMap::new(),
            persons: HashMap::new(),
            servers: HashMap::new(),
            ids: HashMap::new(),
            shares: HashMap::new(),
            profiles: HashMap::new(),
            needles: HashMap::new(),
            lengths: BTreeSet::new(),
            first_bytes: vec![false; 256],
        }
    }

    /// A redactor that knows every identifier the input names in its structured fields.
    /// The report's account comes first, so it is always `user-1@domain-1`. Free text
    /// is searched for addresses and home directories when it is redacted.
    pub fn for_input(input: &ReportInput) -> Self {
        let mut r = Self::new();
        let cloud = input.cloud.as_ref();
        for upn in [
            input.account.as_deref(),
            cloud.and_then(|c| c.target.as_deref()),
            cloud.map(|c| c.account.upn.as_str()),
        ]
        .into_iter()
        .flatten()
        {
            r.add_email(upn);
        }
        // OS accounts before person names: a login `megan` stays `user-N` wherever it is.
        if let Some(u) = &input.os_user {
            r.add_os_user(u);
        }
        if let Some(scan) = &input.scan {
            for p in &scan.processes {
                if let Some(u) = &p.user {
                    r.add_os_user(u);
                }
            }
            // Users of the PC's other Windows sessions are named in their finding's evidence.
            for s in &scan.windows_sessions {
                r.add_os_user(&s.account());
            }
        }
        if let Some(name) = cloud.and_then(|c| c.account.display_name.as_deref()) {
            r.add_person(name);
        }
        if let Some(scan) = &input.scan {
            for p in &scan.profiles {
                r.add_profile(&p.name);
            }
            for p in &scan.profiles {
                for a in &p.accounts {
                    if let Some(e) = &a.email {
                        r.add_email(e);
                    }
                    if let Some(n) = &a.display_name {
                        r.add_person(n);
                    }
                    if let Some(n) = a.account_name.as_deref().filter(|n| n.contains('@')) {
                        r.add_email(n);
                    }
                }
                for m in &p.mailboxes {
                    r.add_email(m);
                }
            }
            for a in &scan.accounts {
                if let Some(e) = &a.email {
                    r.add_email(e);
                }
                if let Some(h) = &a.host {
                    r.add_server(h);
                }
            }
        }
        if let Some(h) = &input.host_name {
            r.add_device(h);
        }
        if let Some(c) = cloud {
            for d in &c.devices {
                if let Some(n) = &d.display_name {
                    r.add_device(n);
                }
                r.add_id(&d.id);
            }
            for s in &c.sign_ins {
                if let Some(n) = &s.device {
                    r.add_device(n);
                }
            }
            for id in [c.account.id.as_deref(), c.account.tenant_id.as_deref()]
                .into_iter()
                .flatten()
            {
                r.add_id(id);
            }
        }
        r
    }

    /// Learns an email address; returns its pseudonym. Text without `@` is ignored.
    pub fn add_email(&mut self, email: &str) -> Option<String> {
        let email = email.trim();
        let (local, domain) = email.rsplit_once('@')?;
        if local.is_empty() || domain.is_empty() {
            return None;
        }
        let pseudonym = self.email_pseudonym(email);
        self.add_needle(email, &pseudonym, Class::KnownAddress);
        self.add_needle(
            &email.replace('@', "%40"),
            &pseudonym.replace('@', "%40"),
            Class::KnownAddress,
        );
        if email.contains('\'') {
            // As it appears inside a single-quoted PowerShell string.
            self.add_needle(&email.replace('\'', "''"), &pseudonym, Class::KnownAddress);
        }
        let domain = domain.to_ascii_lowercase();
        if !is_public_domain(&domain) {
            let d = format!("domain-{}", number(&mut self.domains, &domain));
            self.add_needle(&domain, &d, Class::Name);
        }
        Some(pseudonym)
    }

    /// Learns a person's display name: the whole name and its parts become `person-N`.
    pub fn add_person(&mut self, name: &str) {
        let name = collapse_spaces(name);
        if name.contains('@') {
            self.add_email(&name);
            return;
        }
        if name.chars().count() < 3 {
            return;
        }
        let n = number(&mut self.persons, &name.to_ascii_lowercase());
        let pseudonym = format!("person-{n}");
        self.add_needle(&name, &pseudonym, Class::Name);
        for part in name.split(|c: char| c.is_whitespace() || c == ',') {
            let part = part.trim_matches(|c: char| !c.is_alphanumeric());
            let lower = part.to_lowercase();
            if part.chars().count() >= 3
                && part.chars().next().is_some_and(char::is_alphabetic)
                && !NAME_STOPWORDS.contains(&lower.as_str())
            {
                self.add_needle(part, &pseudonym, Class::Name);
            }
        }
    }

    /// Learns a device or computer name (`device-N`); product names alone are skipped.
    pub fn add_device(&mut self, name: &str) {
        let name = collapse_spaces(name);
        let lower = name.to_ascii_lowercase();
        if name.chars().count() < 3 || GENERIC_DEVICES.contains(&lower.as_str()) {
            return;
        }
        let n = number(&mut self.devices, &lower);
        self.add_needle(&name, &format!("device-{n}"), Class::Name);
    }

    /// Learns an OS account (`megan`, `CONTOSO\megan`, or a SID): `user-N`, the domain
    /// part `domain-M`, a SID `id-N`.
    pub fn add_os_user(&mut self, name: &str) {
        let name = name.trim();
        if name
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("S-1-"))
        {
            self.add_id(name);
            return;
        }
        let (domain, user) = match name.rsplit_once('\\') {
            Some((d, u)) => (Some(d), u),
            None => (None, name),
        };
        if let Some(d) = domain.map(str::to_ascii_lowercase).filter(|d| {
            d.len() >= 3 && !matches!(d.as_str(), "nt authority" | "builtin" | "workgroup")
        }) {
            let m = format!("domain-{}", number(&mut self.domains, &d));
            self.add_needle(&d, &m, Class::Name);
        }
        if let Some(pseudonym) = self.os_user_pseudonym(user) {
            self.add_needle(user, &pseudonym, Class::Name);
        }
    }

    /// Learns a mail server name (`server-N`); public providers' servers are kept.
    pub fn add_server(&mut self, host: &str) {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.len() < 3 || is_public_server(&host) || host.parse::<std::net::IpAddr>().is_ok() {
            return;
        }
        let n = number(&mut self.servers, &host);
        self.add_needle(&host, &format!("server-{n}"), Class::Name);
    }

    /// Learns an Outlook profile name (`profile-N`, also as written in a fix id with `%20`);
    /// an address becomes a mailbox pseudonym, and generic names (`Outlook`, `Outlook - Copy`,
    /// `Outlook (2)`, one of the report's own words) are kept.
    pub fn add_profile(&mut self, name: &str) {
        let name = collapse_spaces(name);
        if name.contains('@') {
            self.add_email(&name);
            return;
        }
        let lower = name.to_ascii_lowercase();
        if name.chars().count() < 3
            || NAME_STOPWORDS.contains(&lower.as_str())
            || is_generic_profile(&lower)
        {
            return;
        }
        let pseudonym = format!("profile-{}", number(&mut self.profiles, &lower));
        self.add_needle(&name, &pseudonym, Class::Name);
        if name.contains(' ') {
            self.add_needle(&name.replace(' ', "%20"), &pseudonym, Class::Name);
        }
    }

    /// Learns an opaque identifier (directory object id, tenant id, SID): `id-N`.
    pub fn add_id(&mut self, id: &str) {
        let id = id.trim();
        if id.len() < 8 {
            return;
        }
        let n = number(&mut self.ids, &id.to_ascii_lowercase());
        self.add_needle(id, &format!("id-{n}"), Class::Name);
    }

    /// Rewrites one text.
    pub fn redact(&mut self, text: &str) -> String {
        let mut spans = Vec::new();
        self.find_needles(text, &mut spans);
        for (start, end) in find_emails(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: Replacement::Email,
            });
        }
        for (start, end, masked) in find_ips(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: Replacement::Fixed(masked),
            });
        }
        for (start, end) in find_home_users(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: Replacement::OsUser,
            });
        }
        for (start, end) in find_guids(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: Replacement::Id,
            });
        }
        for (start, end, part) in find_unc(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: match part {
                    UncPart::Server => Replacement::Server,
                    UncPart::Share => Replacement::Share,
                },
            });
        }
        for (start, end) in find_generated_computer_names(text) {
            spans.push(Span {
                start,
                end,
                class: Class::Pattern,
                replacement: Replacement::Device,
            });
        }
        if spans.is_empty() {
            return text.to_owned();
        }
        spans.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(a.class.cmp(&b.class))
                .then(b.end.cmp(&a.end))
        });
        let mut out = String::with_capacity(text.len());
        let mut cursor = 0;
        for s in spans {
            if s.start < cursor {
                continue;
            }
            let found = &text[s.start..s.end];
            let replacement = match s.replacement {
                Replacement::Fixed(r) => r,
                Replacement::Email => self.email_pseudonym(found),
                Replacement::OsUser => self
                    .os_user_pseudonym(found)
                    .unwrap_or_else(|| found.to_owned()),
                Replacement::Id => self.known(found).unwrap_or_else(|| {
                    format!("id-{}", number(&mut self.ids, &found.to_ascii_lowercase()))
                }),
                Replacement::Server => self.known(found).unwrap_or_else(|| {
                    let host = found.trim_end_matches('.').to_ascii_lowercase();
                    format!("server-{}", number(&mut self.servers, &host))
                }),
                Replacement::Share => {
                    format!("share-{}", number(&mut self.shares, &found.to_lowercase()))
                }
                Replacement::Device => self.known(found).unwrap_or_else(|| {
                    let n = number(&mut self.devices, &found.to_ascii_lowercase());
                    format!("device-{n}")
                }),
            };
            out.push_str(&text[cursor..s.start]);
            out.push_str(&replacement);
            cursor = s.end;
        }
        out.push_str(&text[cursor..]);
        out
    }

    /// Rewrites every string of a JSON value (object keys are the model's, not data).
    /// Addresses and home directories found in it are learned first, in document order,
    /// so their numbers do not depend on where they happen to appear first.
    pub fn redact_value(&mut self, value: &mut Value) {
        self.discover(value);
        self.rewrite(value);
    }

    fn rewrite(&mut self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.redact(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.rewrite(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.rewrite(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Rewrites every string of a report, whatever field it is in. Should the model ever
    /// not survive the trip through JSON, nothing of it is returned rather than a report
    /// that was not redacted.
    pub fn redact_report(&mut self, report: Report) -> Report {
        let Ok(mut value) = serde_json::to_value(&report) else {
            return Report::withheld(&report);
        };
        self.redact_value(&mut value);
        match serde_json::from_value::<Report>(value) {
            Ok(mut r) => {
                r.redacted = true;
                // Not in the JSON the redaction goes through.
                r.lang = report.lang;
                r
            }
            Err(_) => Report::withheld(&report),
        }
    }

    /// Learns addresses and home-directory users found anywhere in a value.
    fn discover(&mut self, value: &Value) {
        match value {
            Value::String(s) => {
                // A known address followed by more text (`megan@contoso.com.ost`) stays
                // that address: only addresses starting elsewhere are new.
                let mut known = Vec::new();
                self.find_needles(s, &mut known);
                for (start, end) in find_emails(s) {
                    if !known
                        .iter()
                        .any(|k| k.start == start && k.class == Class::KnownAddress)
                    {
                        self.add_email(&s[start..end]);
                    }
                }
                for (start, end) in find_home_users(s) {
                    self.add_os_user(&s[start..end]);
                }
                for (start, end) in find_guids(s) {
                    self.add_id(&s[start..end]);
                }
                for (start, end) in find_generated_computer_names(s) {
                    self.add_device(&s[start..end]);
                }
                for (start, end, part) in find_unc(s) {
                    let found = &s[start..end];
                    match part {
                        UncPart::Server if self.known(found).is_none() => {
                            let host = found.trim_end_matches('.').to_ascii_lowercase();
                            number(&mut self.servers, &host);
                        }
                        UncPart::Server => {}
                        UncPart::Share => {
                            number(&mut self.shares, &found.to_lowercase());
                        }
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.discover(v)),
            Value::Object(map) => map.values().for_each(|v| self.discover(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// The pseudonym of a known name, as a whole.
    fn known(&self, text: &str) -> Option<String> {
        self.needles
            .get(&text.trim().to_ascii_lowercase())
            .map(|(r, _)| r.clone())
    }

    fn email_pseudonym(&mut self, email: &str) -> String {
        let key = email.trim().to_ascii_lowercase().replace("''", "'");
        let (_, domain) = key.rsplit_once('@').unwrap_or(("", key.as_str()));
        let domain = domain.to_owned();
        let n = self.user_number(&format!("mail:{key}"));
        if is_public_domain(&domain) {
            format!("user-{n}@{domain}")
        } else {
            format!("user-{n}@domain-{}", number(&mut self.domains, &domain))
        }
    }

    fn os_user_pseudonym(&mut self, user: &str) -> Option<String> {
        let user = user.trim();
        let lower = user.to_lowercase();
        if user.chars().count() < 2 || GENERIC_OS_USERS.contains(&lower.as_str()) {
            return None;
        }
        Some(format!("user-{}", self.user_number(&format!("os:{lower}"))))
    }

    fn user_number(&mut self, key: &str) -> u32 {
        let next = u32::try_from(self.users.len() + 1).unwrap_or(u32::MAX);
        *self.users.entry(key.to_owned()).or_insert(next)
    }

    fn add_needle(&mut self, text: &str, replacement: &str, class: Class) {
        let lower = text.trim().to_ascii_lowercase();
        let Some(&first) = lower.as_bytes().first() else {
            return;
        };
        if self.needles.contains_key(&lower) {
            return;
        }
        self.lengths.insert(lower.len());
        self.first_bytes[usize::from(first)] = true;
        self.needles.insert(lower, (replacement.to_owned(), class));
    }

    fn find_needles(&self, text: &str, spans: &mut Vec<Span>) {
        if self.needles.is_empty() {
            return;
        }
        let lower = text.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            let prev_alnum = prev.is_some_and(char::is_alphanumeric);
            prev = Some(c);
            if !self.first_bytes[usize::from(bytes[i])] {
                continue;
            }
            for &len in self.lengths.iter().rev() {
                let end = i + len;
                if end > bytes.len() || !text.is_char_boundary(end) {
                    continue;
                }
                let Some((replacement, class)) = self.needles.get(&lower[i..end]) else {
                    continue;
                };
                let last = text[i..end].chars().next_back();
                let next = text[end..].chars().next();
                if (c.is_alphanumeric() && prev_alnum)
                    || (last.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric))
                {
                    continue;
                }
                spans.push(Span {
                    start: i,
                    end,
                    class: *class,
                    replacement: Replacement::Fixed(replacement.clone()),
                });
                break;
            }
        }
    }
}

/// The number of `key` in `map`, giving the next one to a new key.
fn number(map: &mut HashMap<String, u32>, key: &str) -> u32 {
    let next = u32::try_from(map.len() + 1).unwrap_or(u32::MAX);
    *map.entry(key.to_owned()).or_insert(next)
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<&str> {
        find_emails(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn finds_email_shaped_text_only() {
        assert_eq!(
            emails("to 'Megan.Bowen@Contoso.example', cc o'brien@x.co.uk."),
            vec!["Megan.Bowen@Contoso.example", "o'brien@x.co.uk"]
        );
        assert_eq!(
            emails("MicrosoftOffice16_Data:SSPI:ann@contoso.com"),
            vec!["ann@contoso.com"]
        );
        assert_eq!(
            emails("/home/a/ImapMail/bob@fabrikam.net/INBOX"),
            vec!["bob@fabrikam.net"]
        );
        assert!(emails("user-1@domain-1, a@b, @x.com, x@.com, x@1.2").is_empty());
        assert_eq!(emails("zoë@exämple.de"), vec!["zoë@exämple.de"]);
    }

    #[test]
    fn masks_ips_but_not_versions_or_times() {
        let mut r = Redactor::new();
        assert_eq!(
            r.redact("from 203.0.113.7:443 and 10.1.2.3."),
            "from 203.0.x.x:443 and 10.1.x.x."
        );
        assert_eq!(
            r.redact("via [2001:db8:85a3::8a2e:370:7334]:443, fe80::1%eth0"),
            "via [2001:db8:\u{2026}]:443, fe80:0:\u{2026}%eth0"
        );
        assert_eq!(r.redact("::ffff:198.51.100.9"), "::ffff:198.51.x.x");
        let keep = "Outlook 16.0.17928.20114 at 2024-05-01T12:30:45.123Z on 127.0.0.1, ::1, scan::run, v1.2.3.4, 1.2.3.4.5, 300.1.1.1";
        assert_eq!(r.redact(keep), keep);
    }

    #[test]
    fn home_directories_become_user_n() {
        let mut r = Redactor::new();
        assert_eq!(
            r.redact("/home/megan/.thunderbird and C:\\Users\\Megan Bowen\\AppData and /Users/megan/Library"),
            "/home/user-1/.thunderbird and C:\\Users\\user-2\\AppData and /Users/user-1/Library"
        );
        assert_eq!(r.redact("C:\\Users\\Public\\x"), "C:\\Users\\Public\\x");
        assert_eq!(
            r.redact("home is /home/megan and more"),
            "home is /home/user-1 and more"
        );
    }

    #[test]
    fn known_names_on_word_boundaries_and_longest_first() {
        let mut r = Redactor::new();
        r.add_email("megan.bowen@contoso.example");
        r.add_person("Megan Bowen");
        r.add_person("Lee Gu");
        r.add_device("Megan's iPhone");
        r.add_device("iPhone");
        let out = r.redact(
            "MEGAN BOWEN (megan.bowen@contoso.example.ost) on Megan's iPhone, an iPhone; Lee went to Leeds with the fleet; contoso.example",
        );
        assert_eq!(
            out,
            "person-1 (user-1@domain-1.ost) on device-1, an iPhone; person-2 went to Leeds with the fleet; domain-1"
        );
        // An unknown address at a known name's place is still an address.
        assert_eq!(r.redact("megan@fabrikam.com"), "user-2@domain-2");
        assert_eq!(r.redact("sam@Hotmail.co.uk"), "user-3@hotmail.co.uk");
        assert_eq!(r.redact("MEGAN@FABRIKAM.COM"), "user-2@domain-2");
    }

    #[test]
    fn os_users_domains_and_ids() {
        let mut r = Redactor::new();
        r.add_os_user("CONTOSO\\megan");
        r.add_os_user("S-1-5-21-1004336348-1177238915-682003330-1001");
        r.add_os_user("root");
        r.add_id("0f5a2c3e-1111-2222-3333-444455556666");
        assert_eq!(
            r.redact("CONTOSO\\megan S-1-5-21-1004336348-1177238915-682003330-1001 root 0F5A2C3E-1111-2222-3333-444455556666"),
            "domain-1\\user-1 id-1 root id-2"
        );
    }

    #[test]
    fn same_identifier_same_pseudonym_across_calls_and_case() {
        let mut r = Redactor::new();
        let a = r.redact("x Lee.Gu@Contoso.example y");
        let b = r.redact("lee.gu@contoso.EXAMPLE");
        assert_eq!(a, "x user-1@domain-1 y");
        assert_eq!(b, "user-1@domain-1");
        assert_eq!(r.redact("ann@contoso.example"), "user-2@domain-1");
    }
}
