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
        let back: StepStatus = serde_json::from_str("\"done\"").expect("reads");
        assert_eq!(back, StepStatus::Done);
        assert!(serde_json::from_str::<StepStatus>("\"maybe\"").is_err());
    }
}
