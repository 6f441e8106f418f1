//! Everything that can go wrong talking to Microsoft, typed so the app can say what
//! happened and what to do next. Each variant maps to the app's `{code, message, hint}`
//! through [`CloudError::code`], `to_string()` and [`CloudError::hint`].

/// A failure of sign-in, token storage or Graph. Never contains a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    #[error("no client id is configured for Microsoft sign-in")]
    NotConfigured,
    #[error("the cloud configuration is invalid: {0}")]
    InvalidConfig(String),
    #[error("not signed in to a Microsoft account")]
    NotSignedIn,
    #[error("could not reach {host}: {detail}")]
    Network { host: String, detail: String },
    #[error("{host} did not answer in time")]
    Timeout { host: String },
    /// An answer that is not what the documented API returns: an HTML proxy or captive
    /// portal page, cut-off JSON, a wrong content type.
    #[error("unexpected answer from {host} (HTTP {status}): {detail}")]
    UnexpectedResponse {
        host: String,
        status: u16,
        detail: String,
    },
    #[error(
        "Microsoft is throttling requests (HTTP 429) and asked to wait {retry_after_secs} s more"
    )]
    Throttled { retry_after_secs: u64 },
    #[error("the Microsoft service is unavailable (HTTP {status}) after several tries")]
    ServiceUnavailable { status: u16 },
    /// AADSTS65001 (or 90094, "Need admin approval"): the app or one of its permissions
    /// has not been consented in this tenant. Carries what the admin-consent link and the
    /// ticket for IT are built from (see [`CloudError::admin_consent`]).
    #[error("the app has not been given permission in this organisation (AADSTS{code})")]
    ConsentRequired {
        code: u32,
        /// The sign-in authority, `https://login.microsoftonline.com` or a national cloud's.
        authority: String,
        /// The tenant id or domain the user signed in to (or the configured one);
        /// `organizations` when neither is known.
        tenant: String,
        client_id: String,
        /// The delegated Microsoft Graph permissions the app asked for.
        permissions: Vec<String>,
    },
    /// `interaction_required`: a Conditional Access policy or terms of use want the user
    /// in a browser.
    #[error("Microsoft needs you to sign in again interactively ({detail})")]
    InteractionRequired { detail: String },
    /// AADSTS50076 / 50079, or a claims challenge (in a token error's `claims`, or a Graph
    /// 401 with `insufficient_claims`): multi-factor authentication is wanted. The next
    /// browser sign-in sends `claims` so Microsoft asks for exactly what is missing.
    #[error(
        "your organisation wants you to confirm your sign-in with multi-factor authentication ({detail})"
    )]
    MfaRequired {
        detail: String,
        /// The claims challenge (JSON) to send with the next browser sign-in.
        claims: Option<String>,
    },
    /// AADSTS53003: a Conditional Access policy blocks this sign-in.
    #[error("your organisation's Conditional Access policy blocked this sign-in (AADSTS{code})")]
    ConditionalAccessBlocked { code: u32 },
    /// AADSTS53000 / 53001: Conditional Access wants a compliant or organisation-joined
    /// (managed) device, and this one is not.
    #[error(
        "your organisation only allows sign-in from a managed or compliant device (AADSTS{code})"
    )]
    DeviceNotCompliant { code: u32 },
    /// AADSTS53003 answered to the device code flow: Conditional Access "authentication
    /// flows" policies block the device code flow (Microsoft recommends blocking it), while
    /// the browser sign-in may still be allowed.
    #[error("your organisation blocks sign-in with a code (device code flow, AADSTS{code})")]
    DeviceCodeBlocked { code: u32 },
    /// AADSTS7000218: "Allow public client flows" is off in the app registration.
    #[error("the app registration does not allow public client flows (AADSTS7000218)")]
    PublicClientFlowsDisabled,
    /// `invalid_grant` with AADSTS50173: sessions were revoked, this app's included.
    #[error("signed out everywhere, including here")]
    SessionRevoked,
    /// Any other `invalid_grant`: the stored sign-in expired or was withdrawn.
    #[error("the saved sign-in is no longer valid (AADSTS{code})")]
    SignInExpired { code: u32 },
    #[error("sign-in was declined or cancelled")]
    SignInDeclined,
    #[error("the device code expired before sign-in finished")]
    DeviceCodeExpired,
    #[error("the sign-in answer did not match the request (state mismatch); it was rejected")]
    StateMismatch,
    #[error("no answer from the browser within {secs} s")]
    LoopbackTimeout { secs: u64 },
    #[error("could not listen for the browser's answer on 127.0.0.1: {0}")]
    Loopback(String),
    #[error("could not open the browser: {0}")]
    BrowserUnavailable(String),
    /// Another OAuth error, with Microsoft's machine-readable parts.
    #[error("Microsoft sign-in failed: {error} (AADSTS{code}, trace id {trace_id})")]
    OAuth {
        error: String,
        code: u32,
        trace_id: String,
    },
    /// A Graph error that the caller did not turn into a value.
    #[error("Microsoft Graph refused (HTTP {status} {code}): {message}")]
    Graph {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the system keyring is not available: {0}")]
    Keyring(String),
    /// Admin mode: Graph refused because the signed-in account lacks an Entra admin role
    /// or the app lacks admin-consented permissions. Carries what is needed (see
    /// `cloud::admin_requirements()` for the details the UI shows).
    #[error("{action} needs an admin role in Microsoft Entra ID and admin-consented permissions")]
    AdminRequired {
        /// What was refused, in words ("signing out other users").
        action: String,
        /// Entra roles, any one of which is enough.
        roles: Vec<String>,
        /// Delegated Microsoft Graph permissions the app needs, with admin consent.
        permissions: Vec<String>,
    },
    /// Something handed in (a search, a CSV file) is past its limit in [`crate::limits`].
    #[error("the {what} is {size} {unit}; at most {max} are accepted")]
    InputTooLarge {
        /// What it is, in words ("search text", "CSV file").
        what: String,
        size: usize,
        max: usize,
        /// `characters` or `bytes`.
        unit: String,
    },
}

impl CloudError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured => "cloud_not_configured",
            Self::InvalidConfig(_) => "cloud_config_invalid",
            Self::NotSignedIn => "not_signed_in",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::UnexpectedResponse { .. } => "unexpected_response",
            Self::Throttled { .. } => "throttled",
            Self::ServiceUnavailable { .. } => "service_unavailable",
            Self::ConsentRequired { .. } => "consent_required",
            Self::InteractionRequired { .. } => "interaction_required",
            Self::MfaRequired { .. } => "mfa_required",
            Self::ConditionalAccessBlocked { .. } => "conditional_access_blocked",
            Self::DeviceNotCompliant { .. } => "device_not_compliant",
            Self::DeviceCodeBlocked { .. } => "device_code_blocked",
            Self::PublicClientFlowsDisabled => "public_client_flows_disabled",
            Self::SessionRevoked => "signed_out_everywhere",
            Self::SignInExpired { .. } => "sign_in_expired",
            Self::SignInDeclined => "sign_in_declined",
            Self::DeviceCodeExpired => "device_code_expired",
            Self::StateMismatch => "sign_in_state_mismatch",
            Self::LoopbackTimeout { .. } => "sign_in_timed_out",
            Self::Loopback(_) => "loopback_unavailable",
            Self::BrowserUnavailable(_) => "browser_unavailable",
            Self::OAuth { .. } => "sign_in_failed",
            Self::Graph { .. } => "graph_error",
            Self::Keyring(_) => "keyring_unavailable",
            Self::AdminRequired { .. } => "admin_required",
            Self::InputTooLarge { .. } => "input_too_large",
        }
    }

    /// What the user can do next, in plain words.
    pub fn hint(&self) -> String {
        match self {
            Self::NotConfigured => "Set your organisation's app (client) id in Settings or SESSION_DOCTOR_CLIENT_ID; the README explains how to register one.".into(),
            Self::InvalidConfig(_) => "Check the authority, tenant and Graph address in Settings (or the SESSION_DOCTOR_* variables).".into(),
            Self::NotSignedIn => "Sign in with your Microsoft account first.".into(),
            Self::Network { .. } => "Check the internet connection, VPN or proxy, then try again.".into(),
            Self::Timeout { .. } => "The network or Microsoft is slow right now; try again in a minute.".into(),
            Self::UnexpectedResponse { .. } => "A proxy, firewall or hotel/captive portal may be answering instead of Microsoft: open a web page to check, or try another network.".into(),
            Self::Throttled { retry_after_secs } => format!("Wait about {retry_after_secs} seconds and try again."),
            Self::ServiceUnavailable { .. } => "Microsoft's service is having trouble; check https://status.cloud.microsoft and try again later.".into(),
            Self::ConsentRequired { .. } => match self.admin_consent() {
                Some(c) => format!(
                    "Ask your IT admin to open {} and accept (Grant admin consent for the delegated Microsoft Graph permissions {}), then sign in again.",
                    c.url,
                    c.permissions.join(", ")
                ),
                None => "Ask your IT admin to grant consent for the app in Entra ID (Enterprise applications, Permissions, Grant admin consent), then sign in again.".into(),
            },
            Self::InteractionRequired { .. } => "Sign in again in the browser; your organisation wants you to confirm (for example with MFA).".into(),
            Self::MfaRequired { .. } => "Sign in with the browser: Microsoft will ask for your second factor (Authenticator app, code or key), then Session Doctor goes on.".into(),
            Self::ConditionalAccessBlocked { .. } => "This is your organisation's rule, not a fault: try the browser sign-in on a company computer or network; if it is still blocked, ask IT which Conditional Access policy applies (the sign-in log names it).".into(),
            Self::DeviceNotCompliant { .. } => "Sign in with the browser on a company-managed computer, or ask IT to enrol or fix this one (Company Portal shows what is missing).".into(),
            Self::DeviceCodeBlocked { .. } => "Use the browser sign-in instead (\"Sign in\"); your organisation allows only that.".into(),
            Self::PublicClientFlowsDisabled => "In the app registration, Authentication, set \"Allow public client flows\" to Yes (the README shows where).".into(),
            Self::SessionRevoked => "That was expected after \"sign out everywhere\": sign in again when you want to look at your sessions.".into(),
            Self::SignInExpired { .. } => "Sign in again.".into(),
            Self::SignInDeclined => "Start the sign-in again and accept the request, or use the other sign-in method.".into(),
            Self::DeviceCodeExpired => "Start again to get a new code, and enter it within a few minutes.".into(),
            Self::StateMismatch => "Start the sign-in again from Session Doctor; do not reuse an old sign-in tab.".into(),
            Self::LoopbackTimeout { .. } => "Start the sign-in again, or use \"sign in with a code\" (device code) if the browser cannot come back to the app.".into(),
            Self::Loopback(_) => "Use \"sign in with a code\" (device code) instead; security software may block local ports.".into(),
            Self::BrowserUnavailable(_) => "Use \"sign in with a code\" (device code) instead.".into(),
            Self::OAuth { trace_id, .. } => format!("Try again; if it keeps failing, give your IT admin the trace id {trace_id}."),
            Self::Graph { .. } => "Try again later; if it keeps failing, export the report for your IT admin.".into(),
            Self::Keyring(_) => "Unlock or enable the system keyring (Keychain, Credential Manager, GNOME Keyring/KWallet) and try again.".into(),
            Self::AdminRequired { roles, permissions, .. } => format!(
                "Sign in with an account that has one of these Entra roles: {}. The app registration also needs the delegated permissions {} with admin consent (Entra admin center, App registrations, API permissions, Grant admin consent).",
                roles.join(", "),
                permissions.join(", ")
            ),
            Self::InputTooLarge { what, .. } if what.contains("CSV") => "Split the list into smaller files (one per department, say) and import them one by one.".into(),
            Self::InputTooLarge { .. } => "Shorten it: the start of a name or an address is enough to find a user.".into(),
        }
    }

    /// The admin-consent link and the ticket for IT, for [`CloudError::ConsentRequired`].
    pub fn admin_consent(&self) -> Option<AdminConsent> {
        let Self::ConsentRequired {
            code,
            authority,
            tenant,
            client_id,
            permissions,
        } = self
        else {
            return None;
        };
        Some(AdminConsent::new(
            *code,
            authority,
            tenant,
            client_id,
            permissions,
        ))
    }

    /// The claims challenge to send with the next browser sign-in, if Microsoft gave one.
    pub fn claims(&self) -> Option<&str> {
        match self {
            Self::MfaRequired { claims, .. } => claims.as_deref(),
            _ => None,
        }
    }

    /// Whether the browser sign-in is the way on (the UI and the CLI offer it).
    pub fn wants_browser_sign_in(&self) -> bool {
        matches!(
            self,
            Self::MfaRequired { .. }
                | Self::InteractionRequired { .. }
                | Self::ConditionalAccessBlocked { .. }
                | Self::DeviceNotCompliant { .. }
                | Self::DeviceCodeBlocked { .. }
        )
    }

    /// A consent error names the tenant the user signed in to when the configured one is
    /// generic (`common`, `organizations`, `consumers`): an admin-consent link for
    /// `common` would consent in whichever tenant the admin happens to be signed in to.
    pub(crate) fn in_tenant(mut self, signed_in: Option<&str>) -> Self {
        if let Self::ConsentRequired { tenant, .. } = &mut self
            && is_generic_tenant(tenant)
        {
            *tenant = signed_in
                .map(str::trim)
                .filter(|t| valid_tenant(t) && !is_generic_tenant(t))
                .unwrap_or("organizations")
                .to_owned();
        }
        self
    }

    /// Whether this is Graph saying "you may not do that" (a capability, not a failure).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Graph { status: 403, .. })
    }
}

fn is_generic_tenant(t: &str) -> bool {
    ["common", "organizations", "consumers", ""]
        .iter()
        .any(|g| t.eq_ignore_ascii_case(g))
}

/// A tenant id or domain as `CloudConfig::validate` accepts it (no `/`, `?` or `#` that
/// could change the link).
fn valid_tenant(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 256
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
}

/// What an admin needs to let the organisation use Session Doctor: the tenant's
/// admin-consent page for the app, and ready text for a ticket to IT.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminConsent {
    /// `{authority}/{tenant}/adminconsent?client_id={client_id}`.
    pub url: String,
    pub tenant: String,
    pub client_id: String,
    /// Delegated Microsoft Graph permissions to consent to.
    pub permissions: Vec<String>,
    /// The whole request for IT, in English (the UI has its own translation).
    pub ticket: String,
}

impl AdminConsent {
    fn new(
        code: u32,
        authority: &str,
        tenant: &str,
        client_id: &str,
        permissions: &[String],
    ) -> Self {
        let tenant = if valid_tenant(tenant) {
            tenant.to_owned()
        } else {
            "organizations".to_owned()
        };
        let mut url = url::Url::parse(authority.trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http"))
            .unwrap_or_else(|| {
                url::Url::parse(crate::config::NationalCloud::Public.authority())
                    .expect("a constant URL")
            });
        url.set_path(&format!("{tenant}/adminconsent"));
        // Encoded as a query value: a client id is a GUID, but it comes from a file.
        url.query_pairs_mut()
            .clear()
            .append_pair("client_id", client_id);
        let url = url.to_string();
        let ticket = format!(
            "Subject: Admin consent for Session Doctor\n\n\
             Hello IT,\n\n\
             Signing in to Session Doctor (the help desk's tool for Outlook's \"exceeded the maximum number of allowed sessions\" error) \
             stops with AADSTS{code}: the app has not been given permission in our organisation.\n\n\
             Please grant admin consent for the app registration \"Session Doctor\" (application (client) id {client_id}) in tenant {tenant}:\n\
             - open {url}\n\
             - sign in as a Global Administrator, Cloud Application Administrator or Application Administrator\n\
             - check the permissions and press Accept\n\n\
             Delegated Microsoft Graph permissions it asks for: {}.\n\
             (Or: Entra admin center, Enterprise applications, Session Doctor, Permissions, Grant admin consent.)\n\n\
             Thank you.",
            permissions.join(", ")
        );
        Self {
            url,
            tenant,
            client_id: client_id.to_owned(),
            permissions: permissions.to_vec(),
            ticket,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_snake_case_code_and_a_hint() {
        let all = [
            CloudError::NotConfigured,
            CloudError::SessionRevoked,
            consent("contoso.onmicrosoft.com"),
            CloudError::PublicClientFlowsDisabled,
            CloudError::MfaRequired {
                detail: "AADSTS50076".into(),
                claims: None,
            },
            CloudError::ConditionalAccessBlocked { code: 53003 },
            CloudError::DeviceNotCompliant { code: 53000 },
            CloudError::DeviceCodeBlocked { code: 53003 },
            CloudError::Throttled {
                retry_after_secs: 3,
            },
            CloudError::UnexpectedResponse {
                host: "h".into(),
                status: 200,
                detail: "html".into(),
            },
        ];
        for e in all {
            assert!(
                e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                e.code()
            );
            assert!(!e.hint().is_empty());
        }
        assert_eq!(
            CloudError::SessionRevoked.to_string(),
            "signed out everywhere, including here"
        );
    }

    fn consent(tenant: &str) -> CloudError {
        CloudError::ConsentRequired {
            code: 65001,
            authority: "https://login.microsoftonline.us".into(),
            tenant: tenant.into(),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            permissions: vec!["openid".into(), "User.Read".into()],
        }
    }

    #[test]
    fn the_admin_consent_link_uses_the_cloud_and_the_signed_in_tenant() {
        let c = consent("contoso.onmicrosoft.com")
            .admin_consent()
            .expect("consent");
        assert_eq!(
            c.url,
            "https://login.microsoftonline.us/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-3333-4444-555555555555"
        );
        assert!(c.ticket.contains(&c.url), "{}", c.ticket);
        assert!(c.ticket.contains("openid, User.Read"), "{}", c.ticket);
        assert!(
            consent("x")
                .hint()
                .contains(&c.url.replace("contoso.onmicrosoft.com", "x"))
        );
        // A generic tenant becomes the one signed in to, or `organizations`.
        let common = consent("common").in_tenant(Some("5b1c7a52-3f0e-4d6b-9a3e-0c1d2e3f4a5b"));
        assert!(
            common
                .admin_consent()
                .expect("consent")
                .url
                .contains("/5b1c7a52-3f0e-4d6b-9a3e-0c1d2e3f4a5b/adminconsent")
        );
        let unknown = consent("common").in_tenant(Some("../evil?x=#"));
        assert_eq!(
            unknown.admin_consent().expect("consent").tenant,
            "organizations"
        );
        // A configured tenant is kept whatever the account says.
        let pinned = consent("contoso.com").in_tenant(Some("fabrikam.com"));
        assert_eq!(
            pinned.admin_consent().expect("consent").tenant,
            "contoso.com"
        );
        assert!(CloudError::NotSignedIn.admin_consent().is_none());
    }
}
