//! What an API request costs the database, counted where the statements arrive (PostgreSQL's
//! `pg_stat_statements`, session and transaction statements included): at most four for a
//! visitor or a signed-in user (whose idle-timeout mark is written once a minute, not on every
//! request: `web::idle`), and the same for a page of
//! one listing as for a page of twenty, each with photos, amenities and reviews (no N+1).

use serde_json::Value;

use crate::{
    api::{Client, json_of},
    fixtures,
    search::{day, give_amenities, spec, sql},
    support::{Statements, TestApp},
};

/// The most statements one API request of a visitor or a signed-in user may send.
const BUDGET: i64 = 4;

/// `count` listings in `city` of one host, each with two photos, two amenities and a review.
pub async fn listings_in(app: &TestApp, city: &str, count: usize) -> Vec<i64> {
    let host = fixtures::user(app, &format!("host@{city}.example"), true).await;
    let guest = fixtures::user(app, &format!("guest@{city}.example"), false).await;
    let mut ids = Vec::new();
    for n in 0..count {
        let id = fixtures::listing(app, host, spec(&format!("Loft {n}"), city, "Portugal")).await;
        give_amenities(app, id, &["wifi", "kitchen"]).await;
        sql(
            app,
            &format!(
                "INSERT INTO listing_photos (listing_id, image_key, thumb_key, width, height, position, caption) \
                 VALUES ({id}, 'p/{id}-a.jpg', 'p/{id}-a-t.jpg', 1200, 800, 0, 'Front'), \
                        ({id}, 'p/{id}-b.jpg', 'p/{id}-b-t.jpg', 1200, 800, 1, 'Back')"
            ),
        )
        .await;
        fixtures::published_review(app, id, host, guest, 5).await;
        ids.push(id);
    }
    ids
}

/// Runs `path` once to warm the pools and caches, then again counting its statements.
async fn cost(app: &TestApp, client: &Client, path: &str) -> (Value, Statements) {
    json_of(client.get(path).await, 200).await;
    let (response, statements) = app.statements_during(client.get(path)).await;
    (json_of(response, 200).await, statements)
}

#[tokio::test]
async fn a_search_page_costs_the_same_few_statements_for_one_listing_as_for_twenty() {
    let app = TestApp::spawn().await;
    listings_in(&app, "Lisbon", 20).await;
    listings_in(&app, "Porto", 1).await;
    let client = Client::visitor(&app).await;
    let dates = format!("check_in={}&check_out={}&guests=2", day(10), day(13));

    let (full, twenty) = cost(
        &app,
        &client,
        &format!("/api/v1/listings?location=Lisbon&{dates}"),
    )
    .await;
    assert_eq!(
        full["listings"].as_array().map(Vec::len),
        Some(20),
        "{full}"
    );
    let (one, single) = cost(
        &app,
        &client,
        &format!(
            "/api/v1/listings?location=Porto&{dates}&amenities=wifi&max_price=1000&bedrooms=1"
        ),
    )
    .await;
    assert_eq!(one["listings"].as_array().map(Vec::len), Some(1), "{one}");
    assert!(twenty.count() <= BUDGET, "a search page of 20 ran {twenty}");
    assert_eq!(
        single.count(),
        twenty.count(),
        "the statements grew with the page: {single} against {twenty}"
    );
}

#[tokio::test]
async fn reading_a_listing_its_calendar_quote_and_reviews_costs_four_statements_signed_in_or_not() {
    let app = TestApp::spawn().await;
    let id = listings_in(&app, "Lisbon", 1).await[0];
    let visitor = Client::visitor(&app).await;
    fixtures::user(&app, "reader@example.com", false).await;
    let member = Client::signed_in(&app, "reader@example.com").await;
    let window = format!("from={}&to={}", day(1), day(60));
    let stay = format!("check_in={}&check_out={}&guests=2", day(10), day(13));

    for client in [&visitor, &member] {
        for path in [
            format!("/api/v1/listings/{id}"),
            format!("/api/v1/listings/{id}/availability?{window}"),
            format!("/api/v1/listings/{id}/quote?{stay}"),
            format!("/api/v1/listings/{id}/reviews"),
            "/api/v1/session".to_string(),
        ] {
            let (_, statements) = cost(&app, client, &path).await;
            assert!(statements.count() <= BUDGET, "{path} ran {statements}");
        }
    }
    let (_, statements) = cost(&app, &member, "/api/v1/me/wishlist").await;
    assert!(
        statements.count() <= BUDGET,
        "the wishlist ran {statements}"
    );
}
