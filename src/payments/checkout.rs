//! Paying for a booking: the charge of what is due (the booking's balance, as
//! [`crate::bookings::service::payable`] computes it) is recorded in the ledger, created at the
//! provider with an idempotency key derived from that row, and then waits for the provider's
//! event. The sandbox produces that event at once, signed, through [`events::receive`]. Only
//! the booking's guest pays: anyone else gets `NotFound` (checked under the booking's lock).

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde_json::json;

use super::{
    events::{self, Received},
    gateway::{self, Charge, ChargeRequest, Gateway, GatewayError, PaymentGateway},
    ledger::{self, CHARGE, FAILED, NewRow, PENDING, Payment},
    sandbox::TestCard,
    signature,
};
use crate::{
    bookings::{
        model::{self, Booking},
        pending_change,
        service::payable,
    },
    db::{self, DbPool},
    service::{Actor, BookingId, ServiceError, ServiceResult},
};

/// Said when the card was declined.
pub const DECLINED: &str = "Your card was declined.";
/// The start of the reason of an `Unavailable` that comes from the payment provider (rather
/// than from the database): the provider could not be reached or refused; try again later.
pub const PROVIDER_TROUBLE: &str = "payment provider: ";

fn provider_trouble(reason: &str) -> ServiceError {
    ServiceError::Unavailable {
        reason: format!("{PROVIDER_TROUBLE}{reason}"),
        retry_after_secs: 5,
    }
}

/// A charge created at the provider, waiting for its outcome.
#[derive(Debug)]
pub struct Started {
    pub booking: Booking,
    pub payment: Payment,
    pub charge: Charge,
}

/// Starts (or resumes) the charge of what is due on the acting guest's booking `id`. No
/// database connection is held while the provider is called.
pub async fn start(
    pool: &DbPool,
    gateway: &Gateway,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<Started> {
    actor.member()?;
    let booking_id = id;
    let mut conn = db::connection(pool).await?;
    let (booking, payment) = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            let booking = model::lock(conn, booking_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            actor.owner(booking.guest_id)?;
            let totals = ledger::totals(conn, booking_id).await?;
            let pending = pending_change::find_pending(conn, booking_id).await?;
            let due = payable(&booking, pending.as_ref(), &totals, now)?;
            // A charge of the same amount still in progress is resumed: same row, same
            // idempotency key, so the provider answers with the same payment intent.
            let pending = ledger::for_booking(conn, booking_id)
                .await?
                .into_iter()
                .rev()
                .find(|p| {
                    p.kind == CHARGE
                        && p.status == PENDING
                        && p.amount == due
                        && p.provider == gateway.provider()
                });
            let payment = match pending {
                Some(payment) => payment,
                None => ledger::insert(
                    conn,
                    NewRow {
                        booking_id: booking_id.get(),
                        kind: CHARGE,
                        provider: gateway.provider(),
                        provider_ref: None,
                        amount: due,
                        currency: &booking.currency,
                        status: PENDING,
                        refund_of: None,
                    },
                )
                .await?
                .ok_or_else(|| {
                    ServiceError::internal(anyhow::anyhow!("charge row not inserted"))
                })?,
            };
            Ok((booking, payment))
        })
        .await?;
    drop(conn);
    let request = ChargeRequest {
        booking_id: booking_id.get(),
        payment_id: payment.id,
        amount: payment.amount,
        currency: payment.currency.clone(),
        idempotency_key: gateway::charge_key(booking_id.get(), payment.id),
    };
    let created = gateway.create_charge(&request).await;
    let mut conn = db::connection(pool).await?;
    let charge = match created {
        Ok(charge) => charge,
        Err(GatewayError::Refused(reason)) => {
            ledger::settle(&mut conn, payment.id, FAILED, Some(&reason)).await?;
            return Err(provider_trouble(&reason));
        }
        Err(GatewayError::Unavailable(reason)) => return Err(provider_trouble(&reason)),
    };
    ledger::set_provider_ref(&mut conn, payment.id, &charge.provider_ref).await?;
    Ok(Started {
        booking,
        payment,
        charge,
    })
}

/// The event Stripe would send about a payment intent.
fn intent_event(started: &Started, card: TestCard, now: DateTime<Utc>) -> serde_json::Value {
    let (event_type, status, error) = match card {
        TestCard::Succeeds => ("payment_intent.succeeded", "succeeded", json!(null)),
        TestCard::Declined => (
            "payment_intent.payment_failed",
            "requires_payment_method",
            json!({ "code": "card_declined", "message": "Your card was declined." }),
        ),
    };
    let amount = started.payment.amount;
    json!({
        "id": format!("evt_sbx_{}", uuid::Uuid::new_v4().simple()),
        "object": "event",
        "type": event_type,
        "created": now.timestamp(),
        "data": { "object": {
            "id": started.charge.provider_ref,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": if card == TestCard::Succeeds { amount } else { 0 },
            "currency": started.payment.currency.to_lowercase(),
            "status": status,
            "last_payment_error": error,
            "metadata": {
                "booking_id": started.booking.id.to_string(),
                "payment_id": started.payment.id.to_string(),
            },
        }},
    })
}

/// Pays with a sandbox test card: the charge is created, then the sandbox delivers the signed
/// event that settles it through the webhook code path. Returns the booking as it is then; a
/// declined card is `Refused(`[`DECLINED`]`)`.
pub async fn pay_with_test_card(
    pool: &DbPool,
    gateway: &Gateway,
    base_url: &str,
    actor: &Actor,
    id: BookingId,
    card: TestCard,
    now: DateTime<Utc>,
) -> ServiceResult<Booking> {
    let started = start(pool, gateway, actor, id, now).await?;
    let mut conn = db::connection(pool).await?;
    let conn = &mut *conn;
    let body =
        serde_json::to_vec(&intent_event(&started, card, now)).map_err(ServiceError::internal)?;
    let header = signature::sign(gateway.webhook_secret(), now.timestamp(), &body);
    let received = events::receive(
        conn,
        base_url,
        gateway.provider(),
        gateway.webhook_secret(),
        Some(&header),
        &body,
        now,
    )
    .await
    .map_err(|error| ServiceError::internal(anyhow::anyhow!("{error}")))?;
    debug_assert_eq!(received, Received::Applied);
    if card == TestCard::Declined {
        return Err(ServiceError::refused(DECLINED));
    }
    model::find(conn, id.get())
        .await?
        .ok_or(ServiceError::NotFound)
}
