//! Paying for a booking: the charge of what is due (the booking's balance, as
//! [`crate::bookings::service::payable`] computes it) is recorded in the ledger, created at the
//! provider with an idempotency key derived from that row, and then waits for the provider's
//! event. The sandbox produces that event at once, signed, through [`events::receive`]. Only
//! the booking's guest pays: anyone else gets `NotFound` (checked under the booking's lock).
//!
//! A request to book waiting for its card (`pending_payment` with `request_to_book`) is only
//! authorized ([`Capture::Manual`]): the provider's `payment_intent.amount_capturable_updated`
//! sends the request to the host, whose acceptance takes the money (the `CaptureCharge` job).

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde_json::json;

use super::{
    events::{self, Received},
    gateway::{self, Capture, Charge, ChargeRequest, Gateway, GatewayError, PaymentGateway},
    ledger::{self, CHARGE, FAILED, NewRow, PENDING, Payment},
    sandbox::TestCard,
    signature,
};
use crate::{
    bookings::{
        domain::Status,
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
    /// Whether the money is taken now or only authorized.
    pub capture: Capture,
}

/// How the charge of what is due on `booking` is taken: a request to book waiting for its card
/// is only authorized, until its host accepts.
pub fn capture_of(booking: &Booking) -> Capture {
    if booking.request_to_book && booking.status() == Status::PendingPayment {
        Capture::Manual
    } else {
        Capture::Automatic
    }
}

/// Starts (or resumes) the charge of what is due on the acting guest's booking `id` (paid with
/// the sandbox's `test_card`, if any). No database connection is held while the provider is
/// called.
pub async fn start(
    pool: &DbPool,
    gateway: &Gateway,
    actor: &Actor,
    id: BookingId,
    test_card: Option<TestCard>,
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
    let capture = capture_of(&booking);
    let request = ChargeRequest {
        booking_id: booking_id.get(),
        payment_id: payment.id,
        amount: payment.amount,
        currency: payment.currency.clone(),
        idempotency_key: gateway::charge_key(booking_id.get(), payment.id),
        capture,
        test_card,
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
        capture,
    })
}

/// The event Stripe would send about the payment intent of ledger row `payment`: `event_type`
/// with the intent in `status`, `received` of its amount taken, and `error` (a
/// `last_payment_error`, or null).
pub(super) fn intent_event(
    payment: &Payment,
    event_type: &str,
    status: &str,
    received: i64,
    error: serde_json::Value,
    now: DateTime<Utc>,
) -> serde_json::Value {
    json!({
        "id": format!("evt_sbx_{}", uuid::Uuid::new_v4().simple()),
        "object": "event",
        "type": event_type,
        "created": now.timestamp(),
        "data": { "object": {
            "id": payment.provider_ref,
            "object": "payment_intent",
            "amount": payment.amount,
            "amount_received": received,
            "currency": payment.currency.to_lowercase(),
            "status": status,
            "last_payment_error": error,
            "metadata": {
                "booking_id": payment.booking_id.to_string(),
                "payment_id": payment.id.to_string(),
            },
        }},
    })
}

/// The event the sandbox sends when the guest typed `card` for a charge just started.
fn card_event(started: &Started, card: TestCard, now: DateTime<Utc>) -> serde_json::Value {
    let mut payment = started.payment.clone();
    payment.provider_ref = Some(started.charge.provider_ref.clone());
    let amount = payment.amount;
    match (card, started.capture) {
        (TestCard::Declined, _) => intent_event(
            &payment,
            "payment_intent.payment_failed",
            "requires_payment_method",
            0,
            json!({ "code": "card_declined", "message": DECLINED }),
            now,
        ),
        (_, Capture::Manual) => intent_event(
            &payment,
            "payment_intent.amount_capturable_updated",
            "requires_capture",
            0,
            json!(null),
            now,
        ),
        (_, Capture::Automatic) => intent_event(
            &payment,
            "payment_intent.succeeded",
            "succeeded",
            amount,
            json!(null),
            now,
        ),
    }
}

/// Delivers an event the sandbox made, signed with its secret, through the webhook's code
/// path (verification, storage, application).
pub(super) async fn deliver_sandbox_event(
    conn: &mut diesel_async::AsyncPgConnection,
    gateway: &Gateway,
    base_url: &str,
    event: &serde_json::Value,
    now: DateTime<Utc>,
) -> ServiceResult<Received> {
    let body = serde_json::to_vec(event).map_err(ServiceError::internal)?;
    let header = signature::sign(gateway.webhook_secret(), now.timestamp(), &body);
    events::receive(
        conn,
        base_url,
        gateway.provider(),
        gateway.webhook_secret(),
        Some(&header),
        &body,
        now,
    )
    .await
    .map_err(|error| ServiceError::internal(anyhow::anyhow!("{error}")))
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
    let started = start(pool, gateway, actor, id, Some(card), now).await?;
    let mut conn = db::connection(pool).await?;
    let conn = &mut *conn;
    let event = card_event(&started, card, now);
    let received = deliver_sandbox_event(conn, gateway, base_url, &event, now).await?;
    debug_assert_eq!(received, Received::Applied);
    if card == TestCard::Declined {
        return Err(ServiceError::refused(DECLINED));
    }
    model::find(conn, id.get())
        .await?
        .ok_or(ServiceError::NotFound)
}
