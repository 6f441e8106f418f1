//! Shared fixtures: a simulated PC's registry with two profiles, add-ins in HKCU and HKLM,
//! and a policy-managed add-in.
#![allow(dead_code)]

use registry::{RawValue, RegTree};

pub const OFFICE: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office";

fn utf16z(s: &str) -> RawValue {
    let mut bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.extend([0, 0]);
    RawValue { kind: 3, bytes }
}

/// Add-ins: `A.One` .. by name, all LoadBehavior 3 under HKCU.
pub fn with_addins(tree: &mut RegTree, office_root: &str, names: &[String]) {
    for n in names {
        let k = format!("{office_root}\\Outlook\\Addins\\{n}");
        tree.set_value(&k, "FriendlyName", RawValue::sz(&format!("{n} add-in")));
        tree.set_value(&k, "LoadBehavior", RawValue::dword(3));
    }
}

/// A PC with profiles "Outlook" (default) and "Outlook (2)" and some add-ins.
pub fn pc() -> RegTree {
    let mut t = RegTree::new();
    let outlook = format!("{OFFICE}\\16.0\\Outlook");
    t.set_value(&outlook, "DefaultProfile", RawValue::sz("Outlook"));
    for (p, mail) in [
        ("Outlook", "ana@contoso.com"),
        ("Outlook (2)", "ana@contoso.com"),
    ] {
        let acct = format!("{outlook}\\Profiles\\{p}\\9375CFF0413111d3B88A00104B2A6676\\00000002");
        t.set_value(&acct, "Account Name", utf16z(mail));
        t.set_value(&acct, "Email", utf16z(mail));
        t.set_value(
            &acct,
            "clsid",
            RawValue::sz("{ED475414-B0D6-11D2-8C3B-00104B2A6676}"),
        );
        let sect = format!("{outlook}\\Profiles\\{p}\\0a0d020000000000c000000000000046");
        t.set_value(
            &sect,
            "001f3001",
            utf16z("A long display name for wrapping hex"),
        );
        t.set_value(
            &sect,
            "0102663d",
            RawValue {
                kind: 3,
                bytes: (0..=200).collect(),
            },
        );
        t.touch_key(&format!("{outlook}\\Profiles\\{p}\\Empty Key"));
        if p != "Outlook" {
            // As `reg export` writes it; the other profile's root stays implicit (edge case).
            t.touch_key(&format!("{outlook}\\Profiles\\{p}"));
        }
    }
    let addins = format!("{OFFICE}\\Outlook\\Addins");
    t.set_value(
        &format!("{addins}\\Contoso.Crm"),
        "FriendlyName",
        RawValue::sz("Contoso CRM"),
    );
    t.set_value(
        &format!("{addins}\\Contoso.Crm"),
        "LoadBehavior",
        RawValue::dword(3),
    );
    t.set_value(
        &format!("{addins}\\NoLb.Addin"),
        "FriendlyName",
        RawValue::sz("No LB yet"),
    );
    t.set_value(
        &format!("{addins}\\TeamsAddin.FastConnect"),
        "LoadBehavior",
        RawValue::dword(3),
    );
    // Machine-wide only: disabling it adds an HKCU key.
    t.set_value(
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Office\\Outlook\\Addins\\Machine.Only",
        "LoadBehavior",
        RawValue::dword(3),
    );
    // Managed by policy.
    t.set_value(
        "HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Office\\16.0\\Outlook\\Resiliency\\AddinList",
        "TeamsAddin.FastConnect",
        RawValue::sz("1"),
    );
    t
}
