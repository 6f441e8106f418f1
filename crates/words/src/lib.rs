//! Every sentence Session Doctor shows a person, in one catalog per language.
//!
//! The catalogs are `i18n/<lang>.json` at the repository root: flat `key → text` maps with
//! `{name}` placeholders. The UI imports the same files, so a sentence has one owner whether
//! Rust or TypeScript puts it on screen. Plan steps' Spanish is `i18n/steps.es.json` (the
//! English stays beside each step's source quote in `doctor::plan`).
//!
//! A missing key falls back to English, then to the key itself: never a panic. The tests
//! fail on any key missing in a language and on any key the Rust code asks for that no
//! catalog has.

#![deny(missing_docs)]

mod catalog;
mod lang;
mod leaks;

pub use catalog::{Arg, StepText, Words};
pub use lang::Lang;
pub use leaks::{english_left, english_phrases_absent_from};
