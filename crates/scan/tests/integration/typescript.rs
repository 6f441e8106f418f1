//! The report types export to TypeScript the way the app's generated bindings do (specta
//! with serde's naming), so the lead can register them in the Tauri command bindings.

use scan::{Progress, ScanReport};

#[test]
fn report_types_export_to_typescript_with_snake_case_fields() {
    let types = specta::Types::default()
        .register::<ScanReport>()
        .register::<Progress>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    for needle in [
        "export type ScanReport",
        "duplicate_of",
        "opens_connections",
        "\"classic_outlook\"",
        "\"outlook_web_app\"",
        "\"skipped\"",
        "microsoft_365",
    ] {
        assert!(ts.contains(needle), "{needle} missing in:\n{ts}");
    }
    assert!(
        !ts.contains("bigint"),
        "no 64-bit integers reach the UI:\n{ts}"
    );
}
