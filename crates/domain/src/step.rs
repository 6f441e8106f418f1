//! Whose plan it is and where each step stands.

use serde::{Deserialize, Serialize};

/// Whose account the plan is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// Microsoft 365 / Exchange work or school account (first seed).
    #[default]
    Work,
    /// Outlook.com, Hotmail, Live, MSN (second seed).
    Personal,
    /// An IT administrator acting for another user.
    Admin,
}

/// Where a step of the plan stands for the user.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Not done yet.
    #[default]
    Pending,
    /// Done.
    Done,
    /// Skipped by the user.
    Skipped,
}

/// A step of the plan, by its stable id (the CLI contract, the saved progress and the
/// catalogs' `steps.es.json` name steps by these spellings).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    /// `owa_triage`
    OwaTriage,
    /// `close_other_devices`
    CloseOtherDevices,
    /// `sign_out_web`
    SignOutWeb,
    /// `sign_out_everywhere`
    SignOutEverywhere,
    /// `review_sessions`
    ReviewSessions,
    /// `restart_outlook_here`
    RestartOutlookHere,
    /// `connection_status`
    ConnectionStatus,
    /// `phone_app_background`
    PhoneAppBackground,
    /// `duplicate_profiles`
    DuplicateProfiles,
    /// `addins_safe_mode`
    AddinsSafeMode,
    /// `other_mail_apps`
    OtherMailApps,
    /// `it_help_desk`
    ItHelpDesk,
    /// `personal_sign_out_everywhere`
    PersonalSignOutEverywhere,
    /// `personal_remove_devices`
    PersonalRemoveDevices,
    /// `personal_change_password`
    PersonalChangePassword,
    /// `personal_sign_out_browser`
    PersonalSignOutBrowser,
    /// `personal_remove_windows_mail`
    PersonalRemoveWindowsMail,
    /// `personal_remove_phone_app`
    PersonalRemovePhoneApp,
    /// `restart_outlook_here_personal`
    RestartOutlookHerePersonal,
    /// `personal_clear_browsing_data`
    PersonalClearBrowsingData,
    /// `personal_clear_app_data`
    PersonalClearAppData,
    /// `admin_revoke_user`
    AdminRevokeUser,
    /// `admin_review_user`
    AdminReviewUser,
}

impl StepId {
    /// Every step, in the order the plan defines them.
    pub const ALL: [StepId; 23] = [
        Self::OwaTriage,
        Self::CloseOtherDevices,
        Self::SignOutWeb,
        Self::SignOutEverywhere,
        Self::ReviewSessions,
        Self::RestartOutlookHere,
        Self::ConnectionStatus,
        Self::PhoneAppBackground,
        Self::DuplicateProfiles,
        Self::AddinsSafeMode,
        Self::OtherMailApps,
        Self::ItHelpDesk,
        Self::PersonalSignOutEverywhere,
        Self::PersonalRemoveDevices,
        Self::PersonalChangePassword,
        Self::PersonalSignOutBrowser,
        Self::PersonalRemoveWindowsMail,
        Self::PersonalRemovePhoneApp,
        Self::RestartOutlookHerePersonal,
        Self::PersonalClearBrowsingData,
        Self::PersonalClearAppData,
        Self::AdminRevokeUser,
        Self::AdminReviewUser,
    ];

    /// The id as the JSON and the catalogs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OwaTriage => "owa_triage",
            Self::CloseOtherDevices => "close_other_devices",
            Self::SignOutWeb => "sign_out_web",
            Self::SignOutEverywhere => "sign_out_everywhere",
            Self::ReviewSessions => "review_sessions",
            Self::RestartOutlookHere => "restart_outlook_here",
            Self::ConnectionStatus => "connection_status",
            Self::PhoneAppBackground => "phone_app_background",
            Self::DuplicateProfiles => "duplicate_profiles",
            Self::AddinsSafeMode => "addins_safe_mode",
            Self::OtherMailApps => "other_mail_apps",
            Self::ItHelpDesk => "it_help_desk",
            Self::PersonalSignOutEverywhere => "personal_sign_out_everywhere",
            Self::PersonalRemoveDevices => "personal_remove_devices",
            Self::PersonalChangePassword => "personal_change_password",
            Self::PersonalSignOutBrowser => "personal_sign_out_browser",
            Self::PersonalRemoveWindowsMail => "personal_remove_windows_mail",
            Self::PersonalRemovePhoneApp => "personal_remove_phone_app",
            Self::RestartOutlookHerePersonal => "restart_outlook_here_personal",
            Self::PersonalClearBrowsingData => "personal_clear_browsing_data",
            Self::PersonalClearAppData => "personal_clear_app_data",
            Self::AdminRevokeUser => "admin_revoke_user",
            Self::AdminReviewUser => "admin_review_user",
        }
    }
}

impl std::fmt::Display for StepId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests compare an id with its spelling.
impl PartialEq<&str> for StepId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(value: T) -> String {
        serde_json::to_string(&value).expect("serializes")
    }

    #[test]
    fn the_json_spellings_are_the_contract() {
        assert_eq!(json(Track::Personal), "\"personal\"");
        assert_eq!(json(StepStatus::Skipped), "\"skipped\"");
        assert_eq!(json(crate::Severity::High), "\"high\"");
        assert_eq!(
            json(crate::Limit::ExchangePowerShellSessions),
            "\"exchange_power_shell_sessions\""
        );
        assert_eq!(
            json(crate::FindingCode::OtherWindowsSessions),
            "\"other_windows_sessions\""
        );
        for id in StepId::ALL {
            assert_eq!(json(id), format!("\"{id}\""));
        }
        let back: StepStatus = serde_json::from_str("\"done\"").expect("reads");
        assert_eq!(back, StepStatus::Done);
        assert!(serde_json::from_str::<StepStatus>("\"maybe\"").is_err());
    }
}
