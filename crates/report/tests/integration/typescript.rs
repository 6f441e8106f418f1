//! The report types export to TypeScript the way the app's generated bindings do (specta
//! with serde's naming), so they can be registered in the Tauri command bindings.

use report::{Report, ReportInput};

#[test]
fn report_types_export_to_typescript_with_snake_case_fields() {
    let types = specta::Types::default()
        .register::<Report>()
        .register::<ReportInput>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    for needle in [
        "export type Report",
        "export type ReportInput",
        "admin_commands",
        "applies_when",
        "sign_ins_left_out",
        "before_after",
        "microsoft_365_connections",
    ] {
        assert!(ts.contains(needle), "{needle} missing in:\n{ts}");
    }
    // The report's language is not part of its JSON (nor of its type): the schema stays.
    let report_type = ts
        .split("export type Report =")
        .nth(1)
        .and_then(|rest| rest.split("export type").next())
        .expect("Report type");
    assert!(!report_type.contains("lang"), "{report_type}");
    assert!(
        !ts.contains("bigint"),
        "no 64-bit integers reach the UI:\n{ts}"
    );
}
