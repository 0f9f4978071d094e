//! Reconciling provider events with the ledger: finding (or creating) the row an event is
//! about, settling it with a conditional update, and what follows a settled charge (the
//! booking confirmed, or the money returned to a guest whose booking died meanwhile).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::Value;

use super::{
    gateway::RefundStatus,
    ledger::{self, CHARGE, FAILED, NewRow, PENDING, Payment, REFUND, SUCCEEDED},
};
use crate::{
    bookings::{
        history, model,
        transitions::{self, Change},
    },
    errors::AppError,
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

/// The ledger row of a payment intent: by its reference, else by the ledger id we put in its
/// metadata (the reference may not be stored yet), else a new row for a charge of a known
/// booking that Roost has no row of (tolerated, so that money is never unaccounted for).
pub(super) async fn find_charge(
    conn: &mut AsyncPgConnection,
    provider: &str,
    intent: &Value,
) -> Result<Option<Payment>, AppError> {
    let Some(reference) = text(intent, "id") else {
        return Ok(None);
    };
    if let Some(found) = ledger::find_by_ref(conn, provider, reference).await? {
        return Ok((found.kind == CHARGE).then_some(found));
    }
    let booking_id = metadata_id(intent, "booking_id");
    if let Some(payment_id) = metadata_id(intent, "payment_id")
        && let Some(row) = ledger::find(conn, payment_id).await?
        && row.kind == CHARGE
        && row.provider == provider
        && row.provider_ref.is_none()
        && booking_id.is_none_or(|id| id == row.booking_id)
    {
        ledger::set_provider_ref(conn, row.id, reference).await?;
        return Ok(ledger::find(conn, row.id).await?);
    }
    let (Some(booking_id), Some(amount)) = (booking_id, amount_of(intent)) else {
        return Ok(None);
    };
    let Some(booking) = model::find(conn, booking_id).await? else {
        return Ok(None);
    };
    let currency = text(intent, "currency").map_or(booking.currency.clone(), str::to_uppercase);
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
        Some(row) => Ok(Some(row)),
        None => Ok(ledger::find_by_ref(conn, provider, reference).await?),
    }
}

/// A charge succeeded: the ledger says so, then the booking is confirmed if it is paid in full,
/// or, if it died meanwhile (expired, cancelled), the money goes back.
pub(super) async fn charge_succeeded(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    provider: &str,
    intent: &Value,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(charge) = find_charge(conn, provider, intent).await? else {
        return Ok(false);
    };
    // The booking first, like every other change of it: one lock order, no deadlocks.
    let booking = model::lock(conn, charge.booking_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !ledger::settle(conn, charge.id, SUCCEEDED, None).await? {
        return Ok(true);
    }
    let status = booking.status();
    if status.awaits_payment() {
        let outcome =
            transitions::apply(conn, base_url, booking.id, Change::Confirm, None, now).await?;
        if let Err(refusal) = outcome {
            tracing::warn!(
                booking = booking.id,
                ?refusal,
                "a payment did not confirm its booking"
            );
        }
    } else if status.is_dead() {
        let refunded = ledger::refund(
            conn,
            booking.id,
            &charge.currency,
            charge.amount,
            Some(charge.id),
        )
        .await?;
        let note = format!("Late payment refunded: {}", booking.money(refunded));
        history::record_event(conn, booking.id, Some(status), status, None, &note).await?;
    }
    Ok(true)
}

/// A refund's news: its ledger row is found (by reference, else by our metadata) or, for a
/// refund made elsewhere (Stripe's dashboard), created against its charge; then settled.
pub(super) async fn refund_update(
    conn: &mut AsyncPgConnection,
    provider: &str,
    refund: &Value,
    intent_of_charge: Option<&str>,
) -> Result<bool, AppError> {
    let Some(reference) = text(refund, "id") else {
        return Ok(false);
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
                return Ok(false);
            };
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
                    None => return Ok(false),
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
    Ok(true)
}
