//! The crate's integration tests, one binary (ripgrep's pattern): one link instead of one
//! per file, which is most of a test build's time on two cores.

mod admin;
mod check;
mod cli;
mod cloud;
mod common;
mod diagnose;
mod fix;
mod imap;
mod report;
mod scan;
mod schemas;
