//! The crate's integration tests, one binary (ripgrep's pattern): one link instead of one
//! per file, which is most of a test build's time on two cores.

mod faults;
mod open_page;
mod report;
mod session;
mod spanish;
