//! Issue 6: a scan with known names, emails, device names and IPs produces a report where
//! none of them appears unless opted in, and the same person gets the same pseudonym
//! everywhere.

use crate::common;

use common::{SHOWN_WHEN_INCLUDED, UPN, input, leaks};
use report::{build_report, ticket_summary, to_html, to_json};
use serde_json::Value;

fn redacted_json() -> Value {
    let r = build_report(&input(), false);
    serde_json::from_str(&to_json(&r).expect("json")).expect("parses")
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(m) => m.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn nothing_personal_in_json_html_or_ticket_by_default() {
    let r = build_report(&input(), false);
    assert!(r.redacted);
    let json = to_json(&r).expect("json");
    let html = to_html(&r);
    let ticket = ticket_summary(&r);
    assert_eq!(leaks(&json), Vec::<&str>::new(), "JSON leaks:\n{json}");
    assert_eq!(leaks(&html), Vec::<&str>::new(), "HTML leaks:\n{html}");
    assert_eq!(
        leaks(&ticket),
        Vec::<&str>::new(),
        "ticket leaks:\n{ticket}"
    );
    // The report still says things: pseudonyms and masked ranges are there.
    for expected in [
        "user-1@domain-1",
        "device-",
        "person-",
        "203.0.x.x",
        "2001:db8:\u{2026}",
        "198.51.x.x",
        "/home/user-",
        "C:\\\\Users\\\\user-",
    ] {
        assert!(json.contains(expected), "{expected} missing in:\n{json}");
    }
    assert!(html.contains("user-1@domain-1"));
    assert!(ticket.contains("user-1@domain-1"));
}

#[test]
fn everything_is_there_when_the_user_opts_in() {
    let r = build_report(&input(), true);
    assert!(!r.redacted);
    let json = to_json(&r).expect("json");
    let html = to_html(&r);
    for s in SHOWN_WHEN_INCLUDED {
        assert!(json.contains(s), "{s} missing in JSON");
        assert!(html.contains(s), "{s} missing in HTML");
    }
    assert!(html.contains("Megan&#39;s iPhone"));
    assert!(ticket_summary(&r).contains(UPN));
    assert_eq!(
        r.sign_ins[0].location.as_deref(),
        Some("Redmond, US"),
        "the city is shown when included"
    );
}

#[test]
fn one_person_one_pseudonym_across_sections() {
    let v = redacted_json();
    let me = v["account"].as_str().expect("account").to_owned();
    assert_eq!(me, "user-1@domain-1");

    // The profile account (also written in another case), the evidence, the repair, the
    // limit's reason, the admin commands and the cloud note all name the same pseudonym.
    let profile_accounts: Vec<&str> = v["profiles"]
        .as_array()
        .expect("profiles")
        .iter()
        .flat_map(|p| p["accounts"].as_array().expect("accounts"))
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        profile_accounts,
        vec!["user-1@domain-1 (exchange)", "user-1@domain-1 (exchange)"]
    );
    assert_eq!(
        v["findings"][1]["title"],
        "Two profiles hold user-1@domain-1"
    );
    let ost = v["findings"][1]["evidence"][1].as_str().expect("evidence");
    assert!(ost.ends_with("\\user-1@domain-1.ost"), "{ost}");
    assert!(
        v["repairs"][0]["what"]
            .as_str()
            .is_some_and(|w| w.ends_with("of user-1@domain-1")),
        "{}",
        v["repairs"][0]["what"]
    );
    assert!(
        v["limit"]["reason"]
            .as_str()
            .is_some_and(|r| r.ends_with("for user-1@domain-1"))
    );
    assert!(
        v["summary"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("user-1@domain-1 has exceeded") && e.contains("203.0.x.x"))
    );
    assert!(
        v["admin_commands"]
            .as_array()
            .expect("commands")
            .iter()
            .filter_map(|c| c["command"].as_str())
            // Server settings (HKLM) and the tenant's Service health name no user.
            .filter(|c| !c.contains("HKLM") && !c.contains("Get-MgServiceAnnouncementIssue"))
            .all(|c| c.contains("'user-1@domain-1'"))
    );
    assert!(
        v["cloud_notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("Revoke sessions for user-1@domain-1"))
    );

    // The shared mailbox is another person of the same domain; the public domain is kept.
    let mailbox = v["findings"][1]["evidence"][2].as_str().expect("evidence");
    assert!(mailbox.contains("@domain-1 "), "{mailbox}");
    assert!(!mailbox.contains("user-1@"), "{mailbox}");
    let tb = v["findings"][2]["evidence"][0].as_str().expect("evidence");
    assert!(tb.contains("@outlook.com"), "{tb}");

    // The laptop: the device list, the sign-in list and the evidence agree.
    let laptop = v["devices"][0]["name"].as_str().expect("device").to_owned();
    assert!(laptop.starts_with("device-"), "{laptop}");
    assert_eq!(v["sign_ins"][0]["device"], laptop.as_str());
    assert_eq!(
        v["findings"][0]["evidence"][1],
        format!("Signed in from 203.0.x.x on {laptop}").as_str()
    );
    // The phone too, and it is a different device.
    let phone = v["devices"][1]["name"].as_str().expect("device").to_owned();
    assert_ne!(phone, laptop);
    assert_eq!(v["sign_ins"][1]["device"], phone.as_str());
    assert!(
        v["findings"][2]["evidence"][1]
            .as_str()
            .is_some_and(|e| e.starts_with(&format!("{phone} syncs")))
    );

    // The OS login: as `DOMAIN\user` in evidence and as a home directory in paths.
    let e0 = v["findings"][0]["evidence"][0].as_str().expect("evidence");
    let login = e0.rsplit('\\').next().expect("login").to_owned();
    assert!(login.starts_with("user-"), "{e0}");
    assert!(e0.contains("domain-") && !e0.contains("domain-1\\"), "{e0}");
    assert!(tb.contains(&format!("/home/{login}/.thunderbird")), "{tb}");
    assert_eq!(
        v["environment"]["computer"]
            .as_str()
            .map(|c| c.starts_with("device-")),
        Some(true)
    );

    // Distinct people stay distinct.
    let mut all = Vec::new();
    strings(&v, &mut all);
    let text = all.join("\n");
    assert!(text.contains("person-1"), "the surname alone is a person");
    assert_eq!(v["sign_ins"][0]["location"], "US", "no city when redacted");
}

#[test]
fn unknown_addresses_and_ips_in_free_text_are_caught() {
    let v = redacted_json();
    let e = v["findings"][2]["evidence"][2].as_str().expect("evidence");
    assert!(e.starts_with("An unknown address user-"), "{e}");
    assert!(e.contains(" from 192.0.x.x and 2001:db8:\u{2026}"), "{e}");
    let evo = v["findings"][2]["evidence"][3].as_str().expect("evidence");
    assert!(
        evo.starts_with("Evolution talks to server-1 as user-"),
        "{evo}"
    );
}

#[test]
fn the_same_input_gives_the_same_report() {
    let a = to_json(&build_report(&input(), false)).expect("json");
    let b = to_json(&build_report(&input(), false)).expect("json");
    assert_eq!(a, b);
}

#[test]
fn tenant_and_object_guids_become_ids_wherever_they_stand() {
    let mut r = report::Redactor::new();
    let text = "Tenant 6F1B0C2D-0000-4d6e-9a1b-3c4d5e6f7a8b, user 0f5a2c3e-1111-2222-3333-444455556666 \
                in https://login.example/6f1b0c2d-0000-4d6e-9a1b-3c4d5e6f7a8b/oauth2; add-in \
                {0006F03A-0000-0000-C000-000000000046}; personal accounts 9188040d-6c67-4c5b-b112-36a304b66dad";
    let out = r.redact(text);
    assert_eq!(
        out,
        "Tenant id-1, user id-2 in https://login.example/id-1/oauth2; add-in \
         {0006F03A-0000-0000-C000-000000000046}; personal accounts 9188040d-6c67-4c5b-b112-36a304b66dad"
    );
    // The same id learned by name keeps its number.
    let mut known = report::Redactor::new();
    known.add_id("0f5a2c3e-1111-2222-3333-444455556666");
    assert_eq!(
        known.redact("x 0F5A2C3E-1111-2222-3333-444455556666 y"),
        "x id-1 y"
    );
}

#[test]
fn unc_paths_lose_their_server_and_share() {
    let mut r = report::Redactor::new();
    r.add_device("MEGAN-LAPTOP");
    let out = r.redact(
        r"PST on \\fs01.contoso.local\Home$\megan\archive.pst, \\MEGAN-LAPTOP\Shared\x, \\fs01.contoso.local\Home$\y, \\?\C:\z, \\nas\C$",
    );
    assert_eq!(
        out,
        r"PST on \\server-1\share-1\megan\archive.pst, \\device-1\share-2\x, \\server-1\share-1\y, \\?\C:\z, \\server-2\C$"
    );
}

#[test]
fn computer_names_in_paths_are_replaced() {
    let mut r = report::Redactor::new();
    r.add_device("MEGAN-DESKTOP");
    let out = r.redact(
        r"C:\Users\megan\AppData\Local\Microsoft\Outlook\megan - MEGAN-DESKTOP.ost and D:\Backups\DESKTOP-7H3K2LQ\outlook.pst from LAPTOP-K3J9ABCD",
    );
    assert_eq!(
        out,
        r"C:\Users\user-1\AppData\Local\Microsoft\Outlook\megan - device-1.ost and D:\Backups\device-2\outlook.pst from device-3"
    );
    // Product words stay.
    assert_eq!(r.redact("desktop-app on Desktop"), "desktop-app on Desktop");
}

#[test]
fn outlook_profile_names_become_profile_n_unless_generic() {
    let mut r = report::Redactor::new();
    for name in [
        "Megans Work Profile",
        "Outlook",
        "Outlook - Copy",
        "Outlook (2)",
        "Default Outlook Profile",
        "work",
    ] {
        r.add_profile(name);
    }
    assert_eq!(
        r.redact(
            "Profile 'Megans Work Profile' duplicates 'Outlook - Copy'; fix remove_profile:16.0:Megans%20Work%20Profile; Outlook (2); work"
        ),
        "Profile 'profile-1' duplicates 'Outlook - Copy'; fix remove_profile:16.0:profile-1; Outlook (2); work"
    );
}

#[test]
fn a_report_with_a_personal_profile_name_and_a_unc_data_file_keeps_neither() {
    let mut input = input();
    let scan = input.scan.as_mut().expect("scan");
    scan.profiles[1].name = "Zanele's mailbox".into();
    scan.profiles[1].data_files.push(scan::DataFile {
        path: r"\\fileserver07\pst-archive\zanele.pst".into(),
        kind: "pst".into(),
    });
    let r = build_report(&input, false);
    let json = to_json(&r).expect("json");
    for secret in ["Zanele's mailbox", "fileserver07", "pst-archive"] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    for id in [common::TENANT_ID, common::USER_ID, common::LAPTOP_ID] {
        assert!(!json.contains(id), "{id} survived");
    }
}

/// The user of another Windows session of the PC is named in that finding's evidence; a
/// redacted report replaces the name there as everywhere.
#[test]
fn users_of_other_windows_sessions_are_redacted() {
    let mut i = input();
    if let Some(scan) = i.scan.as_mut() {
        scan.windows_sessions.push(scan::WindowsSession {
            id: 2,
            station: "RDP-Tcp#3".into(),
            state: scan::WindowsSessionState::Disconnected,
            user: "alexw".into(),
            domain: "FABRIKAM".into(),
            clients: vec![scan::SessionClient {
                kind: scan::ClientKind::ClassicOutlook,
                name: "OUTLOOK.EXE".into(),
                pid: 9344,
            }],
        });
    }
    i.findings.push(report::FindingLine {
        code: report::FindingCode::OtherWindowsSessions,
        severity: report::Severity::High,
        title: "1 mail app window in other Windows sessions of this PC".into(),
        evidence: vec![
            "Session 2 of FABRIKAM\\alexw on RDP-Tcp#3, disconnected (still signed in): OUTLOOK.EXE (process 9344)".into(),
        ],
        step: Some(report::StepId::CloseOtherDevices),
        step_title: None,
        advice: Vec::new(),
    });
    let r = build_report(&i, false);
    let text = format!("{}\n{}", to_html(&r), ticket_summary(&r));
    assert!(!text.contains("alexw"), "{text}");
    let json = to_json(&r).expect("json");
    assert!(!json.contains("alexw"), "{json}");
    assert!(json.contains("OUTLOOK.EXE (process 9344)"), "{json}");
}
