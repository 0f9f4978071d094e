//! Roost's Stripe client against a recording fake of Stripe's API: amounts and currency as
//! Stripe wants them, idempotency keys derived from our ids and stable on retry, refunds sent
//! once.

use roost::payments::gateway::{ChargeRequest, PaymentGateway, RefundRequest, RefundStatus};

use crate::{
    bookings_support::{booked, ledger, status_of, total_of},
    fixtures::{self, ListingSpec},
    payments_support::{SECRET_KEY, WEBHOOK_SECRET, deliver, event, intent, stripe_app_with_fake},
    stripe_fake::StripeFake,
};

fn gateway(fake: &StripeFake) -> roost::payments::stripe::Stripe {
    roost::payments::stripe::Stripe::new(&roost::config::StripeConfig {
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        api_base: fake.url.clone(),
    })
}

#[tokio::test]
async fn the_client_retries_a_failed_request_with_the_same_idempotency_key() {
    let fake = StripeFake::start().await;
    let stripe = gateway(&fake);
    fake.fail_next(2);
    let request = ChargeRequest {
        booking_id: 7,
        payment_id: 3,
        amount: 12_345,
        currency: "EUR".into(),
        idempotency_key: "booking-7-charge-3".into(),
        capture: roost::payments::gateway::Capture::Automatic,
        test_card: None,
    };
    let charge = stripe.create_charge(&request).await.expect("third attempt");
    assert_eq!(charge.provider_ref, "pi_fake_1");
    // The same request again (a job retried, a page reloaded) replays the same intent.
    let again = stripe.create_charge(&request).await.unwrap();
    assert_eq!(again, charge);
    let sent = fake.requests_to("/v1/payment_intents");
    assert_eq!(sent.len(), 4);
    for request in &sent {
        assert_eq!(
            request.idempotency_key.as_deref(),
            Some("booking-7-charge-3")
        );
        assert_eq!(
            request.authorization.as_deref(),
            Some("Bearer sk_test_roost")
        );
        assert_eq!(request.form["amount"], "12345");
        assert_eq!(request.form["currency"], "eur");
        assert_eq!(request.form["metadata[booking_id]"], "7");
        assert!(
            !request.form.contains_key("capture_method"),
            "an instant charge is captured at once"
        );
    }

    // A refund answer without most fields is still understood.
    let refund = stripe
        .refund(&RefundRequest {
            booking_id: 7,
            payment_id: 4,
            charge_ref: charge.provider_ref.clone(),
            amount: 2_000,
            currency: "EUR".into(),
            idempotency_key: "booking-7-refund-4".into(),
        })
        .await
        .unwrap();
    assert_eq!(refund.status, RefundStatus::Pending);
    let sent = fake.requests_to("/v1/refunds");
    assert_eq!(sent[0].form["payment_intent"], "pi_fake_1");
    assert_eq!(sent[0].form["amount"], "2000");
    assert_eq!(
        sent[0].idempotency_key.as_deref(),
        Some("booking-7-refund-4")
    );

    // A provider that never answers is reported as unavailable, not as a refusal.
    fake.fail_next(3);
    let down = stripe
        .create_charge(&ChargeRequest {
            idempotency_key: "booking-8-charge-9".into(),
            ..request
        })
        .await;
    assert!(matches!(
        down,
        Err(roost::payments::gateway::GatewayError::Unavailable(_))
    ));
}

#[tokio::test]
async fn paying_and_cancelling_with_stripe_charges_and_refunds_exactly_once() {
    let (app, fake) = stripe_app_with_fake().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 10, 2).await;
    let total = total_of(&app, id).await;

    // The pay page creates the payment intent; a reload resumes it rather than charging twice.
    let pay = format!("/trips/{id}/pay");
    let first = guest.submit(&pay, &pay, &[]).await;
    assert_eq!(first.status(), 200);
    assert!(first.text().await.unwrap().contains("pi_fake_1_secret_abc"));
    assert_eq!(guest.submit(&pay, &pay, &[]).await.status(), 200);
    let intents = fake.requests_to("/v1/payment_intents");
    assert_eq!(intents.len(), 2);
    let key = intents[0].idempotency_key.clone().unwrap();
    assert!(key.starts_with(&format!("booking-{id}-charge-")), "{key}");
    assert_eq!(intents[1].idempotency_key.as_ref(), Some(&key));
    assert_eq!(intents[0].form["amount"], total.to_string());
    assert_eq!(
        status_of(&app, id).await,
        "pending_payment",
        "not paid until Stripe says so"
    );

    let body = event(
        "evt_1",
        "payment_intent.succeeded",
        intent("pi_fake_1", id, total),
    );
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(status_of(&app, id).await, "confirmed");

    // The host cancels: a full refund, sent by a job; Stripe fails once, the retry succeeds.
    let path = format!("/host/reservations/{id}");
    fake.fail_next(1);
    assert_eq!(
        host.submit(&path, &format!("{path}/cancel"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(status_of(&app, id).await, "cancelled_by_host");
    app.run_jobs().await;
    app.run_jobs().await;
    let refunds = fake.requests_to("/v1/refunds");
    assert_eq!(refunds.len(), 2, "one failure, one retry");
    assert_eq!(refunds[0].idempotency_key, refunds[1].idempotency_key);
    assert_eq!(refunds[1].form["amount"], total.to_string());
    assert_eq!(refunds[1].form["payment_intent"], "pi_fake_1");

    // Stripe's event settles the refund, once.
    let refund = serde_json::json!({
        "id": "re_fake_2", "object": "refund", "amount": total,
        "payment_intent": "pi_fake_1", "status": "succeeded",
    });
    let body = event("evt_2", "refund.updated", refund);
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(deliver(&app, &body).await.status(), 200);
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), total),
            ("refund".into(), "succeeded".into(), total)
        ]
    );
}
