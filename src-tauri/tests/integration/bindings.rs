//! The TypeScript bindings in ui/src/bindings.ts must match the Rust commands and types.
//! `make bindings` (UPDATE_BINDINGS=1) rewrites them; CI runs this test and fails when stale.

use std::path::Path;

#[test]
fn typescript_bindings_are_up_to_date() {
    let fresh = session_doctor_lib::render_bindings().expect("bindings render");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(session_doctor_lib::BINDINGS_PATH);
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `make bindings` and commit the result"
    );
}
