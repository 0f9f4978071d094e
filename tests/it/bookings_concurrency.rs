//! Double booking under fire: many guests submit overlapping stays at the same instant, over
//! real HTTP, and PostgreSQL's exclusion constraint lets exactly one through.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use futures_util::future::join_all;
use roost::schema::users;

use crate::{
    bookings_support::{count_bookings, date, execute},
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp, csrf_token_in},
};

const GUESTS: usize = 50;
const ROUNDS: i64 = 5;

/// `count` verified guests, each signed in from their own browser, with a CSRF token.
async fn guests(app: &TestApp, count: usize) -> Vec<(Browser, String)> {
    let hash = roost::accounts::passwords::hash(
        &roost::accounts::domain::NewPassword::parse(fixtures::PASSWORD).unwrap(),
    )
    .await
    .unwrap();
    let mut conn = app.pool.get().await.unwrap();
    let rows: Vec<_> = (0..count)
        .map(|n| {
            (
                users::name.eq(format!("Guest {n}")),
                users::email.eq(format!("racer{n}@example.com")),
                users::password_hash.eq(hash.clone()),
                users::email_verified_at.eq(Some(Utc::now())),
            )
        })
        .collect();
    diesel::insert_into(users::table)
        .values(rows)
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let mut browsers = Vec::with_capacity(count);
    for n in 0..count {
        // Logins from one address are throttled; these are not what is being tested.
        execute(app, "DELETE FROM throttle_buckets").await;
        let browser = fixtures::log_in(app, &format!("racer{n}@example.com")).await;
        let html = browser.get("/trips").await.text().await.unwrap();
        let token = csrf_token_in(&html).unwrap();
        browsers.push((browser, token));
    }
    browsers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_guests_racing_for_overlapping_dates_get_one_booking_and_forty_nine_conflicts() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let racers = guests(&app, GUESTS).await;
    let action = app.url(&format!("/listings/{listing}/book"));

    for round in 0..ROUNDS {
        // Fresh dates each round; every stay contains the night `base + 1`, so any two overlap.
        let base = 10 + round * 7;
        let requests = racers.iter().enumerate().map(|(n, (browser, token))| {
            let offset = (n % 2) as i64;
            let form = [
                ("check_in", date(base + offset)),
                ("check_out", date(base + 2 + (n % 3 == 0) as i64)),
                ("guests", "1".to_string()),
                ("idempotency_key", format!("round-{round}-guest-{n}")),
                ("csrf_token", token.clone()),
            ];
            let request = browser.client.post(&action).form(&form);
            async move {
                request
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
            }
        });
        let statuses: Vec<u16> = join_all(requests)
            .await
            .into_iter()
            .map(|status| status.expect("request"))
            .collect();
        let won = statuses.iter().filter(|status| **status == 303).count();
        let conflicts = statuses.iter().filter(|status| **status == 409).count();
        assert_eq!(
            (won, conflicts),
            (1, GUESTS - 1),
            "round {round}: {statuses:?}"
        );
        assert_eq!(count_bookings(&app).await, round + 1);
    }
}

/// How many two-request races the deadlock tests run (the deadlock showed in 8 of 200).
const RACES: usize = 200;

/// Forgets every booking and throttle between races, so that each race starts from the same
/// empty calendar (and the guests' unpaid-hold and booking-attempt limits do not interfere).
async fn clear_calendar(app: &TestApp) {
    for table in [
        "booking_events",
        "calendar_entries",
        "jobs",
        "bookings",
        "throttle_buckets",
    ] {
        execute(app, &format!("DELETE FROM {table}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_guests_racing_for_the_same_nights_never_deadlock_and_get_one_booking_and_one_conflict()
{
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let racers = guests(&app, 2).await;
    let action = app.url(&format!("/listings/{listing}/book"));
    for race in 0..RACES {
        clear_calendar(&app).await;
        let requests = racers.iter().enumerate().map(|(n, (browser, token))| {
            // Overlapping, not equal: the exclusion check of each meets the other's row.
            let form = [
                ("check_in", date(10 + n as i64)),
                ("check_out", date(13 + n as i64)),
                ("guests", "1".to_string()),
                ("idempotency_key", format!("race-{race}-guest-{n}")),
                ("csrf_token", token.clone()),
            ];
            let request = browser.client.post(&action).form(&form);
            async move { request.send().await.map(|r| r.status().as_u16()) }
        });
        let mut statuses: Vec<u16> = join_all(requests)
            .await
            .into_iter()
            .map(|status| status.expect("request"))
            .collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "race {race}");
        assert_eq!(count_bookings(&app).await, 1, "race {race}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_blocking_nights_while_a_guest_books_them_never_deadlocks() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let calendar = format!("/host/listings/{listing}/calendar");
    let host_html = host.get(&calendar).await.text().await.unwrap();
    let host_token = csrf_token_in(&host_html).unwrap();
    let racers = guests(&app, 1).await;
    let (guest, guest_token) = &racers[0];
    let book_action = app.url(&format!("/listings/{listing}/book"));
    let block_action = app.url(&format!("{calendar}/block"));
    for race in 0..RACES / 2 {
        clear_calendar(&app).await;
        let booking = guest
            .client
            .post(&book_action)
            .form(&[
                ("check_in", date(10)),
                ("check_out", date(13)),
                ("guests", "1".to_string()),
                ("idempotency_key", format!("race-{race}")),
                ("csrf_token", guest_token.clone()),
            ])
            .send();
        let block = host
            .client
            .post(&block_action)
            .form(&[
                ("start", date(11)),
                ("end", date(14)),
                ("note", "Painting".to_string()),
                ("csrf_token", host_token.clone()),
            ])
            .send();
        let (booking, block) = tokio::join!(booking, block);
        let (booking, block) = (
            booking.expect("book").status(),
            block.expect("block").status(),
        );
        assert!(
            booking.as_u16() < 500 && block.as_u16() < 500,
            "race {race}: booking {booking}, block {block}"
        );
        let mut conn = app.pool.get().await.unwrap();
        let entries: i64 = roost::schema::calendar_entries::table
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            entries, 1,
            "race {race}: exactly one of them holds the nights"
        );
    }
}
