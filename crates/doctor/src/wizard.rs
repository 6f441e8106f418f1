//! The guided fix: the plan of one track cut into its stages, each step with what the scan
//! found for it and the one repair that fits it, plus the user's progress through it, kept on
//! disk so a restart resumes where the user was.
//!
//! The UI walks the screens; this module decides what is on them (the order of the steps,
//! which are "found on this PC", the repair behind a step's button, the guessed track) and
//! keeps the progress, so the order and the guess are written once and tested here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use words::Lang;

use cloud::AccountKind;
use scan::{ClientKind, ScanReport};
use serde::{Deserialize, Serialize};

use crate::actions::ActionRequest;
use crate::diagnose::{Diagnosis, FindingCode};
use crate::offers::{Offer, OfferTarget};
use crate::plan::{self, Stage, Step, StepId, Track};
use repair::ActionKind;

/// Where the user is in the guided fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum WizardScreen {
    /// "What does the message say?" (optional).
    #[default]
    Message,
    /// The scan, then the one-sentence summary and the session map.
    Scan,
    /// Work or school, or personal: asked once.
    Track,
    /// One step of the current stage.
    Step,
    /// Scan again, before/now, "Is the error gone?".
    Verify,
    /// The error is gone.
    Finished,
    /// Every stage tried and the error is still there: the IT route with the report.
    ItRoute,
}

/// What the user said about a step (done or skipped; a step not listed is pending): the
/// shared vocabulary's step state, which the report shows too.
pub use domain::StepStatus;

/// What the user told the guided fix: facts only a person at the PC can see. They reach
/// the report named as the user's answers, never as something the app measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub struct WizardAnswers {
    /// "Does Outlook on the web work?" (`owa_triage`): `Some(true)` when the web works
    /// while classic Outlook fails, so the cause is on this PC or in classic Outlook's
    /// connection backoff; `Some(false)` when the web fails too (the account's limit).
    pub web_works: Option<bool>,
    /// Connections the user counted in Outlook's Connection Status dialog
    /// (`connection_status`).
    pub connections_counted: Option<u32>,
}

/// The most connections a person could count in the dialog; a larger number is a typo.
pub const MAX_COUNTED_CONNECTIONS: u32 = 999;

/// The user's way through the guided fix (saved after every move).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
pub struct WizardProgress {
    /// The screen the user is on.
    pub screen: WizardScreen,
    /// The track the user chose; `None` until asked.
    pub track: Option<Track>,
    /// Index of the current stage in [`WizardPlan::stages`].
    pub stage: u32,
    /// Index of the current step inside that stage.
    pub step: u32,
    /// Step id -> what the user said.
    pub states: BTreeMap<StepId, StepStatus>,
    /// What the error message said, when the user pasted or picked it.
    pub message: Option<String>,
    /// What the user answered on the steps that ask something.
    #[serde(default)]
    pub answers: WizardAnswers,
}

/// One step as the guided fix shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct WizardStep {
    /// The plan step.
    pub step: Step,
    /// Findings of the last scan this step addresses; not empty means "found on this PC".
    pub found: Vec<FindingCode>,
    /// The repair behind the step's button, when the scan offers one for it.
    pub offer: Option<Offer>,
    /// The request that previews and runs `offer` (consent for a sign-in's removal is
    /// added by the UI only after the user ticked it).
    pub request: Option<ActionRequest>,
}

/// One stage of the track, its steps with a finding first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct WizardStage {
    /// Which stage.
    pub stage: Stage,
    /// Its steps, found first.
    pub steps: Vec<WizardStep>,
}

/// The guided fix for one track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct WizardPlan {
    /// Whose plan.
    pub track: Track,
    /// The track guessed from the signed-in account or the profiles' addresses.
    pub guessed: Track,
    /// Its stages, in order.
    pub stages: Vec<WizardStage>,
    /// How many different things on this PC hold sessions (findings of the scan, not of the
    /// account's devices): the number in the summary sentence.
    pub found_here: u32,
}

/// Findings that come from the account (its devices), not from this PC.
fn from_the_account(code: FindingCode) -> bool {
    matches!(
        code,
        FindingCode::OtherDevices | FindingCode::MobileDevicesNearLimit
    )
}

/// Address domains of personal Microsoft accounts (the second seed's track).
const PERSONAL_DOMAINS: &[&str] = &["outlook.com", "hotmail.com", "live.com", "msn.com"];

fn is_personal_address(email: &str) -> bool {
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    // Country variants too: hotmail.co.uk, outlook.es, live.com.mx.
    PERSONAL_DOMAINS.iter().any(|p| {
        let stem = p.trim_end_matches(".com");
        domain == *p || domain.starts_with(&format!("{stem}."))
    })
}

/// The track to suggest: the signed-in account's kind wins; otherwise personal only when
/// every address in the profiles is a personal one; work otherwise (most users of this
/// error are on Microsoft 365).
pub fn guess_track(signed_in: Option<AccountKind>, scan: Option<&ScanReport>) -> Track {
    match signed_in {
        Some(AccountKind::Personal) => return Track::Personal,
        Some(AccountKind::Work) => return Track::Work,
        None => {}
    }
    let addresses: Vec<&str> = scan
        .map(|s| {
            s.profiles
                .iter()
                .flat_map(|p| p.accounts.iter().filter_map(|a| a.email.as_deref()))
                .collect()
        })
        .unwrap_or_default();
    if !addresses.is_empty() && addresses.iter().all(|a| is_personal_address(a)) {
        Track::Personal
    } else {
        Track::Work
    }
}

/// The stages of a track in the seeds' order.
fn stages_of(track: Track) -> &'static [Stage] {
    match track {
        Track::Work => &[Stage::Main, Stage::KeepsReturning, Stage::ItRoute],
        Track::Personal => &[Stage::Main, Stage::CommonProblems],
        Track::Admin => &[Stage::Main],
    }
}

/// The one repair that fits a step, from the scan's offers. Only steps whose advice the app
/// can carry out itself get one; the others open a page or are done by hand.
fn offer_for(
    step_id: StepId,
    found: &[FindingCode],
    offers: &[Offer],
    scan: &ScanReport,
) -> Option<Offer> {
    let outlook_pids: Vec<u32> = scan
        .processes
        .iter()
        .filter(|p| !p.helper && p.kind == ClientKind::ClassicOutlook)
        .map(|p| p.pid)
        .collect();
    let process_offer = |kind: ActionKind, mode: Option<&str>, pick: &dyn Fn(u32) -> bool| {
        offers.iter().find(|o| {
            o.kind == kind
                && matches!(&o.target, OfferTarget::Process { pid, mode: m, .. }
                    if pick(*pid) && m.as_deref() == mode)
        })
    };
    let found_any = !found.is_empty();
    let offer = match step_id {
        // Outlook open twice here: close the newest window, the one started last.
        StepId::CloseOtherDevices if found.contains(&FindingCode::OutlookRunningMultiple) => {
            let newest = scan
                .processes
                .iter()
                .filter(|p| !p.helper && p.kind == ClientKind::ClassicOutlook)
                .max_by_key(|p| (p.start_time, p.pid))
                .map(|p| p.pid);
            process_offer(ActionKind::CloseClient, None, &|pid| Some(pid) == newest)
        }
        StepId::RestartOutlookHere | StepId::RestartOutlookHerePersonal => {
            process_offer(ActionKind::RestartOutlook, Some("normal"), &|pid| {
                outlook_pids.first() == Some(&pid)
            })
        }
        StepId::DuplicateProfiles if found_any => {
            offers.iter().find(|o| o.kind == ActionKind::RemoveProfile)
        }
        StepId::AddinsSafeMode if found_any => {
            // The add-in the diagnosis blames, turned off; else Outlook in safe mode.
            let blamed: Vec<&str> = scan
                .addins
                .iter()
                .filter(|a| a.opens_connections || a.crashing)
                .map(|a| a.prog_id.as_str())
                .collect();
            offers
                .iter()
                .find(|o| {
                    o.kind == ActionKind::DisableAddin
                        && matches!(&o.target, OfferTarget::Addin { prog_id, .. } if blamed.contains(&prog_id.as_str()))
                })
                .or_else(|| {
                    process_offer(ActionKind::RestartOutlook, Some("safe"), &|pid| {
                        outlook_pids.first() == Some(&pid)
                    })
                })
        }
        // Thunderbird's IMAP connections lowered (undoable, Thunderbird closed) before
        // closing a client, which only helps until it is opened again.
        StepId::OtherMailApps if found_any => offers
            .iter()
            .find(|o| o.kind == ActionKind::LimitImapConnections)
            .or_else(|| close_other_client(scan, offers)),
        _ => None,
    };
    offer.cloned()
}

/// The close of the first running mail app that is not Outlook.
fn close_other_client<'a>(scan: &ScanReport, offers: &'a [Offer]) -> Option<&'a Offer> {
    let others: Vec<u32> = scan
        .processes
        .iter()
        .filter(|p| {
            !p.helper && !matches!(p.kind, ClientKind::ClassicOutlook | ClientKind::NewOutlook)
        })
        .map(|p| p.pid)
        .collect();
    offers.iter().find(|o| {
        o.kind == ActionKind::CloseClient
            && matches!(&o.target, OfferTarget::Process { pid, .. } if others.contains(pid))
    })
}

/// The guided fix of `track` for the last scan and its diagnosis (both `None` before the
/// first scan: the steps in the seeds' order, nothing found).
/// The repairs' words are in `lang` (pass the diagnosis of the same language).
pub fn wizard_plan(
    track: Option<Track>,
    answers: WizardAnswers,
    signed_in: Option<AccountKind>,
    scan: Option<&ScanReport>,
    diagnosis: Option<&Diagnosis>,
    lang: Lang,
) -> WizardPlan {
    let guessed = guess_track(signed_in, scan);
    let track = track.unwrap_or(guessed);
    let findings = diagnosis.map(|d| d.findings.as_slice()).unwrap_or_default();
    let offers = scan
        .map(|s| crate::offers::offers(s, lang))
        .unwrap_or_default();
    let steps = plan::plan(track);
    let stages = stages_of(track)
        .iter()
        .map(|stage| {
            let mut in_stage: Vec<WizardStep> = steps
                .iter()
                .filter(|s| s.stage == *stage)
                .map(|s| {
                    let mut found: Vec<FindingCode> = findings
                        .iter()
                        .filter(|f| f.step == s.id)
                        .map(|f| f.code)
                        .collect();
                    found.dedup();
                    let offer = scan.and_then(|r| offer_for(s.id, &found, &offers, r));
                    WizardStep {
                        step: s.clone(),
                        found,
                        request: offer.as_ref().map(Offer::request),
                        offer,
                    }
                })
                .collect();
            // The triage question first (its answer says where the limit is); then, when
            // the web works, restarting Outlook here, the step that clears the backoff;
            // then found first, each group in the seeds' order (the sort is stable).
            let local = answers.web_works == Some(true);
            in_stage.sort_by_key(|w| {
                let id = w.step.id.as_str();
                (
                    id != "owa_triage",
                    !(local && id == "restart_outlook_here"),
                    w.found.is_empty(),
                )
            });
            WizardStage {
                stage: *stage,
                steps: in_stage,
            }
        })
        .filter(|s| !s.steps.is_empty())
        .collect();
    let local: std::collections::BTreeSet<FindingCode> = findings
        .iter()
        .map(|f| f.code)
        .filter(|c| !from_the_account(*c))
        .collect();
    WizardPlan {
        track,
        guessed,
        stages,
        found_here: u32::try_from(local.len()).unwrap_or(u32::MAX),
    }
}

/// The progress file's name in the data folder.
pub const PROGRESS_FILE: &str = "wizard.json";

/// Where progress of a data folder is kept.
pub fn progress_path(data_dir: &Path) -> PathBuf {
    data_dir.join(PROGRESS_FILE)
}

/// Why saved progress was not used (the wizard then starts over; nothing else reads it).
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// The file could not be read.
    #[error("could not read the saved progress: {0}")]
    Read(#[source] std::io::Error),
    /// The file is not valid progress.
    #[error("the saved progress is damaged: {0}")]
    Damaged(#[source] serde_json::Error),
    /// The file could not be written.
    #[error("could not save the progress: {0}")]
    Write(#[source] std::io::Error),
}

/// The saved progress, or a fresh one when there is none. Fields a newer or older version
/// did not write take their defaults; fields this version does not know are ignored.
pub fn load_progress(path: &Path) -> Result<WizardProgress, ProgressError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let saved: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(&bytes).map_err(ProgressError::Damaged)?;
            let mut merged = match serde_json::to_value(WizardProgress::default()) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            merged.extend(saved);
            serde_json::from_value(serde_json::Value::Object(merged))
                .map_err(ProgressError::Damaged)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WizardProgress::default()),
        Err(e) => Err(ProgressError::Read(e)),
    }
}

/// Saves `progress` atomically (a torn write never leaves half a file).
pub fn save_progress(path: &Path, progress: &WizardProgress) -> Result<(), ProgressError> {
    let text = serde_json::to_vec_pretty(progress).map_err(ProgressError::Damaged)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(ProgressError::Write)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(ProgressError::Write)?;
    std::fs::rename(&tmp, path).map_err(ProgressError::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_scan() -> ScanReport {
        let dir = tempfile::tempdir().expect("tempdir");
        let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
        scan::run(&crate::demo::demo_scan_options(&pc), &mut |_| {})
    }

    #[test]
    fn the_work_track_keeps_the_seed_order_with_found_steps_first_in_each_stage() {
        let scan = demo_scan();
        let diagnosis = crate::diagnose::diagnose(&scan, None, Lang::En);
        let plan = wizard_plan(
            None,
            WizardAnswers::default(),
            None,
            Some(&scan),
            Some(&diagnosis),
            Lang::En,
        );
        assert_eq!(plan.track, Track::Work);
        let stages: Vec<Stage> = plan.stages.iter().map(|s| s.stage).collect();
        assert_eq!(stages, [Stage::Main, Stage::KeepsReturning, Stage::ItRoute]);
        // The triage question first, whatever was found.
        assert_eq!(plan.stages[0].steps[0].step.id, "owa_triage");
        for stage in &plan.stages {
            let steps: Vec<&WizardStep> = stage
                .steps
                .iter()
                .filter(|s| s.step.id != "owa_triage")
                .collect();
            let flags: Vec<bool> = steps.iter().map(|s| !s.found.is_empty()).collect();
            let mut sorted = flags.clone();
            sorted.sort_by_key(|f| !f);
            assert_eq!(flags, sorted, "found steps first in {:?}", stage.stage);
            // Inside each group, the seed's order.
            let seed: Vec<StepId> = plan::plan(Track::Work)
                .into_iter()
                .filter(|s| s.stage == stage.stage)
                .map(|s| s.id)
                .collect();
            for group in [true, false] {
                let ids: Vec<StepId> = steps
                    .iter()
                    .filter(|s| s.found.is_empty() != group)
                    .map(|s| s.step.id)
                    .collect();
                let in_seed: Vec<StepId> =
                    seed.iter().filter(|id| ids.contains(id)).cloned().collect();
                assert_eq!(ids, in_seed);
            }
        }
        // The demo PC's duplicate profile is found and its step carries the removal.
        let dup = plan
            .stages
            .iter()
            .flat_map(|s| &s.steps)
            .find(|s| s.step.id == "duplicate_profiles")
            .expect("duplicate_profiles step");
        assert!(dup.found.contains(&FindingCode::DuplicateProfiles));
        assert_eq!(
            dup.offer.as_ref().map(|o| o.kind),
            Some(ActionKind::RemoveProfile)
        );
        assert!(plan.found_here >= 3, "found here: {}", plan.found_here);
        // Thunderbird's three IMAP accounts on one mailbox: lowering its connections (with
        // undo) is the other-mail-apps step's button, rather than closing it.
        let others = plan
            .stages
            .iter()
            .flat_map(|s| &s.steps)
            .find(|s| s.step.id == "other_mail_apps")
            .expect("other_mail_apps step");
        assert_eq!(
            others.offer.as_ref().map(|o| o.kind),
            Some(ActionKind::LimitImapConnections)
        );
    }

    #[test]
    fn without_a_scan_every_step_is_offered_in_the_seed_order() {
        let plan = wizard_plan(
            Some(Track::Personal),
            WizardAnswers::default(),
            None,
            None,
            None,
            Lang::En,
        );
        let ids: Vec<StepId> = plan
            .stages
            .iter()
            .flat_map(|s| s.steps.iter().map(|w| w.step.id))
            .collect();
        let seed: Vec<StepId> = plan::plan(Track::Personal)
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, seed);
        assert_eq!(plan.found_here, 0);
        assert!(
            plan.stages
                .iter()
                .flat_map(|s| &s.steps)
                .all(|s| s.offer.is_none())
        );
    }

    #[test]
    fn the_track_is_guessed_from_the_account_then_the_profiles() {
        assert_eq!(
            guess_track(Some(AccountKind::Personal), None),
            Track::Personal
        );
        assert_eq!(guess_track(None, None), Track::Work);
        for (addr, personal) in [
            ("sam@outlook.com", true),
            ("sam@Hotmail.co.uk", true),
            ("sam@live.com.mx", true),
            ("sam@contoso.com", false),
            ("sam@outlookfans.com", false),
            ("no-at-sign", false),
        ] {
            assert_eq!(is_personal_address(addr), personal, "{addr}");
        }
    }

    #[test]
    fn progress_survives_a_restart_and_damage_is_reported_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = progress_path(dir.path());
        assert_eq!(
            load_progress(&path).expect("none yet"),
            WizardProgress::default()
        );
        let mut p = WizardProgress {
            screen: WizardScreen::Step,
            track: Some(Track::Personal),
            stage: 1,
            step: 2,
            message: Some("Outlook ha superado el número máximo de sesiones".to_owned()),
            ..Default::default()
        };
        p.states
            .insert(StepId::PersonalChangePassword, StepStatus::Skipped);
        save_progress(&path, &p).expect("save");
        assert_eq!(load_progress(&path).expect("load"), p);
        std::fs::write(&path, b"{\"screen\": 7").expect("damage");
        assert!(matches!(
            load_progress(&path),
            Err(ProgressError::Damaged(_))
        ));
        // Unknown fields from a newer version are ignored, missing ones take defaults.
        std::fs::write(&path, br#"{"screen":"verify","future":1}"#).expect("write");
        let read = load_progress(&path).expect("tolerant");
        assert_eq!(read.screen, WizardScreen::Verify);
        assert_eq!(read.track, None);
    }

    /// "Outlook on the web works": the cause is on this PC or in classic Outlook's backoff,
    /// so restarting Outlook here comes right after the question; "it fails too" keeps the
    /// found-first order, and the answer is kept across a restart.
    #[test]
    fn the_web_works_answer_brings_the_steps_on_this_pc_forward() {
        let scan = demo_scan();
        let diagnosis = crate::diagnose::diagnose(&scan, None, Lang::En);
        let main_ids = |answers: WizardAnswers| -> Vec<StepId> {
            wizard_plan(
                Some(Track::Work),
                answers,
                None,
                Some(&scan),
                Some(&diagnosis),
                Lang::En,
            )
            .stages[0]
                .steps
                .iter()
                .map(|s| s.step.id)
                .collect()
        };
        let unanswered = main_ids(WizardAnswers::default());
        let web_fails = main_ids(WizardAnswers {
            web_works: Some(false),
            ..Default::default()
        });
        let web_works = main_ids(WizardAnswers {
            web_works: Some(true),
            ..Default::default()
        });
        assert_eq!(unanswered, web_fails);
        assert_eq!(web_works[0], "owa_triage");
        assert_eq!(web_works[1], "restart_outlook_here");
        assert_ne!(unanswered[1], "restart_outlook_here", "{unanswered:?}");
        let mut a = web_works.clone();
        let mut b = unanswered.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same steps, in another order");

        let dir = tempfile::tempdir().expect("tempdir");
        let path = progress_path(dir.path());
        let p = WizardProgress {
            answers: WizardAnswers {
                web_works: Some(true),
                connections_counted: Some(7),
            },
            ..Default::default()
        };
        save_progress(&path, &p).expect("save");
        assert_eq!(load_progress(&path).expect("load").answers, p.answers);
        // Progress saved before answers existed still loads, with none.
        std::fs::write(&path, br#"{"screen":"step","stage":0,"step":1}"#).expect("old file");
        assert_eq!(
            load_progress(&path).expect("old").answers,
            WizardAnswers::default()
        );
    }
}
