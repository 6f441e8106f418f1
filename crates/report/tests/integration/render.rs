//! HTML (self-contained, escaped, printable, dark), JSON, the ticket text, the admin
//! commands, and a huge input that must stay a small report.

use crate::common;

use common::{input, leaks, sign_in};
use report::{ReportInput, build_report, from_json, limit_label, ticket_summary, to_html, to_json};

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

#[test]
fn html_is_self_contained_printable_and_dark_aware() {
    for include in [false, true] {
        let html = to_html(&build_report(&input(), include));
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        let l = lower(&html);
        for forbidden in [
            "<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "href=", "url(",
            "@import", "srcset", " on",
        ] {
            if forbidden == " on" {
                // No inline event handler attribute such as onload= or onclick=.
                assert!(
                    !l.split('<').any(|tag| {
                        let tag = tag.split('>').next().unwrap_or_default();
                        tag.split_whitespace().skip(1).any(|a| a.starts_with("on"))
                    }),
                    "event handler attribute in HTML"
                );
                continue;
            }
            assert!(!l.contains(forbidden), "{forbidden} in HTML");
        }
        assert!(l.contains("content-security-policy"));
        assert!(l.contains("default-src 'none'"));
        assert!(html.contains("@media print"));
        assert!(html.contains("prefers-color-scheme: dark"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        // The sections a help desk looks for.
        for section in [
            "id=\"summary\"",
            "id=\"findings\"",
            "id=\"steps\"",
            "id=\"repairs\"",
            "id=\"before-after\"",
            "id=\"environment\"",
            "id=\"profiles\"",
            "id=\"devices\"",
            "id=\"sign-ins\"",
            "id=\"admin\"",
        ] {
            assert!(html.contains(section), "{section} missing");
        }
        assert!(html.contains("Classic Outlook for Windows"));
        assert!(html.contains("16.0 (from the install folder)"));
        assert!(html.contains("1.2024.1023.300 (from the app package)"));
        assert!(html.contains("MAPI sessions per user (Exchange store)"));
    }
}

#[test]
fn all_text_is_escaped() {
    let mut i = input();
    if let Some(scan) = i.scan.as_mut() {
        scan.profiles[0].name = "<script>alert('megan')</script>".into();
    }
    i.findings[0].title = "Tom & Jerry's <b>bold</b> \"quote\"".into();
    i.steps[0].title = "</td><script>x()</script>".into();
    for include in [false, true] {
        let html = to_html(&build_report(&i, include));
        assert!(!lower(&html).contains("<script"), "unescaped script tag");
        assert!(!html.contains("<b>bold"));
        if include {
            assert!(html.contains("&lt;script&gt;alert("));
        } else {
            // Redacted, a profile name that is not one of Outlook's own is a pseudonym.
            assert!(
                !html.contains("alert("),
                "the profile name survived redaction"
            );
        }
        assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;bold&lt;/b&gt; &quot;quote&quot;"));
        assert!(html.contains("&lt;/td&gt;&lt;script&gt;x()&lt;/script&gt;"));
    }
}

#[test]
fn json_round_trips_with_snake_case_keys() {
    let r = build_report(&input(), false);
    let json = to_json(&r).expect("json");
    assert_eq!(from_json(&json).expect("reads back"), r);
    for key in [
        "\"redacted\": true",
        "\"generated_at\"",
        "\"before_after\"",
        "\"admin_commands\"",
        "\"applies_when\"",
        "\"sign_ins_left_out\"",
        "\"os_version\"",
    ] {
        assert!(json.contains(key), "{key} missing");
    }
    let err = from_json("{not json").expect_err("broken JSON fails");
    assert_eq!(err.code(), "report_json");
}

#[test]
fn ticket_is_short_plain_text_with_what_matters() {
    let r = build_report(&input(), false);
    let t = ticket_summary(&r);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines.len() <= 25, "{} lines:\n{t}", lines.len());
    assert!(!t.contains('<'), "plain text, not HTML:\n{t}");
    assert!(t.contains("Account: user-1@domain-1"), "{t}");
    assert!(
        t.contains("exceeded the maximum number of allowed sessions"),
        "{t}"
    );
    assert!(
        t.contains("Likely limit: MAPI sessions per user (Exchange store) (35 of 32: connections from this PC against the documented limit)"),
        "{t}"
    );
    assert!(
        t.contains("- [high] Outlook is open twice on device-"),
        "{t}"
    );
    assert!(
        t.contains("Steps done: 1 of 3 (Close Outlook on other computers)"),
        "{t}"
    );
    assert!(t.contains("Repairs: 1 made"), "{t}");
    assert!(
        t.contains("Before -> now: Outlook windows 2 -> 1; Connections to Microsoft 365 18 -> 9"),
        "{t}"
    );
    assert!(
        t.contains(
            "For IT: Revoke-MgUserSignInSession -UserId 'user-1@domain-1'\n  Applies: Exchange Online"
        ),
        "{t}"
    );
    assert!(
        t.contains("Microsoft 365: 3 devices, 3 recent sign-ins (1 failed)"),
        "{t}"
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 240));
    assert!(leaks(&t).is_empty(), "{t}");
}

#[test]
fn admin_commands_are_filled_in_and_quoted() {
    let mut i = ReportInput {
        account: Some("o'brien@contoso.example".into()),
        on_premises: Some(true),
        limit: Some(report::LimitLine {
            name: report::Limit::RpcClientAccessConcurrency,
            number: 40,
            counted: 41,
            reason: String::new(),
        }),
        ..ReportInput::default()
    };
    let r = build_report(&i, true);
    let cmd = |id: &str| {
        r.admin_commands
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.command.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        cmd("revoke_sessions"),
        "Revoke-MgUserSignInSession -UserId 'o''brien@contoso.example'"
    );
    assert_eq!(
        cmd("remove_mobile_devices"),
        "Get-MobileDevice -Mailbox 'o''brien@contoso.example' | Remove-MobileDevice -Confirm:$false"
    );
    assert_eq!(
        cmd("throttling_policy"),
        "Get-ThrottlingPolicyAssociation -Identity 'o''brien@contoso.example'"
    );
    assert!(cmd("raise_rca_concurrency").ends_with("-RCAMaxConcurrency 60"));
    assert!(cmd("store_sessions_per_user").contains("'Maximum Allowed Sessions Per User'"));
    let relevant: Vec<&str> = r
        .admin_commands
        .iter()
        .filter(|c| c.relevant)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        relevant,
        vec![
            "revoke_sessions",
            "throttling_policy",
            "raise_rca_concurrency"
        ]
    );
    assert!(r.admin_commands.iter().all(|c| !c.applies_when.is_empty()));

    // Redacted: the pseudonym is quoted, and nothing of the address is left.
    let r = build_report(&i, false);
    let json = to_json(&r).expect("json");
    assert!(json.contains("-UserId 'user-1@domain-1'"), "{json}");
    assert!(
        !json.contains("brien") && !json.contains("contoso"),
        "{json}"
    );

    // A personal account has no admin.
    i.account = Some("sam.taylor@outlook.com".into());
    let r = build_report(&i, true);
    assert!(r.admin_commands.is_empty());
    assert!(r.admin_note.is_some());
    assert!(ticket_summary(&r).contains("For IT: Personal Microsoft accounts"));
}

#[test]
fn huge_input_stays_a_small_report() {
    let mut i = input();
    let cloud = i.cloud.as_mut().expect("cloud");
    cloud.sign_ins = (0..10_000u32)
        .map(|n| {
            let created = format!(
                "2025-01-{:02}T{:02}:{:02}:{:02}Z",
                1 + n / 3600 % 28,
                n / 60 % 24,
                n % 60,
                n % 59
            );
            let device = format!("PC-{n:05}");
            let ip = format!("10.{}.{}.7", n / 256, n % 256);
            sign_in(&created, Some(&device), &ip, n % 7 != 0)
        })
        .collect();
    cloud.devices = (0..1_000u32)
        .map(|n| cloud::Device {
            id: format!("00000000-0000-0000-0000-{n:012}"),
            display_name: Some(format!("DESK-{n:04}")),
            operating_system: Some("Windows".into()),
            operating_system_version: None,
            trust_type: Some("AzureAd".into()),
            last_sign_in: Some(format!("2025-01-01T00:{:02}:{:02}Z", n / 60 % 60, n % 60)),
            is_managed: None,
            is_compliant: None,
            registered: true,
            owned: false,
        })
        .collect();
    i.findings[0].evidence = (0..5_000)
        .map(|n| format!("line {n} about PC-{n:05}"))
        .collect();
    i.findings = std::iter::repeat_n(i.findings[0].clone(), 500).collect();

    let newest = cloud_newest(&i);
    let r = build_report(&i, false);
    assert_eq!(r.sign_ins.len(), 50);
    assert_eq!(r.sign_ins_left_out, 9_950);
    assert_eq!(r.devices.len() as u32 + r.devices_left_out, 1_000);
    assert_eq!(r.findings.len() as u32 + r.findings_left_out, 500);
    assert_eq!(r.findings[0].evidence.len(), 21);
    assert_eq!(r.findings[0].evidence[20], "and 4980 more");
    assert_eq!(r.sign_ins[0].when, newest[0]);
    assert!(
        r.sign_ins.windows(2).all(|w| w[0].when >= w[1].when),
        "newest first"
    );

    let html = to_html(&r);
    assert!(html.len() < 2_000_000, "HTML is {} bytes", html.len());
    assert!(html.contains("9950 more older sign-ins not shown."));
    let json = to_json(&r).expect("json");
    assert!(json.len() < 2_000_000, "JSON is {} bytes", json.len());
    assert!(
        !json.contains("PC-0") && !json.contains("DESK-0"),
        "device names redacted"
    );
    assert!(!json.contains(".7\""), "IPs masked");
    let t = ticket_summary(&r);
    assert!(t.lines().count() <= 25, "{t}");
    assert!(t.contains("- and 495 more"), "{t}");
    assert!(t.contains("10000 recent sign-ins"), "{t}");
}

fn cloud_newest(i: &ReportInput) -> Vec<String> {
    let mut all: Vec<String> = i
        .cloud
        .as_ref()
        .map(|c| c.sign_ins.iter().map(|s| s.created.clone()).collect())
        .unwrap_or_default();
    all.sort_unstable_by(|a, b| b.cmp(a));
    all
}

#[test]
fn limit_codes_read_as_words() {
    assert_eq!(
        limit_label(report::Limit::MobileDevicePartnerships, words::Lang::En),
        "Mobile device partnerships per mailbox"
    );
    let mut i = input();
    i.scan = None;
    i.cloud = None;
    i.limit = None;
    i.findings.clear();
    let r = build_report(&i, false);
    assert_eq!(
        r.summary.headline,
        "No cause found on this computer or account; 1 of 3 steps done; 1 repair made."
    );
    assert!(r.environment.outlook.is_empty());
    assert!(to_html(&r).contains("No findings."));
}

#[test]
fn shared_mailbox_commands_name_the_profiles_mailboxes_and_redact_them() {
    let mut i = input();
    i.findings.push(report::FindingLine {
        code: report::FindingCode::SharedMailboxes,
        severity: report::Severity::Low,
        title: "1 additional or shared mailbox open in 1 Outlook profile".into(),
        evidence: vec!["profile \"Megan Bowen\" (16.0): 1 additional or shared mailbox: lee.gu@contoso.example".into()],
        step: Some(report::StepId::DuplicateProfiles),
        step_title: None,
        advice: vec!["File > Account Settings > Change > More Settings > Advanced".into()],
    });
    let r = build_report(&i, true);
    let cmd = |r: &report::Report, id: &str| {
        r.admin_commands
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .expect("listed")
    };
    let remove = cmd(&r, "remove_shared_mailbox_permission");
    assert!(remove.relevant);
    assert!(
        remove
            .command
            .starts_with("Remove-MailboxPermission -Identity 'lee.gu@contoso.example' -User '"),
        "{}",
        remove.command
    );
    let add = cmd(&r, "add_shared_mailbox_without_automapping");
    assert!(
        add.command
            .ends_with("-AccessRights FullAccess -AutoMapping $false"),
        "{}",
        add.command
    );
    let html = report::to_html(&r);
    assert!(
        html.contains("More Settings &gt; Advanced"),
        "the advice is in the report"
    );
    // Redacted: the shared mailbox is a pseudonym in the command too.
    let r = build_report(&i, false);
    let remove = cmd(&r, "remove_shared_mailbox_permission");
    assert!(!remove.command.contains("lee.gu"), "{}", remove.command);
    assert!(
        remove.command.contains("-Identity 'user-"),
        "{}",
        remove.command
    );
    assert!(leaks(&to_json(&r).expect("json")).is_empty());
}

/// The guided fix's answers reach every rendering, named as the user's, and "the web
/// works" puts Service health and a support case first for IT.
#[test]
fn the_users_answers_are_reported_as_theirs() {
    let mut i = ReportInput {
        account: Some("megan@contoso.example".into()),
        on_premises: Some(false),
        ..ReportInput::default()
    };
    let r = build_report(&i, true);
    assert!(!report::to_html(&r).contains("the user&#39;s answer"));
    assert_ne!(r.admin_commands[0].id, "service_health");
    assert!(
        r.admin_commands
            .iter()
            .any(|c| c.id == "service_health" && !c.relevant)
    );

    i.answers = report::UserAnswers {
        web_works: Some(true),
        connections_counted: Some(7),
    };
    let r = build_report(&i, false);
    let html = report::to_html(&r);
    assert!(html.contains("<dt>Outlook on the web</dt>"), "{html}");
    assert!(html.contains("LID 49586"), "{html}");
    assert!(
        html.contains("7 connections counted by the user in Outlook&#39;s Connection Status dialog <span class=\"muted\">(the user&#39;s answer)</span>"),
        "{html}"
    );
    let ticket = report::ticket_summary(&r);
    assert!(
        ticket.contains("Connection Status (the user's answer): 7 connections counted"),
        "{ticket}"
    );
    assert_eq!(r.admin_commands[0].id, "service_health");
    assert!(r.admin_commands[0].relevant);
    assert!(
        r.admin_commands[0]
            .command
            .contains("Get-MgServiceAnnouncementIssue")
    );
    let json = to_json(&r).expect("json");
    assert!(
        json.contains("\"connections_counted\":7") || json.contains("\"connections_counted\": 7"),
        "{json}"
    );

    i.answers.web_works = Some(false);
    i.answers.connections_counted = Some(1);
    let r = build_report(&i, true);
    let ticket = report::ticket_summary(&r);
    assert!(
        ticket.contains("fails too: the limit is reached for the whole account"),
        "{ticket}"
    );
    assert!(ticket.contains("1 connection counted"), "{ticket}");
    assert_ne!(r.admin_commands[0].id, "service_health");
}

#[test]
fn a_finding_names_its_step_by_title_never_by_id() {
    let r = build_report(&input(), true);
    let html = to_html(&r);
    assert!(
        html.contains("Fixed by step: Restart Outlook on this computer"),
        "{html}"
    );
    assert!(!html.contains("Fixed by step: restart_outlook_here"));
    // A finding whose step has no title (an older saved report) shows no raw id either.
    let mut i = input();
    for f in &mut i.findings {
        f.step_title = None;
    }
    let html = to_html(&build_report(&i, true));
    assert!(!html.contains("Fixed by step"), "{html}");
}
