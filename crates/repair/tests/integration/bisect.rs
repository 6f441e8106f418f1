//! Add-in bisect on a real `.reg` store, with a simulated Outlook whose error comes back
//! exactly when the culprit add-in is enabled.

use crate::common;

use registry::{RawValue, RegTree};
use repair::bisect::Bisect;
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{BisectPhase, Env, Journal, RegistryLayout, list_addins};

struct Lab {
    _dir: tempfile::TempDir,
    store: RegFileStore,
    journal: Journal,
    layout: RegistryLayout,
    original: Vec<u8>,
    names: Vec<String>,
}

fn lab(n: usize) -> Lab {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = RegistryLayout::default();
    let names: Vec<String> = (0..n).map(|i| format!("Addin{i}.Connect")).collect();
    let mut tree = RegTree::new();
    common::with_addins(&mut tree, &layout.office_root, &names);
    // One managed by policy and one already off: neither takes part.
    common::with_addins(
        &mut tree,
        &layout.office_root,
        &["Managed.Addin".to_owned()],
    );
    tree.set_value(
        "HKCU\\Software\\Policies\\Microsoft\\Office\\16.0\\Outlook\\Resiliency\\AddinList",
        "Managed.Addin",
        RawValue::sz("1"),
    );
    tree.set_value(
        &layout.addin_key("Off.Addin"),
        "LoadBehavior",
        RawValue::dword(2),
    );
    let store = RegFileStore::create(&dir.path().join("pc.reg"), &tree).expect("store");
    let original = std::fs::read(store.path()).expect("read");
    let journal = Journal::open(&dir.path().join("data")).expect("journal");
    Lab {
        _dir: dir,
        store,
        journal,
        layout,
        original,
        names,
    }
}

impl Lab {
    fn enabled(&self, prog_id: &str) -> bool {
        self.store
            .value(&self.layout.addin_key(prog_id), "LoadBehavior")
            .expect("read")
            .and_then(|v| v.as_u32())
            == Some(3)
    }

    fn start(&self) -> Bisect {
        let addins = list_addins(&self.store, &self.layout).expect("list");
        Bisect::start(&addins, self.layout.clone()).expect("start")
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.store.path()).expect("read")
    }
}

/// Runs rounds until the bisect stops asking; returns the number of rounds.
fn run_to_end(lab: &mut Lab, b: &mut Bisect, error_comes_back: &dyn Fn(&Lab) -> bool) -> usize {
    let mut rounds = 0;
    while b.phase == BisectPhase::Ready {
        let mut env = Env::with_registry(&mut lab.store);
        let disabled = b.next_round(&mut lab.journal, &mut env).expect("round");
        assert!(!disabled.is_empty());
        for d in &disabled {
            assert!(!lab.enabled(d), "{d} should be off during the round");
        }
        rounds += 1;
        let answer = error_comes_back(lab);
        b.answer(answer).expect("answer");
        assert!(rounds <= 10, "runaway bisect");
    }
    rounds
}

#[test]
fn finds_the_culprit_at_every_position_in_log_rounds() {
    for n in [1usize, 2, 7] {
        for culprit in 0..n {
            let mut lab = lab(n);
            let name = lab.names[culprit].clone();
            let mut b = lab.start();
            assert_eq!(
                b.candidates, lab.names,
                "policy-managed and off add-ins are left out"
            );
            assert_eq!(b.skipped.len(), 1);
            let oracle = |l: &Lab| l.enabled(&name);
            let rounds = run_to_end(&mut lab, &mut b, &oracle);
            assert_eq!(
                b.phase,
                BisectPhase::Found {
                    culprit: name.clone()
                },
                "n={n} culprit={culprit}"
            );
            let bound = match n {
                1 => 1,
                n => (n as f64).log2().ceil() as usize,
            };
            assert!(rounds <= bound, "n={n}: {rounds} rounds > {bound}");
            assert_eq!(b.max_rounds(), bound);

            // Keep the culprit off, restore the rest.
            let mut env = Env::with_registry(&mut lab.store);
            b.finish(true, &mut lab.journal, &mut env).expect("finish");
            assert_eq!(
                b.phase,
                BisectPhase::Finished {
                    kept_disabled: Some(name.clone())
                }
            );
            for other in &lab.names {
                assert_eq!(lab.enabled(other), other != &name, "n={n} {other}");
            }
            assert_eq!(b.disabled.len(), 1);
            // Undoing that last disable gives back the original file byte for byte.
            let mut env = Env::with_registry(&mut lab.store);
            lab.journal
                .undo(&b.disabled[0].entry_id, &mut env)
                .expect("undo culprit");
            assert_eq!(lab.bytes(), lab.original, "n={n} culprit={culprit}");
        }
    }
}

#[test]
fn finishing_without_keeping_restores_everything_byte_for_byte() {
    let mut lab = lab(7);
    let name = lab.names[4].clone();
    let mut b = lab.start();
    run_to_end(&mut lab, &mut b, &|l: &Lab| l.enabled(&name));
    let mut env = Env::with_registry(&mut lab.store);
    b.finish(false, &mut lab.journal, &mut env).expect("finish");
    assert_eq!(lab.bytes(), lab.original);
    assert!(b.disabled.is_empty());
}

#[test]
fn a_single_addin_that_is_not_the_cause_gives_no_culprit() {
    let mut lab = lab(1);
    let mut b = lab.start();
    run_to_end(&mut lab, &mut b, &|_: &Lab| true);
    assert_eq!(b.phase, BisectPhase::NoCulprit);
    let mut env = Env::with_registry(&mut lab.store);
    b.finish(true, &mut lab.journal, &mut env).expect("finish");
    assert_eq!(
        b.phase,
        BisectPhase::Finished {
            kept_disabled: None
        }
    );
    assert_eq!(lab.bytes(), lab.original);
}

#[test]
fn every_round_can_be_taken_back_and_the_state_resumes_after_a_restart() {
    let mut lab = lab(7);
    let name = lab.names[6].clone();
    let mut b = lab.start();
    let mut env = Env::with_registry(&mut lab.store);
    let first = b.next_round(&mut lab.journal, &mut env).expect("round 1");
    assert_eq!(first.len(), 4);
    b.answer(lab.enabled(&name)).expect("answer");
    assert_eq!(b.suspects.len(), 3);

    // The UI saves the state; the app restarts; it goes on from there.
    let saved = serde_json::to_string(&b).expect("serialize");
    let mut b: Bisect = serde_json::from_str(&saved).expect("deserialize");
    let dir = lab.journal.dir().to_path_buf();
    lab.journal = Journal::open(&dir).expect("reopen");

    let mut env = Env::with_registry(&mut lab.store);
    let second = b.next_round(&mut lab.journal, &mut env).expect("round 2");
    assert_eq!(second.len(), 2);
    for d in &first {
        assert!(lab.enabled(d), "{d}: exonerated add-ins are on again");
    }
    // Back: withdraw nothing yet answered -> the round's disables are undone.
    let mut env = Env::with_registry(&mut lab.store);
    b.back(&mut lab.journal, &mut env).expect("back round 2");
    assert_eq!(b.phase, BisectPhase::Ready);
    assert_eq!(b.rounds.len(), 1);
    // Back: withdraw round 1's answer, then undo round 1.
    b.back(&mut lab.journal, &mut env).expect("back answer 1");
    assert_eq!(b.phase, BisectPhase::AwaitingAnswer);
    assert_eq!(b.suspects.len(), 7);
    b.back(&mut lab.journal, &mut env).expect("back round 1");
    assert!(b.rounds.is_empty());
    assert_eq!(
        b.back(&mut lab.journal, &mut env)
            .expect_err("nothing left")
            .code(),
        "bisect_wrong_step"
    );
    assert_eq!(lab.bytes(), lab.original);
    // Out-of-order calls are typed errors.
    assert_eq!(
        b.answer(true).expect_err("no round").code(),
        "bisect_wrong_step"
    );
}

#[test]
fn no_eligible_addins_is_a_typed_error() {
    let lab = lab(0);
    let addins = list_addins(&lab.store, &lab.layout).expect("list");
    let e = Bisect::start(&addins, lab.layout.clone()).expect_err("nothing to test");
    assert_eq!(e.code(), "bisect_wrong_step");
}

#[test]
fn an_entry_undone_from_the_journal_list_does_not_block_the_bisect() {
    let mut lab = lab(4);
    let mut b = lab.start();
    let mut env = Env::with_registry(&mut lab.store);
    b.next_round(&mut lab.journal, &mut env).expect("round");
    // The user undoes one of the round's changes from the list of changes.
    let id = b.disabled[0].entry_id.clone();
    lab.journal.undo(&id, &mut env).expect("undo from the list");
    b.finish(false, &mut lab.journal, &mut env)
        .expect("finish anyway");
    assert_eq!(lab.bytes(), lab.original);
}

#[test]
fn the_check_is_kept_on_disk_resumes_after_a_restart_and_restore_all_puts_everything_back() {
    let mut lab = lab(7);
    let name = lab.names[5].clone();
    let addins = list_addins(&lab.store, &lab.layout).expect("list");
    let mut b = Bisect::start_in(&addins, lab.layout.clone(), &lab.journal).expect("start");
    assert_eq!(Bisect::load(&lab.journal).expect("load"), Some(b.clone()));
    let mut env = Env::with_registry(&mut lab.store);
    b.next_round(&mut lab.journal, &mut env).expect("round 1");
    b.answer_in(lab.enabled(&name), &lab.journal)
        .expect("answer");
    let mut env = Env::with_registry(&mut lab.store);
    b.next_round(&mut lab.journal, &mut env).expect("round 2");

    // A restart: everything in memory is gone; a new journal opens on the same folder.
    let saved = b.clone();
    drop(b);
    let dir = lab.journal.dir().to_path_buf();
    lab.journal = Journal::open(&dir).expect("reopen");
    let mut b = Bisect::load(&lab.journal)
        .expect("load")
        .expect("the check is there");
    assert_eq!(b, saved);
    assert_eq!(b.phase, BisectPhase::AwaitingAnswer);

    // Answering goes on from the loaded state, and is saved again.
    b.answer_in(lab.enabled(&name), &lab.journal)
        .expect("answer after restart");
    assert_eq!(Bisect::load(&lab.journal).expect("load"), Some(b.clone()));
    assert_ne!(lab.bytes(), lab.original, "add-ins are still off");

    // Another restart, and the user chooses to put every add-in back.
    drop(b);
    lab.journal = Journal::open(&dir).expect("reopen");
    let mut env = Env::with_registry(&mut lab.store);
    let done = Bisect::restore_all(&mut lab.journal, &mut env).expect("restore all");
    assert!(!done.restored.is_empty());
    assert!(done.notes.is_empty(), "{:?}", done.notes);
    assert_eq!(lab.bytes(), lab.original, "the registry is byte-identical");
    assert_eq!(Bisect::load(&lab.journal).expect("load"), None, "cleared");
    assert!(!Bisect::state_path(&lab.journal).exists());
}

#[test]
fn finishing_removes_the_saved_state() {
    let mut lab = lab(3);
    let addins = list_addins(&lab.store, &lab.layout).expect("list");
    let mut b = Bisect::start_in(&addins, lab.layout.clone(), &lab.journal).expect("start");
    let mut env = Env::with_registry(&mut lab.store);
    b.next_round(&mut lab.journal, &mut env).expect("round");
    assert!(Bisect::state_path(&lab.journal).exists());
    b.finish(false, &mut lab.journal, &mut env).expect("finish");
    assert!(!Bisect::state_path(&lab.journal).exists());
    assert_eq!(Bisect::load(&lab.journal).expect("load"), None);
    assert_eq!(lab.bytes(), lab.original);
}

#[test]
fn a_damaged_state_file_is_a_typed_error_and_its_addins_still_come_back() {
    let mut lab = lab(6);
    let addins = list_addins(&lab.store, &lab.layout).expect("list");
    let mut b = Bisect::start_in(&addins, lab.layout.clone(), &lab.journal).expect("start");
    let mut env = Env::with_registry(&mut lab.store);
    b.next_round(&mut lab.journal, &mut env).expect("round");
    assert_eq!(b.disabled.len(), 3);
    // Cut the file off in the middle (after the entries it names), as a damaged disk would.
    let path = Bisect::state_path(&lab.journal);
    let text = std::fs::read_to_string(&path).expect("read");
    let last_id = &b.disabled[2].entry_id;
    let cut = text.rfind(last_id.as_str()).expect("id in file") + last_id.len() + 1;
    std::fs::write(&path, &text[..cut]).expect("damage");

    let dir = lab.journal.dir().to_path_buf();
    lab.journal = Journal::open(&dir).expect("reopen");
    let e = Bisect::load(&lab.journal).expect_err("damaged");
    assert_eq!(e.code(), "journal_corrupt");
    let mut env = Env::with_registry(&mut lab.store);
    let done = Bisect::restore_all(&mut lab.journal, &mut env).expect("restore all anyway");
    assert_eq!(done.restored.len(), 3, "{done:?}");
    assert!(done.notes.iter().any(|n| n.contains("damaged")));
    assert_eq!(lab.bytes(), lab.original);
    assert!(!path.exists());
    assert!(path.with_file_name("bisect.json.damaged").exists());
    // Garbage is reported the same way, never a panic.
    std::fs::write(&path, b"\xff\x00 not json").expect("garbage");
    assert_eq!(
        Bisect::load(&lab.journal).expect_err("garbage").code(),
        "journal_corrupt"
    );
    let mut env = Env::with_registry(&mut lab.store);
    let done = Bisect::restore_all(&mut lab.journal, &mut env).expect("nothing to restore");
    assert!(done.restored.is_empty());
    // What the user is told comes in their language.
    env.lang = words::Lang::Es;
    let again = Bisect::restore_all(&mut lab.journal, &mut env).expect("nothing to restore");
    assert_eq!(
        again.notes,
        vec!["No hay ninguna comprobación de complementos en curso.".to_owned()]
    );
}
