//! The report itself: what is shown in the HTML, exported as JSON and summarised for a
//! ticket. [`build_report`] assembles it from a [`ReportInput`], keeps long lists short
//! (saying how much was left out), and redacts it unless personal data was asked for.

mod build;
mod environment;
mod labels;
mod types;

use domain::{Limit, Severity, StepStatus};
use scan::ClientKind;
use serde::{Deserialize, Serialize};
use words::{Lang, Words};

use crate::commands::{self, AdminCommand, CommandContext};
use crate::input::{FindingLine, MeasureLine, RepairLine, ReportInput, StepLine, UserAnswers};
use crate::redact::Redactor;

pub use build::*;
use environment::*;
pub use labels::*;
pub use types::*;

/// Newest sign-ins kept in a report.
pub const MAX_SIGN_INS: usize = 50;
/// Devices kept (most recently seen first).
pub const MAX_DEVICES: usize = 100;
/// Profiles and other apps' accounts kept.
pub const MAX_PROFILES: usize = 50;
pub const MAX_OTHER_ACCOUNTS: usize = 50;
/// Findings kept, and evidence lines kept per finding.
pub const MAX_FINDINGS: usize = 100;
pub const MAX_EVIDENCE: usize = 20;
/// Repairs kept (newest).
pub const MAX_REPAIRS: usize = 200;
/// Longest free-text line kept, in characters.
pub const MAX_LINE: usize = 1000;

/// The default wording of the error when the user did not paste theirs (in English; the
/// catalog's `report.default_error` in the report's language).
pub const DEFAULT_ERROR: &str = "Outlook: \"exceeded the maximum number of allowed sessions\"";

#[cfg(test)]
mod tests {
    use super::*;

    /// The version line the report shows for a program path (detection is the scan's).
    fn version_from_exe(exe: &str) -> Option<String> {
        scan::outlook_version::from_exe(exe).map(|v| v.describe())
    }

    #[test]
    fn versions_from_paths() {
        assert_eq!(
            version_from_exe("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE")
                .as_deref(),
            Some("16.0 (from the install folder)")
        );
        assert_eq!(
            version_from_exe("C:\\Program Files\\WindowsApps\\Microsoft.OutlookForWindows_1.2024.1023.300_x64__8wekyb3d8bbwe\\olk.exe").as_deref(),
            Some("1.2024.1023.300 (from the app package)")
        );
        assert_eq!(version_from_exe("/usr/bin/thunderbird"), None);
        assert_eq!(version_from_exe("C:\\OfficeTools\\x.exe"), None);
    }

    #[test]
    fn lists_are_cut_with_a_count() {
        assert_eq!(keep_first(vec![1, 2, 3], 2), (vec![1, 2], 1));
        assert_eq!(keep_last(vec![1, 2, 3], 2), (vec![2, 3], 1));
        assert_eq!(keep_last(vec![1], 2), (vec![1], 0));
        let long = "x".repeat(MAX_LINE + 10);
        assert_eq!(clip(&long).chars().count(), MAX_LINE + 1);
        assert_eq!(clip("a\nb"), "a b");
    }

    #[test]
    fn round_trip_through_json_is_lossless() {
        let report = build_report(
            &ReportInput {
                app_version: "0.1.0".into(),
                generated_at: "2025-01-01T00:00:00Z".into(),
                findings: vec![FindingLine {
                    code: domain::FindingCode::DuplicateProfiles,
                    severity: Severity::High,
                    title: "Two profiles".into(),
                    evidence: vec!["same account twice".into()],
                    step: Some(domain::StepId::DuplicateProfiles),
                    step_title: Some("Remove the duplicate profile".into()),
                    advice: vec!["remove one".into()],
                }],
                ..ReportInput::default()
            },
            true,
        );
        let mut again = Redactor::new().redact_report(report.clone());
        again.redacted = report.redacted;
        assert_eq!(again, report);
    }

    #[test]
    fn every_client_kind_is_listed_once_with_its_own_words() {
        let all = [
            ClientKind::ClassicOutlook,
            ClientKind::NewOutlook,
            ClientKind::WindowsMail,
            ClientKind::OutlookMac,
            ClientKind::Teams,
            ClientKind::OutlookWebApp,
            ClientKind::Thunderbird,
            ClientKind::Evolution,
            ClientKind::EmClient,
            ClientKind::AppleMail,
            ClientKind::ProspectMail,
            ClientKind::MapiClient,
        ];
        for kind in all {
            let listed = OUTLOOK_KINDS
                .iter()
                .chain(OTHER_KINDS)
                .filter(|k| **k == kind);
            assert_eq!(listed.count(), 1, "{kind:?}");
            for lang in [Lang::En, Lang::Es] {
                let label = client_label(kind, lang);
                assert!(
                    !label.contains('_') && !label.is_empty(),
                    "{kind:?}: {label}"
                );
            }
        }
        assert_eq!(OUTLOOK_KINDS.len() + OTHER_KINDS.len(), all.len());
    }
}
