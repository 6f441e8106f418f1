//! What every crate needs to say about a program by its name.

/// Name without directory and `.exe`, lower-cased: `C:\...\OUTLOOK.EXE` and `outlook` are
/// the same program.
pub fn base_name(name: &str) -> String {
    let n = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_lowercase();
    n.strip_suffix(".exe").map(str::to_owned).unwrap_or(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_directory_or_exe() {
        assert_eq!(base_name("C:\\Program Files\\OUTLOOK.EXE"), "outlook");
        assert_eq!(base_name("/usr/bin/outlook"), "outlook");
        assert_eq!(base_name("olk.exe"), "olk");
    }
}
