//! The types the UI sees export to TypeScript as the app's generated bindings do: snake_case
//! fields, tagged enums, no 64-bit integers.

use repair::bisect::{Bisect, RestoredAll};
use repair::{ActionSpec, EntryView, ErrorInfo, Preview};

#[test]
fn ui_types_export_without_bigint() {
    let types = specta::Types::default()
        .register::<EntryView>()
        .register::<ActionSpec>()
        .register::<Preview>()
        .register::<Bisect>()
        .register::<RestoredAll>()
        .register::<ErrorInfo>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    for needle in [
        "export type EntryView",
        "can_undo",
        "can_roll_back",
        "\"backed_up\"",
        "\"rolled_back\"",
        "\"set_addin\"",
        "\"restart_outlook\"",
        "force_consent",
        "\"awaiting_answer\"",
        "kept_disabled",
        "needs_consent",
        "\"closed\"",
        "exited_by_itself",
        "export type RestoredAll",
    ] {
        assert!(ts.contains(needle), "{needle} missing in:\n{ts}");
    }
    assert!(
        !ts.contains("bigint"),
        "no 64-bit integers reach the UI:\n{ts}"
    );
}
