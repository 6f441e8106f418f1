//! Which Outlook is installed, from what the scan already read: the program's path (Office's
//! `Office16` folder, or the version in a Store package folder) or, for classic Outlook,
//! the registry key its profiles live under. Said with its source, because none of these is
//! the exact build number.

/// Where a version was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// `...\Office16\OUTLOOK.EXE`.
    InstallFolder,
    /// `...\WindowsApps\Microsoft.OutlookForWindows_1.2024.1023.300_x64__...\olk.exe`.
    AppPackage,
    /// `HKCU\Software\Microsoft\Office\16.0\Outlook\Profiles` (or 15.0, or the Windows
    /// Messaging Subsystem of 2010 and older).
    ProfileKey,
}

/// An Outlook version as far as the machine tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlookVersion {
    /// `16.0`, `1.2024.1023.300`, `15.0`, or `2010 or older`.
    pub version: String,
    /// Where it was read.
    pub source: VersionSource,
}

impl OutlookVersion {
    /// The version with its source, as the report shows it.
    pub fn describe(&self) -> String {
        match (self.source, self.version.as_str()) {
            (VersionSource::InstallFolder, v) => format!("{v} (from the install folder)"),
            (VersionSource::AppPackage, v) => format!("{v} (from the app package)"),
            (VersionSource::ProfileKey, "16.0") => {
                "16.0 (Outlook 2016 or later, from the profile's registry key)".to_owned()
            }
            (VersionSource::ProfileKey, "15.0") => {
                "15.0 (Outlook 2013, from the profile's registry key)".to_owned()
            }
            (VersionSource::ProfileKey, v) => format!("{v} (from the profile's registry key)"),
        }
    }
}

/// What the program's path says about its version.
pub fn from_exe(exe: &str) -> Option<OutlookVersion> {
    let parts: Vec<&str> = exe.split(['\\', '/']).collect();
    for (i, part) in parts.iter().enumerate() {
        let lower = part.to_ascii_lowercase();
        if let Some(n) = lower.strip_prefix("office")
            && let Ok(major) = n.parse::<u32>()
            && (11..=30).contains(&major)
        {
            return Some(OutlookVersion {
                version: format!("{major}.0"),
                source: VersionSource::InstallFolder,
            });
        }
        if lower == "windowsapps"
            && let Some(package) = parts.get(i + 1)
            && let Some(v) = package.split('_').nth(1)
            && !v.is_empty()
            && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Some(OutlookVersion {
                version: v.to_owned(),
                source: VersionSource::AppPackage,
            });
        }
    }
    None
}

/// Classic Outlook's version from the registry keys its profiles were found under (the
/// newest wins).
pub fn classic_from_profiles(profiles: &[crate::Profile]) -> Option<OutlookVersion> {
    let has = |v: &str| profiles.iter().any(|p| p.version == v);
    let version = if has("16.0") {
        "16.0"
    } else if has("15.0") {
        "15.0"
    } else if has("windows_messaging_subsystem") {
        "2010 or older"
    } else {
        return None;
    };
    Some(OutlookVersion {
        version: version.to_owned(),
        source: VersionSource::ProfileKey,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_or_the_profile_key_tells_the_version_with_its_source() {
        let office = from_exe("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE")
            .expect("office");
        assert_eq!(office.describe(), "16.0 (from the install folder)");
        let store = from_exe(
            "C:\\Program Files\\WindowsApps\\Microsoft.OutlookForWindows_1.2024.1023.300_x64__8wekyb3d8bbwe\\olk.exe",
        )
        .expect("store");
        assert_eq!(store.describe(), "1.2024.1023.300 (from the app package)");
        assert_eq!(from_exe("/usr/bin/thunderbird"), None);
        assert_eq!(from_exe("C:\\Office99\\x.exe"), None);
        assert_eq!(classic_from_profiles(&[]), None);
        assert_eq!(
            OutlookVersion {
                version: "2010 or older".into(),
                source: VersionSource::ProfileKey
            }
            .describe(),
            "2010 or older (from the profile's registry key)"
        );
    }
}
