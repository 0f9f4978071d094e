//! Reconciling provider events with the ledger: finding (or creating) the row an event is
//! about, settling it with a conditional update, and what follows a settled charge (the
//! booking confirmed, a paid change of dates applied, or the money returned to a guest whose
//! booking died meanwhile). Events that contradict the ledger (another currency or amount,
//! refunds beyond their charge) change nothing and are kept with the reason.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::Value;

use super::{
    gateway::RefundStatus,
    ledger::{
        self, AUTHORIZED, CHARGE, FAILED, NewRow, PENDING, Payment, REFUND, SUCCEEDED, VOIDED,
    },
};
use crate::{
    bookings::{
        domain::Status,
        history,
        model::{self, Booking},
        pending_change,
        service::record_move,
        transitions::{self, Change},
    },
    service::{BookingId, ServiceError},
};

fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A metadata id (Stripe sends metadata values as strings).
fn metadata_id(object: &Value, key: &str) -> Option<i64> {
    let value = object.get("metadata")?.get(key)?;
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .or_else(|| value.as_i64())
}

fn amount_of(object: &Value) -> Option<i64> {
    object
        .get("amount_received")
        .and_then(Value::as_i64)
        .filter(|amount| *amount > 0)
        .or_else(|| object.get("amount").and_then(Value::as_i64))
        .filter(|amount| *amount > 0)
}

/// What an event says of a ledger row.
#[derive(Debug)]
pub enum Outcome {
    /// Applied to the ledger (and what follows, for a settled charge).
    Applied,
    /// Nothing in it concerns Roost (no row of ours, no booking named).
    Ignored,
    /// It contradicts the ledger (another currency, another amount, refunds beyond the
    /// charge): nothing was changed, and the reason is kept with the event for an admin.
    Refused(String),
}

/// Compares what a provider object says of money with the ledger row it is about.
fn contradiction(object: &Value, amount: Option<i64>, row: &Payment) -> Option<String> {
    if let Some(currency) = text(object, "currency")
        && !currency.eq_ignore_ascii_case(&row.currency)
    {
        return Some(format!(
            "the event is in {}, the ledger row {} in {}",
            currency.to_uppercase(),
            row.id,
            row.currency
        ));
    }
    if let Some(amount) = amount
        && amount != row.amount
    {
        return Some(format!(
            "the event says {amount}, the ledger row {} says {}",
            row.id, row.amount
        ));
    }
    None
}

/// The ledger row of a payment intent: by its reference, else by the ledger id we put in its
/// metadata (the reference may not be stored yet), else a new row for a charge of a known
/// booking that Roost has no row of (tolerated, so that money is never unaccounted for). An
/// intent whose currency or amount contradicts the row (or, for a new row, whose currency is
/// not the booking's) is refused.
pub(super) async fn find_charge(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
) -> Result<Result<Payment, Outcome>, ServiceError> {
    let Some(reference) = text(intent, "id") else {
        return Ok(Err(Outcome::Ignored));
    };
    let amount = amount_of(intent);
    let checked = |row: Payment| match contradiction(intent, amount, &row) {
        Some(reason) => Err(Outcome::Refused(reason)),
        None => Ok(row),
    };
    if let Some(found) = ledger::find_by_ref(conn, provider, reference).await? {
        if found.kind != CHARGE {
            return Ok(Err(Outcome::Ignored));
        }
        return Ok(checked(found));
    }
    let booking_id = metadata_id(intent, "booking_id");
    if let Some(payment_id) = metadata_id(intent, "payment_id")
        && let Some(row) = ledger::find(conn, payment_id).await?
        && row.kind == CHARGE
        && row.provider == provider
        && row.provider_ref.is_none()
        && booking_id.is_none_or(|id| id == row.booking_id)
    {
        if let Err(refused) = checked(row.clone()) {
            return Ok(Err(refused));
        }
        ledger::set_provider_ref(conn, row.id, reference).await?;
        return Ok(ledger::find(conn, row.id).await?.ok_or(Outcome::Ignored));
    }
    let (Some(booking_id), Some(amount)) = (booking_id, amount) else {
        return Ok(Err(Outcome::Ignored));
    };
    let Some(booking) = model::find(conn, booking_id).await? else {
        return Ok(Err(Outcome::Ignored));
    };
    let currency = text(intent, "currency").map_or(booking.currency.clone(), str::to_uppercase);
    if currency != booking.currency {
        return Ok(Err(Outcome::Refused(format!(
            "the event is in {currency}, booking {booking_id} in {}",
            booking.currency
        ))));
    }
    let row = NewRow {
        booking_id,
        kind: CHARGE,
        provider,
        provider_ref: Some(reference),
        amount,
        currency: &currency,
        status: PENDING,
        refund_of: None,
    };
    match ledger::insert(conn, row).await? {
        Some(row) => Ok(Ok(row)),
        None => Ok(ledger::find_by_ref(conn, provider, reference)
            .await?
            .ok_or(Outcome::Ignored)),
    }
}

/// The booking a payment intent is about, read without writing anything: from its ledger row,
/// else from the metadata we gave it.
async fn booking_of(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
) -> Result<Option<i64>, ServiceError> {
    if let Some(reference) = text(intent, "id")
        && let Some(row) = ledger::find_by_ref(conn, provider, reference).await?
    {
        return Ok(Some(row.booking_id));
    }
    if let Some(payment_id) = metadata_id(intent, "payment_id")
        && let Some(row) = ledger::find(conn, payment_id).await?
    {
        return Ok(Some(row.booking_id));
    }
    Ok(metadata_id(intent, "booking_id"))
}

/// A charge failed: its ledger row says so (a charge that succeeded stays succeeded).
pub(super) async fn charge_failed(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
) -> Result<Outcome, ServiceError> {
    let charge = match find_charge(conn, provider, intent).await? {
        Ok(charge) => charge,
        Err(outcome) => return Ok(outcome),
    };
    let reason = intent
        .pointer("/last_payment_error/message")
        .and_then(Value::as_str)
        .unwrap_or("The payment failed.");
    ledger::settle(conn, charge.id, FAILED, Some(reason)).await?;
    Ok(Outcome::Applied)
}

/// Settles the charge of `intent` as `status` under its booking's lock: the booking and the
/// charge when the row moved, else what the event comes to ([`Outcome::Applied`] when the row
/// had moved already: a redelivery, or events in another order). The booking is locked first,
/// before any ledger row is written, like every other change of it: one lock order, no
/// deadlocks.
async fn settle_locked(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
    status: ledger::PaymentStatus,
) -> Result<Result<(Booking, Payment), Outcome>, ServiceError> {
    let Some(booking_id) = booking_of(conn, provider, intent).await? else {
        return Ok(Err(Outcome::Ignored));
    };
    let Some(booking) = model::lock(conn, BookingId::new(booking_id)).await? else {
        return Ok(Err(Outcome::Ignored));
    };
    let charge = match find_charge(conn, provider, intent).await? {
        Ok(charge) => charge,
        Err(outcome) => return Ok(Err(outcome)),
    };
    if !ledger::settle(conn, charge.id, status, None).await? {
        return Ok(Err(Outcome::Applied));
    }
    Ok(Ok((booking, charge)))
}

/// Applies the `change` a payment makes to its booking (the system acts). A change the state
/// machine refuses (the booking moved on) is logged, not an error: the money is in the ledger
/// either way, and the event must not be redelivered for ever.
async fn change_by_payment(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    booking_id: BookingId,
    change: Change,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    match transitions::apply(conn, base_url, booking_id, change, None, now).await {
        Ok(_) => Ok(()),
        Err(refusal) if transitions::is_refusal(&refusal) => {
            tracing::warn!(booking = booking_id.get(), ?change, %refusal, "a payment did not change its booking");
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// A request to book's card was authorized: the ledger says so and the request goes to the
/// host. An authorization that arrives after its booking died (expired while the guest typed,
/// cancelled) is released at once (a `VoidAuthorization` job), so the card is never charged.
pub(super) async fn charge_authorized(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    provider: &str,
    intent: &Value,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    // Not moved: seen before, or the charge is already taken or released (events commute).
    let (booking, _) = match settle_locked(conn, provider, intent, AUTHORIZED).await? {
        Ok(settled) => settled,
        Err(outcome) => return Ok(outcome),
    };
    let status = booking.status();
    if status.is_dead() {
        ledger::plan_voids(conn, booking.id).await?;
        let note = "A late card authorization is released: nothing was charged";
        history::record_event(conn, booking.id, Some(status), status, None, note).await?;
        return Ok(Outcome::Applied);
    }
    if status == Status::PendingPayment {
        change_by_payment(conn, base_url, booking.id, Change::Authorize, now).await?;
    }
    Ok(Outcome::Applied)
}

/// An authorized charge was released at the provider: never charged.
pub(super) async fn charge_voided(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
) -> Result<Outcome, ServiceError> {
    let charge = match find_charge(conn, provider, intent).await? {
        Ok(charge) => charge,
        Err(outcome) => return Ok(outcome),
    };
    ledger::settle(conn, charge.id, VOIDED, None).await?;
    Ok(Outcome::Applied)
}

/// A charge succeeded: the ledger says so, then what the money was for happens: the booking
/// is confirmed (or a change of its dates applied) once its payments cover the price. Money
/// that no longer pays for anything (the booking died, or the change's window closed) goes
/// back to the guest.
pub(super) async fn charge_succeeded(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    provider: &str,
    intent: &Value,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    let (booking, charge) = match settle_locked(conn, provider, intent, SUCCEEDED).await? {
        Ok(settled) => settled,
        Err(outcome) => return Ok(outcome),
    };
    let status = booking.status();
    if status.awaits_payment() {
        change_by_payment(conn, base_url, booking.id, Change::Confirm, now).await?;
        return Ok(Outcome::Applied);
    }
    let paid = ledger::totals(conn, booking.id).await?.net_paid();
    if status == Status::Confirmed
        && let Some(change) = pending_change::find_pending(conn, booking.id).await?
    {
        if paid >= change.total_amount {
            let moved = pending_change::apply(conn, &booking, &change, now).await?;
            let listing = crate::listings::model::find(conn, booking.listing_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            record_move(conn, base_url, &booking, &moved, &listing, None).await?;
        }
        return Ok(Outcome::Applied);
    }
    // Nothing waits for this money: the booking died, or the change it paid for expired.
    let keep = if status.is_dead() {
        0
    } else {
        booking.total_amount
    };
    let surplus = (paid - keep).min(charge.amount);
    if surplus > 0 {
        let refunded =
            ledger::refund(conn, booking.id, &charge.currency, surplus, Some(charge.id)).await?;
        let note = format!("Late payment refunded: {}", booking.money(refunded));
        history::record_event(conn, booking.id, Some(status), status, None, &note).await?;
    }
    Ok(Outcome::Applied)
}

/// A refund's news: its ledger row is found (by reference, else by our metadata) or, for a
/// refund made elsewhere (Stripe's dashboard), created against its charge, never beyond what is
/// left of that charge; then settled.
pub(super) async fn refund_update(
    conn: &mut AsyncPgConnection,
    provider: &str,
    refund: &Value,
    intent_of_charge: Option<&str>,
) -> Result<Outcome, ServiceError> {
    let Some(reference) = text(refund, "id") else {
        return Ok(Outcome::Ignored);
    };
    let mut row = ledger::find_by_ref(conn, provider, reference).await?;
    if row.is_none()
        && let Some(payment_id) = metadata_id(refund, "payment_id")
        && let Some(found) = ledger::find(conn, payment_id).await?
        && found.kind == REFUND
        && found.provider == provider
        && found.provider_ref.is_none()
    {
        ledger::set_provider_ref(conn, found.id, reference).await?;
        row = Some(found);
    }
    let row = match row {
        Some(row) => row,
        None => {
            let intent = text(refund, "payment_intent").or(intent_of_charge);
            let charge = match intent {
                Some(intent) => ledger::find_by_ref(conn, provider, intent).await?,
                None => None,
            };
            let (Some(charge), Some(amount)) = (charge, amount_of(refund)) else {
                return Ok(Outcome::Ignored);
            };
            if let Some(currency) = text(refund, "currency")
                && !currency.eq_ignore_ascii_case(&charge.currency)
            {
                return Ok(Outcome::Refused(format!(
                    "refund {reference} is in {}, its charge in {}",
                    currency.to_uppercase(),
                    charge.currency
                )));
            }
            // The booking's lock first (one lock order), then what is left of the charge.
            model::lock(conn, BookingId::new(charge.booking_id)).await?;
            let left = ledger::left_to_refund(conn, charge.id).await?;
            if amount > left {
                return Ok(Outcome::Refused(format!(
                    "refund {reference} of {amount} exceeds the {left} left of charge {}",
                    charge.id
                )));
            }
            let new = NewRow {
                booking_id: charge.booking_id,
                kind: REFUND,
                provider,
                provider_ref: Some(reference),
                amount,
                currency: &charge.currency,
                status: PENDING,
                refund_of: Some(charge.id),
            };
            match ledger::insert(conn, new).await? {
                Some(row) => row,
                None => match ledger::find_by_ref(conn, provider, reference).await? {
                    Some(row) => row,
                    None => return Ok(Outcome::Ignored),
                },
            }
        }
    };
    match RefundStatus::from_provider(text(refund, "status")) {
        RefundStatus::Succeeded => {
            ledger::settle(conn, row.id, SUCCEEDED, None).await?;
        }
        RefundStatus::Failed => {
            let reason = text(refund, "failure_reason").unwrap_or("The refund failed.");
            ledger::settle(conn, row.id, FAILED, Some(reason)).await?;
        }
        RefundStatus::Pending => {}
    }
    Ok(Outcome::Applied)
}
