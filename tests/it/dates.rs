//! One date style: days without the year when it is this year ("Dec 5"), with it otherwise
//! ("Jan 11, 2027"); deadlines at the listing's clock, its zone named.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::QueryDsl;
use diesel_async::RunQueryDsl;
use roost::schema::bookings;

use crate::{
    bookings_support::{CARD_OK, booked, day, page, pay},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// The style written out by hand: the year only when it is not this one.
fn written(date: NaiveDate) -> String {
    if date.year() == Utc::now().year() {
        date.format("%b %-d").to_string()
    } else {
        date.format("%b %-d, %Y").to_string()
    }
}

async fn hold_expires_at(app: &TestApp, id: i64) -> DateTime<Utc> {
    let mut conn = app.pool.get().await.expect("connection");
    bookings::table
        .find(id)
        .select(bookings::hold_expires_at)
        .first::<Option<DateTime<Utc>>>(&mut conn)
        .await
        .expect("booking")
        .expect("a hold")
}

#[tokio::test]
async fn stay_dates_carry_the_year_only_when_needed_and_deadlines_name_the_listings_zone() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let amsterdam = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let new_york = fixtures::listing(
        &app,
        host_id,
        ListingSpec {
            title: "Brownstone floor".into(),
            city: "New York".into(),
            country: "United States".into(),
            timezone: "America/New_York".into(),
            instant_book: false,
            ..ListingSpec::default()
        },
    )
    .await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    // An instant booking: its dates, and the hold at Amsterdam's clock.
    let id = booked(&guest, amsterdam, 3, 2).await;
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    let dates = format!("{} – {}", written(day(3)), written(day(5)));
    assert!(trip.contains(&dates), "{dates} in {trip}");
    let held = hold_expires_at(&app, id).await;
    let local = held.with_timezone(&chrono_tz::Europe::Amsterdam);
    let deadline = format!(
        "{}, {} Amsterdam time",
        written(local.date_naive()),
        local.format("%H:%M")
    );
    assert!(trip.contains(&deadline), "{deadline} in {trip}");
    assert!(!trip.contains(" UTC"), "{trip}");
    let (_, text) = app.last_email_to("gina@example.com").await.expect("email");
    assert!(text.contains(&deadline), "{deadline} in {text}");

    // A request far ahead (into another year from December on): the host answers by New York's clock.
    let id = crate::bookings_support::requested(&guest, new_york, 60, 3).await;
    let (_, reservation) = page(&host, &format!("/host/reservations/{id}")).await;
    let dates = format!("{} – {}", written(day(60)), written(day(63)));
    assert!(reservation.contains(&dates), "{dates} in {reservation}");
    let held = hold_expires_at(&app, id).await;
    let local = held.with_timezone(&chrono_tz::America::New_York);
    let deadline = format!(
        "{}, {} New York time",
        written(local.date_naive()),
        local.format("%H:%M")
    );
    assert!(
        reservation.contains(&deadline),
        "{deadline} in {reservation}"
    );
}

#[tokio::test]
async fn a_confirmed_stay_says_until_when_it_is_free_to_cancel_at_the_listings_clock() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    // Moderate: a full refund until five days before check-in.
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let id = booked(&guest, listing, 10, 2).await;
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(
        !trip.contains("Free cancellation until"),
        "not before it is paid"
    );
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);

    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    let until = format!("Free cancellation until <strong>{}, ", written(day(5)));
    assert!(trip.contains(&until), "{until} in {trip}");
    assert!(trip.contains("Amsterdam time</strong>"), "{trip}");
    let answer: serde_json::Value = guest
        .get(&format!("/api/v1/bookings/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(answer["free_cancellation_until"].is_string(), "{answer}");

    // Within the five days, the promise is gone.
    let id = booked(&guest, listing, 3, 1).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(!trip.contains("Free cancellation until"), "{trip}");
}
