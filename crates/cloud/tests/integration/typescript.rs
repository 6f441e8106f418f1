//! The types the UI sees export to TypeScript the way the app's generated bindings do
//! (specta with serde's naming): snake_case fields, tagged outcomes, no 64-bit integers.

use cloud::{Account, CloudSnapshot, DeviceCodePrompt, NationalCloud, SignOutReport};

#[test]
fn ui_types_export_to_typescript_with_snake_case_fields() {
    let types = specta::Types::default()
        .register::<CloudSnapshot>()
        .register::<SignOutReport>()
        .register::<DeviceCodePrompt>()
        .register::<Account>()
        .register::<NationalCloud>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    for needle in [
        "export type CloudSnapshot",
        "sign_ins",
        "can_revoke",
        "can_read_sign_ins",
        "signed_out_here",
        "user_code",
        "verification_uri",
        "\"work\"",
        "\"personal\"",
        "\"manual\"",
        "\"revoked\"",
        "takes_effect",
        "us_gov",
    ] {
        assert!(ts.contains(needle), "{needle} missing in:\n{ts}");
    }
    assert!(
        !ts.contains("bigint"),
        "no 64-bit integers reach the UI:\n{ts}"
    );
}
