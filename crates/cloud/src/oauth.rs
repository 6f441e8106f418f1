//! The Microsoft identity platform's wire types for the `oauth2` crate: the error body
//! with `error_codes`, the token response with `id_token`, and the mapping of errors to
//! [`CloudError`]. We branch on `error` and `error_codes`, never on the description.

use std::fmt;
use std::time::{Duration, Instant};

use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet,
    ExtraDeviceAuthorizationFields, ExtraTokenFields, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::account::IdClaims;
use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::http::{OAuthHttpError, RawResponse};
use crate::secret::Secret;

/// `{"error","error_description","error_codes":[...],"trace_id","correlation_id"}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct AadError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// A claims challenge (JSON) Microsoft wants sent with the next sign-in (MFA, CAE).
    #[serde(default)]
    pub claims: Option<String>,
}

/// Which request an identity error answered: the same AADSTS code means different next
/// steps (AADSTS53003 to the device code flow is the "authentication flows" policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Browser,
    DeviceCode,
    Refresh,
}

/// The longest claims challenge kept. Real ones are a few hundred bytes; a huge one is a
/// fault and would make the authorize URL too long for a browser.
pub(crate) const MAX_CLAIMS_BYTES: usize = 8 * 1024;

/// A claims challenge worth sending: a JSON object within [`MAX_CLAIMS_BYTES`]. Anything
/// else is dropped (the MFA error still stands, just without the claims).
pub(crate) fn usable_claims(claims: Option<&str>) -> Option<String> {
    let c = claims?.trim();
    if c.is_empty() || c.len() > MAX_CLAIMS_BYTES {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(c) {
        Ok(serde_json::Value::Object(_)) => Some(c.to_owned()),
        _ => None,
    }
}

impl fmt::Display for AadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.error, self.error_codes)
    }
}

impl oauth2::ErrorResponse for AadError {}

impl AadError {
    /// The typed error for this answer to `flow`, with what `cfg` knows (the consent link
    /// is built from its authority, tenant and client id).
    pub fn into_cloud_error(self, cfg: &CloudConfig, flow: Flow) -> CloudError {
        let has = |c: u32| self.error_codes.contains(&c);
        let code = self.error_codes.first().copied().unwrap_or(0);
        let claims = usable_claims(self.claims.as_deref());
        if has(50173) {
            CloudError::SessionRevoked
        } else if has(65001) || has(90094) || self.error == "consent_required" {
            CloudError::ConsentRequired {
                code: [65001, 90094]
                    .into_iter()
                    .find(|c| has(*c))
                    .unwrap_or(65001),
                authority: cfg.authority.clone(),
                tenant: cfg.tenant.clone(),
                client_id: cfg.client_id.clone(),
                permissions: CloudConfig::scopes_with(cfg.admin)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            }
        } else if has(7000218) {
            CloudError::PublicClientFlowsDisabled
        } else if has(53003) && flow == Flow::DeviceCode {
            // Conditional Access "authentication flows" blocks the device code flow with
            // AADSTS53003, the same number as any other block; which request got it tells
            // them apart (the description is not a contract).
            CloudError::DeviceCodeBlocked { code: 53003 }
        } else if has(53003) {
            CloudError::ConditionalAccessBlocked { code: 53003 }
        } else if has(53000) || has(53001) {
            CloudError::DeviceNotCompliant {
                code: if has(53000) { 53000 } else { 53001 },
            }
        } else if has(50076) || has(50079) || claims.is_some() {
            CloudError::MfaRequired {
                detail: format!("AADSTS{code}"),
                claims,
            }
        } else if self.error == "interaction_required" {
            CloudError::InteractionRequired {
                detail: format!("AADSTS{code}"),
            }
        } else if self.error == "authorization_declined" || self.error == "access_denied" {
            CloudError::SignInDeclined
        } else if self.error == "expired_token" {
            CloudError::DeviceCodeExpired
        } else if self.error == "invalid_grant" {
            CloudError::SignInExpired { code }
        } else {
            CloudError::OAuth {
                error: self.error,
                code,
                trace_id: self.trace_id.unwrap_or_else(|| "unknown".to_owned()),
            }
        }
    }
}

/// The extra `id_token` in Microsoft's token response.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

pub(crate) type AadTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// The extra `message` Microsoft adds to the device authorization response.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct DeviceMessage {
    #[serde(default)]
    pub message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for DeviceMessage {}

pub(crate) type AadClient = oauth2::Client<
    AadError,
    AadTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub(crate) fn client(cfg: &CloudConfig) -> Result<AadClient, CloudError> {
    if cfg.client_id.trim().is_empty() {
        return Err(CloudError::NotConfigured);
    }
    let bad = |e: url::ParseError| CloudError::InvalidConfig(format!("authority: {e}"));
    Ok(oauth2::Client::new(ClientId::new(cfg.client_id.clone()))
        .set_auth_uri(AuthUrl::new(cfg.endpoint("authorize")).map_err(bad)?)
        .set_token_uri(TokenUrl::new(cfg.endpoint("token")).map_err(bad)?)
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(cfg.endpoint("devicecode")).map_err(bad)?,
        )
        // A public client: the client id goes in the body, there is no secret.
        .set_auth_type(AuthType::RequestBody))
}

/// The longest lifetime believed from an answer (`expires_in` of a token or a device code).
/// Microsoft's are an hour or less; a larger number is a fault, and `u64::MAX` seconds
/// would overflow the clock.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

/// Tokens from one successful token request.
#[derive(Debug, Clone)]
pub(crate) struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: Instant,
    pub claims: Option<IdClaims>,
}

impl TokenSet {
    pub fn from_response(r: &AadTokenResponse) -> Self {
        let lifetime = r
            .expires_in()
            .unwrap_or(Duration::from_secs(3600))
            .min(MAX_LIFETIME);
        Self {
            access_token: Secret::new(r.access_token().secret().clone()),
            refresh_token: r.refresh_token().map(|t| Secret::new(t.secret().clone())),
            expires_at: Instant::now() + lifetime,
            claims: r
                .extra_fields()
                .id_token
                .as_deref()
                .and_then(IdClaims::from_jwt),
        }
    }

    /// Parses a raw token endpoint answer (the device code poll, which we run ourselves).
    pub fn from_raw(raw: &RawResponse) -> Result<Self, CloudError> {
        let r: AadTokenResponse = raw.json()?;
        Ok(Self::from_response(&r))
    }
}

/// Maps an `oauth2` failure to a typed error.
pub(crate) fn map_request_error(
    e: RequestTokenError<OAuthHttpError, AadError>,
    cfg: &CloudConfig,
    flow: Flow,
) -> CloudError {
    let host = url::Url::parse(&cfg.authority)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let host = host.as_str();
    match e {
        RequestTokenError::ServerResponse(err) => err.into_cloud_error(cfg, flow),
        RequestTokenError::Request(OAuthHttpError(err)) => err,
        RequestTokenError::Parse(err, body) => {
            let detail = if body.trim_ascii_start().starts_with(b"<") {
                "an HTML page came back instead of JSON".to_owned()
            } else {
                format!("the JSON could not be read ({})", err.inner())
            };
            CloudError::UnexpectedResponse {
                host: host.to_owned(),
                status: 0,
                detail,
            }
        }
        RequestTokenError::Other(detail) => CloudError::UnexpectedResponse {
            host: host.to_owned(),
            status: 0,
            detail,
        },
    }
}

/// A token endpoint error answer read by hand (device code polling).
pub(crate) fn error_from_raw(raw: &RawResponse) -> Result<AadError, CloudError> {
    let e: AadError = raw.json()?;
    if e.error.is_empty() {
        return Err(raw.unexpected("an error answer without an error code".to_owned()));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aad(error: &str, codes: &[u32]) -> AadError {
        AadError {
            error: error.into(),
            error_description: Some("AADSTS…: text that must not matter".into()),
            error_codes: codes.to_vec(),
            trace_id: Some("t".into()),
            correlation_id: None,
            claims: None,
        }
    }

    fn map(e: AadError) -> CloudError {
        e.into_cloud_error(&CloudConfig::default(), Flow::Refresh)
    }

    #[test]
    fn branches_on_codes_not_descriptions() {
        assert_eq!(
            map(aad("invalid_grant", &[50173])),
            CloudError::SessionRevoked
        );
        assert!(matches!(
            map(aad("invalid_grant", &[65001])),
            CloudError::ConsentRequired { code: 65001, .. }
        ));
        assert_eq!(
            map(aad("invalid_client", &[7000218])),
            CloudError::PublicClientFlowsDisabled
        );
        assert!(matches!(
            map(aad("interaction_required", &[50076])),
            CloudError::MfaRequired { .. }
        ));
        assert_eq!(
            map(aad("invalid_grant", &[70008])),
            CloudError::SignInExpired { code: 70008 }
        );
        assert!(matches!(
            map(aad("server_error", &[])),
            CloudError::OAuth { .. }
        ));
        assert!(matches!(
            map(aad("interaction_required", &[50158])),
            CloudError::InteractionRequired { .. }
        ));
    }

    #[test]
    fn conditional_access_codes_depend_on_the_flow() {
        let cfg = CloudConfig::default();
        let blocked = || aad("invalid_grant", &[53003]);
        assert_eq!(
            blocked().into_cloud_error(&cfg, Flow::DeviceCode),
            CloudError::DeviceCodeBlocked { code: 53003 }
        );
        assert_eq!(
            blocked().into_cloud_error(&cfg, Flow::Browser),
            CloudError::ConditionalAccessBlocked { code: 53003 }
        );
        assert_eq!(
            map(aad("invalid_grant", &[53001])),
            CloudError::DeviceNotCompliant { code: 53001 }
        );
    }

    #[test]
    fn a_claims_challenge_is_kept_only_when_it_is_a_json_object_of_sane_size() {
        let with = |claims: &str| AadError {
            claims: Some(claims.to_owned()),
            ..aad("invalid_grant", &[50076])
        };
        let good = r#"{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}"#;
        assert_eq!(map(with(good)).claims(), Some(good));
        assert_eq!(map(with("not json")).claims(), None);
        assert_eq!(map(with("[1,2]")).claims(), None);
        let huge = format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_CLAIMS_BYTES));
        assert_eq!(map(with(&huge)).claims(), None);
        // A claims challenge alone (no MFA code) still asks for the browser.
        let cae = AadError {
            claims: Some(good.to_owned()),
            ..aad("invalid_grant", &[50000])
        };
        assert!(matches!(map(cae), CloudError::MfaRequired { .. }));
    }
}
