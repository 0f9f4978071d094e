//! Payment events: verified, stored once, applied idempotently and in any order.
//!
//! [`receive`] is the one way in, for Stripe's webhooks and the sandbox alike: it checks the
//! signature, stores the event id (unique per provider: a redelivery changes nothing), and
//! applies the event in the same transaction. Applying is written so that events commute:
//! ledger rows are found (or created) by the provider's reference, every status change is
//! conditional, and a booking is confirmed only when its successful charges cover the price,
//! so a refund that arrives before its payment ends in the same state as in the usual order.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::{
    reconcile::{
        Outcome, charge_authorized, charge_failed, charge_succeeded, charge_voided, refund_update,
    },
    signature::{self, SignatureError},
};
use crate::{schema::payment_events, service::ServiceError};

/// What became of a delivered event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// Stored and applied (or stored and ignored, for types Roost does not act on).
    Applied,
    /// Seen before: nothing was done.
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("bad signature: {0}")]
    Signature(#[from] SignatureError),
    #[error("bad payload: {0}")]
    Payload(&'static str),
    #[error(transparent)]
    App(#[from] ServiceError),
}

impl From<diesel::result::Error> for WebhookError {
    fn from(error: diesel::result::Error) -> Self {
        WebhookError::App(error.into())
    }
}

/// Verifies, stores and applies one event delivered with `signature` (the `Stripe-Signature`
/// header) at `now`.
pub async fn receive(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    provider: &str,
    secret: &[u8],
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Received, WebhookError> {
    signature::verify(secret, signature, body, now.timestamp())?;
    let event: Value =
        serde_json::from_slice(body).map_err(|_| WebhookError::Payload("not JSON"))?;
    let event_id = event
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= 255)
        .ok_or(WebhookError::Payload("no event id"))?
        .to_string();
    let event_type = event
        .get("type")
        .and_then(Value::as_str)
        .ok_or(WebhookError::Payload("no event type"))?
        .to_string();
    let object = event
        .pointer("/data/object")
        .cloned()
        .unwrap_or(Value::Null);
    conn.transaction::<_, WebhookError, _>(async |conn| {
        let stored: Option<i64> = diesel::insert_into(payment_events::table)
            .values((
                payment_events::provider.eq(provider),
                payment_events::event_id.eq(&event_id),
                payment_events::event_type.eq(&event_type),
                payment_events::payload.eq(&event),
            ))
            .on_conflict_do_nothing()
            .returning(payment_events::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(stored) = stored else {
            tracing::info!(provider, event_id, "duplicate payment event ignored");
            return Ok(Received::Duplicate);
        };
        match apply_event(conn, base_url, provider, &event_type, &object, now).await? {
            Outcome::Applied => {
                diesel::update(payment_events::table.find(stored))
                    .set(payment_events::processed_at.eq(now))
                    .execute(conn)
                    .await?;
            }
            Outcome::Refused(reason) => {
                tracing::warn!(provider, event_id, %reason, "payment event refused");
                diesel::update(payment_events::table.find(stored))
                    .set(payment_events::refusal.eq(reason))
                    .execute(conn)
                    .await?;
            }
            Outcome::Ignored => {}
        }
        Ok(Received::Applied)
    })
    .await
}

/// Applies a verified event's object: [`Outcome::Ignored`] when nothing in it concerned Roost,
/// [`Outcome::Refused`] when it contradicts the ledger (both stay unprocessed, for an
/// administrator to look at).
pub async fn apply_event(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    provider: &str,
    event_type: &str,
    object: &Value,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    match event_type {
        "payment_intent.succeeded" => charge_succeeded(conn, base_url, provider, object, now).await,
        "payment_intent.payment_failed" => charge_failed(conn, provider, object).await,
        // A manual-capture intent's card is authorized (`requires_capture`).
        "payment_intent.amount_capturable_updated" => {
            charge_authorized(conn, base_url, provider, object, now).await
        }
        "payment_intent.canceled" => charge_voided(conn, provider, object).await,
        "charge.refunded" => {
            let intent = object.get("payment_intent").and_then(Value::as_str);
            let refunds = object
                .pointer("/refunds/data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut outcome = Outcome::Ignored;
            for refund in &refunds {
                match refund_update(conn, provider, refund, intent).await? {
                    Outcome::Ignored => {}
                    Outcome::Applied if matches!(outcome, Outcome::Refused(_)) => {}
                    applied_or_refused => outcome = applied_or_refused,
                }
            }
            Ok(outcome)
        }
        "refund.created" | "refund.updated" | "refund.failed" | "charge.refund.updated" => {
            refund_update(conn, provider, object, None).await
        }
        _ => Ok(Outcome::Ignored),
    }
}
