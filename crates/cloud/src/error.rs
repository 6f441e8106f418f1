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
    /// AADSTS65001: the app or a permission has not been consented in this tenant.
    #[error("the app has not been given permission in this organisation (AADSTS65001)")]
    ConsentRequired,
    /// `interaction_required`: MFA, a Conditional Access policy or terms of use want the
    /// user in a browser.
    #[error("Microsoft needs you to sign in again interactively ({detail})")]
    InteractionRequired { detail: String },
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
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired { .. } => "interaction_required",
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
            Self::ConsentRequired => "Ask your IT admin to grant consent for the app in Entra ID (Enterprise applications, Permissions, Grant admin consent), then sign in again.".into(),
            Self::InteractionRequired { .. } => "Sign in again in the browser; your organisation wants you to confirm (for example with MFA).".into(),
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

    /// Whether this is Graph saying "you may not do that" (a capability, not a failure).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Graph { status: 403, .. })
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
            CloudError::ConsentRequired,
            CloudError::PublicClientFlowsDisabled,
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
}
