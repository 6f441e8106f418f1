//! The crate's integration tests, one binary (ripgrep's pattern): one link instead of one
//! per file, which is most of a test build's time on two cores.

mod admin;
mod admin_types;
mod common;
mod consent;
mod faults;
mod fuzz_regressions;
mod keyring;
mod limits;
mod logs;
mod revoke;
mod signin;
mod snapshot;
mod spanish;
mod typescript;
