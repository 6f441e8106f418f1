//! Saved Office credentials, by name only: Windows Credential Manager (the credential API)
//! and the macOS keychain (`security dump-keychain` without `-d`, which prints attributes but
//! never secrets). The keychain tool runs behind [`CommandRunner`] so its parser is tested
//! on recorded output.

use crate::command::{CommandRunner, decode_output};
use crate::report::Credential;

/// The `store` of a credential from Windows Credential Manager.
pub const WINDOWS_STORE: &str = "windows_credential_manager";
/// The `store` of a credential from the macOS login keychain.
pub const MAC_STORE: &str = "macos_keychain";

/// `MicrosoftOffice16_Data:SSPI:<upn>`, `MicrosoftOffice15_Data:ADAL:...` and the like.
fn is_office_target(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .strip_prefix("microsoftoffice1")
        .is_some_and(|rest| rest.contains("_data:"))
}

/// Windows: the Office targets among the saved credentials, read through the credential
/// API (`CredEnumerateW`): `cmdkey /list` prints in the OEM code page, which breaks
/// non-ASCII names, and localises its labels.
pub fn windows() -> Result<Vec<Credential>, String> {
    let saved = platform::credentials::list(Some("MicrosoftOffice")).map_err(|e| e.to_string())?;
    Ok(office_credentials(saved.into_iter().map(|c| c.target)))
}

/// The Office targets among `targets`, each once, exactly as stored.
pub fn office_credentials(targets: impl IntoIterator<Item = String>) -> Vec<Credential> {
    let mut out: Vec<Credential> = Vec::new();
    for name in targets {
        if is_office_target(&name) && !out.iter().any(|c| c.name == name) {
            out.push(Credential {
                name,
                store: WINDOWS_STORE.to_owned(),
            });
        }
    }
    out
}

/// macOS: runs `security dump-keychain` (attributes only) and keeps Office items.
pub fn macos(runner: &dyn CommandRunner) -> Result<Vec<Credential>, String> {
    let out = runner
        .run("security", &["dump-keychain"])
        .map_err(|e| e.to_string())?;
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

    #[test]
    fn office_targets_only_each_once_and_exact() {
        let got = office_credentials(
            [
                "MicrosoftOffice16_Data:SSPI:josé@contoso.com",
                "MicrosoftOffice16_Data:ADAL:9188040d-6c67-4c5b-b112-36a304b66dad",
                "WindowsLive:target=virtualapp/didlogical",
                "MicrosoftOffice16_Data:SSPI:josé@contoso.com",
                "MicrosoftOffice15_Data:SSPI:old@contoso.com",
                "MicrosoftOffice",
            ]
            .map(String::from),
        );
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "MicrosoftOffice16_Data:SSPI:josé@contoso.com",
                "MicrosoftOffice16_Data:ADAL:9188040d-6c67-4c5b-b112-36a304b66dad",
                "MicrosoftOffice15_Data:SSPI:old@contoso.com",
            ]
        );
        assert!(got.iter().all(|c| c.store == WINDOWS_STORE));
    }

    #[test]
    fn keychain_names() {
        let dump = "keychain: \"/Users/a/Library/Keychains/login.keychain-db\"\nattributes:\n    0x00000007 <blob>=\"Exchange\"\n    \"svce\"<blob>=\"Exchange\"\n    0x00000007 <blob>=\"MicrosoftOffice15_2_Data:ADAL:abc\"\n    0x00000007 <blob>=\"Microsoft Office Identities Cache 3\"\n    0x00000007 <blob>=\"Wi-Fi\"\n";
        let got = parse_keychain_dump(dump);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|c| c.store == MAC_STORE));
    }
}
