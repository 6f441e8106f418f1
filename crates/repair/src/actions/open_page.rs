//! "Open an exact page": the URL is checked against an allowlist before the caller opens it
//! (the UI hands it to the OS browser). Only `https` on Microsoft's sign-in and account hosts,
//! no user name or password in the URL, no port other than the default.

use crate::error::RepairError;

/// Hosts (and their subdomains) the app may open.
pub const ALLOWED_DOMAINS: &[&str] = &[
    "microsoft.com",
    "microsoftonline.com",
    "live.com",
    "office.com",
    "office365.com",
];

/// Returns the normalized URL when it may be opened, else `url_rejected` with the reason.
pub fn validate_page_url(input: &str) -> Result<String, RepairError> {
    let reject = |reason: &str| RepairError::UrlRejected {
        url: input.chars().take(200).collect(),
        reason: reason.to_owned(),
    };
    // The WHATWG parser forgives spaces, tabs and backslashes; a link we open must not need that.
    if input.is_empty()
        || input.len() > 2048
        || input
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(reject(
            "it is empty, too long or has spaces or odd characters",
        ));
    }
    let url = url::Url::parse(input).map_err(|_| reject("it is not a valid address"))?;
    if url.scheme() != "https" {
        return Err(reject("only secure https pages are opened"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(reject("it carries a user name or password"));
    }
    // `port()` is None for the default 443, so an explicit :443 passes and any other fails.
    if url.port().is_some() {
        return Err(reject("it uses an unusual port"));
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        Some(_) => return Err(reject("it points at a numeric address")),
        None => return Err(reject("it has no host")),
    };
    let allowed = ALLOWED_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !allowed {
        return Err(reject("it is not a Microsoft sign-in or account page"));
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
        ];
        for (u, why) in bad {
            let e = validate_page_url(u).expect_err(u);
            assert_eq!(e.code(), "url_rejected");
            assert!(e.to_string().contains(why), "{u}: {e}");
        }
    }
}
