//! The directory objects the simulated tenant serves: users, devices and sign-ins.
//! Field names follow Microsoft Graph v1.0 so the JSON the sandbox returns is the JSON
//! the real service documents.

use serde_json::{Value, json};

/// What a user may do, which is what decides the answers they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    /// A work account with an admin role: may revoke anyone and read audit logs.
    Admin,
    /// An ordinary work account: reads its own profile and devices, gets 403 elsewhere.
    Member,
    /// An outlook.com / hotmail.com account: `/me` only.
    Personal,
}

/// Microsoft's fixed tenant id for personal (MSA) accounts; the `tid` in their tokens.
pub const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// A user of the simulated tenant.
#[derive(Debug, Clone)]
pub struct User {
    /// The object id.
    pub id: String,
    /// The user principal name.
    pub upn: String,
    /// The display name.
    pub display_name: String,
    /// Admin, member or personal account.
    pub kind: UserKind,
}

impl User {
    /// A user with these fields.
    pub fn new(id: &str, upn: &str, display_name: &str, kind: UserKind) -> Self {
        Self {
            id: id.to_owned(),
            upn: upn.to_owned(),
            display_name: display_name.to_owned(),
            kind,
        }
    }

    /// The `/me` and `/users/{id}` body.
    pub fn to_graph(&self) -> Value {
        let mut parts = self.display_name.splitn(2, ' ');
        let given = parts.next().unwrap_or_default();
        let surname = parts.next().unwrap_or_default();
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "id": self.id,
            "displayName": self.display_name,
            "givenName": given,
            "surname": surname,
            "userPrincipalName": self.upn,
            "mail": self.upn,
            "jobTitle": null,
            "mobilePhone": null,
            "officeLocation": null,
            "preferredLanguage": "en-US",
            "businessPhones": [],
        })
    }
}

/// A device object (`microsoft.graph.device`) linked to a user.
#[derive(Debug, Clone)]
pub struct Device {
    /// The directory object id.
    pub id: String,
    /// The device id (the one sign-ins name).
    pub device_id: String,
    /// The device's name.
    pub display_name: String,
    /// Its operating system.
    pub operating_system: String,
    /// Its operating system's version.
    pub operating_system_version: String,
    /// `AzureAd`, `ServerAd` or `Workplace` (registered personal device).
    pub trust_type: String,
    /// When it last signed in, roughly (RFC 3339).
    pub approximate_last_sign_in: String,
    /// Whether it is managed (Intune).
    pub is_managed: bool,
    /// Whether it is compliant.
    pub is_compliant: bool,
    /// The owner's user id.
    pub owner_user_id: String,
    /// Listed under `/registeredDevices`.
    pub registered: bool,
    /// Listed under `/ownedDevices`.
    pub owned: bool,
}

impl Device {
    /// The device as Graph's `device` resource.
    pub fn to_graph(&self) -> Value {
        json!({
            "@odata.type": "#microsoft.graph.device",
            "id": self.id,
            "deviceId": self.device_id,
            "displayName": self.display_name,
            "operatingSystem": self.operating_system,
            "operatingSystemVersion": self.operating_system_version,
            "trustType": self.trust_type,
            "approximateLastSignInDateTime": self.approximate_last_sign_in,
            "isManaged": self.is_managed,
            "isCompliant": self.is_compliant,
            "accountEnabled": true,
        })
    }
}

/// One entry of `/auditLogs/signIns` (`microsoft.graph.signIn`).
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The sign-in's id.
    pub id: String,
    /// The user's object id.
    pub user_id: String,
    /// The user principal name.
    pub upn: String,
    /// When it happened (RFC 3339).
    pub created: String,
    /// The app signed in to.
    pub app_display_name: String,
    /// The client app (`Browser`, `Mobile Apps and Desktop clients`, `IMAP4`).
    pub client_app_used: String,
    /// The IP address it came from.
    pub ip_address: String,
    /// The device's name, when known.
    pub device_name: String,
    /// The device's operating system.
    pub operating_system: String,
    /// The browser, when one.
    pub browser: String,
    /// The city it came from.
    pub city: String,
    /// The country it came from.
    pub country: String,
    /// 0 for success, else the AADSTS error code.
    pub error_code: i64,
    /// Why it failed, when it did.
    pub failure_reason: Option<String>,
    /// Whether the user signed in themselves (not a token refresh).
    pub is_interactive: bool,
}

impl SignIn {
    /// The sign-in as Graph's `signIn` resource.
    pub fn to_graph(&self) -> Value {
        json!({
            "id": self.id,
            "createdDateTime": self.created,
            "userDisplayName": null,
            "userPrincipalName": self.upn,
            "userId": self.user_id,
            "appId": "00000002-0000-0ff1-ce00-000000000000",
            "appDisplayName": self.app_display_name,
            "ipAddress": self.ip_address,
            "clientAppUsed": self.client_app_used,
            "isInteractive": self.is_interactive,
            "deviceDetail": {
                "deviceId": "",
                "displayName": self.device_name,
                "operatingSystem": self.operating_system,
                "browser": self.browser,
                "isCompliant": false,
                "isManaged": false,
                "trustType": "",
            },
            "location": {
                "city": self.city,
                "state": "",
                "countryOrRegion": self.country,
            },
            "status": {
                "errorCode": self.error_code,
                "failureReason": self.failure_reason.clone().unwrap_or_else(|| "Other.".to_owned()),
                "additionalDetails": null,
            },
        })
    }
}
