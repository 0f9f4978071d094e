//! Money stays right through changes: a paid stay never grows unpaid, a booking keeps its
//! currency, and the ledger refuses what would contradict it (issue 11, items 1, 2, 18, 19).

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    bookings::ExpireHolds,
    schema::{bookings, calendar_entries, payment_events},
};
use serde_json::json;

use crate::{
    bookings_support::{
        CARD_OK, book, booked, date, execute, ledger, location, pay, run_job, status_of, total_of,
    },
    fixtures::{self, ListingSpec},
    payments_support::{deliver, event, intent, stripe_app},
    support::{Browser, TestApp},
};

/// A host's instant-book listing and a signed-in guest.
async fn listing_and_guest(app: &TestApp) -> (i64, Browser) {
    let host_id = fixtures::user(app, "hugo@example.com", true).await;
    let listing = fixtures::listing(app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(app, "gina@example.com", false).await;
    (listing, guest)
}

/// Books and pays `nights` nights from `days` ahead; returns the confirmed booking's id.
async fn paid_stay(app: &TestApp, guest: &Browser, listing: i64, days: i64, nights: i64) -> i64 {
    let id = booked(guest, listing, days, nights).await;
    assert_eq!(pay(guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(app, id).await, "confirmed");
    id
}

async fn change_dates(
    guest: &Browser,
    id: i64,
    check_in: &str,
    check_out: &str,
) -> reqwest::Response {
    let page = format!("/trips/{id}/change");
    guest
        .submit(
            &page,
            &page,
            &[("check_in", check_in), ("check_out", check_out)],
        )
        .await
}

async fn dates_of(app: &TestApp, id: i64) -> (String, String) {
    let mut conn = app.pool.get().await.unwrap();
    let (check_in, check_out): (chrono::NaiveDate, chrono::NaiveDate) = bookings::table
        .find(id)
        .select((bookings::check_in, bookings::check_out))
        .first(&mut conn)
        .await
        .unwrap();
    (check_in.to_string(), check_out.to_string())
}

/// Calendar entries of `kind` on `listing`.
async fn entries(app: &TestApp, listing: i64, kind: &str) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    calendar_entries::table
        .filter(calendar_entries::listing_id.eq(listing))
        .filter(calendar_entries::kind.eq(kind))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_longer_stay_takes_effect_only_once_the_difference_is_paid() {
    let app = TestApp::spawn().await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = paid_stay(&app, &guest, listing, 10, 1).await;
    let one_night = total_of(&app, id).await;

    let response = change_dates(&guest, id, &date(10), &date(40)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("/trips/{id}/pay"));
    // Nothing about the stay changed yet: dates, price and status are what was paid for.
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(total_of(&app, id).await, one_night);
    assert_eq!(dates_of(&app, id).await, (date(10), date(11)));
    // The nights the change adds are held: nobody else can take them meanwhile.
    assert_eq!(entries(&app, listing, "change_hold").await, 1);
    let (_, other) = fixtures::signed_in(&app, "olga@example.com", false).await;
    let taken = book(&other, listing, &date(20), &date(22), "1", "other-1").await;
    assert_eq!(taken.status(), 409);
    // The trip page says what waits, and the pay page asks for the difference only.
    let trip = guest
        .get(&format!("/trips/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(trip.contains("You asked to move this stay"), "{trip}");
    let pay_page = guest
        .get(&format!("/trips/{id}/pay"))
        .await
        .text()
        .await
        .unwrap();
    assert!(pay_page.contains("This pays the difference"), "{pay_page}");

    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(dates_of(&app, id).await, (date(10), date(40)));
    let thirty_nights = total_of(&app, id).await;
    assert!(thirty_nights > one_night);
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), one_night),
            (
                "charge".into(),
                "succeeded".into(),
                thirty_nights - one_night
            ),
        ]
    );
    assert_eq!(entries(&app, listing, "change_hold").await, 0);
    assert_eq!(status_of(&app, id).await, "confirmed");
}

#[tokio::test]
async fn an_unpaid_change_of_dates_expires_and_releases_its_nights() {
    let app = TestApp::spawn().await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = paid_stay(&app, &guest, listing, 10, 1).await;
    let one_night = total_of(&app, id).await;
    assert_eq!(
        change_dates(&guest, id, &date(9), &date(13)).await.status(),
        303
    );
    // Growing at both ends holds two ranges.
    assert_eq!(entries(&app, listing, "change_hold").await, 2);

    execute(
        &app,
        "UPDATE booking_changes SET hold_expires_at = now() - interval '1 minute'",
    )
    .await;
    run_job(&app, ExpireHolds).await;

    assert_eq!(entries(&app, listing, "change_hold").await, 0);
    assert_eq!(dates_of(&app, id).await, (date(10), date(11)));
    assert_eq!(total_of(&app, id).await, one_night);
    assert_eq!(status_of(&app, id).await, "confirmed");
    // Nothing is owed: there is no pay button and the pay page sends the guest back.
    let pay_page = guest.get(&format!("/trips/{id}/pay")).await;
    assert_eq!(pay_page.status(), 303);
    // The released nights are free again.
    let (_, other) = fixtures::signed_in(&app, "olga@example.com", false).await;
    let response = book(&other, listing, &date(11), &date(13), "1", "other-1").await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn a_shorter_stay_moves_at_once_and_refunds_the_surplus() {
    let app = TestApp::spawn().await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = paid_stay(&app, &guest, listing, 10, 3).await;
    let three_nights = total_of(&app, id).await;
    let response = change_dates(&guest, id, &date(10), &date(11)).await;
    assert_eq!(location(&response), format!("/trips/{id}"));
    let one_night = total_of(&app, id).await;
    assert_eq!(dates_of(&app, id).await, (date(10), date(11)));
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), three_nights),
            ("refund".into(), "pending".into(), three_nights - one_night),
        ]
    );
}

#[tokio::test]
async fn the_database_refuses_a_paid_booking_whose_price_outgrows_its_payments() {
    let app = TestApp::spawn().await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = paid_stay(&app, &guest, listing, 10, 1).await;
    let mut conn = app.pool.get().await.unwrap();
    let error = diesel::sql_query(format!(
        "UPDATE bookings SET base_amount = base_amount + 100, total_amount = total_amount + 100, \
         host_payout = host_payout + 100 WHERE id = {id}"
    ))
    .execute(&mut conn)
    .await
    .expect_err("a paid booking cannot cost more than was paid");
    assert!(error.to_string().contains("only"), "{error}");
    // And an unpaid booking cannot become confirmed.
    let (_, other) = fixtures::signed_in(&app, "olga@example.com", false).await;
    let unpaid = booked(&other, listing, 20, 2).await;
    let error = diesel::sql_query(format!(
        "UPDATE bookings SET status = 'confirmed' WHERE id = {unpaid}"
    ))
    .execute(&mut conn)
    .await
    .expect_err("an unpaid booking cannot be confirmed");
    assert!(error.to_string().contains("is paid"), "{error}");
}

#[tokio::test]
async fn a_stay_keeps_its_currency_when_the_host_changes_the_listings() {
    let app = TestApp::spawn().await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = paid_stay(&app, &guest, listing, 10, 2).await;
    let total = total_of(&app, id).await;
    execute(
        &app,
        &format!(
            "UPDATE listings SET currency = 'JPY', nightly_price = 18000 WHERE id = {listing}"
        ),
    )
    .await;

    let response = change_dates(&guest, id, &date(10), &date(13)).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("now prices this place in JPY"), "{html}");
    assert_eq!(total_of(&app, id).await, total);
    assert_eq!(dates_of(&app, id).await, (date(10), date(12)));
    assert_eq!(ledger(&app, id).await.len(), 1);

    // The database keeps every ledger row, and the booking, in the booking's currency.
    let mut conn = app.pool.get().await.unwrap();
    let refund = diesel::sql_query(format!(
        "INSERT INTO payments (booking_id, kind, provider, amount, currency, status, refund_of) \
         SELECT {id}, 'refund', 'sandbox', 100, 'JPY', 'pending', id FROM payments \
         WHERE booking_id = {id}"
    ))
    .execute(&mut conn)
    .await;
    assert!(refund.is_err(), "a JPY refund of a EUR charge was recorded");
    let currency = diesel::sql_query(format!(
        "UPDATE bookings SET currency = 'JPY' WHERE id = {id}"
    ))
    .execute(&mut conn)
    .await;
    assert!(currency.is_err(), "a booking changed its currency");
}

async fn refusals(app: &TestApp) -> Vec<Option<String>> {
    let mut conn = app.pool.get().await.unwrap();
    payment_events::table
        .order(payment_events::id.asc())
        .select(payment_events::refusal)
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_signed_payment_in_another_currency_confirms_nothing_and_is_recorded() {
    let app = stripe_app("http://127.0.0.1:9").await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = booked(&guest, listing, 10, 2).await;
    let total = total_of(&app, id).await;
    let mut yen = intent("pi_yen", id, total);
    yen["currency"] = json!("jpy");
    let body = event("evt_yen", "payment_intent.succeeded", yen);
    assert_eq!(deliver(&app, &body).await.status(), 200);

    assert_eq!(status_of(&app, id).await, "pending_payment");
    assert!(ledger(&app, id).await.is_empty());
    let refused = refusals(&app).await;
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0].as_deref().is_some_and(|why| why.contains("JPY")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn refund_events_never_add_up_to_more_than_the_charge() {
    let app = stripe_app("http://127.0.0.1:9").await;
    let (listing, guest) = listing_and_guest(&app).await;
    let id = booked(&guest, listing, 10, 2).await;
    let total = total_of(&app, id).await;
    let body = event(
        "evt_paid",
        "payment_intent.succeeded",
        intent("pi_1", id, total),
    );
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(status_of(&app, id).await, "confirmed");

    for n in 1..=3 {
        let refunded = json!({
            "id": format!("ch_{n}"), "object": "charge", "payment_intent": "pi_1",
            "refunds": { "data": [{
                "id": format!("re_{n}"), "object": "refund", "amount": total,
                "currency": "eur", "payment_intent": "pi_1", "status": "succeeded",
            }]},
        });
        let body = event(&format!("evt_refund_{n}"), "charge.refunded", refunded);
        assert_eq!(deliver(&app, &body).await.status(), 200);
    }

    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), total),
            ("refund".into(), "succeeded".into(), total),
        ]
    );
    let refused = refusals(&app).await;
    assert_eq!(
        refused.iter().filter(|why| why.is_some()).count(),
        2,
        "{refused:?}"
    );
    // The database holds the cap too, whoever writes the row.
    let mut conn = app.pool.get().await.unwrap();
    let extra = diesel::sql_query(format!(
        "INSERT INTO payments (booking_id, kind, provider, amount, currency, status, refund_of) \
         SELECT {id}, 'refund', 'stripe', 1, 'EUR', 'pending', id FROM payments \
         WHERE booking_id = {id} AND kind = 'charge'"
    ))
    .execute(&mut conn)
    .await;
    assert!(extra.is_err(), "a refund beyond the charge was recorded");
}
