//! Scanners for identifiers that have a shape rather than a known value: directory and
//! tenant GUIDs, UNC paths (`\\server\share\...`) and Windows' generated computer names
//! (`DESKTOP-1A2B3C4`) wherever they stand, in paths or in prose.

/// GUIDs that name Microsoft itself, not anyone: the consumer (personal accounts) tenant
/// and the nil id.
const PUBLIC_GUIDS: &[&str] = &[
    "9188040d-6c67-4c5b-b112-36a304b66dad",
    "00000000-0000-0000-0000-000000000000",
];

/// Prefixes Windows Setup gives computers (`DESKTOP-`, `LAPTOP-`, `WIN-` + 7 to 11
/// letters and digits).
const GENERATED_COMPUTER_PREFIXES: &[&str] = &["desktop-", "laptop-", "win-"];

/// Administrative shares that say nothing about anyone (`C$`, `ADMIN$`, `IPC$`).
fn is_admin_share(share: &str) -> bool {
    let lower = share.to_ascii_lowercase();
    matches!(lower.as_str(), "admin$" | "ipc$" | "print$")
        || (lower.len() == 2 && lower.ends_with('$') && lower.as_bytes()[0].is_ascii_alphabetic())
}

/// Byte spans of bare GUIDs (`6f1b0c2d-0000-4d6e-9a1b-3c4d5e6f7a8b`), any case. Braced ones
/// (`{0006F03A-0000-0000-C000-000000000046}`) are COM class ids of programs and add-ins, the
/// same on every computer, and are kept; so are [`PUBLIC_GUIDS`].
pub(crate) fn find_guids(text: &str) -> Vec<(usize, usize)> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 36 <= bytes.len() {
        let prev = i.checked_sub(1).map(|p| bytes[p]);
        if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == b'-') {
            i += 1;
            continue;
        }
        let mut pos = i;
        let mut ok = true;
        for (g, len) in GROUPS.iter().enumerate() {
            if !bytes[pos..pos + len].iter().all(u8::is_ascii_hexdigit) {
                ok = false;
                break;
            }
            pos += len;
            if g < 4 {
                if bytes[pos] != b'-' {
                    ok = false;
                    break;
                }
                pos += 1;
            }
        }
        let next = bytes.get(pos).copied();
        if !ok || next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'-') {
            i += 1;
            continue;
        }
        let braced = prev == Some(b'{') && next == Some(b'}');
        let lower = text[i..pos].to_ascii_lowercase();
        if !braced && !PUBLIC_GUIDS.contains(&lower.as_str()) {
            out.push((i, pos));
        }
        i = pos;
    }
    out
}

/// What a UNC span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UncPart {
    Server,
    Share,
}

/// Byte spans of the server and share of UNC paths: `\\server\share\...`, also written
/// with doubled backslashes (`\\\\server\\share`, as in `.reg` files and JSON). Device
/// paths (`\\?\C:\`, `\\.\pipe\`), `localhost` and IP addresses (masked elsewhere) are left
/// alone, as are administrative shares.
pub(crate) fn find_unc(text: &str) -> Vec<(usize, usize, UncPart)> {
    let is_host = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    let is_share = |c: char| {
        !(c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '\\' | '/' | '"' | '\'' | '<' | '>' | '|' | ':' | '*' | '?'
            ))
    };
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = text[search..].find("\\\\") {
        let lead = search + found;
        // The whole run of backslashes: 2 (plain) or 4 (escaped).
        let run = text[lead..].bytes().take_while(|&b| b == b'\\').count();
        let sep = if run >= 4 { 2 } else { 1 };
        let host_start = lead + run;
        search = host_start.max(lead + 1);
        // A UNC path starts the text or follows a separator, not `C:` (`C:\\Users`, escaped).
        let before = text[..lead].chars().next_back();
        if (run != 2 && run != 4) || before.is_some_and(|c| c.is_alphanumeric() || c == ':') {
            continue;
        }
        let host_len = text[host_start..]
            .find(|c: char| !is_host(c))
            .unwrap_or(text.len() - host_start);
        let host = text[host_start..host_start + host_len].trim_end_matches('.');
        if host.len() < 2
            || host.eq_ignore_ascii_case("localhost")
            || host.parse::<std::net::IpAddr>().is_ok()
        {
            continue;
        }
        out.push((host_start, host_start + host.len(), UncPart::Server));
        let after = host_start + host.len();
        let backslashes = text[after..].bytes().take_while(|&b| b == b'\\').count();
        if backslashes != sep {
            search = after;
            continue;
        }
        let share_start = after + sep;
        let share_len = text[share_start..]
            .find(|c: char| !is_share(c))
            .unwrap_or(text.len() - share_start);
        let share = text[share_start..share_start + share_len].trim_end_matches('.');
        if !share.is_empty() && !is_admin_share(share) {
            out.push((share_start, share_start + share.len(), UncPart::Share));
        }
        search = share_start + share_len;
    }
    out
}

/// Byte spans of computer names Windows generated (`DESKTOP-1A2B3C4`, `LAPTOP-K3J9ABCD`,
/// `WIN-8H2K4L6M0N1`): in paths (`\\DESKTOP-1A2B3C4\C$`, `...\DESKTOP-1A2B3C4.ost`) and
/// prose alike. The suffix needs a digit, so `desktop-app` stays.
pub(crate) fn find_generated_computer_names(text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for prefix in GENERATED_COMPUTER_PREFIXES {
        for (pos, _) in lower.match_indices(prefix) {
            let prev = lower[..pos].chars().next_back();
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '-') {
                continue;
            }
            let start = pos + prefix.len();
            let len = lower[start..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(lower.len() - start);
            let suffix = &lower[start..start + len];
            let next = lower[start + len..].chars().next();
            if (7..=11).contains(&len)
                && suffix.bytes().any(|b| b.is_ascii_digit())
                && !next.is_some_and(|c| c == '-' || c.is_alphanumeric())
            {
                out.push((pos, start + len));
            }
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, found: &[(usize, usize)]) -> Vec<String> {
        found.iter().map(|&(s, e)| text[s..e].to_owned()).collect()
    }

    #[test]
    fn bare_guids_but_not_class_ids_or_microsofts_own() {
        let t = "tenant 6F1B0C2D-0000-4d6e-9a1b-3c4d5e6f7a8b, add-in {0006F03A-0000-0000-C000-000000000046}, \
                 msa 9188040d-6c67-4c5b-b112-36a304b66dad, x6f1b0c2d-0000-4d6e-9a1b-3c4d5e6f7a8b";
        assert_eq!(
            spans(t, &find_guids(t)),
            vec!["6F1B0C2D-0000-4d6e-9a1b-3c4d5e6f7a8b"]
        );
    }

    #[test]
    fn unc_servers_and_shares() {
        let t = r"\\FS01.contoso.local\Users$\megan\x.pst and \\?\C:\x \\.\pipe\p \\localhost\c$ \\10.0.0.5\share \\nas\C$";
        let found: Vec<_> = find_unc(t)
            .into_iter()
            .map(|(s, e, k)| (t[s..e].to_owned(), k))
            .collect();
        assert_eq!(
            found,
            vec![
                ("FS01.contoso.local".to_owned(), UncPart::Server),
                ("Users$".to_owned(), UncPart::Share),
                ("nas".to_owned(), UncPart::Server),
            ]
        );
        let escaped = r"C:\\Users\\x \\\\fs01\\home\\megan";
        let found: Vec<_> = find_unc(escaped)
            .into_iter()
            .map(|(s, e, _)| escaped[s..e].to_owned())
            .collect();
        assert_eq!(found, vec!["fs01", "home"]);
    }

    #[test]
    fn generated_computer_names() {
        let t = r"C:\x\DESKTOP-1A2B3C4.ost on laptop-k3j9abcd; desktop-app, WIN-8H2K4L6M0N1-x";
        assert_eq!(
            spans(t, &find_generated_computer_names(t)),
            vec!["DESKTOP-1A2B3C4", "laptop-k3j9abcd"]
        );
    }
}
