//! Microsoft Graph answers (`cloud::fuzzing::graph_response`): the error mapping
//! (`graph_error`, `Retry-After` in seconds or as an HTTP date), collection pages read as
//! devices (`merge_devices`), sign-ins (`sign_in_from`) and users, and `$batch` envelopes
//! (`SubResponse`). Input: a first line `STATUS [RETRY-AFTER]`, then the body; without
//! such a line the whole input is the body of a 200.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, retry_after, body) = fuzz_common::status_line(data);
    if let Err(e) = cloud::fuzzing::graph_response(status, retry_after, body) {
        panic!("{e}");
    }
});
