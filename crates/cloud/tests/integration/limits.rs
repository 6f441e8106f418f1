//! Inputs from the UI and the CLI are bounded: past a limit, a typed `input_too_large`
//! error with a message naming the limit and a next step, before anything is sent.

use crate::common;

use cloud::{CSV_MAX_BYTES, CloudError, SEARCH_MAX_CHARS, import_upn_csv};
use common::{config, count, session, start};
use sandbox::Tenant;

#[test]
fn a_csv_past_its_byte_limit_is_refused_before_it_is_read() {
    let row = "megan.bowen@contoso.example\n";
    let mut text = String::from("UserPrincipalName\n");
    while text.len() <= CSV_MAX_BYTES {
        text.push_str(row);
    }
    let err = import_upn_csv(&text, words::Lang::En).expect_err("too big");
    assert_eq!(err.code(), "input_too_large");
    assert!(
        matches!(&err, CloudError::InputTooLarge { size, max, .. } if *size == text.len() && *max == CSV_MAX_BYTES),
        "{err:?}"
    );
    assert!(err.to_string().contains("CSV file"), "{err}");
    assert!(
        err.hint(words::Lang::En).contains("smaller files"),
        "{}",
        err.hint(words::Lang::En)
    );
    // Just under the limit it is read as before.
    let small = "UserPrincipalName\nmegan.bowen@contoso.example\n";
    assert_eq!(
        import_upn_csv(small, words::Lang::En)
            .expect("read")
            .upns
            .len(),
        1
    );
}

#[tokio::test]
async fn a_search_past_its_length_is_refused_and_never_sent() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let long = "a".repeat(SEARCH_MAX_CHARS + 1);
    let err = s.search_users(&long).await.expect_err("too long");
    assert_eq!(err.code(), "input_too_large");
    assert!(err.to_string().contains("search text"), "{err}");
    assert!(!err.hint(words::Lang::En).is_empty());
    assert_eq!(count(&sb, "/graph/"), 0, "nothing reached Graph");
    // At the limit the usual rules apply (here: not signed in).
    let at = "a".repeat(SEARCH_MAX_CHARS);
    assert_eq!(
        s.search_users(&at).await.expect_err("not signed in"),
        CloudError::NotSignedIn
    );
}
