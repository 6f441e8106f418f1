//! The routes only a person can take: the exact Microsoft page, and what to press there.
//! Used when the API refuses (403 for non-admins) and for personal accounts (no API).

use serde::Serialize;

/// A page to open and the steps to take on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct ManualRoute {
    pub url: String,
    pub title: String,
    /// Why the app cannot do it itself.
    pub reason: String,
    pub steps: Vec<String>,
    /// How long until it takes effect everywhere.
    pub takes_effect: String,
}

fn route(url: &str, title: &str, reason: &str, steps: &[&str], takes_effect: &str) -> ManualRoute {
    ManualRoute {
        url: url.to_owned(),
        title: title.to_owned(),
        reason: reason.to_owned(),
        steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        takes_effect: takes_effect.to_owned(),
    }
}

/// Personal accounts: "Sign me out" under Advanced security options.
pub fn personal_sign_out() -> ManualRoute {
    route(
        "https://account.live.com/proofs/manage/additional",
        "Sign out everywhere (personal Microsoft account)",
        "Microsoft offers no API for personal accounts; the button is on your account's security page.",
        &[
            "Sign in with your Outlook.com / Hotmail address if asked.",
            "Scroll to \"Sign out everywhere\" and press \"Sign me out\".",
            "Confirm with \"Sign out\".",
        ],
        "up to 24 hours; Xbox consoles are not signed out",
    )
}

/// Personal accounts: where recent sign-ins and devices are listed.
pub fn personal_activity() -> ManualRoute {
    route(
        "https://account.live.com/Activity",
        "Recent activity (personal Microsoft account)",
        "Personal accounts' sign-ins and devices are not available through Microsoft Graph.",
        &[
            "Review the recent sign-ins; expand one to see the app, device and place.",
            "For devices, open https://account.microsoft.com/devices and remove the ones you no longer use.",
        ],
        "immediately",
    )
}

/// Ordinary work accounts: My Sign-Ins, "Lost device? Sign out everywhere".
pub fn work_sign_out(upn: &str) -> ManualRoute {
    let mut r = route(
        "https://mysignins.microsoft.com/security-info",
        "Sign out everywhere (work or school account)",
        "Your organisation lets only admins revoke sessions through the API (Authorization_RequestDenied).",
        &[
            "Sign in with your work account if asked.",
            "Press \"Lost device? Sign out everywhere\".",
            "Confirm with \"OK\".",
        ],
        "refresh tokens and browser sessions end within minutes; apps already signed in may keep working for up to about an hour; Outlook, Teams, OneDrive and the phone apps ask you to sign in again",
    );
    r.steps.push(format!(
        "If that link is missing, ask IT to run: Revoke-MgUserSignInSession -UserId {upn}"
    ));
    r
}

/// Ordinary work accounts: where sign-ins are listed for the user themselves.
pub fn work_sign_ins() -> ManualRoute {
    route(
        "https://mysignins.microsoft.com",
        "Recent sign-ins (work or school account)",
        "Reading the sign-in log through the API needs an admin role and an Entra ID P1/P2 licence.",
        &["Open \"Recent activity\" to see each sign-in's app, place and time."],
        "immediately",
    )
}

/// Admins who were refused for another user: the Entra admin center's button.
pub fn admin_revoke(upn: &str) -> ManualRoute {
    route(
        "https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers",
        &format!("Revoke sessions for {upn}"),
        "Graph refused the revoke for this user with this sign-in (a missing role or consent).",
        &[
            &format!("Search for {upn} and open the user."),
            "Press \"Revoke sessions\" and confirm with \"Yes\".",
        ],
        "within minutes",
    )
}
