//! The fault suite, scan half (issue 7): registry keys the user may not read ("Access is
//! denied", as on a locked-down PC or a key an admin tool owns). The readers take any
//! [`scan::Registry`], so a test double over the simulated PC's exports refuses the keys
//! chosen; the scan records the reason, names the key and reads everything else.

use std::io::ErrorKind;

use scan::{RawValue, RegFile, Registry, RegistryError};

/// The simulated PC's registry, with some keys (and everything below them) refused.
struct Denying {
    inner: RegFile,
    denied: Vec<String>,
}

impl Denying {
    fn check(&self, path: &str) -> Result<(), RegistryError> {
        let p = scan::registry::normalize_path(path).to_uppercase();
        let hit = self
            .denied
            .iter()
            .any(|d| p == *d || p.starts_with(&format!("{d}\\")));
        if hit {
            // What winreg gives for ERROR_ACCESS_DENIED, through the live reader's mapping.
            return Err(RegistryError::Io {
                path: path.to_owned(),
                source: std::io::Error::new(
                    ErrorKind::PermissionDenied,
                    "Access is denied. (os error 5)",
                ),
            });
        }
        Ok(())
    }
}

impl Registry for Denying {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        self.check(path)?;
        self.inner.subkeys(path)
    }
    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError> {
        self.check(path)?;
        self.inner.raw_values(path)
    }
}

fn simulated(denied: &[&str]) -> (tempfile::TempDir, Denying) {
    let dir = tempfile::tempdir().expect("tempdir");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let mut reg = RegFile::new();
    for f in &pc.registry_files {
        reg.add_file(f).expect("export");
    }
    let denied = denied
        .iter()
        .map(|d| scan::registry::normalize_path(d).to_uppercase())
        .collect();
    (dir, Denying { inner: reg, denied })
}

const PROFILES: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles";

#[test]
fn a_profile_key_with_access_denied_is_a_note_and_the_other_profiles_are_read() {
    let (_d, open) = simulated(&[]);
    let (all, problems) = scan::profiles::read_profiles(&open);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(all.len() >= 2, "{all:#?}");
    let victim = all
        .iter()
        .find(|p| !p.accounts.is_empty() && p.version == "16.0")
        .expect("a profile with accounts")
        .clone();

    // One subkey of that profile (its first section) refused.
    let section = open
        .subkeys(&victim.key)
        .expect("read")
        .and_then(|k| k.first().cloned())
        .expect("a section");
    let (_d, denying) = simulated(&[&format!("{}\\{section}", victim.key)]);
    let (profiles, problems) = scan::profiles::read_profiles(&denying);
    assert!(
        problems.is_empty(),
        "single keys become notes: {problems:?}"
    );
    assert_eq!(profiles.len(), all.len(), "every profile is still listed");
    let p = profiles
        .iter()
        .find(|p| p.key == victim.key)
        .expect("the profile");
    assert!(
        p.notes.iter().any(|n| n.contains("Access is denied")),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes.iter().any(|n| n.contains(&section)),
        "names the key"
    );
    for (a, b) in all.iter().zip(&profiles) {
        if a.key != victim.key {
            assert_eq!(a.accounts.len(), b.accounts.len(), "{}", a.name);
            assert!(b.notes.is_empty(), "{:?}", b.notes);
        }
    }

    // The whole Profiles key refused: no profiles of that version, the reason, no panic.
    let (_d, denying) = simulated(&[PROFILES]);
    let (profiles, problems) = scan::profiles::read_profiles(&denying);
    assert!(profiles.iter().all(|p| p.version != "16.0"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("Access is denied"));
    assert!(problems[0].contains("Profiles"));
}

#[test]
fn an_addin_key_with_access_denied_is_reported_and_the_other_addins_are_read() {
    let (_d, open) = simulated(&[]);
    let (all, _, problems) = scan::addins::read_addins(&open);
    assert!(problems.is_empty(), "{problems:?}");
    let hkcu: Vec<&scan::Addin> = all.iter().filter(|a| a.hive == "HKCU").collect();
    assert!(!hkcu.is_empty(), "{all:#?}");
    assert!(
        all.iter()
            .any(|a| a.hives.iter().any(|h| h.starts_with("HKLM"))),
        "{all:#?}"
    );

    // The machine-wide add-ins key refused (a standard user on some PCs).
    let (_d, denying) = simulated(&["HKLM\\Software\\Microsoft\\Office\\Outlook\\Addins"]);
    let (addins, _, problems) = scan::addins::read_addins(&denying);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("Access is denied") && p.contains("HKEY_LOCAL_MACHINE")),
        "{problems:?}"
    );
    for a in &hkcu {
        assert!(
            addins.iter().any(|b| b.prog_id == a.prog_id),
            "{} is still read",
            a.prog_id
        );
    }

    // One add-in's own key refused: the reason names it, the others are read.
    let one = &hkcu[0].prog_id;
    let key = format!("HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins\\{one}");
    let (_d, denying) = simulated(&[&key]);
    let (addins, _, problems) = scan::addins::read_addins(&denying);
    assert!(
        problems.iter().any(|p| p.contains(one.as_str())),
        "{problems:?}"
    );
    assert!(addins.len() + 1 >= all.len(), "only that one is affected");
}

#[test]
fn a_registry_that_refuses_everything_gives_reasons_not_a_panic() {
    let (_d, denying) = simulated(&["HKEY_CURRENT_USER", "HKEY_LOCAL_MACHINE"]);
    let (profiles, problems) = scan::profiles::read_profiles(&denying);
    assert!(profiles.is_empty());
    assert!(!problems.is_empty());
    let (addins, disabled, problems) = scan::addins::read_addins(&denying);
    assert!(addins.is_empty() && disabled.is_empty());
    assert!(problems.iter().all(|p| p.contains("Access is denied")));
}
