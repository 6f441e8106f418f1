//! Every `--json` output goes through here, so each carries the same `schema_version`.
//!
//! Scripts (Intune, Configuration Manager, help-desk tooling) parse these outputs; the
//! version lets them refuse a shape they do not know instead of misreading it. The shapes
//! are described by `schemas/<output>.schema.json` (JSON Schema draft 2020-12), which
//! `tests/schemas.rs` validates real outputs against.

use serde::Serialize;

/// The version of every JSON output's shape. Raised when a field is removed, renamed or
/// changes type; adding a field does not raise it (the schemas list every field, so a new
/// one is added to its schema in the same change).
pub const SCHEMA_VERSION: u32 = 1;

/// `body`'s fields with `schema_version` first. `body` must serialize as an object (a
/// struct or a map): top-level arrays are wrapped by the callers in a named field, since an
/// array cannot carry a version.
#[derive(Serialize)]
struct Versioned<'a, T: ?Sized> {
    schema_version: u32,
    #[serde(flatten)]
    body: &'a T,
}

/// The pretty-printed JSON text of `body`, versioned.
pub fn to_json<T: Serialize + ?Sized>(body: &T) -> Result<String, String> {
    serde_json::to_string_pretty(&Versioned {
        schema_version: SCHEMA_VERSION,
        body,
    })
    .map_err(|e| format!("cannot write the JSON output: {e}"))
}

/// Prints `body` as versioned JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(body: &T) -> Result<(), String> {
    println!("{}", to_json(body)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_comes_with_the_fields() {
        #[derive(Serialize)]
        struct Body {
            a: u32,
        }
        let v: serde_json::Value =
            serde_json::from_str(&to_json(&Body { a: 7 }).expect("json")).expect("parse");
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        assert_eq!(v["a"], 7);
    }

    #[test]
    fn an_array_is_refused_not_printed_without_a_version() {
        assert!(to_json(&[1, 2, 3]).is_err());
    }
}
