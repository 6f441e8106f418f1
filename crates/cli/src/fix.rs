//! `session-doctor-cli fix`: the scan screen's repairs for scripts, through the app's own
//! backend (`doctor::offers` for what is offered, `doctor::actions::Repairs` for preview,
//! journal, backup and undo).
//!
//! ```text
//! fix list    [--json] [scan options]           what the current scan offers, with ids
//! fix preview ID [--json] [scan options]        what ID would change (changes nothing)
//! fix run ID [--yes] [--json] [scan options]    without --yes: the preview, nothing changed
//! fix journal [--json] [scan options]           the journal, newest first
//! fix undo ENTRY... [--yes] [--force] [--json] [scan options]
//! ```
//!
//! `undo` of several entries takes them back newest first, whatever order they are given
//! in. An entry whose key changed after the change was made is not undone: the error starts
//! with `undo_conflict:` and names what changed; `--force` undoes it anyway (the later edit
//! is overwritten by the backup).
//!
//! Ids are `doctor::offers`' (`remove_profile:16.0:Outlook%20`, `disable_addin:<ProgID>`,
//! ...): one shell word, no quoting needed. Without `--yes`, `run` and `undo` print what they
//! would do, say that nothing was changed, and exit 0. Errors are one line on stderr and
//! exit 1; an id the current scan does not offer is an error and changes nothing.
//!
//! Where changes go: the live registry (Windows) with the journal in the data folder; with
//! `--registry-file FILE.reg`, the export itself (rewritten in `reg export`'s layout), with
//! its own journal under `<data>/exports/`; with `--demo`, a throw-away simulated PC. The
//! data folder is `--data-dir`, else `$SESSION_DOCTOR_DATA_DIR`, else the app's own.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use doctor::actions::{ActionRequest, Repairs};
use doctor::offers::{self, Offer};
use doctor::{AppError, data_dir};
use repair::{EntryView, Preview};
use serde_json::json;
use words::{Lang, Words};

use crate::Language;
use crate::output::print_json;
use crate::scan::{self as scan_args, ScanArgs};

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(subcommand)]
    command: FixCommand,
}

#[derive(Debug, Subcommand)]
enum FixCommand {
    /// The repairs the current scan offers, each with the id to pass to preview/run.
    List(Place),
    /// What one offered repair would change. Changes nothing.
    Preview(IdArgs),
    /// Runs one offered repair through the journal (backup first). Without --yes: prints
    /// the preview and changes nothing.
    Run(RunArgs),
    /// The journal of changes, newest first, with what can be undone.
    Journal(Place),
    /// Puts a journal entry's change back from its backup. Without --yes: says what would
    /// be undone and changes nothing.
    Undo(UndoArgs),
}

/// The scan's options and where the journal lives.
#[derive(Debug, Args)]
struct Place {
    #[command(flatten)]
    scan: ScanArgs,
    /// Keep the journal and its backups in DIR (default: $SESSION_DOCTOR_DATA_DIR, else the
    /// app's data folder, e.g. ~/.local/share/app.sessiondoctor.desktop).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct IdArgs {
    /// The id `fix list` printed (e.g. remove_profile:16.0:Outlook%20).
    id: String,
    #[command(flatten)]
    place: Place,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    offer: IdArgs,
    /// Really make the change; without it, the preview is printed and nothing changes.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Args)]
struct UndoArgs {
    /// The journal entries' ids (`fix journal` lists them); several are undone newest first.
    #[arg(required = true, num_args = 1..)]
    entries: Vec<String>,
    /// Really undo them; without it, what would be undone is printed and nothing changes.
    #[arg(long)]
    yes: bool,
    /// Undo even when the key changed after the change was made (an `undo_conflict`): the
    /// later edit is overwritten by the backup.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    place: Place,
}

pub fn run(args: &FixArgs, language: Language) -> Result<(), String> {
    // One language per command: the user's, or English for JSON unless --lang asked (the
    // previews and titles are in the JSON too).
    let lang = |place: &Place| {
        if place.scan.json {
            language.for_json()
        } else {
            language.lang
        }
    };
    match &args.command {
        FixCommand::List(place) => list(place, lang(place)),
        FixCommand::Preview(a) => preview(a, lang(&a.place)),
        FixCommand::Run(a) => run_offer(a, lang(&a.offer.place)),
        FixCommand::Journal(place) => journal(place, lang(place)),
        FixCommand::Undo(a) => undo(a, lang(&a.place)),
    }
}

/// The registry the repairs change and, in the demo, the simulated PC behind it.
struct Backend {
    repairs: Repairs,
    /// Kept alive: the simulated PC's files live as long as it.
    demo: Option<doctor::demo::Demo>,
    /// The export changed by the repairs, with `--registry-file`.
    export: Option<PathBuf>,
    /// The command's language.
    lang: Lang,
}

impl Backend {
    fn open(place: &Place, lang: Lang) -> Result<Self, String> {
        let w = Words::of(lang);
        let scan = &place.scan;
        scan_args::check_inputs(scan)?;
        if scan.demo {
            let demo = doctor::demo::Demo::start(lang).map_err(|e| one_line(&e))?;
            let hkcu = demo
                .hkcu_export()
                .ok_or_else(|| w.t("app.error.demo_no_registry", &[]))?;
            let repairs = Repairs::demo(demo.pc_dir(), &hkcu, demo.machine(), lang)
                .map_err(|e| one_line(&e))?;
            return Ok(Self {
                repairs,
                demo: Some(demo),
                export: None,
                lang,
            });
        }
        let data = data_folder(place, lang)?;
        if scan.registry_files.is_empty() {
            let repairs = Repairs::live(&data, lang).map_err(|e| one_line(&e))?;
            return Ok(Self {
                repairs,
                demo: None,
                export: None,
                lang,
            });
        }
        let export = writable_export(&scan.registry_files, lang)?;
        let journal = data_dir::export_journal_dir(&data, &export).map_err(|e| {
            w.t(
                "cli.fix.export_missing",
                &[("file", &export.display()), ("error", &e)],
            )
        })?;
        let repairs = Repairs::on_export(&journal, &export, lang).map_err(|e| one_line(&e))?;
        Ok(Self {
            repairs,
            demo: None,
            export: Some(export),
            lang,
        })
    }

    fn scan(&self, args: &ScanArgs) -> scan::ScanReport {
        let demo = self.demo.as_ref().map(doctor::demo::Demo::scan_options);
        scan::run(&scan_args::options(args, demo), &mut |_| {})
    }

    fn preview(&mut self, request: &ActionRequest) -> Result<Preview, AppError> {
        self.repairs.preview(request)
    }

    fn run(&mut self, request: &ActionRequest) -> Result<EntryView, AppError> {
        self.repairs.run(request)
    }

    /// Said after a change in the demo: nothing real changed.
    fn demo_note(&self) -> Option<String> {
        self.demo
            .as_ref()
            .map(|d| Words::of(self.lang).t("cli.fix.demo_note", &[("dir", &d.pc_dir().display())]))
    }
}

/// The data folder: `--data-dir`, else the environment, else the app's.
fn data_folder(place: &Place, lang: Lang) -> Result<PathBuf, String> {
    if let Some(d) = &place.data_dir {
        return Ok(d.clone());
    }
    if let Some(d) = std::env::var_os(data_dir::ENV_DATA_DIR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    data_dir::platform_data_dir().ok_or_else(|| {
        Words::of(lang).t("cli.fix.no_data_dir", &[("var", &data_dir::ENV_DATA_DIR)])
    })
}

/// The export the repairs change: the only `--registry-file`, or the only one holding
/// HKEY_CURRENT_USER keys (the repairs change the current user's settings only).
fn writable_export(files: &[PathBuf], lang: Lang) -> Result<PathBuf, String> {
    if let [only] = files {
        return Ok(only.clone());
    }
    let hkcu: Vec<&PathBuf> = files.iter().filter(|f| holds_hkcu(f)).collect();
    match hkcu.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Words::of(lang).t("cli.fix.no_hkcu_export", &[])),
        many => Err(Words::of(lang).t("cli.fix.many_hkcu_exports", &[("n", &many.len())])),
    }
}

fn holds_hkcu(file: &Path) -> bool {
    repair::registry::RegFileStore::open(file)
        .and_then(|s| s.load())
        .is_ok_and(|t| {
            t.paths()
                .iter()
                .any(|p| p.to_ascii_uppercase().starts_with("HKEY_CURRENT_USER\\"))
        })
}

/// Refuses, before anything is journaled, an export the change could not be written to.
fn check_writable(export: &Path, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    let refuse = |why: String| {
        w.t(
            "cli.fix.export_unwritable",
            &[("file", &export.display()), ("why", &why)],
        )
    };
    let meta = std::fs::metadata(export).map_err(|e| refuse(e.to_string()))?;
    if meta.permissions().readonly() {
        return Err(refuse(w.t("cli.fix.read_only", &[])));
    }
    // The file is replaced atomically by a temp file beside it: the folder must be writable.
    let dir = export
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::NamedTempFile::new_in(dir).map(drop).map_err(|e| {
        refuse(w.t(
            "cli.fix.folder_unwritable",
            &[("dir", &dir.display()), ("error", &e)],
        ))
    })
}

fn list(place: &Place, lang: Lang) -> Result<(), String> {
    scan_args::check_inputs(&place.scan)?;
    let offers = if place.scan.demo {
        let demo = doctor::demo::Demo::start(lang).map_err(|e| one_line(&e))?;
        offers::offers(
            &scan::run(
                &scan_args::options(&place.scan, Some(demo.scan_options())),
                &mut |_| {},
            ),
            lang,
        )
    } else {
        offers::offers(&scan_args::report(&place.scan)?, lang)
    };
    if place.scan.json {
        return print_json(&json!({ "offers": offers }));
    }
    if offers.is_empty() {
        println!("{}", Words::of(lang).t("cli.fix.no_offers", &[]));
    }
    for o in &offers {
        println!("{}\n    {}", o.id, o.title);
    }
    Ok(())
}

/// Scans and finds the offer, or says it is not offered (nothing changed). The repairs
/// remember the scan: programs are acted on only as it listed them.
fn offered(backend: &mut Backend, args: &IdArgs) -> Result<Offer, String> {
    let report = backend.scan(&args.place.scan);
    backend.repairs.saw(&report);
    let lang = backend.lang;
    let w = Words::of(lang);
    let offers = offers::offers(&report, lang);
    let found = offers::find(&offers, &args.id)
        .map_err(|e| w.t("cli.fix.unchanged", &[("error", &e.message(lang))]))?;
    match found {
        Some(o) => Ok(o.clone()),
        None => Err(w.t("cli.fix.not_offered", &[("id", &args.id)])),
    }
}

fn preview(args: &IdArgs, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    let mut backend = Backend::open(&args.place, lang)?;
    let offer = offered(&mut backend, args)?;
    // Previewing changes nothing, so a sign-in's removal is previewed as confirmed: its
    // check (consent given) is the one `run --yes` will pass.
    let preview = backend
        .preview(&offer.confirmed_request())
        .map_err(|e| w.t("cli.fix.unchanged", &[("error", &one_line(&e))]))?;
    if args.place.scan.json {
        return print_json(&json!({ "offer": offer, "preview": preview, "changed": false }));
    }
    println!("{}\n", offer.id);
    println!("{}", preview.text());
    Ok(())
}

fn run_offer(run: &RunArgs, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    let args = &run.offer;
    let mut backend = Backend::open(&args.place, lang)?;
    let offer = offered(&mut backend, args)?;
    let request = offer.confirmed_request();
    let preview = backend
        .preview(&request)
        .map_err(|e| w.t("cli.fix.unchanged", &[("error", &one_line(&e))]))?;
    if !run.yes {
        if args.place.scan.json {
            return print_json(&json!({ "offer": offer, "preview": preview, "changed": false }));
        }
        println!("{}\n", preview.text());
        println!("{}", w.t("cli.fix.dry_run", &[("id", &offer.id)]));
        return Ok(());
    }
    if let Some(export) = &backend.export {
        check_writable(export, lang)?;
    }
    let entry = backend.run(&request).map_err(|e| one_line(&e))?;
    if let Some(note) = backend.demo_note() {
        eprintln!("session-doctor-cli: {note}");
    }
    if args.place.scan.json {
        return print_json(&entry);
    }
    println!(
        "{}",
        w.t("cli.fix.done", &[("title", &entry.preview.title)])
    );
    let id: &dyn std::fmt::Display = &entry.id;
    if backend.demo.is_some() {
        println!("{}", w.t("cli.fix.demo_entry", &[("id", id)]));
    } else if entry.can_undo {
        println!("{}", w.t("cli.fix.entry_undo", &[("id", id)]));
    } else {
        println!(
            "{}",
            w.t(
                "cli.fix.entry_no_undo",
                &[("id", id), ("undo", &entry.preview.undo)]
            )
        );
    }
    Ok(())
}

fn journal(place: &Place, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    let backend = Backend::open(place, lang)?;
    let entries = backend.repairs.entries();
    if place.scan.json {
        return print_json(&json!({ "entries": entries }));
    }
    println!(
        "{}",
        w.t(
            "cli.fix.journal",
            &[("dir", &backend.repairs.journal_dir().display())]
        )
    );
    if entries.is_empty() {
        println!("{}", w.t("cli.fix.journal_empty", &[]));
    }
    for e in &entries {
        let undo = if e.can_undo {
            w.t("cli.fix.can_undo", &[])
        } else if e.can_roll_back {
            w.t("cli.fix.can_roll_back", &[])
        } else {
            w.t("cli.fix.no_undo", &[])
        };
        println!(
            "{}  {}  ({undo})\n    {}",
            e.id,
            state_words(&e.state, lang),
            e.preview.title
        );
    }
    Ok(())
}

/// A journal entry's state in words (the report says the same).
fn state_words(state: &repair::journal::EntryState, lang: Lang) -> String {
    use repair::journal::EntryState;
    let key = match state {
        EntryState::Planned => "report.repair.planned",
        EntryState::BackedUp => "report.repair.backed_up",
        EntryState::Applied => "report.repair.applied",
        EntryState::Undone => "report.repair.undone",
        EntryState::Failed => "report.repair.failed",
        EntryState::RolledBack => "report.repair.rolled_back",
    };
    Words::of(lang).t(key, &[])
}

fn undo(args: &UndoArgs, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    let mut backend = Backend::open(&args.place, lang)?;
    let entries = backend.repairs.entries();
    let mut chosen: Vec<&EntryView> = Vec::new();
    for id in &args.entries {
        let Some(entry) = entries.iter().find(|e| &e.id == id) else {
            let key = if backend.demo.is_some() {
                "cli.fix.no_entry_demo"
            } else {
                "cli.fix.no_entry"
            };
            return Err(w.t(
                key,
                &[
                    ("id", id),
                    ("dir", &backend.repairs.journal_dir().display()),
                ],
            ));
        };
        if !entry.can_undo {
            return Err(w.t(
                "cli.fix.cannot_undo",
                &[
                    ("id", &entry.id),
                    ("state", &state_words(&entry.state, lang)),
                    ("undo", &entry.preview.undo),
                ],
            ));
        }
        if !chosen.iter().any(|c| c.id == entry.id) {
            chosen.push(entry);
        }
    }
    // The order they are undone in: newest first (the journal's list is newest first).
    chosen.sort_by(|a, b| {
        b.created_at_ms
            .total_cmp(&a.created_at_ms)
            .then_with(|| b.id.cmp(&a.id))
    });
    if !args.yes {
        if args.place.scan.json {
            return print_json(&json!({ "entries": chosen, "changed": false }));
        }
        for entry in &chosen {
            println!(
                "{}",
                w.t(
                    "cli.fix.would_undo",
                    &[("id", &entry.id), ("title", &entry.preview.title)]
                )
            );
            println!("{}", entry.preview.undo);
        }
        println!(
            "{}",
            w.t("cli.fix.dry_undo", &[("ids", &args.entries.join(" "))])
        );
        return Ok(());
    }
    if let Some(export) = &backend.export {
        check_writable(export, lang)?;
    }
    let ids: Vec<&str> = chosen.iter().map(|e| e.id.as_str()).collect();
    let done = backend.repairs.undo_many(&ids, args.force).map_err(|e| {
        if e.code == doctor::ErrorCode::UndoConflict {
            // The code leads, untranslated: scripts look for it.
            w.t(
                "cli.fix.undo_conflict",
                &[("error", &e.message.replace(['\r', '\n'], " "))],
            )
        } else {
            one_line(&e)
        }
    })?;
    if args.place.scan.json {
        // The entries in the order undone: one shape for one entry or several.
        return print_json(&json!({ "entries": done, "changed": true }));
    }
    for d in &done {
        println!(
            "{}",
            w.t(
                "cli.fix.undone",
                &[("title", &d.preview.title), ("id", &d.id)]
            )
        );
    }
    Ok(())
}

/// An error in one line: what happened, then what to do.
fn one_line(e: &AppError) -> String {
    let text = if e.hint.is_empty() {
        e.message.clone()
    } else {
        format!("{} ({})", e.message.trim_end_matches('.'), e.hint)
    };
    text.replace(['\r', '\n'], " ")
}
