//! The routes only a person can take: the exact Microsoft page, and what to press there.
//! Used when the API refuses (403 for non-admins) and for personal accounts (no API).
//! Worded in the reader's language from the catalogs (`cloud.manual.*`); the buttons are
//! named as Microsoft's pages name them in that language.

use serde::Serialize;
use words::{Lang, Words};

/// A page to open and the steps to take on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct ManualRoute {
    /// The page to open.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Why the app cannot do it itself.
    pub reason: String,
    /// What to do there, one step per line.
    pub steps: Vec<String>,
    /// How long until it takes effect everywhere.
    pub takes_effect: String,
}

fn route(
    url: &str,
    title: String,
    reason: String,
    steps: Vec<String>,
    takes_effect: String,
) -> ManualRoute {
    ManualRoute {
        url: url.to_owned(),
        title,
        reason,
        steps,
        takes_effect,
    }
}

/// Personal accounts: "Sign me out" under Advanced security options.
pub fn personal_sign_out(lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://account.live.com/proofs/manage/additional",
        w.t("cloud.manual.personal_sign_out.title", &[]),
        w.t("cloud.manual.personal_sign_out.reason", &[]),
        vec![
            w.t("cloud.manual.personal_sign_out.step1", &[]),
            w.t("cloud.manual.personal_sign_out.step2", &[]),
            w.t("cloud.manual.personal_sign_out.step3", &[]),
        ],
        w.t("cloud.manual.personal_sign_out.takes_effect", &[]),
    )
}

/// Personal accounts: where recent sign-ins and devices are listed.
pub fn personal_activity(lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://account.live.com/Activity",
        w.t("cloud.manual.personal_activity.title", &[]),
        w.t("cloud.manual.personal_activity.reason", &[]),
        vec![
            w.t("cloud.manual.personal_activity.step1", &[]),
            w.t("cloud.manual.personal_activity.step2", &[]),
        ],
        w.t("cloud.manual.immediately", &[]),
    )
}

/// Ordinary work accounts: My Sign-Ins, "Lost device? Sign out everywhere".
pub fn work_sign_out(upn: &str, lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://mysignins.microsoft.com/security-info",
        w.t("cloud.manual.work_sign_out.title", &[]),
        w.t("cloud.manual.work_sign_out.reason", &[]),
        vec![
            w.t("cloud.manual.work_sign_out.step1", &[]),
            w.t("cloud.manual.work_sign_out.step2", &[]),
            w.t("cloud.manual.work_sign_out.step3", &[]),
            w.t("cloud.manual.work_sign_out.step4", &[("upn", &upn)]),
        ],
        w.t("cloud.manual.work_sign_out.takes_effect", &[]),
    )
}

/// Ordinary work accounts: where sign-ins are listed for the user themselves.
pub fn work_sign_ins(lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://mysignins.microsoft.com",
        w.t("cloud.manual.work_sign_ins.title", &[]),
        w.t("cloud.manual.work_sign_ins.reason", &[]),
        vec![w.t("cloud.manual.work_sign_ins.step1", &[])],
        w.t("cloud.manual.immediately", &[]),
    )
}

/// Admins who were refused for another user: the Entra admin center's button.
pub fn admin_revoke(upn: &str, lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers",
        w.t("cloud.manual.admin_revoke.title", &[("upn", &upn)]),
        w.t("cloud.manual.admin_revoke.reason", &[]),
        vec![
            w.t("cloud.manual.admin_revoke.step1", &[("upn", &upn)]),
            w.t("cloud.manual.admin_revoke.step2", &[]),
        ],
        w.t("cloud.manual.admin_revoke.takes_effect", &[]),
    )
}

/// Work accounts whose devices Graph did not list: the My Account device list.
pub fn devices(lang: Lang) -> ManualRoute {
    let w = Words::of(lang);
    route(
        "https://myaccount.microsoft.com/device-list",
        w.t("cloud.manual.devices.title", &[]),
        w.t("cloud.manual.devices.reason", &[]),
        vec![w.t("cloud.manual.devices.step1", &[])],
        w.t("cloud.manual.immediately", &[]),
    )
}
