//! The one rule for key paths, shared by exports, the live registry and every caller.

/// Canonical form of a key path: the hive's long name, single backslashes, no leading or
/// trailing backslash. Key names are kept exactly as written: spaces belong to the name (a
/// profile `"Outlook "` is not the profile `"Outlook"`) and so does case (lookups compare
/// case-insensitively, as Windows does). Only the hive's short aliases are expanded.
pub fn normalize_path(path: &str) -> String {
    let mut parts = path.split('\\').filter(|p| !p.is_empty());
    let Some(hive) = parts.next() else {
        return String::new();
    };
    let mut out = match hive.to_ascii_uppercase().as_str() {
        "HKCU" | "HKEY_CURRENT_USER" => "HKEY_CURRENT_USER".to_owned(),
        "HKLM" | "HKEY_LOCAL_MACHINE" => "HKEY_LOCAL_MACHINE".to_owned(),
        "HKCR" | "HKEY_CLASSES_ROOT" => "HKEY_CLASSES_ROOT".to_owned(),
        "HKU" | "HKEY_USERS" => "HKEY_USERS".to_owned(),
        "HKCC" | "HKEY_CURRENT_CONFIG" => "HKEY_CURRENT_CONFIG".to_owned(),
        _ => hive.to_owned(),
    };
    for part in parts {
        out.push('\\');
        out.push_str(part);
    }
    out
}

/// Joins a parent key path and a child name.
pub fn join(parent: &str, child: &str) -> String {
    format!("{parent}\\{child}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hives_are_expanded_and_names_kept_exactly() {
        assert_eq!(
            normalize_path("HKCU\\Software\\\\X\\"),
            "HKEY_CURRENT_USER\\Software\\X"
        );
        assert_eq!(normalize_path("hklm"), "HKEY_LOCAL_MACHINE");
        assert_eq!(
            normalize_path("hkey_current_user\\A"),
            "HKEY_CURRENT_USER\\A"
        );
        // Spaces and case are part of key names: "Outlook " is its own profile.
        assert_eq!(
            normalize_path("HKCU\\P\\Outlook "),
            "HKEY_CURRENT_USER\\P\\Outlook "
        );
        assert_ne!(
            normalize_path("HKCU\\P\\Outlook "),
            normalize_path("HKCU\\P\\Outlook")
        );
        assert_eq!(
            normalize_path("HKCU\\P\\ Mixed Case"),
            "HKEY_CURRENT_USER\\P\\ Mixed Case"
        );
        assert_eq!(normalize_path(""), "");
    }
}
