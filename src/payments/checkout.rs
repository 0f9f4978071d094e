//! Paying for a booking: the charge of what is due is recorded in the ledger, created at the
//! provider with an idempotency key derived from that row, and then waits for the provider's
//! event. The sandbox produces that event at once, signed, through [`events::receive`].

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde_json::json;

use super::{
    events::{self, Received},
    gateway::{self, Charge, ChargeRequest, Gateway, GatewayError, PaymentGateway},
    ledger::{self, CHARGE, FAILED, NewRow, PENDING, Payment, Totals},
    sandbox::TestCard,
    signature,
};
use crate::{
    bookings::{
        domain::Status,
        model::{self, Booking},
        pending_change::{self, PendingChange},
    },
    db::{self, DbPool},
    errors::AppError,
};

/// Why a payment could not start or did not go through.
#[derive(Debug)]
pub enum PayError {
    /// Nothing is due (paid already, or not payable in this state).
    NothingDue,
    /// The hold ran out before the payment.
    HoldExpired,
    /// The card was declined (the provider's message).
    Declined(String),
    /// The provider could not be reached or refused; try again later.
    Provider(String),
    App(AppError),
}

impl<E: Into<AppError>> From<E> for PayError {
    fn from(error: E) -> Self {
        PayError::App(error.into())
    }
}

/// A charge created at the provider, waiting for its outcome.
#[derive(Debug)]
pub struct Started {
    pub booking: Booking,
    pub payment: Payment,
    pub charge: Charge,
}

/// What the guest owes on `booking` now, if it can be paid: the booking's price while it
/// awaits payment, or the price of a change of dates waiting for payment (`pending`), less what
/// was paid; refused once the hold on the dates has ended. A confirmed stay with no pending
/// change owes nothing (its payments cover its price: the database holds that).
pub fn payable(
    booking: &Booking,
    pending: Option<&PendingChange>,
    totals: &Totals,
    now: DateTime<Utc>,
) -> Result<i64, PayError> {
    let status = booking.status();
    let (price, deadline) = match pending {
        _ if status.awaits_payment() => (booking.total_amount, booking.hold_expires_at),
        Some(change) if status == Status::Confirmed => {
            (change.total_amount, Some(change.hold_expires_at))
        }
        _ => return Err(PayError::NothingDue),
    };
    let due = totals.due(price);
    if due <= 0 {
        return Err(PayError::NothingDue);
    }
    if deadline.is_some_and(|at| at <= now) {
        return Err(PayError::HoldExpired);
    }
    Ok(due)
}

/// Starts (or resumes) the charge of what is due on the guest's booking `booking_id`. No
/// database connection is held while the provider is called.
pub async fn start(
    pool: &DbPool,
    gateway: &Gateway,
    guest_id: i64,
    booking_id: i64,
    now: DateTime<Utc>,
) -> Result<Started, PayError> {
    let mut conn = db::connection(pool).await?;
    let (booking, payment) = conn
        .transaction::<_, PayError, _>(async |conn| {
            let booking = model::lock(conn, booking_id)
                .await?
                .filter(|booking| booking.guest_id == guest_id)
                .ok_or(AppError::NotFound)?;
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
                        booking_id,
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
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("charge row not inserted")))?,
            };
            Ok((booking, payment))
        })
        .await?;
    drop(conn);
    let request = ChargeRequest {
        booking_id,
        payment_id: payment.id,
        amount: payment.amount,
        currency: payment.currency.clone(),
        idempotency_key: gateway::charge_key(booking_id, payment.id),
    };
    let created = gateway.create_charge(&request).await;
    let mut conn = db::connection(pool).await?;
    let charge = match created {
        Ok(charge) => charge,
        Err(GatewayError::Refused(reason)) => {
            ledger::settle(&mut conn, payment.id, FAILED, Some(&reason)).await?;
            return Err(PayError::Provider(reason));
        }
        Err(GatewayError::Unavailable(reason)) => return Err(PayError::Provider(reason)),
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
/// event that settles it through the webhook code path. Returns the booking as it is then.
pub async fn pay_with_test_card(
    pool: &DbPool,
    gateway: &Gateway,
    base_url: &str,
    guest_id: i64,
    booking_id: i64,
    card: TestCard,
    now: DateTime<Utc>,
) -> Result<Booking, PayError> {
    let started = start(pool, gateway, guest_id, booking_id, now).await?;
    let mut conn = db::connection(pool).await?;
    let conn = &mut *conn;
    let body = serde_json::to_vec(&intent_event(&started, card, now))
        .map_err(|error| PayError::App(AppError::internal(error)))?;
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
    .map_err(|error| PayError::App(AppError::internal(anyhow::anyhow!("{error}"))))?;
    debug_assert_eq!(received, Received::Applied);
    if card == TestCard::Declined {
        return Err(PayError::Declined("Your card was declined.".into()));
    }
    let booking = model::find(conn, booking_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(booking)
}
