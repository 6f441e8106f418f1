//! Pages open through one checked door: `AppContext::open_page` parses the URL and hands
//! only Microsoft's https pages to the browser; everything else is an error the user sees,
//! and the browser is never called with it.

use std::sync::{Arc, Mutex};

use doctor::AppContext;

fn context() -> (AppContext, Arc<Mutex<Vec<String>>>) {
    let ctx = AppContext::live();
    let opened = Arc::new(Mutex::new(Vec::new()));
    let seen = opened.clone();
    ctx.set_browser(move |url| {
        seen.lock().expect("lock").push(url.to_owned());
        Ok(())
    });
    (ctx, opened)
}

#[test]
fn microsoft_pages_open_including_the_device_code_page() {
    let (ctx, opened) = context();
    for url in [
        "https://microsoft.com/devicelogin",
        "https://mysignins.microsoft.com/security-info",
        "https://account.live.com/Activity",
        "https://login.microsoftonline.us/common/oauth2/v2.0/logout",
    ] {
        ctx.open_page(url)
            .unwrap_or_else(|e| panic!("{url}: {e:?}"));
    }
    assert_eq!(opened.lock().expect("lock").len(), 4);
}

#[test]
fn bypass_attempts_are_refused_and_never_reach_the_browser() {
    let (ctx, opened) = context();
    for url in [
        "https://evil.example/.microsoft.com/",
        "https://login.microsoft.com@evil.example/",
        "https://login.microsoftonline.com.evil.example/",
        "https://micr\u{043e}soft.com/",
        "http://account.live.com/",
        "javascript:alert(1)",
        "file:///C:/Windows/System32/calc.exe",
        "https://account.live.com\\@evil.example/",
        "https://account.live.com:8443/",
    ] {
        let err = ctx.open_page(url).expect_err(url);
        assert_eq!(
            serde_json::to_value(&err).expect("json")["code"],
            "url_rejected",
            "{url}"
        );
        assert!(
            !err.message.is_empty() && !err.hint.is_empty(),
            "{url}: {err:?}"
        );
    }
    assert!(opened.lock().expect("lock").is_empty());
}

#[test]
fn a_browser_that_fails_is_an_error_the_user_sees() {
    let ctx = AppContext::live();
    ctx.set_browser(|_| Err("xdg-open: no method available".to_owned()));
    let err = ctx
        .open_page("https://account.live.com/Activity")
        .expect_err("the browser failed");
    assert!(err.message.contains("no method available"), "{err:?}");
    let err = AppContext::live()
        .open_page("https://account.live.com/Activity")
        .expect_err("no browser installed");
    assert!(err.message.contains("No browser"), "{err:?}");
}
