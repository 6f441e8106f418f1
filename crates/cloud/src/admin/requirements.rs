//! What admin mode needs (an Entra role and admin-consented permissions) and how a refusal
//! from Graph becomes an error that names them.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;
use words::{Lang, Words};

/// An Entra built-in role and what it covers for admin mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminRole {
    /// The role's name, as Entra shows it.
    pub name: String,
    /// The role template id, the same in every tenant.
    pub template_id: String,
    /// Whose sessions (or which logs) it reaches.
    pub covers: String,
}

/// A delegated Microsoft Graph permission admin mode needs (with admin consent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminPermission {
    /// The permission's name (`User.RevokeSessions.All`).
    pub name: String,
    /// Broader permissions that also do.
    pub alternatives: Vec<String>,
    /// What it is needed for, in words.
    pub needed_for: String,
}

/// Everything admin mode needs, for the screen that tells a non-admin what to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminRequirements {
    /// Any one of these lets the signed-in user sign others out (least privileged first).
    pub revoke_roles: Vec<AdminRole>,
    /// Any one of these lets the signed-in user read others' sign-ins.
    pub sign_in_roles: Vec<AdminRole>,
    /// The delegated Graph permissions admin mode needs.
    pub permissions: Vec<AdminPermission>,
    /// Licence needed for sign-in logs through Graph.
    pub licence: String,
    /// One sentence for the screen.
    pub summary: String,
}

/// What the signed-in account may do in admin mode, checked when the mode opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminAccess {
    /// The signed-in account.
    pub upn: String,
    /// Entra directory roles the account holds (active assignments), by name.
    pub roles: Vec<String>,
    /// Whether the roles could be read at all (they need `Directory.Read.All`).
    pub roles_known: bool,
    /// The directory can be searched.
    pub can_search: bool,
    /// A role held can revoke other users' sessions, and the permission was requested.
    pub can_revoke: bool,
    /// A role held can read other users' sign-ins, and the permission was requested.
    pub can_read_sign_ins: bool,
    /// Admin permissions this sign-in did not ask for or was not granted.
    pub missing_permissions: Vec<String>,
    /// What admin mode needs in all.
    pub requirements: AdminRequirements,
    /// One sentence for the screen.
    pub summary: String,
}

pub(super) fn role(name: &str, template_id: &str, covers: &str) -> AdminRole {
    AdminRole {
        name: name.to_owned(),
        template_id: template_id.to_owned(),
        covers: covers.to_owned(),
    }
}

pub(super) const GLOBAL_ADMIN: (&str, &str) = (
    "Global Administrator",
    "62e90394-69f5-4237-9190-012177145e10",
);
pub(super) const PERM_REVOKE: &str = "User.RevokeSessions.All";
pub(super) const PERM_DIRECTORY: &str = "Directory.Read.All";
pub(super) const PERM_AUDIT: &str = "AuditLog.Read.All";

/// The roles and permissions admin mode needs, what each covers worded in `lang` (role and
/// permission names are Microsoft's, as its admin centers show them). Roles from
/// Microsoft's "least privileged roles by task" and built-in role permissions
/// (`microsoft.directory/users/invalidateAllRefreshTokens`); sign-in logs need a reports
/// or security reader role.
pub fn admin_requirements(lang: Lang) -> AdminRequirements {
    let w = Words::of(lang);
    AdminRequirements {
        revoke_roles: vec![
            role(
                "Helpdesk Administrator",
                "729827e3-9c14-49f7-bb1b-9608f156bbb8",
                &w.t("cloud.admin.covers.non_admins", &[]),
            ),
            role(
                "Authentication Administrator",
                "c4e39bd9-1100-46d3-8c65-fb160da0071f",
                &w.t("cloud.admin.covers.non_admins", &[]),
            ),
            role(
                "User Administrator",
                "fe930be7-5e62-47db-91af-98c3a49a38b1",
                &w.t("cloud.admin.covers.non_admins_and_some_admins", &[]),
            ),
            role(
                "Privileged Authentication Administrator",
                "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
                &w.t("cloud.admin.covers.every_user", &[]),
            ),
            role(
                GLOBAL_ADMIN.0,
                GLOBAL_ADMIN.1,
                &w.t("cloud.admin.covers.every_user_more", &[]),
            ),
        ],
        sign_in_roles: vec![
            role(
                "Reports Reader",
                "4a5d8f65-41da-4de4-8968-e035b65339cf",
                &w.t("cloud.admin.covers.sign_in_and_audit_logs", &[]),
            ),
            role(
                "Security Reader",
                "5d6b6bb7-de71-4623-b4af-96380a352509",
                &w.t("cloud.admin.covers.sign_in_logs_and_security_reports", &[]),
            ),
            role(
                "Global Reader",
                "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
                &w.t("cloud.admin.covers.everything_read_only", &[]),
            ),
            role(
                "Security Administrator",
                "194ae4cb-b126-40b2-bd5b-6091b380977d",
                &w.t("cloud.admin.covers.sign_in_logs_and_security_settings", &[]),
            ),
            role(
                GLOBAL_ADMIN.0,
                GLOBAL_ADMIN.1,
                &w.t("cloud.admin.covers.everything", &[]),
            ),
        ],
        permissions: vec![
            AdminPermission {
                name: PERM_REVOKE.into(),
                alternatives: vec![
                    "User.ReadWrite.All".into(),
                    "Directory.ReadWrite.All".into(),
                ],
                needed_for: w.t("cloud.admin.needed_for.revoke", &[]),
            },
            AdminPermission {
                name: PERM_DIRECTORY.into(),
                alternatives: vec![w.t(
                    "cloud.admin.alternative.search_only",
                    &[("permission", &"User.Read.All")],
                )],
                needed_for: w.t("cloud.admin.needed_for.directory", &[]),
            },
            AdminPermission {
                name: PERM_AUDIT.into(),
                alternatives: Vec::new(),
                needed_for: w.t("cloud.admin.needed_for.audit", &[]),
            },
        ],
        licence: w.t("cloud.admin.licence", &[]),
        summary: w.t("cloud.admin.requirements", &[]),
    }
}

/// The typed refusal for `action`, with what is needed.
pub(super) fn admin_required(action: AdminAction) -> CloudError {
    // Only the names, which are the same in every language.
    let req = admin_requirements(Lang::En);
    CloudError::AdminRequired {
        action,
        roles: req.revoke_roles.into_iter().map(|r| r.name).collect(),
        permissions: req.permissions.into_iter().map(|p| p.name).collect(),
    }
}

/// Graph's 403 for `action` as [`CloudError::AdminRequired`]; anything else unchanged.
pub(super) fn refine(action: AdminAction, e: CloudError) -> CloudError {
    if e.is_forbidden() {
        admin_required(action)
    } else {
        e
    }
}
