//! Helpers of the booking and payment tests: dates where the listing is, booking and paying
//! through the forms, and reading what the database says.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    jobs::Job,
    schema::{bookings, calendar_entries, payments},
};

use crate::support::{Browser, TestApp};

/// The fixture listings' time zone.
pub const TZ: &str = "Europe/Amsterdam";
pub const CARD_OK: &str = "4242 4242 4242 4242";
pub const CARD_DECLINED: &str = "4000 0000 0000 0002";

/// The date `days` from today where the fixture listings are.
pub fn day(days: i64) -> NaiveDate {
    let tz: chrono_tz::Tz = TZ.parse().expect("time zone");
    Utc::now().with_timezone(&tz).date_naive() + Duration::days(days)
}

/// `day(days)` as the form types it.
pub fn date(days: i64) -> String {
    day(days).to_string()
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The booking id of a `303 /trips/{id}` answer.
pub fn trip_id(response: &reqwest::Response) -> i64 {
    let location = location(response);
    location
        .strip_prefix("/trips/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a trip redirect: {} {location}", response.status()))
}

/// Posts the booking form of `listing` (the CSRF token comes from `/trips`).
pub async fn book(
    browser: &Browser,
    listing: i64,
    check_in: &str,
    check_out: &str,
    guests: &str,
    key: &str,
) -> reqwest::Response {
    browser
        .submit(
            "/trips",
            &format!("/listings/{listing}/book"),
            &[
                ("check_in", check_in),
                ("check_out", check_out),
                ("guests", guests),
                ("idempotency_key", key),
            ],
        )
        .await
}

/// Books `nights` nights from `days` ahead; returns the booking id.
pub async fn booked(browser: &Browser, listing: i64, days: i64, nights: i64) -> i64 {
    let response = book(
        browser,
        listing,
        &date(days),
        &date(days + nights),
        "2",
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(response.status(), 303, "booking refused");
    trip_id(&response)
}

/// Pays a trip with a sandbox test card.
pub async fn pay(browser: &Browser, id: i64, card: &str) -> reqwest::Response {
    let page = format!("/trips/{id}/pay");
    browser
        .submit(
            &page,
            &page,
            &[("card_number", card), ("expiry", "12/40"), ("cvc", "123")],
        )
        .await
}

pub async fn status_of(app: &TestApp, id: i64) -> String {
    let mut conn = app.pool.get().await.expect("connection");
    bookings::table
        .find(id)
        .select(bookings::status)
        .first(&mut conn)
        .await
        .expect("booking")
}

pub async fn total_of(app: &TestApp, id: i64) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    bookings::table
        .find(id)
        .select(bookings::total_amount)
        .first(&mut conn)
        .await
        .expect("booking")
}

pub async fn count_bookings(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    bookings::table
        .count()
        .get_result(&mut conn)
        .await
        .expect("count")
}

/// Calendar entries that hold the dates of booking `id`.
pub async fn calendar_holds(app: &TestApp, id: i64) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    calendar_entries::table
        .filter(calendar_entries::booking_id.eq(id))
        .count()
        .get_result(&mut conn)
        .await
        .expect("count")
}

/// The ledger of booking `id`: (kind, status, amount), oldest first.
pub async fn ledger(app: &TestApp, id: i64) -> Vec<(String, String, i64)> {
    let mut conn = app.pool.get().await.expect("connection");
    payments::table
        .filter(payments::booking_id.eq(id))
        .order(payments::id.asc())
        .select((payments::kind, payments::status, payments::amount))
        .load(&mut conn)
        .await
        .expect("ledger")
}

/// Runs `sql` on the app's database (moving clocks in tests).
pub async fn execute(app: &TestApp, sql: &str) {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(sql)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

/// Queues `job` and runs every ready job.
pub async fn run_job<J: Job>(app: &TestApp, job: J) {
    let mut conn = app.pool.get().await.expect("connection");
    roost::jobs::enqueue(&mut conn, &job)
        .await
        .expect("enqueue");
    drop(conn);
    app.run_jobs().await;
}

/// The text of a page.
pub async fn page(browser: &Browser, path: &str) -> (u16, String) {
    let response = browser.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// A sandbox test card authorized when the host accepts, refused when charged.
pub const CARD_CAPTURE_FAILS: &str = "4000 0000 0000 0341";

/// Books `nights` nights from `days` ahead at a request-to-book `listing` and authorizes the
/// guest's card with `card`, which sends the request to the host; returns the booking id.
pub async fn requested_with(
    browser: &Browser,
    listing: i64,
    days: i64,
    nights: i64,
    card: &str,
) -> i64 {
    let id = booked(browser, listing, days, nights).await;
    let authorized = pay(browser, id, card).await;
    assert_eq!(authorized.status(), 303, "the card was not authorized");
    id
}

/// [`requested_with`] the test card that pays.
pub async fn requested(browser: &Browser, listing: i64, days: i64, nights: i64) -> i64 {
    requested_with(browser, listing, days, nights, CARD_OK).await
}
