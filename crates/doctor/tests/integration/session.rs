//! The backend owns the session: every step that changes the PC comes back with the PC
//! scanned again, so the UI renders and never runs the loop itself.

use doctor::{AddinCheckStep, AppContext};

fn off(ctx_scan: &doctor::SessionView) -> usize {
    ctx_scan
        .scan
        .as_ref()
        .expect("scanned")
        .addins
        .iter()
        .filter(|a| a.off)
        .count()
}

#[tokio::test]
async fn each_step_of_the_addin_check_returns_the_session_scanned_again() {
    let ctx = AppContext::demo().expect("demo");
    ctx.scan(|_| {}).await.expect("scan");
    let before = off(&ctx.session());

    let mut events = 0;
    let started = ctx
        .addin_check(AddinCheckStep::Start, |_| events += 1)
        .expect("start");
    assert!(events > 0, "the rescan reports its progress");
    let disabled = started.bisect.rounds[0].disabled.len();
    assert!(disabled > 0, "{:?}", started.bisect);
    // The add-ins the check turned off are off in the session it returned.
    assert_eq!(off(&started.session), before + disabled);
    assert!(
        started
            .session
            .changes
            .iter()
            .any(|c| c.measure == doctor::session::Measure::Addins && c.now < c.before),
        "{:?}",
        started.session.changes
    );

    let restored = ctx.addin_check_restore_all(|_| {}).expect("restore all");
    assert!(!restored.restored.restored.is_empty());
    assert_eq!(off(&restored.session), before);
    assert!(
        restored.session.changes.is_empty(),
        "back to the first scan"
    );
}
