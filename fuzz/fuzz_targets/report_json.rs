//! A saved report read back (`report::from_json`), as the app does to re-render one: what
//! it accepts writes back (`to_json`) to the same report, and renders as HTML and as the
//! ticket summary without panicking; the redactor handles the whole report.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rep) = report::from_json(text) else {
        return;
    };
    let json = report::to_json(&rep).expect("a report read from JSON writes back");
    let again = report::from_json(&json).expect("own JSON reads back");
    assert!(again == rep, "JSON round trip changed the report:\n{json}");
    let _ = report::to_html(&rep);
    let _ = report::ticket_summary(&rep);
    let _ = report::Redactor::new().redact_report(rep);
});
