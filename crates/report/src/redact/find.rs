//! Finding what to redact in free text: addresses, IP addresses, home folders; and the
//! tests of what stays (public mail domains and servers, profile names Outlook gives).

// The parent's imports and the siblings' items: one redaction module, split by concern.
#[allow(unused_imports)]
use super::*;

/// `outlook`, `outlook - copy`, `outlook (2)`, `default outlook profile`: what Outlook and
/// Windows name profiles by themselves.
pub(super) fn is_generic_profile(lower: &str) -> bool {
    let rest = lower
        .strip_prefix("default outlook profile")
        .or_else(|| lower.strip_prefix("outlook"))
        .or_else(|| lower.strip_prefix("default"));
    rest.is_some_and(|r| {
        r.replace("copy", "")
            .replace("profile", "")
            .chars()
            .all(|c| c.is_ascii_digit() || " -_()".contains(c))
    })
}

/// A mail domain of a public provider (`outlook.com`, `hotmail.co.uk`): kept in pseudonyms,
/// since it says nothing about the person. Public for the fuzz target's oracle.
pub fn is_public_domain(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    PUBLIC_MAIL_DOMAINS.contains(&d.as_str())
        || PUBLIC_MAIL_PREFIXES
            .iter()
            .any(|p| d.strip_prefix(p).is_some_and(is_country_suffix))
}

/// `com`, `fr`, `co.uk`, `com.au`: a country or generic suffix, not a company's domain.
pub(super) fn is_country_suffix(rest: &str) -> bool {
    let labels: Vec<&str> = rest.split('.').collect();
    labels.len() <= 2
        && labels
            .iter()
            .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
}

pub(super) fn is_public_server(host: &str) -> bool {
    PUBLIC_SERVER_SUFFIXES
        .iter()
        .any(|s| host == *s || host.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')))
}

pub(super) fn is_local_part_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

pub(super) fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// Byte spans of email-shaped text: `local@domain.tld`.
pub(crate) fn find_emails(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (at, _) in text.match_indices('@') {
        if out.last().is_some_and(|&(_, end)| at < end) {
            continue;
        }
        let mut start = at;
        for (i, c) in text[..at].char_indices().rev() {
            if !is_local_part_char(c) {
                break;
            }
            start = i;
        }
        // An address starts with a letter, digit or underscore (not a quote or a dot).
        while let Some(c) = text[start..at].chars().next() {
            if c.is_alphanumeric() || c == '_' {
                break;
            }
            start += c.len_utf8();
        }
        let mut end = at + 1;
        for (i, c) in text[at + 1..].char_indices() {
            if !is_domain_char(c) {
                break;
            }
            end = at + 1 + i + c.len_utf8();
        }
        while text[..end].ends_with(['.', '-']) && end > at + 1 {
            end -= 1;
        }
        if start == at || !valid_domain(&text[at + 1..end]) {
            continue;
        }
        if out.last().is_some_and(|&(_, e)| start < e) {
            continue;
        }
        out.push((start, end));
    }
    out
}

pub(super) fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Byte spans of IP addresses with their masked form.
pub(crate) fn find_ips(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        let p = prev;
        prev = Some(c);
        if i < skip_to || p.is_some_and(|p| p.is_alphanumeric() || p == '.' || p == ':') {
            continue;
        }
        if c.is_ascii_hexdigit() || c == ':' {
            let run_end = i + text[i..]
                .find(|ch: char| !(ch.is_ascii_hexdigit() || ch == ':' || ch == '.'))
                .unwrap_or(text.len() - i);
            let run = &text[i..run_end];
            if run.matches(':').count() >= 2 {
                let trimmed = run.trim_end_matches(['.', ':']);
                let parsed = run
                    .parse::<Ipv6Addr>()
                    .map(|a| (a, run.len()))
                    .or_else(|_| trimmed.parse::<Ipv6Addr>().map(|a| (a, trimmed.len())));
                if let Ok((addr, len)) = parsed {
                    let next = text[i + len..].chars().next();
                    if !next.is_some_and(char::is_alphanumeric) {
                        if let Some(masked) = mask_v6(addr) {
                            out.push((i, i + len, masked));
                        }
                        skip_to = i + len;
                        continue;
                    }
                }
            }
        }
        if c.is_ascii_digit() {
            let run_end = i + text[i..]
                .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                .unwrap_or(text.len() - i);
            let run = text[i..run_end].trim_end_matches('.');
            let next = text[run_end..].chars().next();
            if run_end > i
                && !next.is_some_and(char::is_alphanumeric)
                && let Some(addr) = parse_dotted_quad(run)
            {
                if let Some(masked) = mask_v4(addr) {
                    out.push((i, i + run.len(), masked));
                }
                skip_to = i + run.len();
            }
        }
    }
    out
}

/// `a.b.c.d` with four decimal parts of 1 to 3 digits, each at most 255.
pub(super) fn parse_dotted_quad(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 3) {
        return None;
    }
    s.parse().ok()
}

/// `203.0.x.x`; loopback and "any" addresses say nothing about anyone and are kept.
pub(super) fn mask_v4(a: Ipv4Addr) -> Option<String> {
    if a.is_loopback() || a.is_unspecified() {
        return None;
    }
    let [o1, o2, _, _] = a.octets();
    Some(format!("{o1}.{o2}.x.x"))
}

pub(super) fn mask_v6(a: Ipv6Addr) -> Option<String> {
    if a.is_loopback() || a.is_unspecified() {
        return None;
    }
    if let Some(v4) = a.to_ipv4_mapped() {
        return mask_v4(v4).map(|m| format!("::ffff:{m}"));
    }
    let s = a.segments();
    Some(format!("{:x}:{:x}:\u{2026}", s[0], s[1]))
}

/// Byte spans of the user segment in home-directory paths (`/home/megan/`,
/// `C:\Users\megan\`, `/Users/megan/`).
pub(crate) fn find_home_users(text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for marker in HOME_MARKERS {
        for (pos, _) in lower.match_indices(marker) {
            let start = pos + marker.len();
            let rest = &text[start..];
            let stop = rest
                .find(|c: char| {
                    matches!(
                        c,
                        '/' | '\\' | '"' | '\'' | '<' | '>' | '|' | ':' | ';' | ','
                    ) || c.is_control()
                })
                .unwrap_or(rest.len());
            let hit_separator = rest[stop..].starts_with(['/', '\\']);
            let mut segment = &rest[..stop];
            if !hit_separator && let Some(ws) = segment.find(char::is_whitespace) {
                segment = &segment[..ws];
            }
            let segment = segment.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
            let lower_seg = segment.to_lowercase();
            if segment.is_empty() || GENERIC_OS_USERS.contains(&lower_seg.as_str()) {
                continue;
            }
            out.push((start, start + segment.len()));
        }
    }
    out.sort_unstable();
    out
}
