//! The facts about the machine a report names: operating system, computer and user. This
//! computer's come from the OS ([`HostFacts::live`]); demo mode's from its simulated PC
//! ([`crate::simulated::SimulatedMachine::host_facts`]). The report takes whichever the
//! session's machine gives, with no demo branch of its own.

/// The machine's operating system, name and user, as the report shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFacts {
    /// `windows`, `macos`, `linux`, or the simulated PC's "Windows 11 (simulated)".
    pub os: Option<String>,
    /// The OS's own long version text, when it tells one.
    pub os_version: Option<String>,
    /// The computer's name.
    pub host_name: Option<String>,
    /// The signed-in OS user.
    pub os_user: Option<String>,
}

impl HostFacts {
    /// This computer.
    pub fn live() -> Self {
        Self {
            os: Some(std::env::consts::OS.to_owned()),
            os_version: sysinfo::System::long_os_version(),
            host_name: sysinfo::System::host_name(),
            os_user: std::env::var("USER")
                .or_else(|_| std::env::var("USERNAME"))
                .ok(),
        }
    }
}
