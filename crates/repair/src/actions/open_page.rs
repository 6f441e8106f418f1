//! "Open an exact page": the one door every page goes through before the system browser
//! opens it (the app's `open_page` command; the page itself has no opener right). The URL
//! is parsed as a browser would (WHATWG, with IDNA: look-alike Unicode hosts become their
//! `xn--` form and match nothing), then: `https` only, no user name or password, the
//! default port, and a host equal to or under one of Microsoft's registrable domains.
//! A glob on the raw string cannot do this: `*` also matches `/`, `?`, `#` and `@`.

use crate::error::{RepairError, UrlRefusal};

/// Registrable domains (and their subdomains) the app may open: Microsoft's global cloud,
/// and the national clouds the app signs in to (US Government, China by 21Vianet).
pub const ALLOWED_DOMAINS: &[&str] = &[
    "microsoft.com",
    "microsoftonline.com",
    "live.com",
    "office.com",
    "office365.com",
    // US Government (GCC High, DoD).
    "microsoftonline.us",
    "office365.us",
    "microsoft.us",
    // China (21Vianet).
    "microsoftonline.cn",
    "partner.outlook.cn",
    "chinacloudapi.cn",
];

/// Returns the normalized URL when it may be opened, else `url_rejected` with the reason.
pub fn validate_page_url(input: &str) -> Result<String, RepairError> {
    let reject = |reason: UrlRefusal| RepairError::UrlRejected {
        url: input.chars().take(200).collect(),
        reason,
    };
    // The WHATWG parser forgives spaces, tabs and backslashes; a link we open must not need that.
    if input.is_empty()
        || input.len() > 2048
        || input
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(reject(UrlRefusal::Malformed));
    }
    let url = url::Url::parse(input).map_err(|_| reject(UrlRefusal::NotAnAddress))?;
    if url.scheme() != "https" {
        return Err(reject(UrlRefusal::NotHttps));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(reject(UrlRefusal::Credentials));
    }
    // `port()` is None for the default 443, so an explicit :443 passes and any other fails.
    if url.port().is_some() {
        return Err(reject(UrlRefusal::Port));
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        Some(_) => return Err(reject(UrlRefusal::NumericHost)),
        None => return Err(reject(UrlRefusal::NoHost)),
    };
    let allowed = ALLOWED_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !allowed {
        return Err(reject(UrlRefusal::NotMicrosoft));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_table() {
        let ok = [
            "https://mysignins.microsoft.com/security-info",
            "https://account.live.com/Activity",
            "https://login.microsoftonline.com/common/oauth2/v2.0/logout",
            "https://outlook.office.com/mail/",
            "https://outlook.office365.com/owa/",
            "https://account.microsoft.com/devices",
            "https://microsoft.com/",
            "https://ACCOUNT.LIVE.COM/proofs",
            "https://account.live.com:443/x",
            // Microsoft's own device-code page, which the old opener scope refused.
            "https://microsoft.com/devicelogin",
            "https://login.microsoftonline.us/common/oauth2/v2.0/logout",
            "https://portal.office365.us/",
            "https://login.partner.microsoftonline.cn/",
            "https://account.microsoft.com/devices?ref=x#top",
            // The default port however spelled is still the default port.
            "https://account.live.com:0443/",
        ];
        for u in ok {
            assert!(validate_page_url(u).is_ok(), "{u} should pass");
        }
        let bad = [
            ("http://account.live.com/", "https"),
            ("https://evil.com/", "Microsoft"),
            ("https://microsoft.com.evil.com/", "Microsoft"),
            ("https://evilmicrosoft.com/", "Microsoft"),
            ("https://user:pw@account.live.com/", "user name"),
            ("https://user@account.live.com/", "user name"),
            ("https://account.live.com:8443/", "port"),
            ("https://account.live.com:80/", "port"),
            ("https://13.107.42.14/", "numeric"),
            ("https://[::1]/", "numeric"),
            ("javascript:alert(1)", "https"),
            ("file:///etc/passwd", "https"),
            ("https://account.live.com.", "Microsoft"),
            (" https://account.live.com/", "spaces"),
            ("https://account.live.com\\@evil.com", "spaces"),
            ("", "empty"),
            ("not a url", "spaces"),
            ("https//account.live.com", "valid"),
            // What a glob on the raw string lets through.
            ("https://evil.example/.microsoft.com/", "Microsoft"),
            ("https://evil.example/?.microsoft.com/", "Microsoft"),
            ("https://evil.example#.microsoft.com/", "Microsoft"),
            ("https://login.microsoft.com@evil.example/", "user name"),
            (
                "https://login.microsoftonline.com.evil.example/",
                "Microsoft",
            ),
            ("https://account.microsoft.com.evil.example/", "Microsoft"),
            (
                "https://microsoft.com.evil.example/x.microsoft.com/",
                "Microsoft",
            ),
            // Look-alikes: Cyrillic o and a, full-width letters, a punycode spelling.
            ("https://micr\u{043e}soft.com/", "Microsoft"),
            (
                "https://login.microsoftonline.com\u{3002}evil.example/",
                "Microsoft",
            ),
            ("https://\u{ff4d}icrosoft.com.evil.example/", "Microsoft"),
            ("https://xn--micrsoft-qbh.com/", "Microsoft"),
            ("https://login.microsoftonline.xn--com-9o0a/", "Microsoft"),
            // Other schemes and tricks.
            ("HTTP://account.live.com/", "https"),
            ("javascript://account.live.com/%0Aalert(1)", "https"),
            ("data:text/html,<script>", "https"),
            ("file://account.live.com/etc/passwd", "https"),
            ("ms-settings:emailandaccounts", "https"),
            ("https:\\\\account.live.com\\", "spaces"),
            ("https://account.live.com\\.evil.example/", "spaces"),
            ("https://account.live.com:4430/", "port"),
            ("https://[2603:1036::1]/", "numeric"),
            ("https://0x0d.0x6b.0x2a.0x0e/", "numeric"),
            ("https://2130706433/", "numeric"),
            ("https://account.live.com\t/", "spaces"),
            ("https://account.live.com%2F@evil.example/", "user name"),
        ];
        for (u, why) in bad {
            let e = validate_page_url(u).expect_err(u);
            assert_eq!(e.code(), "url_rejected");
            assert!(e.to_string().contains(why), "{u}: {e}");
        }
    }
}
