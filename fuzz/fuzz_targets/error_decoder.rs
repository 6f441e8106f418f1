//! The error decoder (`doctor::decoder::decode`) on pasted text. A decoded message names a
//! known limit with its published number, at least one existing plan step, and the rule
//! text that matched; ASCII case never changes the answer.
#![no_main]

use doctor::decoder::{DecodeError, Limit, decode};
use libfuzzer_sys::fuzz_target;

fn number_of(limit: Limit) -> Option<u32> {
    match limit {
        Limit::MapiSessionsPerUser => Some(32),
        Limit::ServiceSessionsPerUser => Some(16),
        Limit::RpcClientAccessConcurrency => Some(40),
        Limit::EwsConcurrency => Some(27),
        Limit::ImapConnections => Some(20),
        Limit::MobileDevicePartnerships => Some(100),
        Limit::ExchangePowerShellSessions => Some(3),
        Limit::SimpleMapiSessions | Limit::AuthenticationConcurrency | Limit::AllowedSessions => {
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let got = decode(&text);
    match &got {
        Ok(d) => {
            assert_eq!(d.limit_number, number_of(d.limit), "{d:?}");
            assert!(!d.first_steps.is_empty(), "{d:?}");
            for step in &d.first_steps {
                assert!(doctor::plan::step_exists(step), "unknown step {step}");
            }
            assert!(!d.matched.is_empty() && !d.explanation.is_empty(), "{d:?}");
            assert_eq!(d.matched, d.matched.to_lowercase(), "rule text is folded");
        }
        Err(DecodeError::Empty) => assert!(text.len() > 64 * 1024 || text.trim().is_empty()),
        Err(DecodeError::NotRecognised) => {}
    }
    assert_eq!(
        decode(&text.to_ascii_uppercase()),
        got,
        "ASCII case changed the answer"
    );
    assert!(doctor::decoder::decode_for_user(&text).is_ok() == got.is_ok());
});
