//! The crate's integration tests, one binary (ripgrep's pattern): one link instead of one
//! per file, which is most of a test build's time on two cores.

mod bad_input;
mod demo_pc;
mod faults;
mod fuzz_loop;
mod live_processes;
mod mid_scan;
mod other_clients;
mod registry_exports;
mod spawned_clients;
mod typescript;
mod windows_registry;
