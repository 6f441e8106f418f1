//! Commands for IT, filled in for this case (field guide, section 5): each with one line
//! saying when it applies, the ones that fit the likely limit first. Arguments are quoted
//! for PowerShell so an address can never become code.

use domain::{FindingCode, Limit};
use serde::{Deserialize, Serialize};

/// Registry key of the Exchange store's per-user session limits.
pub const STORE_KEY: &str =
    "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem";

/// RCAMaxConcurrency suggested when raising it (the default is 40).
pub const SUGGESTED_RCA_CONCURRENCY: u32 = 60;
/// "Maximum Allowed Sessions Per User" suggested when raising it (the default is 32).
pub const SUGGESTED_MAPI_SESSIONS: u32 = 64;
/// "Maximum Allowed Service Sessions Per User" suggested (the default is 16).
pub const SUGGESTED_SERVICE_SESSIONS: u32 = 32;

/// One command for an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AdminCommand {
    /// Stable id (`revoke_sessions`, `remove_mobile_devices`, ...).
    pub id: String,
    /// What it does, in the report's language.
    pub title: String,
    /// Ready to paste into PowerShell.
    pub command: String,
    /// When it applies, in one line.
    pub applies_when: String,
    /// Fits what this report found (likely limit, findings, where the mailbox lives).
    pub relevant: bool,
}

/// What decides the commands and their order.
#[derive(Debug, Clone, Default)]
pub struct CommandContext<'a> {
    /// UPN to fill in (already a pseudonym when the report is redacted).
    pub account: Option<&'a str>,
    /// The likely limit.
    pub limit: Option<Limit>,
    /// The findings' codes.
    pub finding_codes: Vec<FindingCode>,
    /// Whether the mailbox is on-premises Exchange (`None`: not known).
    pub on_premises: Option<bool>,
    /// A personal Microsoft account: there is no administrator.
    pub personal: bool,
    /// Additional and shared mailboxes the user's profiles open (already pseudonyms when
    /// the report is redacted).
    pub shared_mailboxes: Vec<&'a str>,
    /// The user's answer to "Does Outlook on the web work?" (`Some(true)`: classic Outlook
    /// fails while the web works, so Service health and a support case come first).
    pub web_works: Option<bool>,
    /// The language of the titles and notes (the commands themselves are PowerShell).
    pub lang: words::Lang,
}

/// At most this many shared mailboxes get their own command line.
const MAX_SHARED_COMMANDS: usize = 10;

/// Quotes a PowerShell argument: single quotes, with every single quote (PowerShell also
/// takes the typographic ones as quotes) doubled; control characters are dropped. Inside
/// single quotes nothing is expanded, so `$(...)` stays text.
pub fn ps_quote(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c.is_control() {
            continue;
        }
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The commands, most relevant first, or none and why.
pub fn admin_commands(ctx: &CommandContext<'_>) -> (Vec<AdminCommand>, Option<String>) {
    let w = words::Words::of(ctx.lang);
    if ctx.personal {
        return (Vec::new(), Some(w.t("report.cmd.personal_note", &[])));
    }
    let user = ps_quote(ctx.account.unwrap_or("<user principal name>"));
    let limit = ctx.limit;
    let maybe_on_premises = ctx.on_premises != Some(false);
    let generic_on_premises =
        ctx.on_premises == Some(true) && limit == Some(Limit::AllowedSessions);
    let mobile = limit == Some(Limit::MobileDevicePartnerships)
        || ctx
            .finding_codes
            .contains(&FindingCode::MobileDevicesNearLimit);
    let rca = maybe_on_premises
        && (limit == Some(Limit::RpcClientAccessConcurrency) || generic_on_premises);
    let mapi =
        maybe_on_premises && (limit == Some(Limit::MapiSessionsPerUser) || generic_on_premises);
    let service = maybe_on_premises && limit == Some(Limit::ServiceSessionsPerUser);
    let shared = ctx.finding_codes.contains(&FindingCode::SharedMailboxes);
    // One line per shared mailbox, so each can be pasted as it is.
    let mut shared_names: Vec<String> = ctx
        .shared_mailboxes
        .iter()
        .take(MAX_SHARED_COMMANDS)
        .map(|m| ps_quote(m))
        .collect();
    if shared_names.is_empty() {
        shared_names.push(ps_quote("<shared mailbox>"));
    }
    let per_shared = |f: &dyn Fn(&str) -> String| -> String {
        shared_names
            .iter()
            .map(|m| f(m))
            .collect::<Vec<_>>()
            .join("\n")
    };

    let mut commands = vec![
        AdminCommand {
            id: "service_health".into(),
            title: w.t("report.cmd.service_health.title", &[]),
            command: "Get-MgServiceAnnouncementIssue -All | Where-Object { $_.Service -eq 'Exchange Online' -and -not $_.IsResolved } | Format-List Id, Title, Classification, StartDateTime".into(),
            applies_when: w.t("report.cmd.service_health.when", &[]),
            relevant: ctx.web_works == Some(true) || limit == Some(Limit::AuthenticationConcurrency),
        },
        AdminCommand {
            id: "revoke_sessions".into(),
            title: w.t("report.cmd.revoke_sessions.title", &[]),
            command: format!("Revoke-MgUserSignInSession -UserId {user}"),
            applies_when: w.t("report.cmd.revoke_sessions.when", &[]),
            relevant: true,
        },
        AdminCommand {
            id: "remove_mobile_devices".into(),
            title: w.t("report.cmd.remove_mobile_devices.title", &[]),
            command: format!("Get-MobileDevice -Mailbox {user} | Remove-MobileDevice -Confirm:$false"),
            applies_when: w.t("report.cmd.remove_mobile_devices.when", &[]),
            relevant: mobile,
        },
        AdminCommand {
            id: "throttling_policy".into(),
            title: w.t("report.cmd.throttling_policy.title", &[]),
            command: format!("Get-ThrottlingPolicyAssociation -Identity {user}"),
            applies_when: w.t("report.cmd.throttling_policy.when", &[]),
            relevant: rca,
        },
        AdminCommand {
            id: "raise_rca_concurrency".into(),
            title: w.t("report.cmd.raise_rca_concurrency.title", &[]),
            command: format!(
                "Set-ThrottlingPolicy -Identity (Get-ThrottlingPolicyAssociation -Identity {user}).ThrottlingPolicy -RCAMaxConcurrency {SUGGESTED_RCA_CONCURRENCY}"
            ),
            applies_when: w.t("report.cmd.raise_rca_concurrency.when", &[]),
            relevant: rca,
        },
        AdminCommand {
            id: "store_sessions_per_user".into(),
            title: w.t("report.cmd.store_sessions_per_user.title", &[]),
            command: format!(
                "New-ItemProperty -Path {} -Name 'Maximum Allowed Sessions Per User' -PropertyType DWord -Value {SUGGESTED_MAPI_SESSIONS} -Force",
                ps_quote(STORE_KEY)
            ),
            applies_when: w.t("report.cmd.store_sessions_per_user.when", &[]),
            relevant: mapi,
        },
        AdminCommand {
            id: "store_service_sessions_per_user".into(),
            title: w.t("report.cmd.store_service_sessions_per_user.title", &[]),
            command: format!(
                "New-ItemProperty -Path {} -Name 'Maximum Allowed Service Sessions Per User' -PropertyType DWord -Value {SUGGESTED_SERVICE_SESSIONS} -Force",
                ps_quote(STORE_KEY)
            ),
            applies_when: w.t("report.cmd.store_service_sessions_per_user.when", &[]),
            relevant: service,
        },
        AdminCommand {
            id: "remove_shared_mailbox_permission".into(),
            title: w.t("report.cmd.remove_shared_mailbox_permission.title", &[]),
            command: per_shared(&|m| {
                format!("Remove-MailboxPermission -Identity {m} -User {user} -AccessRights FullAccess -Confirm:$false")
            }),
            applies_when: w.t("report.cmd.remove_shared_mailbox_permission.when", &[]),
            relevant: shared,
        },
        AdminCommand {
            id: "add_shared_mailbox_without_automapping".into(),
            title: w.t("report.cmd.add_shared_mailbox_without_automapping.title", &[]),
            command: per_shared(&|m| {
                format!("Add-MailboxPermission -Identity {m} -User {user} -AccessRights FullAccess -AutoMapping $false")
            }),
            applies_when: w.t("report.cmd.add_shared_mailbox_without_automapping.when", &[]),
            relevant: shared,
        },
    ];
    // Stable: the relevant ones first, each group in the order above.
    commands.sort_by_key(|c| !c.relevant);
    (commands, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_arguments_literal() {
        assert_eq!(ps_quote("megan@contoso.com"), "'megan@contoso.com'");
        assert_eq!(ps_quote("o'brien@contoso.com"), "'o''brien@contoso.com'");
        assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(ps_quote("$(Remove-Item C:\\)"), "'$(Remove-Item C:\\)'");
        assert_eq!(ps_quote("x';calc;'\n"), "'x'';calc;'''");
    }

    #[test]
    fn order_follows_the_limit_and_where_the_mailbox_lives() {
        let ids = |ctx: &CommandContext<'_>| -> Vec<(String, bool)> {
            admin_commands(ctx)
                .0
                .into_iter()
                .map(|c| (c.id, c.relevant))
                .collect()
        };
        let on_prem = CommandContext {
            account: Some("megan@contoso.com"),
            limit: Some(Limit::MapiSessionsPerUser),
            on_premises: Some(true),
            ..Default::default()
        };
        let got = ids(&on_prem);
        assert_eq!(got[0], ("revoke_sessions".to_owned(), true));
        assert_eq!(got[1], ("store_sessions_per_user".to_owned(), true));
        assert!(got[2..].iter().all(|(_, relevant)| !relevant));

        let online = CommandContext {
            limit: Some(Limit::RpcClientAccessConcurrency),
            on_premises: Some(false),
            finding_codes: vec![FindingCode::MobileDevicesNearLimit],
            ..on_prem.clone()
        };
        let got = ids(&online);
        assert_eq!(
            got.iter()
                .filter(|(_, r)| *r)
                .map(|(i, _)| i.as_str())
                .collect::<Vec<_>>(),
            vec!["revoke_sessions", "remove_mobile_devices"]
        );
        assert_eq!(got.len(), 9);

        let personal = CommandContext {
            personal: true,
            ..on_prem
        };
        let (cmds, note) = admin_commands(&personal);
        assert!(cmds.is_empty());
        assert!(note.is_some_and(|n| n.contains("Sign me out")));
    }

    #[test]
    fn commands_are_filled_in() {
        let (cmds, _) = admin_commands(&CommandContext {
            account: Some("o'brien@contoso.com"),
            ..Default::default()
        });
        let by_id = |id: &str| {
            cmds.iter()
                .find(|c| c.id == id)
                .map(|c| c.command.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            by_id("revoke_sessions"),
            "Revoke-MgUserSignInSession -UserId 'o''brien@contoso.com'"
        );
        assert_eq!(
            by_id("remove_mobile_devices"),
            "Get-MobileDevice -Mailbox 'o''brien@contoso.com' | Remove-MobileDevice -Confirm:$false"
        );
        assert!(by_id("store_sessions_per_user").contains(
            "'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem' -Name 'Maximum Allowed Sessions Per User'"
        ));
        assert!(
            cmds.iter()
                .all(|c| !c.applies_when.is_empty() && !c.applies_when.contains('\n'))
        );
    }

    #[test]
    fn shared_mailbox_commands_are_filled_in_per_mailbox_and_quoted() {
        let ctx = CommandContext {
            account: Some("megan@contoso.com"),
            finding_codes: vec![FindingCode::SharedMailboxes],
            shared_mailboxes: vec!["sales@contoso.com", "o'neil.team@contoso.com"],
            on_premises: Some(false),
            ..Default::default()
        };
        let (cmds, _) = admin_commands(&ctx);
        let remove = cmds
            .iter()
            .find(|c| c.id == "remove_shared_mailbox_permission")
            .expect("remove");
        let add = cmds
            .iter()
            .find(|c| c.id == "add_shared_mailbox_without_automapping")
            .expect("add");
        assert!(remove.relevant && add.relevant);
        assert_eq!(
            remove.command,
            "Remove-MailboxPermission -Identity 'sales@contoso.com' -User 'megan@contoso.com' -AccessRights FullAccess -Confirm:$false\n\
             Remove-MailboxPermission -Identity 'o''neil.team@contoso.com' -User 'megan@contoso.com' -AccessRights FullAccess -Confirm:$false"
        );
        assert_eq!(
            add.command.lines().next(),
            Some(
                "Add-MailboxPermission -Identity 'sales@contoso.com' -User 'megan@contoso.com' -AccessRights FullAccess -AutoMapping $false"
            )
        );
        // The relevant ones come first, in the listed order: remove before add.
        let order: Vec<&str> = cmds
            .iter()
            .filter(|c| c.relevant)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            order,
            vec![
                "revoke_sessions",
                "remove_shared_mailbox_permission",
                "add_shared_mailbox_without_automapping"
            ]
        );
        // Without the finding they are listed but not relevant; without an address, a
        // placeholder says what to fill in.
        let (cmds, _) = admin_commands(&CommandContext {
            finding_codes: Vec::new(),
            shared_mailboxes: Vec::new(),
            ..ctx
        });
        let remove = cmds
            .iter()
            .find(|c| c.id == "remove_shared_mailbox_permission")
            .expect("remove");
        assert!(!remove.relevant);
        assert!(
            remove.command.contains("-Identity '<shared mailbox>'"),
            "{}",
            remove.command
        );
    }
}
