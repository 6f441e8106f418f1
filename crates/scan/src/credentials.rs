//! Saved Office credentials, by name only: Windows Credential Manager (`cmdkey /list`) and
//! the macOS keychain (`security dump-keychain` without `-d`, which prints attributes but
//! never secrets). The tools run behind [`CommandRunner`] so the parsers are tested on
//! recorded output.

use crate::command::{CommandRunner, decode_output};
use crate::report::Credential;

pub const WINDOWS_STORE: &str = "windows_credential_manager";
pub const MAC_STORE: &str = "macos_keychain";

/// `MicrosoftOffice16_Data:SSPI:<upn>`, `MicrosoftOffice15_Data:ADAL:...` and the like.
fn is_office_target(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .strip_prefix("microsoftoffice1")
        .is_some_and(|rest| rest.contains("_data:"))
}

/// Windows: runs `cmdkey /list` and keeps the Office targets.
pub fn windows(runner: &dyn CommandRunner) -> Result<Vec<Credential>, String> {
    let out = runner.run("cmdkey", &["/list"])?;
    Ok(parse_cmdkey(&decode_output(&out)))
}

/// Parses `cmdkey /list`. Labels are localised ("Target:", "Ziel:", "Cible :"), so any
/// `label: value` line whose value is an Office target counts; `LegacyGeneric:target=`
/// prefixes are removed.
pub fn parse_cmdkey(text: &str) -> Vec<Credential> {
    let mut out: Vec<Credential> = Vec::new();
    for line in text.lines() {
        let Some((_, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let name = match value.find("target=") {
            Some(i) => &value[i + "target=".len()..],
            None => value,
        }
        .trim();
        if is_office_target(name) && !out.iter().any(|c| c.name == name) {
            out.push(Credential {
                name: name.to_owned(),
                store: WINDOWS_STORE.to_owned(),
            });
        }
    }
    out
}

/// macOS: runs `security dump-keychain` (attributes only) and keeps Office items.
pub fn macos(runner: &dyn CommandRunner) -> Result<Vec<Credential>, String> {
    let out = runner.run("security", &["dump-keychain"])?;
    Ok(parse_keychain_dump(&decode_output(&out)))
}

/// Keychain item names that keep Office sessions alive (field guide section 4).
fn is_office_keychain_name(name: &str) -> bool {
    name == "Exchange"
        || is_office_target(name)
        || name.starts_with("Microsoft Office Identities Cache")
}

/// Parses `security dump-keychain`: attribute lines such as `"svce"<blob>="Exchange"` or
/// `0x00000007 <blob>="MicrosoftOffice15_2_Data:ADAL:..."`.
pub fn parse_keychain_dump(text: &str) -> Vec<Credential> {
    let mut out: Vec<Credential> = Vec::new();
    for line in text.lines() {
        let Some((_, value)) = line.split_once("<blob>=\"") else {
            continue;
        };
        let Some(name) = value.strip_suffix('"') else {
            continue;
        };
        if is_office_keychain_name(name) && !out.iter().any(|c| c.name == name) {
            out.push(Credential {
                name: name.to_owned(),
                store: MAC_STORE.to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Output of `cmdkey /list` on Windows 11 (English), with a German line mixed in.
    const CMDKEY: &str = "\r\nCurrently stored credentials:\r\n\r\n    Target: LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:ann@contoso.com\r\n    Type: Generic \r\n    User: ann@contoso.com\r\n    Local machine persistence\r\n\r\n    Target: LegacyGeneric:target=MicrosoftOffice16_Data:ADAL:9188040d-6c67-4c5b-b112-36a304b66dad\r\n    Type: Generic \r\n\r\n    Target: WindowsLive:target=virtualapp/didlogical\r\n    Ziel: MicrosoftOffice15_Data:SSPI:old@contoso.com\r\n";

    struct Recorded(&'static str);
    impl CommandRunner for Recorded {
        fn run(&self, _: &str, _: &[&str]) -> Result<Vec<u8>, String> {
            Ok(self.0.as_bytes().to_vec())
        }
    }

    #[test]
    fn cmdkey_office_targets_only() {
        let got = windows(&Recorded(CMDKEY)).expect("parses");
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "MicrosoftOffice16_Data:SSPI:ann@contoso.com",
                "MicrosoftOffice16_Data:ADAL:9188040d-6c67-4c5b-b112-36a304b66dad",
                "MicrosoftOffice15_Data:SSPI:old@contoso.com",
            ]
        );
        assert!(parse_cmdkey("").is_empty());
    }

    #[test]
    fn keychain_names() {
        let dump = "keychain: \"/Users/a/Library/Keychains/login.keychain-db\"\nattributes:\n    0x00000007 <blob>=\"Exchange\"\n    \"svce\"<blob>=\"Exchange\"\n    0x00000007 <blob>=\"MicrosoftOffice15_2_Data:ADAL:abc\"\n    0x00000007 <blob>=\"Microsoft Office Identities Cache 3\"\n    0x00000007 <blob>=\"Wi-Fi\"\n";
        let got = parse_keychain_dump(dump);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|c| c.store == MAC_STORE));
    }
}
