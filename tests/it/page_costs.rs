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
async fn the_api_s_listing_detail_reads_in_one_statement() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    let path = format!("/api/v1/listings/{id}");
    let (body, statements) = page_cost(&app, &path).await;
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        answer["photos"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );
    assert_eq!(statements.count(), 1, "{path} ran {statements}");
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

fn etag_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

#[tokio::test]
async fn a_visitor_s_repeat_view_of_an_unchanged_listing_page_is_a_304_without_a_body() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    let path = format!("/listings/{id}");
    let first = app.get(&path).await;
    assert_eq!(first.status(), 200);
    let etag = etag_of(&first).expect("the visitor's page has an ETag");
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
    assert_eq!(etag_of(&repeat), Some(etag.clone()));
    assert!(repeat.bytes().await.expect("body").is_empty());

    // Any change the page shows makes a new tag: nights taken on its calendar…
    block(&app, id, day(3), day(5)).await;
    let changed = conditional(etag.clone()).await;
    assert_eq!(changed.status(), 200);
    let calendar_etag = etag_of(&changed).expect("ETag");
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
        etag_of(&response).is_none(),
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

#[tokio::test]
async fn the_home_page_s_featured_stays_walk_two_indexes_and_never_sort_all_listings() {
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    let host = crate::fixtures::user(&app, "host@example.com", true).await;
    let spec = crate::search::spec("Stay", "Ghent", "Belgium");
    crate::fixtures::listing(&app, host, spec).await;
    // 3 000 more like it, so that walking an index beats reading the table. A third have
    // three reviews or more (featured candidates), the others one, rated higher: the walk of
    // the global rating order would step over all of those first.
    crate::search::sql(
        &app,
        "INSERT INTO listings (host_id, status, title, description, property_type, address, \
           city, region, country, timezone, max_guests, bedrooms, beds, bathrooms_tenths, \
           house_rules, check_in_time, check_out_time, nightly_price, cleaning_fee, currency, \
           weekly_discount_pct, monthly_discount_pct, min_nights, max_nights, instant_book, \
           cancellation_policy, published_at, review_count, rating_sum) \
         SELECT host_id, status, title || ' ' || g, description, property_type, address, \
           city, region, country, timezone, max_guests, bedrooms, beds, bathrooms_tenths, \
           house_rules, check_in_time, check_out_time, nightly_price, cleaning_fee, currency, \
           weekly_discount_pct, monthly_discount_pct, min_nights, max_nights, instant_book, \
           cancellation_policy, published_at - g * interval '1 minute', \
           CASE WHEN g % 3 = 0 THEN 4 ELSE 1 END, CASE WHEN g % 3 = 0 THEN 16 + g % 4 ELSE 5 END \
         FROM listings CROSS JOIN generate_series(1, 3000) g",
    )
    .await;
    let mut conn = roost::db::connection(&app.pool).await.expect("connection");
    // With statistics, as autovacuum keeps them (and `roost seed` refreshes them).
    diesel::sql_query("ANALYZE listings")
        .execute(&mut conn)
        .await
        .expect("analyze");
    let plan = roost::search::query::explain_featured(&mut conn, 8)
        .await
        .expect("explain")
        .join("\n");
    println!("{plan}");
    for index in ["listings_featured_rating_idx", "listings_published_new_idx"] {
        assert!(
            plan.contains(&format!("using {index} on listings")),
            "{plan}"
        );
    }
    assert!(!plan.contains("Seq Scan on listings"), "{plan}");
    assert!(!plan.contains("Bitmap Heap Scan on listings"), "{plan}");
    // The only sort is of the at most sixteen rows the two walks found.
    assert_eq!(plan.matches("Sort Key").count(), 1, "{plan}");
}
