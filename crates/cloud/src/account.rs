//! Who is signed in, and which track (work or personal) applies.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Microsoft's tenant id for every personal (MSA) account.
pub const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Work or school (Entra ID) versus personal (Outlook.com, Hotmail, Live, MSN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A work or school account (Microsoft Entra ID).
    Work,
    /// A personal Microsoft account (Outlook.com, Hotmail, Live, MSN).
    Personal,
}

/// The signed-in account as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Account {
    /// The user principal name (the sign-in address).
    pub upn: String,
    /// The display name, when Microsoft gave one.
    pub display_name: Option<String>,
    /// The directory object id (`oid`).
    pub id: Option<String>,
    /// The tenant id, when known.
    pub tenant_id: Option<String>,
    /// Work or personal.
    pub kind: AccountKind,
    /// Signed in with the admin permissions requested (refreshes keep asking for them).
    #[serde(default)]
    pub admin_scopes: bool,
}

/// The few id token claims we read. The id token is not verified: it only tells the UI
/// who signed in; every decision that matters is made from Graph's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct IdClaims {
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub oid: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl IdClaims {
    pub fn from_jwt(jwt: &str) -> Option<Self> {
        let payload = jwt.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn account(&self) -> Option<Account> {
        let upn = self.preferred_username.clone()?;
        Some(Account {
            kind: kind_of(self.tid.as_deref(), &upn),
            upn,
            display_name: self.name.clone(),
            id: self.oid.clone(),
            tenant_id: self.tid.clone(),
            admin_scopes: false,
        })
    }
}

/// Personal when the token comes from the consumer tenant; without a tenant id, by the
/// well-known consumer domains.
pub fn kind_of(tenant_id: Option<&str>, upn: &str) -> AccountKind {
    match tenant_id {
        Some(t) if t.eq_ignore_ascii_case(CONSUMER_TENANT_ID) => AccountKind::Personal,
        Some(_) => AccountKind::Work,
        None => {
            let domain = upn
                .rsplit('@')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let personal = ["outlook.", "hotmail.", "live.", "msn.com", "passport.com"]
                .iter()
                .any(|d| domain.starts_with(d) || domain == *d);
            if personal {
                AccountKind::Personal
            } else {
                AccountKind::Work
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_claims_and_tells_personal_from_work() {
        let claims = URL_SAFE_NO_PAD.encode(
            r#"{"tid":"9188040d-6c67-4c5b-b112-36a304b66dad","oid":"x","preferred_username":"sam@outlook.com","name":"Sam"}"#,
        );
        let jwt = format!("e30.{claims}.sig");
        let account = IdClaims::from_jwt(&jwt)
            .and_then(|c| c.account())
            .expect("claims");
        assert_eq!(account.kind, AccountKind::Personal);
        assert_eq!(account.upn, "sam@outlook.com");
        assert_eq!(kind_of(None, "a@hotmail.co.uk"), AccountKind::Personal);
        assert_eq!(kind_of(None, "a@contoso.com"), AccountKind::Work);
        assert_eq!(
            kind_of(Some("5b1c7a52-0000"), "a@outlook.com"),
            AccountKind::Work
        );
        assert!(IdClaims::from_jwt("not a jwt").is_none());
    }
}
