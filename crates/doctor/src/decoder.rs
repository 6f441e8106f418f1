//! The error decoder as the app and the CLI call it: `domain::decoder` names the limit;
//! here its refusals become the app's errors, in the user's words.

pub use domain::decoder::*;
use words::{Lang, Words};

use crate::error::{AppError, ErrorCode};

/// [`decode`] with its errors in the user's words: the explanation and the errors in `lang`.
pub fn decode_for_user(message: &str, lang: Lang) -> Result<DecodedError, AppError> {
    let w = Words::of(lang);
    decode(message, lang).map_err(|e| match e {
        DecodeError::Empty => AppError::new(
            ErrorCode::InvalidInput,
            w.t("decoder.error.empty", &[]),
            w.t("decoder.error.empty_hint", &[]),
        ),
        DecodeError::NotRecognised => AppError::new(
            ErrorCode::InvalidInput,
            w.t("decoder.error.not_recognised", &[]),
            w.t("decoder.error.not_recognised_hint", &[]),
        ),
        DecodeError::TooLong { bytes, max } => AppError::new(
            ErrorCode::InputTooLarge,
            w.t(
                "decoder.error.too_long",
                &[("kb", &bytes.div_ceil(1024)), ("max", &(max / 1024))],
            ),
            w.t("decoder.error.too_long_hint", &[]),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_app_errors_in_the_users_words() {
        let huge = "é".repeat(100_000) + " maximum number of allowed sessions";
        let e = decode_for_user(&huge, Lang::En).expect_err("too long");
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert!(e.message.contains("64 KB"), "{}", e.message);
        assert!(e.hint.contains("not a whole log"), "{}", e.hint);
        let err = decode_for_user("  ", Lang::Es).expect_err("empty");
        assert_eq!(err.message, "Pegue primero el mensaje que mostró Outlook.");
    }
}
