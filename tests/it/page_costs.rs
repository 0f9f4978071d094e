//! What the HTML pages every visitor opens cost the database, counted where the statements
//! arrive (`pg_stat_statements`, as in `api_costs`): the listing page and the home page at most
//! two statements for a visitor, whatever the number of photos, amenities, reviews or taken
//! nights.

use crate::{
    api_costs::listings_in,
    search::{block, day},
    support::{Statements, TestApp},
};

/// The most statements an anonymous visitor's listing or home page may send.
const PAGE_BUDGET: i64 = 2;

/// Opens `path` once to warm the pools and caches, then again counting its statements;
/// answers the page and its statements.
async fn page_cost(app: &TestApp, path: &str) -> (String, Statements) {
    let warm = app.get(path).await;
    assert_eq!(warm.status(), 200, "{path}");
    let (response, statements) = app.statements_during(app.get(path)).await;
    assert_eq!(response.status(), 200, "{path}");
    println!("{path}: {statements}");
    (response.text().await.expect("body"), statements)
}

#[tokio::test]
async fn a_visitor_s_listing_page_costs_at_most_two_statements_with_or_without_a_stay() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    block(&app, id, day(3), day(5)).await;
    block(&app, id, day(40), day(44)).await;
    let stay = |from: i64, to: i64| {
        format!(
            "/listings/{id}?check_in={}&check_out={}&guests=2",
            day(from),
            day(to)
        )
    };
    // The calendar and the quote come from the listing row's taken nights: a free stay is
    // priced, one over a block refused, and the blocked nights show as unavailable.
    for (path, expected) in [
        (
            format!("/listings/{id}"),
            "Add your dates to see the price.",
        ),
        (stay(10, 13), "Roost service fee"),
        (stay(2, 4), "Those dates are not available."),
    ] {
        let (html, statements) = page_cost(&app, &path).await;
        assert!(html.contains(expected), "{path} lacks {expected:?}");
        assert!(html.contains("calendar__day--blocked"), "{path}");
        assert!(statements.count() <= PAGE_BUDGET, "{path} ran {statements}");
    }
}

#[tokio::test]
async fn a_visitor_s_home_page_costs_at_most_two_statements() {
    let app = TestApp::spawn().await;
    listings_in(&app, "Lisbon", 10).await;
    let (_, statements) = page_cost(&app, "/").await;
    assert!(
        statements.count() <= PAGE_BUDGET,
        "the home page ran {statements}"
    );
}

#[tokio::test]
async fn a_visitor_s_repeat_view_of_an_unchanged_listing_page_is_a_304_without_a_body() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    let path = format!("/listings/{id}");
    let first = app.get(&path).await;
    assert_eq!(first.status(), 200);
    let etag = first
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .expect("the visitor's page has an ETag");
    assert_eq!(
        first
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok()),
        Some("private, no-cache")
    );
    let conditional = |tag: String| {
        let request = app.client.get(app.url(&path)).header("If-None-Match", tag);
        async move { request.send().await.expect("GET") }
    };

    let repeat = conditional(etag.clone()).await;
    assert_eq!(repeat.status(), 304);
    assert_eq!(
        repeat.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );
    assert!(repeat.bytes().await.expect("body").is_empty());

    // Any change the page shows makes a new tag: nights taken on its calendar…
    block(&app, id, day(3), day(5)).await;
    let changed = conditional(etag.clone()).await;
    assert_eq!(changed.status(), 200);
    let calendar_etag = changed
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .expect("ETag");
    assert_ne!(calendar_etag, etag);
    // …and the host's profile, which is not on the listing row.
    crate::search::sql(
        &app,
        "UPDATE users SET bio = 'Now with a new bio' WHERE is_host",
    )
    .await;
    let rebio = conditional(calendar_etag.clone()).await;
    assert_eq!(rebio.status(), 200);
    assert!(
        rebio
            .text()
            .await
            .expect("body")
            .contains("Now with a new bio")
    );
}

#[tokio::test]
async fn a_signed_in_listing_page_is_never_answered_304() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    let (_, browser) = crate::fixtures::signed_in(&app, "reader@example.com", false).await;
    let path = format!("/listings/{id}");
    let response = browser.get(&path).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("etag").is_none(),
        "a signed-in page carries a fresh booking key: no ETag"
    );
    let again = browser
        .client
        .get(browser.url(&path))
        .header("If-None-Match", "*")
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 200);
}
