//! Everything that can go wrong talking to Microsoft, typed so the app can say what
//! happened and what to do next. Each variant maps to the app's `{code, message, hint}`
//! through [`CloudError::code`], [`CloudError::message`] and [`CloudError::hint`], in the
//! user's language.

use words::{Lang, Words};

/// A failure of sign-in, token storage or Graph. Never contains a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudError {
    /// No client id is configured.
    NotConfigured,
    /// The configuration is not valid.
    InvalidConfig(String),
    /// Nobody is signed in.
    NotSignedIn,
    /// A request could not reach Microsoft.
    Network {
        /// The host.
        host: String,
        /// What the network said.
        detail: String,
    },
    /// A request took too long.
    Timeout {
        /// The host.
        host: String,
    },
    /// An answer that is not what the documented API returns: an HTML proxy or captive
    /// portal page, cut-off JSON, a wrong content type.
    UnexpectedResponse {
        /// The host.
        host: String,
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// Microsoft throttles the requests (HTTP 429).
    Throttled {
        /// How long it asked to wait.
        retry_after_secs: u64,
    },
    /// Microsoft's service is unavailable after several tries.
    ServiceUnavailable {
        /// The last HTTP status.
        status: u16,
    },
    /// AADSTS65001 (or 90094, "Need admin approval"): the app or one of its permissions
    /// has not been consented in this tenant. Carries what the admin-consent link and the
    /// ticket for IT are built from (see [`CloudError::admin_consent`]).
    ConsentRequired {
        /// The AADSTS code.
        code: u32,
        /// The sign-in authority, `https://login.microsoftonline.com` or a national cloud's.
        authority: String,
        /// The tenant id or domain the user signed in to (or the configured one);
        /// `organizations` when neither is known.
        tenant: String,
        /// The app registration's client id.
        client_id: String,
        /// The delegated Microsoft Graph permissions the app asked for.
        permissions: Vec<String>,
    },
    /// `interaction_required`: a Conditional Access policy or terms of use want the user
    /// in a browser.
    InteractionRequired {
        /// Microsoft's words.
        detail: String,
    },
    /// AADSTS50076 / 50079, or a claims challenge (in a token error's `claims`, or a Graph
    /// 401 with `insufficient_claims`): multi-factor authentication is wanted. The next
    /// browser sign-in sends `claims` so Microsoft asks for exactly what is missing.
    MfaRequired {
        /// Microsoft's words.
        detail: String,
        /// The claims challenge (JSON) to send with the next browser sign-in.
        claims: Option<String>,
    },
    /// AADSTS53003: a Conditional Access policy blocks this sign-in.
    ConditionalAccessBlocked {
        /// The AADSTS code.
        code: u32,
    },
    /// AADSTS53000 / 53001: Conditional Access wants a compliant or organisation-joined
    /// (managed) device, and this one is not.
    DeviceNotCompliant {
        /// The AADSTS code.
        code: u32,
    },
    /// AADSTS53003 answered to the device code flow: Conditional Access "authentication
    /// flows" policies block the device code flow (Microsoft recommends blocking it), while
    /// the browser sign-in may still be allowed.
    DeviceCodeBlocked {
        /// The AADSTS code.
        code: u32,
    },
    /// AADSTS7000218: "Allow public client flows" is off in the app registration.
    PublicClientFlowsDisabled,
    /// `invalid_grant` with AADSTS50173: sessions were revoked, this app's included.
    SessionRevoked,
    /// Any other `invalid_grant`: the stored sign-in expired or was withdrawn.
    SignInExpired {
        /// The AADSTS code.
        code: u32,
    },
    /// The user declined or cancelled the sign-in.
    SignInDeclined,
    /// The device code expired before the sign-in finished.
    DeviceCodeExpired,
    /// The sign-in answer did not match the request (`state`).
    StateMismatch,
    /// The browser did not come back in time.
    LoopbackTimeout {
        /// How long it waited.
        secs: u64,
    },
    /// The loopback listener could not start.
    Loopback(String),
    /// No browser could be opened.
    BrowserUnavailable(String),
    /// Another OAuth error, with Microsoft's machine-readable parts.
    OAuth {
        /// The OAuth error (`invalid_grant`...).
        error: String,
        /// The AADSTS code.
        code: u32,
        /// Microsoft's trace id, for IT.
        trace_id: String,
    },
    /// A Graph error that the caller did not turn into a value.
    Graph {
        /// The HTTP status.
        status: u16,
        /// Graph's error code.
        code: String,
        /// Graph's message.
        message: String,
    },
    /// The system keyring is not available.
    Keyring(String),
    /// Admin mode: Graph refused because the signed-in account lacks an Entra admin role
    /// or the app lacks admin-consented permissions. Carries what is needed (see
    /// `cloud::admin_requirements()` for the details the UI shows).
    AdminRequired {
        /// What was refused.
        action: AdminAction,
        /// Entra roles, any one of which is enough.
        roles: Vec<String>,
        /// Delegated Microsoft Graph permissions the app needs, with admin consent.
        permissions: Vec<String>,
    },
    /// Something handed in (a search, a CSV file) is past its limit in [`crate::limits`].
    InputTooLarge {
        /// What it is (it decides the unit).
        what: Oversized,
        /// Its size, in its unit.
        size: usize,
        /// The most accepted.
        max: usize,
    },
}

/// What admin mode was refused (the message names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    /// Signing other users out everywhere.
    SignOutOthers,
    /// Searching the directory.
    SearchDirectory,
    /// Reading other users' sign-ins and devices.
    ReadOtherUsers,
}

impl AdminAction {
    fn words(self, w: &Words) -> String {
        match self {
            Self::SignOutOthers => w.t("cloud.action.signing_out_other_users", &[]),
            Self::SearchDirectory => w.t("cloud.action.searching_the_directory", &[]),
            Self::ReadOtherUsers => w.t("cloud.action.reading_other_users", &[]),
        }
    }
}

/// Something handed in that has a size limit ([`crate::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversized {
    /// The admin search text, measured in characters.
    SearchText,
    /// A CSV file of users, measured in bytes.
    CsvFile,
}

impl Oversized {
    /// The size of `text` in this input's unit.
    pub fn size_of(self, text: &str) -> usize {
        match self {
            Self::SearchText => text.chars().count(),
            Self::CsvFile => text.len(),
        }
    }

    fn words(self, w: &Words) -> (String, String) {
        match self {
            Self::SearchText => (
                w.t("cloud.what.search_text", &[]),
                w.t("cloud.unit.characters", &[]),
            ),
            Self::CsvFile => (
                w.t("cloud.what.csv_file", &[]),
                w.t("cloud.unit.bytes", &[]),
            ),
        }
    }
}

/// Plain words for the logs and for callers without a language: the English catalog's.
impl std::fmt::Display for CloudError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CloudError {}

/// What went wrong talking to Microsoft, as a code: the app composes it into its own
/// error code (an exhaustive match, so a new variant here cannot be forgotten there) and
/// the UI branches on it. Serialized snake_case, as [`ErrorCode::as_str`] spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// `cloud_not_configured`
    CloudNotConfigured,
    /// `cloud_config_invalid`
    CloudConfigInvalid,
    /// `not_signed_in`
    NotSignedIn,
    /// `network`
    Network,
    /// `timeout`
    Timeout,
    /// `unexpected_response`
    UnexpectedResponse,
    /// `throttled`
    Throttled,
    /// `service_unavailable`
    ServiceUnavailable,
    /// `consent_required`
    ConsentRequired,
    /// `interaction_required`
    InteractionRequired,
    /// `mfa_required`
    MfaRequired,
    /// `conditional_access_blocked`
    ConditionalAccessBlocked,
    /// `device_not_compliant`
    DeviceNotCompliant,
    /// `device_code_blocked`
    DeviceCodeBlocked,
    /// `public_client_flows_disabled`
    PublicClientFlowsDisabled,
    /// `signed_out_everywhere`
    SignedOutEverywhere,
    /// `sign_in_expired`
    SignInExpired,
    /// `sign_in_declined`
    SignInDeclined,
    /// `device_code_expired`
    DeviceCodeExpired,
    /// `sign_in_state_mismatch`
    SignInStateMismatch,
    /// `sign_in_timed_out`
    SignInTimedOut,
    /// `loopback_unavailable`
    LoopbackUnavailable,
    /// `browser_unavailable`
    BrowserUnavailable,
    /// `sign_in_failed`
    SignInFailed,
    /// `graph_error`
    GraphError,
    /// `keyring_unavailable`
    KeyringUnavailable,
    /// `admin_required`
    AdminRequired,
    /// `input_too_large`
    InputTooLarge,
}

impl ErrorCode {
    /// The code as the UI and the logs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CloudNotConfigured => "cloud_not_configured",
            Self::CloudConfigInvalid => "cloud_config_invalid",
            Self::NotSignedIn => "not_signed_in",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::UnexpectedResponse => "unexpected_response",
            Self::Throttled => "throttled",
            Self::ServiceUnavailable => "service_unavailable",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::MfaRequired => "mfa_required",
            Self::ConditionalAccessBlocked => "conditional_access_blocked",
            Self::DeviceNotCompliant => "device_not_compliant",
            Self::DeviceCodeBlocked => "device_code_blocked",
            Self::PublicClientFlowsDisabled => "public_client_flows_disabled",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::SignInExpired => "sign_in_expired",
            Self::SignInDeclined => "sign_in_declined",
            Self::DeviceCodeExpired => "device_code_expired",
            Self::SignInStateMismatch => "sign_in_state_mismatch",
            Self::SignInTimedOut => "sign_in_timed_out",
            Self::LoopbackUnavailable => "loopback_unavailable",
            Self::BrowserUnavailable => "browser_unavailable",
            Self::SignInFailed => "sign_in_failed",
            Self::GraphError => "graph_error",
            Self::KeyringUnavailable => "keyring_unavailable",
            Self::AdminRequired => "admin_required",
            Self::InputTooLarge => "input_too_large",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests (and logs) compare a code with its spelling.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl CloudError {
    /// Its code, which the app composes into its own without parsing strings.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotConfigured => ErrorCode::CloudNotConfigured,
            Self::InvalidConfig(_) => ErrorCode::CloudConfigInvalid,
            Self::NotSignedIn => ErrorCode::NotSignedIn,
            Self::Network { .. } => ErrorCode::Network,
            Self::Timeout { .. } => ErrorCode::Timeout,
            Self::UnexpectedResponse { .. } => ErrorCode::UnexpectedResponse,
            Self::Throttled { .. } => ErrorCode::Throttled,
            Self::ServiceUnavailable { .. } => ErrorCode::ServiceUnavailable,
            Self::ConsentRequired { .. } => ErrorCode::ConsentRequired,
            Self::InteractionRequired { .. } => ErrorCode::InteractionRequired,
            Self::MfaRequired { .. } => ErrorCode::MfaRequired,
            Self::ConditionalAccessBlocked { .. } => ErrorCode::ConditionalAccessBlocked,
            Self::DeviceNotCompliant { .. } => ErrorCode::DeviceNotCompliant,
            Self::DeviceCodeBlocked { .. } => ErrorCode::DeviceCodeBlocked,
            Self::PublicClientFlowsDisabled => ErrorCode::PublicClientFlowsDisabled,
            Self::SessionRevoked => ErrorCode::SignedOutEverywhere,
            Self::SignInExpired { .. } => ErrorCode::SignInExpired,
            Self::SignInDeclined => ErrorCode::SignInDeclined,
            Self::DeviceCodeExpired => ErrorCode::DeviceCodeExpired,
            Self::StateMismatch => ErrorCode::SignInStateMismatch,
            Self::LoopbackTimeout { .. } => ErrorCode::SignInTimedOut,
            Self::Loopback(_) => ErrorCode::LoopbackUnavailable,
            Self::BrowserUnavailable(_) => ErrorCode::BrowserUnavailable,
            Self::OAuth { .. } => ErrorCode::SignInFailed,
            Self::Graph { .. } => ErrorCode::GraphError,
            Self::Keyring(_) => ErrorCode::KeyringUnavailable,
            Self::AdminRequired { .. } => ErrorCode::AdminRequired,
            Self::InputTooLarge { .. } => ErrorCode::InputTooLarge,
        }
    }

    /// What went wrong, in `lang`: the catalog's `cloud.error.<code>` with the details
    /// (hosts, statuses and Microsoft's own error text stay as they are).
    pub fn message(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::NotConfigured => w.t("cloud.error.cloud_not_configured", &[]),
            Self::InvalidConfig(detail) => {
                w.t("cloud.error.cloud_config_invalid", &[("detail", detail)])
            }
            Self::NotSignedIn => w.t("cloud.error.not_signed_in", &[]),
            Self::Network { host, detail } => {
                w.t("cloud.error.network", &[("host", host), ("detail", detail)])
            }
            Self::Timeout { host } => w.t("cloud.error.timeout", &[("host", host)]),
            Self::UnexpectedResponse {
                host,
                status,
                detail,
            } => w.t(
                "cloud.error.unexpected_response",
                &[("host", host), ("status", status), ("detail", detail)],
            ),
            Self::Throttled { retry_after_secs } => w.t(
                "cloud.error.throttled",
                &[("retry_after_secs", retry_after_secs)],
            ),
            Self::ServiceUnavailable { status } => {
                w.t("cloud.error.service_unavailable", &[("status", status)])
            }
            Self::ConsentRequired { code, .. } => {
                w.t("cloud.error.consent_required", &[("code", code)])
            }
            Self::InteractionRequired { detail } => {
                w.t("cloud.error.interaction_required", &[("detail", detail)])
            }
            Self::MfaRequired { detail, .. } => {
                w.t("cloud.error.mfa_required", &[("detail", detail)])
            }
            Self::ConditionalAccessBlocked { code } => {
                w.t("cloud.error.conditional_access_blocked", &[("code", code)])
            }
            Self::DeviceNotCompliant { code } => {
                w.t("cloud.error.device_not_compliant", &[("code", code)])
            }
            Self::DeviceCodeBlocked { code } => {
                w.t("cloud.error.device_code_blocked", &[("code", code)])
            }
            Self::PublicClientFlowsDisabled => w.t("cloud.error.public_client_flows_disabled", &[]),
            Self::SessionRevoked => w.t("cloud.error.signed_out_everywhere", &[]),
            Self::SignInExpired { code } => w.t("cloud.error.sign_in_expired", &[("code", code)]),
            Self::SignInDeclined => w.t("cloud.error.sign_in_declined", &[]),
            Self::DeviceCodeExpired => w.t("cloud.error.device_code_expired", &[]),
            Self::StateMismatch => w.t("cloud.error.sign_in_state_mismatch", &[]),
            Self::LoopbackTimeout { secs } => {
                w.t("cloud.error.sign_in_timed_out", &[("secs", secs)])
            }
            Self::Loopback(detail) => {
                w.t("cloud.error.loopback_unavailable", &[("detail", detail)])
            }
            Self::BrowserUnavailable(detail) => {
                w.t("cloud.error.browser_unavailable", &[("detail", detail)])
            }
            Self::OAuth {
                error,
                code,
                trace_id,
            } => w.t(
                "cloud.error.sign_in_failed",
                &[("error", error), ("code", code), ("trace_id", trace_id)],
            ),
            Self::Graph {
                status,
                code,
                message,
            } => w.t(
                "cloud.error.graph_error",
                &[("status", status), ("code", code), ("message", message)],
            ),
            Self::Keyring(detail) => w.t("cloud.error.keyring_unavailable", &[("detail", detail)]),
            Self::AdminRequired { action, .. } => w.t(
                "cloud.error.admin_required",
                &[("action", &action.words(w))],
            ),
            Self::InputTooLarge { what, size, max } => {
                let (what, unit) = what.words(w);
                w.t(
                    "cloud.error.input_too_large",
                    &[
                        ("what", &what),
                        ("size", size),
                        ("max", max),
                        ("unit", &unit),
                    ],
                )
            }
        }
    }

    /// What the user can do next, in `lang` (the catalog's `cloud.error.<code>.hint`).
    pub fn hint(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::ConsentRequired { .. } => match self.admin_consent() {
                Some(c) => w.t(
                    "cloud.error.consent_required.hint.link",
                    &[("url", &c.url), ("permissions", &c.permissions.join(", "))],
                ),
                None => w.t("cloud.error.consent_required.hint", &[]),
            },
            Self::Throttled { retry_after_secs } => w.t(
                "cloud.error.throttled.hint",
                &[("retry_after_secs", retry_after_secs)],
            ),
            Self::OAuth { trace_id, .. } => {
                w.t("cloud.error.sign_in_failed.hint", &[("trace_id", trace_id)])
            }
            Self::AdminRequired {
                roles, permissions, ..
            } => w.t(
                "cloud.error.admin_required.hint",
                &[
                    ("roles", &roles.join(", ")),
                    ("permissions", &permissions.join(", ")),
                ],
            ),
            Self::InputTooLarge {
                what: Oversized::CsvFile,
                ..
            } => w.t("cloud.error.input_too_large.hint.csv", &[]),
            Self::NotConfigured => w.t("cloud.error.cloud_not_configured.hint", &[]),
            Self::InvalidConfig(_) => w.t("cloud.error.cloud_config_invalid.hint", &[]),
            Self::NotSignedIn => w.t("cloud.error.not_signed_in.hint", &[]),
            Self::Network { .. } => w.t("cloud.error.network.hint", &[]),
            Self::Timeout { .. } => w.t("cloud.error.timeout.hint", &[]),
            Self::UnexpectedResponse { .. } => w.t("cloud.error.unexpected_response.hint", &[]),
            Self::ServiceUnavailable { .. } => w.t("cloud.error.service_unavailable.hint", &[]),
            Self::InteractionRequired { .. } => w.t("cloud.error.interaction_required.hint", &[]),
            Self::MfaRequired { .. } => w.t("cloud.error.mfa_required.hint", &[]),
            Self::ConditionalAccessBlocked { .. } => {
                w.t("cloud.error.conditional_access_blocked.hint", &[])
            }
            Self::DeviceNotCompliant { .. } => w.t("cloud.error.device_not_compliant.hint", &[]),
            Self::DeviceCodeBlocked { .. } => w.t("cloud.error.device_code_blocked.hint", &[]),
            Self::PublicClientFlowsDisabled => {
                w.t("cloud.error.public_client_flows_disabled.hint", &[])
            }
            Self::SessionRevoked => w.t("cloud.error.signed_out_everywhere.hint", &[]),
            Self::SignInExpired { .. } => w.t("cloud.error.sign_in_expired.hint", &[]),
            Self::SignInDeclined => w.t("cloud.error.sign_in_declined.hint", &[]),
            Self::DeviceCodeExpired => w.t("cloud.error.device_code_expired.hint", &[]),
            Self::StateMismatch => w.t("cloud.error.sign_in_state_mismatch.hint", &[]),
            Self::LoopbackTimeout { .. } => w.t("cloud.error.sign_in_timed_out.hint", &[]),
            Self::Loopback(_) => w.t("cloud.error.loopback_unavailable.hint", &[]),
            Self::BrowserUnavailable(_) => w.t("cloud.error.browser_unavailable.hint", &[]),
            Self::Graph { .. } => w.t("cloud.error.graph_error.hint", &[]),
            Self::Keyring(_) => w.t("cloud.error.keyring_unavailable.hint", &[]),
            Self::InputTooLarge { .. } => w.t("cloud.error.input_too_large.hint", &[]),
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
    /// The tenant to consent in.
    pub tenant: String,
    /// The app registration's client id.
    pub client_id: String,
    /// Delegated Microsoft Graph permissions to consent to.
    pub permissions: Vec<String>,
    /// The AADSTS code Microsoft answered (65001 or 90094).
    pub code: u32,
}

impl AdminConsent {
    /// The whole request for IT, ready for a ticket, in `lang`: the app's error card and
    /// the CLI give the same text.
    pub fn ticket(&self, lang: Lang) -> String {
        Words::of(lang).t(
            "error.consent_required.ticket",
            &[
                ("code", &self.code),
                ("client_id", &self.client_id),
                ("tenant", &self.tenant),
                ("url", &self.url),
                ("permissions", &self.permissions.join(", ")),
            ],
        )
    }

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
        Self {
            url,
            tenant,
            client_id: client_id.to_owned(),
            permissions: permissions.to_vec(),
            code,
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
                e.code()
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                e.code()
            );
            assert!(!e.hint(Lang::En).is_empty());
            // Spanish has its own words for each, and no key shows through.
            for (en, es) in [
                (e.message(Lang::En), e.message(Lang::Es)),
                (e.hint(Lang::En), e.hint(Lang::Es)),
            ] {
                assert_ne!(en, es, "{e:?}: no Spanish");
                assert!(!es.contains("cloud.error"), "{es}");
            }
        }
        let big = CloudError::InputTooLarge {
            what: Oversized::SearchText,
            size: 130,
            max: 120,
        };
        assert_eq!(
            big.to_string(),
            "the search text is 130 characters; at most 120 are accepted"
        );
        assert_eq!(
            big.message(Lang::Es),
            "el texto de búsqueda tiene 130 caracteres; se aceptan como máximo 120"
        );
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
        let ticket = c.ticket(Lang::En);
        assert!(ticket.contains(&c.url), "{ticket}");
        assert!(ticket.contains("openid, User.Read"), "{ticket}");
        assert!(ticket.contains("AADSTS65001"), "{ticket}");
        assert!(
            c.ticket(Lang::Es)
                .contains("Consentimiento del administrador")
        );
        assert!(
            consent("x")
                .hint(Lang::En)
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
