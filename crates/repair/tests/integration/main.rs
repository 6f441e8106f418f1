//! The crate's integration tests, one binary (ripgrep's pattern): one link instead of one
//! per file, which is most of a test build's time on two cores.

mod bisect;
mod common;
mod crash;
mod credentials;
mod faults;
mod fuzz_regressions;
mod machine;
mod processes;
mod registry_actions;
mod rescan;
mod safety;
mod typescript;
mod windows_processes;
mod windows_registry;
