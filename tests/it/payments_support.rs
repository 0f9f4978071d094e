//! Helpers of the payment tests: an app configured for Stripe (pointing at the recording
//! fake), and signed webhook deliveries.

#![allow(dead_code)]

use chrono::Utc;
use roost::config::{PaymentsProvider, StripeConfig};
use serde_json::{Value, json};

use crate::{stripe_fake::StripeFake, support::TestApp};

pub const WEBHOOK_SECRET: &str = "whsec_roost_test";
pub const SECRET_KEY: &str = "sk_test_roost";

/// An app whose payments go to Stripe at `api_base`.
pub async fn stripe_app(api_base: &str) -> TestApp {
    let api_base = api_base.to_string();
    TestApp::spawn_with_config(move |config| {
        config.payments = PaymentsProvider::Stripe;
        config.stripe = Some(StripeConfig {
            secret_key: SECRET_KEY.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            api_base,
        });
    })
    .await
}

/// A Stripe fake and an app that uses it.
pub async fn stripe_app_with_fake() -> (TestApp, StripeFake) {
    let fake = StripeFake::start().await;
    let app = stripe_app(&fake.url).await;
    (app, fake)
}

/// A Stripe-shaped event.
pub fn event(id: &str, event_type: &str, object: Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": event_type,
        "created": Utc::now().timestamp(),
        "data": { "object": object },
    })
    .to_string()
}

/// A `payment_intent.succeeded` object.
pub fn intent(reference: &str, booking_id: i64, amount: i64) -> Value {
    json!({
        "id": reference,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": "eur",
        "status": "succeeded",
        "metadata": { "booking_id": booking_id.to_string() },
    })
}

/// `Stripe-Signature` for `body`, signed `age_secs` ago.
pub fn signature(body: &str, age_secs: i64) -> String {
    roost::payments::signature::sign(
        WEBHOOK_SECRET.as_bytes(),
        Utc::now().timestamp() - age_secs,
        body.as_bytes(),
    )
}

/// POSTs `body` to the Stripe webhook with `signature`, as Stripe would: no cookies, no token.
pub async fn deliver_signed(app: &TestApp, body: &str, signature: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/payments/webhook/stripe"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", signature)
        .body(body.to_string())
        .send()
        .await
        .expect("webhook request")
}

/// Delivers `body` signed now.
pub async fn deliver(app: &TestApp, body: &str) -> reqwest::Response {
    deliver_signed(app, body, &signature(body, 0)).await
}
