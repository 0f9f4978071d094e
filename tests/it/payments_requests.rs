//! Request to book like the big sites: the guest's card is authorized when they request,
//! charged (captured) when the host accepts, and released (voided) when the request is declined,
//! withdrawn or expires; a capture that fails leaves the booking accepted, not confirmed, with
//! the failure said. With the sandbox over HTTP, and with Stripe (a recording fake) for the
//! calls Roost makes: `capture_method=manual`, the capture and the cancel.

use roost::bookings::ExpireHolds;
use serde_json::{Value, json};

use crate::{
    bookings_support::{
        CARD_CAPTURE_FAILS, CARD_OK, booked, execute, ledger, page, pay, requested, requested_with,
        run_job, status_of, total_of,
    },
    fixtures::{self, ListingSpec},
    payments_support::{deliver, event, stripe_app_with_fake},
    stripe_fake::StripeFake,
    support::{Browser, TestApp},
};

/// A host with a request-to-book listing, and a guest.
async fn request_listing(app: &TestApp) -> (Browser, i64, Browser) {
    let (host_id, host) = fixtures::signed_in(app, "hugo@example.com", true).await;
    let spec = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(app, "gina@example.com", false).await;
    (host, listing, guest)
}

/// The host answers reservation `id` with `action` (accept, decline).
async fn answer(host: &Browser, id: i64, action: &str) {
    let reservation = format!("/host/reservations/{id}");
    let answered = host
        .submit(&reservation, &format!("{reservation}/{action}"), &[])
        .await;
    assert_eq!(answered.status(), 303);
}

/// The guest cancels their unpaid trip `id` (nothing to refund).
async fn withdraw(app: &TestApp, guest: &Browser, id: i64) {
    let cancel = format!("/trips/{id}/cancel");
    let cancelled = guest
        .submit(&cancel, &cancel, &[("expected_refund", "0")])
        .await;
    assert_eq!(cancelled.status(), 303);
    assert_eq!(status_of(app, id).await, "cancelled_by_guest");
}

fn row(status: &str, amount: i64) -> (String, String, i64) {
    ("charge".into(), status.into(), amount)
}

#[tokio::test]
async fn a_request_is_authorized_then_charged_when_the_host_accepts() {
    let app = TestApp::spawn().await;
    let (host, listing, guest) = request_listing(&app).await;
    let id = booked(&guest, listing, 20, 3).await;
    let total = total_of(&app, id).await;

    // Until the card is authorized, the request waits for the guest, not the host.
    assert_eq!(status_of(&app, id).await, "pending_payment");
    let host_heard = app.last_email_to("hugo@example.com").await;
    assert!(
        host_heard.is_none_or(|(subject, _)| !subject.starts_with("New booking request")),
        "the host hears of the request once the card is authorized"
    );
    let (_, form) = page(&guest, &format!("/trips/{id}/pay")).await;
    assert!(
        form.contains("Your card is authorized, not charged, until the host accepts."),
        "{form}"
    );

    let authorized = pay(&guest, id, CARD_OK).await;
    assert_eq!(authorized.status(), 303);
    assert_eq!(status_of(&app, id).await, "requested");
    assert_eq!(ledger(&app, id).await, [row("authorized", total)]);
    let (subject, _) = app.last_email_to("hugo@example.com").await.unwrap();
    assert!(subject.starts_with("New booking request"), "{subject}");
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(
        trip.contains("Your card is authorized, not charged"),
        "{trip}"
    );
    // Nothing more to pay while the host decides.
    assert_eq!(guest.get(&format!("/trips/{id}/pay")).await.status(), 303);

    answer(&host, id, "accept").await;
    assert_eq!(status_of(&app, id).await, "accepted", "charged by a job");
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(trip.contains("your card is being charged"), "{trip}");
    assert_eq!(guest.get(&format!("/trips/{id}/pay")).await.status(), 303);
    app.run_jobs().await;
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(ledger(&app, id).await, [row("succeeded", total)]);
    // The capture job run again changes nothing.
    app.run_jobs().await;
    assert_eq!(ledger(&app, id).await, [row("succeeded", total)]);
}

#[tokio::test]
async fn a_declined_or_withdrawn_request_is_voided_and_never_charged() {
    let app = TestApp::spawn().await;
    let (host, listing, guest) = request_listing(&app).await;
    let declined = requested(&guest, listing, 20, 2).await;
    let total = total_of(&app, declined).await;

    answer(&host, declined, "decline").await;
    assert_eq!(status_of(&app, declined).await, "declined");
    app.run_jobs().await;
    assert_eq!(ledger(&app, declined).await, [row("voided", total)]);
    let (_, text) = app.last_email_to("gina@example.com").await.unwrap();
    assert!(text.contains("not charged"), "{text}");
    let (_, detail) = page(&host, &format!("/host/reservations/{declined}")).await;
    assert!(detail.contains("nothing was charged"), "{detail}");

    // The guest withdraws a request the host has not answered: released too.
    let withdrawn = requested(&guest, listing, 30, 2).await;
    withdraw(&app, &guest, withdrawn).await;
    app.run_jobs().await;
    let total = total_of(&app, withdrawn).await;
    assert_eq!(ledger(&app, withdrawn).await, [row("voided", total)]);
}

#[tokio::test]
async fn a_request_the_host_leaves_unanswered_expires_and_is_voided() {
    let app = TestApp::spawn().await;
    let (_, listing, guest) = request_listing(&app).await;
    let id = requested(&guest, listing, 20, 2).await;
    let total = total_of(&app, id).await;
    execute(
        &app,
        &format!(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = {id}"
        ),
    )
    .await;
    run_job(&app, ExpireHolds).await;
    assert_eq!(status_of(&app, id).await, "expired");
    app.run_jobs().await;
    assert_eq!(ledger(&app, id).await, [row("voided", total)]);
}

#[tokio::test]
async fn a_capture_that_fails_leaves_the_booking_accepted_and_payable() {
    let app = TestApp::spawn().await;
    let (host, listing, guest) = request_listing(&app).await;
    let id = requested_with(&guest, listing, 20, 2, CARD_CAPTURE_FAILS).await;
    let total = total_of(&app, id).await;
    assert_eq!(status_of(&app, id).await, "requested");

    answer(&host, id, "accept").await;
    app.run_jobs().await;
    assert_eq!(status_of(&app, id).await, "accepted", "not confirmed");
    assert_eq!(ledger(&app, id).await, [row("failed", total)]);
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(trip.contains("could not be charged"), "{trip}");
    assert!(
        trip.contains(&format!("/trips/{id}/pay")),
        "the guest may pay"
    );
    let (subject, text) = app.last_email_to("gina@example.com").await.unwrap();
    assert!(
        subject.starts_with("We could not charge your card"),
        "{subject}"
    );
    assert!(text.contains("Pay before"), "{text}");
    let (subject, _) = app.last_email_to("hugo@example.com").await.unwrap();
    assert!(subject.ends_with("card could not be charged"), "{subject}");
    // Another card pays, and confirms the stay.
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");
}

/// A Stripe `payment_intent` event object about booking `id`.
fn stripe_intent(reference: &str, id: i64, amount: i64, status: &str, received: i64) -> Value {
    json!({
        "id": reference,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": if status == "requires_capture" { amount } else { 0 },
        "amount_received": received,
        "currency": "eur",
        "status": status,
        "capture_method": "manual",
        "metadata": { "booking_id": id.to_string() },
    })
}

/// Books a stay `days` ahead at a request-to-book `listing` with Stripe, checks the payment
/// intent is a manual-capture one, and delivers Stripe's word that the card is authorized (the
/// intent `reference`): the request reaches the host. Returns the booking id and its total.
async fn stripe_requested(
    app: &TestApp,
    fake: &StripeFake,
    guest: &Browser,
    listing: i64,
    days: i64,
    reference: &str,
) -> (i64, i64) {
    let id = booked(guest, listing, days, 2).await;
    let total = total_of(app, id).await;
    let pay_path = format!("/trips/{id}/pay");
    assert_eq!(guest.submit(&pay_path, &pay_path, &[]).await.status(), 200);
    let intent = fake
        .requests_to("/v1/payment_intents")
        .pop()
        .expect("an intent");
    assert_eq!(intent.form["capture_method"], "manual");
    assert_eq!(intent.form["amount"], total.to_string());
    assert_eq!(status_of(app, id).await, "pending_payment");
    let authorized = event(
        &format!("evt_auth_{id}"),
        "payment_intent.amount_capturable_updated",
        stripe_intent(reference, id, total, "requires_capture", 0),
    );
    assert_eq!(deliver(app, &authorized).await.status(), 200);
    assert_eq!(status_of(app, id).await, "requested");
    (id, total)
}

#[tokio::test]
async fn with_stripe_a_request_is_a_manual_capture_intent_captured_or_cancelled() {
    let (app, fake) = stripe_app_with_fake().await;
    let (host, listing, guest) = request_listing(&app).await;

    // Accepted: authorized, then captured, then confirmed by Stripe's event.
    let (id, total) = stripe_requested(&app, &fake, &guest, listing, 20, "pi_fake_1").await;

    answer(&host, id, "accept").await;
    app.run_jobs().await;
    let captures = fake.requests_to("/v1/payment_intents/pi_fake_1/capture");
    assert_eq!(captures.len(), 1);
    let key = captures[0].idempotency_key.clone().unwrap();
    assert!(key.starts_with(&format!("booking-{id}-capture-")), "{key}");
    assert_eq!(captures[0].form["amount_to_capture"], total.to_string());
    assert_eq!(
        status_of(&app, id).await,
        "accepted",
        "until Stripe says so"
    );
    let succeeded = event(
        "evt_paid_1",
        "payment_intent.succeeded",
        stripe_intent("pi_fake_1", id, total, "succeeded", total),
    );
    assert_eq!(deliver(&app, &succeeded).await.status(), 200);
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(ledger(&app, id).await, [row("succeeded", total)]);

    // Declined: the intent is cancelled, once, and the ledger says voided.
    // (The capture's answer was the fake's second object.)
    let (other, total) = stripe_requested(&app, &fake, &guest, listing, 40, "pi_fake_3").await;
    answer(&host, other, "decline").await;
    app.run_jobs().await;
    app.run_jobs().await;
    let cancels = fake.requests_to("/v1/payment_intents/pi_fake_3/cancel");
    assert_eq!(cancels.len(), 1, "{:?}", fake.requests());
    assert!(
        cancels[0]
            .idempotency_key
            .as_deref()
            .is_some_and(|key| key.starts_with(&format!("booking-{other}-void-")))
    );
    assert_eq!(ledger(&app, other).await, [row("voided", total)]);
    // Stripe's own word of it changes nothing more.
    let cancelled = event(
        "evt_cancel_2",
        "payment_intent.canceled",
        stripe_intent("pi_fake_3", other, total, "canceled", 0),
    );
    assert_eq!(deliver(&app, &cancelled).await.status(), 200);
    assert_eq!(ledger(&app, other).await, [row("voided", total)]);
    assert!(
        fake.requests_to("/v1/refunds").is_empty(),
        "nothing to refund"
    );
}

#[tokio::test]
async fn with_stripe_a_refused_capture_leaves_the_booking_accepted() {
    let (app, fake) = stripe_app_with_fake().await;
    let (host, listing, guest) = request_listing(&app).await;
    let (id, total) = stripe_requested(&app, &fake, &guest, listing, 20, "pi_fake_1").await;
    fake.refuse_next(1);
    answer(&host, id, "accept").await;
    app.run_jobs().await;
    assert_eq!(
        fake.requests_to("/v1/payment_intents/pi_fake_1/capture")
            .len(),
        1
    );
    assert_eq!(status_of(&app, id).await, "accepted");
    assert_eq!(ledger(&app, id).await, [row("failed", total)]);
    let (_, detail) = page(&host, &format!("/host/reservations/{id}")).await;
    assert!(detail.contains("could not be charged"), "{detail}");
}

#[tokio::test]
async fn with_stripe_an_authorization_that_arrives_after_the_request_died_is_voided() {
    let (app, fake) = stripe_app_with_fake().await;
    let (_, listing, guest) = request_listing(&app).await;
    let id = booked(&guest, listing, 20, 2).await;
    let total = total_of(&app, id).await;
    let pay_path = format!("/trips/{id}/pay");
    assert_eq!(guest.submit(&pay_path, &pay_path, &[]).await.status(), 200);
    // The guest gives up while Stripe is still authorizing the card.
    withdraw(&app, &guest, id).await;

    let authorized = event(
        "evt_auth_late",
        "payment_intent.amount_capturable_updated",
        stripe_intent("pi_fake_1", id, total, "requires_capture", 0),
    );
    assert_eq!(deliver(&app, &authorized).await.status(), 200);
    // Delivered twice, released once.
    assert_eq!(deliver(&app, &authorized).await.status(), 200);
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(status_of(&app, id).await, "cancelled_by_guest");
    let cancels = fake.requests_to("/v1/payment_intents/pi_fake_1/cancel");
    assert_eq!(cancels.len(), 1, "{:?}", fake.requests());
    assert_eq!(ledger(&app, id).await, [row("voided", total)]);
    assert!(
        fake.requests_to("/v1/payment_intents/pi_fake_1/capture")
            .is_empty()
    );
}

/// The error the database answers `sql` with.
async fn refused(app: &TestApp, sql: &str) -> String {
    use diesel_async::RunQueryDsl;
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(sql)
        .execute(&mut conn)
        .await
        .expect_err(sql)
        .to_string()
}

#[tokio::test]
async fn the_database_keeps_an_authorization_apart_from_money_taken() {
    let app = TestApp::spawn().await;
    let (host, listing, guest) = request_listing(&app).await;
    let id = requested(&guest, listing, 20, 2).await;
    // A held card pays for nothing yet.
    let error = refused(
        &app,
        &format!("UPDATE bookings SET status = 'confirmed' WHERE id = {id}"),
    )
    .await;
    assert!(error.contains("is paid"), "{error}");
    // Only a charge is authorized.
    let error = refused(
        &app,
        &format!(
            "INSERT INTO payments (booking_id, kind, provider, amount, currency, status, refund_of) \
             SELECT booking_id, 'refund', provider, 100, currency, 'authorized', id \
             FROM payments WHERE booking_id = {id}"
        ),
    )
    .await;
    assert!(
        error.contains("payments_authorization_is_charge"),
        "{error}"
    );
    // A released hold is never taken afterwards.
    answer(&host, id, "decline").await;
    app.run_jobs().await;
    assert_eq!(ledger(&app, id).await[0].1, "voided");
    let error = refused(
        &app,
        &format!("UPDATE payments SET status = 'succeeded' WHERE booking_id = {id}"),
    )
    .await;
    assert!(error.contains("ledger"), "{error}");
}
