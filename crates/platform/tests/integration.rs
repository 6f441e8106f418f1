//! The credential API against the real Windows Credential Manager (under Wine in
//! `make wine-test`): a credential with non-ASCII target and user names is listed
//! exactly, then deleted. Elsewhere the API says it does not exist.

#[cfg(windows)]
#[test]
fn lists_and_deletes_saved_sign_ins_through_the_api() {
    use platform::credentials::{self, CredentialKind};
    let target = format!(
        "MicrosoftOffice16_Data:SSPI:josé.núñez-{}@contoso.example",
        std::process::id()
    );
    credentials::save_generic(&target, "josé.núñez@contoso.example", b"not-a-real-secret")
        .expect("saves");

    let listed = credentials::list(Some("MicrosoftOffice16_Data:")).expect("lists");
    let found = listed
        .iter()
        .find(|c| c.target == target)
        .unwrap_or_else(|| panic!("{target} not in {listed:?}"));
    assert_eq!(found.kind, CredentialKind::Generic);
    assert_eq!(found.user.as_deref(), Some("josé.núñez@contoso.example"));
    assert!(
        credentials::list(None)
            .expect("all")
            .iter()
            .any(|c| c.target == target)
    );

    assert!(credentials::delete(&target, CredentialKind::Generic).expect("deletes"));
    assert!(!credentials::delete(&target, CredentialKind::Generic).expect("already gone"));
    assert!(
        !credentials::list(Some("MicrosoftOffice16_Data:"))
            .expect("lists")
            .iter()
            .any(|c| c.target == target)
    );
}

#[cfg(not(windows))]
#[test]
fn elsewhere_the_api_says_it_is_windows_only() {
    use platform::credentials::{self, CredentialError, CredentialKind};
    assert_eq!(credentials::list(None), Err(CredentialError::Unsupported));
    assert_eq!(
        credentials::delete("x", CredentialKind::Generic),
        Err(CredentialError::Unsupported)
    );
}
