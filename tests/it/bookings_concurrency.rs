//! Double booking under fire: many guests submit overlapping stays at the same instant, over
//! real HTTP, and PostgreSQL's exclusion constraint lets exactly one through.

use chrono::Utc;
use diesel::ExpressionMethods;
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
