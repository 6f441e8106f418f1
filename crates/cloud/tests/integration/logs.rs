//! Log output captured and searched: no token, code or verifier ever appears in it.

use crate::common;

use std::sync::Mutex;

use common::{config, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DeviceFlowPlan, DeviceOutcome, Fault, Tenant};

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        LINES.lock().expect("lock").push(format!(
            "{} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

static LOGGER: Capture = Capture;

#[tokio::test]
async fn no_token_reaches_the_log() {
    log::set_logger(&LOGGER).expect("first logger");
    log::set_max_level(log::LevelFilter::Trace);
    let sb = start(Tenant::demo());
    let (s, store) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(
        Fault::on("/graph/v1.0/me")
            .method("GET")
            .status(503)
            .times(1),
    );
    let snap = s.snapshot(None, words::Lang::En).await.expect("snapshot");
    let debug = format!("{snap:?} {s:?} {store:?}");
    sb.set_device_flow(DeviceFlowPlan {
        pending_polls: 1,
        slow_down_polls: 0,
        outcome: DeviceOutcome::Approve(DEMO_ADMIN_UPN.into()),
        interval_secs: 1,
        expires_in_secs: 60,
    });
    let flow = s.start_device_code().await.expect("code");
    let flow_debug = format!("{flow:?}");
    s.finish_device_code(&flow).await.expect("signed in");
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("report");
    assert!(report.signed_out_here);

    let lines = LINES.lock().expect("lock").join("\n");
    assert!(lines.contains("signed in"), "the capture works: {lines}");
    assert!(lines.contains("HTTP 503"), "{lines}");
    // Every secret the sandbox hands out has one of these prefixes.
    for secret in [
        "sbx-at.",
        "sbx-rt.",
        "sbx-code.",
        "sbx-device.",
        "code_verifier",
        "Bearer ",
    ] {
        assert!(
            !lines.contains(secret),
            "{secret} leaked into the log:\n{lines}"
        );
        assert!(!debug.contains(secret), "{secret} leaked into Debug output");
        assert!(
            !flow_debug.contains(secret),
            "{secret} leaked into the device flow's Debug"
        );
    }
}
