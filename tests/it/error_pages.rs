//! Error pages know who is signed in, and HEAD answers wherever GET does.

use crate::{
    bookings_support::page,
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// Whether a page's header is the signed-in one (the account menu, not "Log in / Sign up").
fn header_is_signed_in(html: &str, name: &str) -> bool {
    html.contains("Log out") && html.contains(name) && !html.contains("href=\"/signup\"")
}

#[tokio::test]
async fn a_signed_in_user_sees_their_own_header_on_404_and_403_pages() {
    let app = TestApp::spawn().await;
    let (_, browser) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let (status, html) = page(&browser, "/this-page-does-not-exist").await;
    assert_eq!(status, 404);
    assert!(header_is_signed_in(&html, "gina"), "{html}");

    // A form sent without its CSRF token is refused before any handler loads the user.
    let refused = browser
        .client
        .post(browser.url("/logout"))
        .form(&[("nothing", "here")])
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.expect("body");
    assert!(header_is_signed_in(&html, "gina"), "{html}");

    // A visitor still gets the visitor's header.
    let (status, html) = page(&app.new_browser(), "/this-page-does-not-exist").await;
    assert_eq!(status, 404);
    assert!(html.contains("href=\"/signup\"") && !html.contains("Log out"));
}

#[tokio::test]
async fn head_answers_wherever_get_does_without_a_body() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let home = app.get("/").await.text().await.expect("home");
    let stylesheet = home
        .split('"')
        .find(|part| part.starts_with("/static/") && part.contains(".css"))
        .expect("a stylesheet link")
        .to_string();

    for path in [
        "/".to_string(),
        "/search?location=Amsterdam".to_string(),
        format!("/listings/{listing}"),
        stylesheet,
    ] {
        let get = app.get(&path).await;
        assert_eq!(get.status(), 200, "GET {path}");
        let get_type = get.headers().get("content-type").cloned();
        let head = app.client.head(app.url(&path)).send().await.expect("HEAD");
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type").cloned(),
            get_type,
            "{path}"
        );
        assert!(
            head.bytes().await.expect("body").is_empty(),
            "HEAD {path} has no body"
        );
    }
    // What GET does not find, HEAD does not either.
    let missing = app
        .client
        .head(app.url("/this-page-does-not-exist"))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(missing.status(), 404);
}
