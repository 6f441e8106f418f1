//! Where to sign in and which Graph to talk to. Endpoints are configuration: national
//! clouds need it, and so do the sandbox and the tests.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::CloudError;

/// Environment variables the CLI and the app read (the CLI contract of issue 4).
pub const ENV_AUTHORITY: &str = "SESSION_DOCTOR_AUTHORITY";
/// Environment variable for the tenant (id, domain, `organizations`).
pub const ENV_TENANT: &str = "SESSION_DOCTOR_TENANT";
/// Environment variable for the app registration's client id.
pub const ENV_CLIENT_ID: &str = "SESSION_DOCTOR_CLIENT_ID";
/// Environment variable for the Graph base address.
pub const ENV_GRAPH: &str = "SESSION_DOCTOR_GRAPH";
/// `public`, `us_gov` or `china`: the national cloud whose authority and Graph to use.
pub const ENV_CLOUD: &str = "SESSION_DOCTOR_CLOUD";

/// The client id compiled in (`SESSION_DOCTOR_DEFAULT_CLIENT_ID` set when building), for
/// an organisation that ships its own build: users then need no settings file at all. A
/// client id from the settings file or the environment always wins over it.
pub const BUILD_DEFAULT_CLIENT_ID: Option<&str> = option_env!("SESSION_DOCTOR_DEFAULT_CLIENT_ID");

/// Delegated permissions every sign-in asks for (`offline_access` yields the refresh token).
pub const USER_SCOPES: &[&str] = &["openid", "profile", "offline_access", "User.Read"];
/// Delegated Microsoft Graph permissions admin mode adds (they need admin consent).
pub const ADMIN_SCOPES: &[&str] = &[
    "User.RevokeSessions.All",
    "AuditLog.Read.All",
    "Directory.Read.All",
];

/// Microsoft's clouds; each has its own sign-in authority and Graph host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NationalCloud {
    /// The worldwide cloud.
    Public,
    /// US Government (GCC High).
    UsGov,
    /// The cloud operated by 21Vianet in China.
    China,
}

impl NationalCloud {
    /// The cloud named `public`, `usgov` or `china` (case ignored).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "public" | "global" => Some(Self::Public),
            "us_gov" | "usgov" => Some(Self::UsGov),
            "china" => Some(Self::China),
            _ => None,
        }
    }

    /// Its sign-in authority.
    pub fn authority(self) -> &'static str {
        match self {
            Self::Public => "https://login.microsoftonline.com",
            Self::UsGov => "https://login.microsoftonline.us",
            Self::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Its Graph base address.
    pub fn graph_base(self) -> &'static str {
        match self {
            Self::Public => "https://graph.microsoft.com/v1.0",
            Self::UsGov => "https://graph.microsoft.us/v1.0",
            Self::China => "https://microsoftgraph.chinacloudapi.cn/v1.0",
        }
    }
}

/// How hard to try before giving up on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt, for 5xx, 429 and network errors.
    pub max_retries: u32,
    /// First backoff; doubles each retry.
    pub base_delay: Duration,
    /// Longest single wait, whatever `Retry-After` asks (a UI must not hang for an hour).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// Everything the cloud client needs to know about where and how to talk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudConfig {
    /// `https://login.microsoftonline.com`, no trailing slash.
    pub authority: String,
    /// `common`, `organizations`, `consumers` or a tenant id / domain.
    pub tenant: String,
    /// The public client registered by the organisation (see the README).
    pub client_id: String,
    /// `https://graph.microsoft.com/v1.0`, no trailing slash.
    pub graph_base: String,
    /// Also ask for the admin scopes (`User.RevokeSessions.All`, `AuditLog.Read.All`,
    /// `Directory.Read.All`); an ordinary user would be stopped at the consent screen.
    pub admin: bool,
    /// One HTTP request, connect to last byte.
    pub request_timeout: Duration,
    /// Connecting, at most.
    pub connect_timeout: Duration,
    /// How throttled and failing requests are retried.
    pub retry: RetryPolicy,
    /// How long the loopback listener waits for the browser to come back.
    pub loopback_timeout: Duration,
    /// How much `slow_down` adds to the device code polling interval (RFC 8628: 5 s).
    pub slow_down_step: Duration,
    /// `$top` for `/auditLogs/signIns` (Graph allows up to 1000).
    pub sign_in_page_size: u32,
    /// Cap on sign-ins read per snapshot, so a huge log cannot stall the UI.
    pub max_sign_ins: usize,
}

impl Default for CloudConfig {
    fn default() -> Self {
        Self::national(NationalCloud::Public)
    }
}

impl CloudConfig {
    /// Defaults for a national cloud, tenant `common`, no client id yet.
    pub fn national(cloud: NationalCloud) -> Self {
        Self {
            authority: cloud.authority().to_owned(),
            tenant: "common".to_owned(),
            client_id: String::new(),
            graph_base: cloud.graph_base().to_owned(),
            admin: false,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            loopback_timeout: Duration::from_secs(300),
            slow_down_step: Duration::from_secs(5),
            sign_in_page_size: 1000,
            max_sign_ins: 5000,
        }
    }

    /// Points everything at a simulated tenant (`sandbox.authority()`, its Graph base and
    /// client id); used by demo mode and tests.
    pub fn sandbox(authority: &str, graph_base: &str, client_id: &str) -> Self {
        Self {
            authority: authority.trim_end_matches('/').to_owned(),
            graph_base: graph_base.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            ..Self::default()
        }
    }

    /// Defaults overridden by `SESSION_DOCTOR_AUTHORITY`, `_TENANT`, `_CLIENT_ID`, `_GRAPH`.
    pub fn from_env() -> Result<Self, CloudError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`from_env`](Self::from_env) with the variables supplied by the caller (tests, the
    /// app's settings).
    /// Without a client id from them, the build's default ([`BUILD_DEFAULT_CLIENT_ID`]).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, CloudError> {
        Self::from_lookup_with_default(get, BUILD_DEFAULT_CLIENT_ID)
    }

    /// [`from_lookup`](Self::from_lookup) with the build default given (tests).
    pub fn from_lookup_with_default(
        get: impl Fn(&str) -> Option<String>,
        default_client_id: Option<&str>,
    ) -> Result<Self, CloudError> {
        let val = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        // The national cloud sets the defaults; an explicit authority or Graph still wins.
        let mut cfg = match val(ENV_CLOUD) {
            Some(name) => Self::national(NationalCloud::parse(&name).ok_or_else(|| {
                CloudError::InvalidConfig(format!("cloud '{name}' must be public, us_gov or china"))
            })?),
            None => Self::default(),
        };
        if let Some(a) = val(ENV_AUTHORITY) {
            cfg.authority = a.trim_end_matches('/').to_owned();
        }
        if let Some(t) = val(ENV_TENANT) {
            cfg.tenant = t;
        }
        // The settings file and the environment (already merged by the caller) win over
        // what was compiled in.
        match val(ENV_CLIENT_ID) {
            Some(c) => cfg.client_id = c,
            None => {
                if let Some(d) = default_client_id.map(str::trim).filter(|d| !d.is_empty()) {
                    cfg.client_id = d.to_owned();
                }
            }
        }
        if let Some(g) = val(ENV_GRAPH) {
            cfg.graph_base = g.trim_end_matches('/').to_owned();
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Catches typos before they become a confusing browser page.
    pub fn validate(&self) -> Result<(), CloudError> {
        for (name, value) in [
            ("authority", &self.authority),
            ("Graph base", &self.graph_base),
        ] {
            let u = url::Url::parse(value).map_err(|e| {
                CloudError::InvalidConfig(format!("{name} '{value}' is not a URL: {e}"))
            })?;
            let local = matches!(u.host_str(), Some("127.0.0.1") | Some("localhost"));
            // Tokens only travel over TLS, except to the local simulated tenant.
            if u.scheme() != "https" && !(u.scheme() == "http" && local) {
                return Err(CloudError::InvalidConfig(format!(
                    "{name} '{value}' must use https"
                )));
            }
        }
        let tenant_ok = !self.tenant.is_empty()
            && self
                .tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
        if !tenant_ok {
            return Err(CloudError::InvalidConfig(format!(
                "tenant '{}' must be common, organizations, consumers, a tenant id or a domain",
                self.tenant
            )));
        }
        Ok(())
    }

    pub(crate) fn endpoint(&self, name: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{name}", self.authority, self.tenant)
    }

    /// The delegated scopes to request; `offline_access` is what yields a refresh token.
    pub fn scopes(&self) -> Vec<&'static str> {
        Self::scopes_with(self.admin)
    }

    /// The scopes with or without the admin ones; a refresh asks for what sign-in asked.
    pub fn scopes_with(admin: bool) -> Vec<&'static str> {
        let mut s = USER_SCOPES.to_vec();
        if admin {
            s.extend(ADMIN_SCOPES);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults() {
        let cfg = CloudConfig::from_lookup(|k| match k {
            ENV_AUTHORITY => Some("https://login.microsoftonline.us/".into()),
            ENV_TENANT => Some("organizations".into()),
            ENV_CLIENT_ID => Some("abc".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(cfg.authority, "https://login.microsoftonline.us");
        assert_eq!(
            cfg.endpoint("token"),
            "https://login.microsoftonline.us/organizations/oauth2/v2.0/token"
        );
        assert_eq!(cfg.graph_base, "https://graph.microsoft.com/v1.0");
        assert_eq!(cfg.client_id, "abc");
    }

    #[test]
    fn the_build_default_client_id_is_used_only_when_nothing_else_gives_one() {
        let built = Some(" 99999999-0000-4000-8000-000000000000 ");
        let none = CloudConfig::from_lookup_with_default(|_| None, built).expect("valid");
        assert_eq!(none.client_id, "99999999-0000-4000-8000-000000000000");
        let preset = CloudConfig::from_lookup_with_default(
            |k| (k == ENV_CLIENT_ID).then(|| "from-the-settings-file".into()),
            built,
        )
        .expect("valid");
        assert_eq!(preset.client_id, "from-the-settings-file");
        let blank = CloudConfig::from_lookup_with_default(
            |k| (k == ENV_CLIENT_ID).then(|| "  ".into()),
            Some(""),
        )
        .expect("valid");
        assert_eq!(blank.client_id, "", "an empty build default is no default");
    }

    #[test]
    fn a_national_cloud_sets_both_hosts_and_an_unknown_one_is_refused() {
        let gov =
            CloudConfig::from_lookup(|k| (k == ENV_CLOUD).then(|| "US_Gov".into())).expect("valid");
        assert_eq!(gov.authority, "https://login.microsoftonline.us");
        assert_eq!(gov.graph_base, "https://graph.microsoft.us/v1.0");
        let mars = CloudConfig::from_lookup(|k| (k == ENV_CLOUD).then(|| "mars".into()));
        assert!(matches!(mars, Err(CloudError::InvalidConfig(m)) if m.contains("mars")));
    }

    #[test]
    fn rejects_plain_http_to_remote_hosts_and_odd_tenants() {
        let http = CloudConfig::from_lookup(|k| {
            (k == ENV_GRAPH).then(|| "http://graph.example.com/v1.0".into())
        });
        assert!(matches!(http, Err(CloudError::InvalidConfig(_))));
        let tenant = CloudConfig::from_lookup(|k| (k == ENV_TENANT).then(|| "../evil".into()));
        assert!(matches!(tenant, Err(CloudError::InvalidConfig(_))));
        let local =
            CloudConfig::from_lookup(|k| (k == ENV_AUTHORITY).then(|| "http://127.0.0.1:9".into()));
        assert!(local.is_ok());
    }

    #[test]
    fn national_clouds_have_their_own_hosts() {
        assert!(
            CloudConfig::national(NationalCloud::China)
                .graph_base
                .contains("chinacloudapi.cn")
        );
        assert!(
            CloudConfig::national(NationalCloud::UsGov)
                .authority
                .ends_with(".us")
        );
    }
}
