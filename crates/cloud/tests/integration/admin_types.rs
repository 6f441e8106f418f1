//! Admin mode's UI types export to TypeScript the way the app's bindings do: snake_case
//! fields, tagged outcomes, plain numbers (no 64-bit integers).

use cloud::{
    AdminAccess, BatchProgress, BulkRevokeSummary, UpnImport, UserActivity, UserRevokeResult,
    UserSearch,
};

#[test]
fn admin_types_export_to_typescript_with_snake_case_fields() {
    let types = specta::Types::default()
        .register::<AdminAccess>()
        .register::<UserSearch>()
        .register::<UserActivity>()
        .register::<BatchProgress>()
        .register::<UserRevokeResult>()
        .register::<BulkRevokeSummary>()
        .register::<UpnImport>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    for needle in [
        "export type AdminAccess",
        "export type AdminRequirements",
        "revoke_roles",
        "template_id",
        "missing_permissions",
        "can_revoke",
        "export type DirectoryUser",
        "display_name",
        "sign_ins_truncated",
        "export type BatchProgress",
        "batches",
        "export type BulkRevokeOutcome",
        "\"revoked\"",
        "\"failed\"",
        "retryable",
        "export type SkippedLine",
        "rows_not_read",
        "\"duplicate\"",
        "\"invalid_address\"",
    ] {
        assert!(ts.contains(needle), "{needle} missing in:\n{ts}");
    }
    assert!(
        !ts.contains("bigint"),
        "no 64-bit integers reach the UI:\n{ts}"
    );
}
