//! Stripe webhooks over HTTP: only verified events count, each is applied once, and events
//! arriving out of order end in the same state as in order.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    bookings::ExpireHolds,
    schema::{booking_events, jobs, payment_events},
};
use serde_json::json;

use crate::{
    bookings_support::{booked, execute, ledger, run_job, status_of, total_of},
    fixtures::{self, ListingSpec},
    payments_support::{
        deliver, deliver_signed, event, intent, signature, stripe_app, stripe_app_with_fake,
    },
    support::TestApp,
};

/// A Stripe-configured app with a pending instant booking; returns (app, booking id, total).
async fn pending_booking(app: &TestApp) -> (i64, i64) {
    let host_id = fixtures::user(app, "hugo@example.com", true).await;
    let listing = fixtures::listing(app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 10, 2).await;
    (id, total_of(app, id).await)
}

async fn count_events(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    payment_events::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_validly_signed_payment_event_confirms_the_booking() {
    let app = stripe_app("http://127.0.0.1:9").await;
    let (id, total) = pending_booking(&app).await;
    let body = event(
        "evt_1",
        "payment_intent.succeeded",
        intent("pi_1", id, total),
    );
    let response = deliver(&app, &body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(
        ledger(&app, id).await,
        [("charge".into(), "succeeded".into(), total)]
    );
    // Only the configured provider has a webhook.
    let sandbox = reqwest::Client::new()
        .post(app.url("/payments/webhook/sandbox"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(sandbox.status(), 404);
}

#[tokio::test]
async fn an_event_with_one_byte_changed_or_signed_too_long_ago_is_refused() {
    let app = stripe_app("http://127.0.0.1:9").await;
    let (id, total) = pending_booking(&app).await;
    let body = event(
        "evt_1",
        "payment_intent.succeeded",
        intent("pi_1", id, total),
    );

    let header = signature(&body, 0);
    let tampered = body.replacen("pi_1", "pi_2", 1);
    assert_eq!(deliver_signed(&app, &tampered, &header).await.status(), 400);

    let stale = signature(&body, 301);
    assert_eq!(deliver_signed(&app, &body, &stale).await.status(), 400);
    assert_eq!(deliver_signed(&app, &body, "t=1,v1=00").await.status(), 400);
    assert_eq!(deliver_signed(&app, &body, "garbage").await.status(), 400);
    let unsigned = reqwest::Client::new()
        .post(app.url("/payments/webhook/stripe"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    // A second, rolled secret's signature beside a valid one is fine.
    let good = signature(&body, 0);
    let rolled = format!("{good},v1={}", "ab".repeat(32));
    assert_eq!(status_of(&app, id).await, "pending_payment");
    assert_eq!(count_events(&app).await, 0, "nothing unverified is stored");
    assert_eq!(deliver_signed(&app, &body, &rolled).await.status(), 200);
    assert_eq!(status_of(&app, id).await, "confirmed");
}

#[tokio::test]
async fn the_same_event_delivered_twice_is_applied_once() {
    let app = stripe_app("http://127.0.0.1:9").await;
    let (id, total) = pending_booking(&app).await;
    let body = event(
        "evt_1",
        "payment_intent.succeeded",
        intent("pi_1", id, total),
    );
    let (first, second) = tokio::join!(deliver(&app, &body), deliver(&app, &body));
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    let third = deliver(&app, &body).await;
    assert!(third.text().await.unwrap().contains("duplicate"));

    assert_eq!(count_events(&app).await, 1);
    assert_eq!(ledger(&app, id).await.len(), 1);
    let mut conn = app.pool.get().await.unwrap();
    let confirmations: i64 = booking_events::table
        .filter(booking_events::booking_id.eq(id))
        .filter(booking_events::to_status.eq("confirmed"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(confirmations, 1);
}

#[tokio::test]
async fn a_refund_event_arriving_before_its_payment_event_ends_as_if_in_order() {
    let (app, fake) = stripe_app_with_fake().await;
    let (id, total) = pending_booking(&app).await;
    let guest = fixtures::log_in(&app, "gina@example.com").await;
    let pay_path = format!("/trips/{id}/pay");
    assert_eq!(guest.submit(&pay_path, &pay_path, &[]).await.status(), 200);
    let reference = "pi_fake_1";

    // A partial refund made from Stripe's dashboard; its event overtakes the payment's.
    let refunded = json!({
        "id": "ch_1",
        "object": "charge",
        "payment_intent": reference,
        "amount": total,
        "amount_refunded": 5_000,
        "refunds": { "data": [{
            "id": "re_dashboard_1", "object": "refund", "amount": 5_000,
            "payment_intent": reference, "status": "succeeded",
        }]},
    });
    let body = event("evt_refund", "charge.refunded", refunded);
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(status_of(&app, id).await, "pending_payment");

    let body = event(
        "evt_paid",
        "payment_intent.succeeded",
        intent(reference, id, total),
    );
    assert_eq!(deliver(&app, &body).await.status(), 200);

    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), total),
            ("refund".into(), "succeeded".into(), 5_000)
        ]
    );
    // Nothing else is owed to anyone: no refund was planned, none reached Stripe.
    let mut conn = app.pool.get().await.unwrap();
    let queued: i64 = jobs::table
        .filter(jobs::kind.eq("issue_refund"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(queued, 0);
    assert!(fake.requests_to("/v1/refunds").is_empty());
}

#[tokio::test]
async fn a_payment_that_succeeds_after_its_hold_expired_is_refunded_in_full() {
    let (app, fake) = stripe_app_with_fake().await;
    let (id, total) = pending_booking(&app).await;
    let guest = fixtures::log_in(&app, "gina@example.com").await;
    let pay_path = format!("/trips/{id}/pay");
    assert_eq!(guest.submit(&pay_path, &pay_path, &[]).await.status(), 200);

    execute(
        &app,
        &format!(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 second' WHERE id = {id}"
        ),
    )
    .await;
    run_job(&app, ExpireHolds).await;
    assert_eq!(status_of(&app, id).await, "expired");

    let body = event(
        "evt_late",
        "payment_intent.succeeded",
        intent("pi_fake_1", id, total),
    );
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(
        status_of(&app, id).await,
        "expired",
        "dead bookings stay dead"
    );
    app.run_jobs().await;

    let refunds = fake.requests_to("/v1/refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].form["payment_intent"], "pi_fake_1");
    assert_eq!(refunds[0].form["amount"], total.to_string());
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), total),
            ("refund".into(), "pending".into(), total)
        ]
    );
}
