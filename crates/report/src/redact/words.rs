//! The word lists behind the redactor's judgement: public mail providers and servers, names
//! that are not people, devices and OS users that identify no one, home-folder markers.

// The parent's imports and the siblings' items: one redaction module, split by concern.
#[allow(unused_imports)]
use super::*;

/// Mail domains that identify a provider, not a person or an employer.
pub(super) const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "passport.com",
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
];

/// Prefixes of country variants of the same providers (`hotmail.co.uk`, `outlook.fr`).
pub(super) const PUBLIC_MAIL_PREFIXES: &[&str] = &["outlook.", "hotmail.", "live.", "yahoo."];

/// Server suffixes that belong to public providers (kept: they say which service, not who).
pub(super) const PUBLIC_SERVER_SUFFIXES: &[&str] = &[
    "office365.com",
    "outlook.com",
    "office.com",
    "microsoft.com",
    "hotmail.com",
    "live.com",
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
];

/// Name parts never treated as personal on their own: they are the report's own words.
pub(super) const NAME_STOPWORDS: &[&str] = &[
    "account",
    "admin",
    "and",
    "calendar",
    "desk",
    "device",
    "exchange",
    "for",
    "help",
    "home",
    "info",
    "mail",
    "mailbox",
    "microsoft",
    "mobile",
    "new",
    "office",
    "old",
    "outlook",
    "personal",
    "phone",
    "room",
    "service",
    "shared",
    "support",
    "team",
    "teams",
    "test",
    "the",
    "user",
    "windows",
    "work",
];

/// Device names that name a product, not a person's device.
pub(super) const GENERIC_DEVICES: &[&str] = &[
    "android",
    "browser",
    "desktop",
    "ipad",
    "iphone",
    "laptop",
    "linux",
    "localhost",
    "mac",
    "macbook",
    "macbook air",
    "macbook pro",
    "mobile",
    "pc",
    "phone",
    "tablet",
    "unknown",
    "windows",
];

/// OS account names that are not a person.
pub(super) const GENERIC_OS_USERS: &[&str] = &[
    "administrator",
    "all users",
    "default",
    "default user",
    "guest",
    "local service",
    "network service",
    "public",
    "root",
    "shared",
    "system",
];

/// Markers after which a path names a user's home directory (ASCII lower case).
pub(super) const HOME_MARKERS: &[&str] = &["/home/", "/users/", "\\users\\", "\\home\\"];
