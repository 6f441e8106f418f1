//! Microsoft identity platform answers (`cloud::fuzzing::oauth_response`): the token
//! response with its `id_token` claims (`TokenSet::from_response`, `IdClaims::from_jwt`),
//! the error body (`error_from_raw`, `AadError::into_cloud_error`) and the account JSON
//! kept in the keyring. Input: an optional first line `STATUS`, then the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, _, body) = fuzz_common::status_line(data);
    if let Err(e) = cloud::fuzzing::oauth_response(status, body) {
        panic!("{e}");
    }
});
