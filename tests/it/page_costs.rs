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
