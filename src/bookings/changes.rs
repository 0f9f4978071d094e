//! What a guest changes after booking: new dates for a confirmed stay (repriced; a surplus is
//! refunded at once, a difference to pay is paid before the stay moves) and cancellation at
//! the refund the policy gives now.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{
    domain::Status,
    emails::{self, Context, Notice},
    history,
    model::{self, Booking},
    pending_change::{self, PendingChange, PriceLines},
    service::{self, BookError},
    transitions::{self, Applied, Change, PAYMENT_HOLD, Refusal},
};
use crate::{
    db,
    errors::AppError,
    listings::calendar::lock_listing,
    payments::ledger,
    pricing::{self, PricingPolicy},
};

/// What a change of dates did.
#[derive(Debug)]
pub enum DatesChanged {
    /// The stay moved at once: what was paid covers the new price; `refunded` (the surplus)
    /// goes back to the guest.
    Moved { booking: Booking, refunded: i64 },
    /// The new dates cost more than what was paid. The stay keeps its dates and price until
    /// `due` is paid; the nights the new dates add are held until `change.hold_expires_at`.
    AwaitingPayment {
        booking: Booking,
        change: PendingChange,
        due: i64,
    },
}

/// Moves the guest's confirmed stay `id` to new dates, repriced at the listing's current rates
/// in the booking's currency. A change that costs more than what was paid waits for the
/// difference (see [`pending_change`]); a cheaper one happens at once and refunds the surplus.
/// A newer request replaces a change still waiting for payment.
pub async fn change_dates(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest_id: i64,
    id: i64,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> Result<DatesChanged, BookError> {
    db::retry_on_contention(async || {
        conn.transaction::<_, BookError, _>(async |conn| {
            change_dates_once(conn, base_url, guest_id, id, check_in, check_out, now).await
        })
        .await
    })
    .await
}

async fn change_dates_once(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest_id: i64,
    id: i64,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> Result<DatesChanged, BookError> {
    let booking = model::lock(conn, id)
        .await?
        .filter(|booking| booking.guest_id == guest_id)
        .ok_or(AppError::NotFound)?;
    if booking.status() != Status::Confirmed {
        return Err(BookError::Invalid {
            field: "form",
            message: "Only confirmed stays can move to other dates.".into(),
        });
    }
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The booking's currency was fixed when it was made. Its host now prices the place in
    // another one, and converting would need an exchange rate neither party agreed to, so
    // such a stay can only be kept or cancelled.
    if listing.currency != booking.currency {
        return Err(BookError::Invalid {
            field: "form",
            message: format!(
                "The host now prices this place in {}, and your stay was booked in {}, so its \
                 dates can no longer be changed here. You can keep your stay, or cancel it \
                 and book the new dates.",
                listing.currency, booking.currency
            ),
        });
    }
    let stay = service::stay_dates(&listing, check_in, check_out, now)?;
    if stay.check_in() == booking.check_in && stay.check_out() == booking.check_out {
        return Err(BookError::Invalid {
            field: "check_in",
            message: "These are already the dates of your stay.".into(),
        });
    }
    pending_change::withdraw_any(conn, id, now).await?;
    let quote = pricing::quote(&listing.rates(), stay.nights(), &PricingPolicy::default());
    let paid = ledger::totals(conn, id).await?.net_paid();
    if quote.total_amount > paid {
        let change =
            pending_change::open(conn, &booking, &stay, &quote, now + PAYMENT_HOLD).await?;
        let due = quote.total_amount - paid;
        let note = format!(
            "Asked to move to {}; {} to pay by {}",
            change.dates(),
            booking.money(due),
            change.deadline()
        );
        let status = Status::Confirmed;
        history::record_event(conn, id, Some(status), status, Some(guest_id), &note).await?;
        return Ok(DatesChanged::AwaitingPayment {
            booking,
            change,
            due,
        });
    }
    lock_listing(conn, listing.id).await?;
    let price = PriceLines::from(&quote);
    let updated =
        pending_change::move_booking(conn, id, stay.check_in(), stay.check_out(), &price, now)
            .await?;
    let refunded = ledger::refund(
        conn,
        id,
        &updated.currency,
        paid - updated.total_amount,
        None,
    )
    .await?;
    record_move(conn, base_url, &booking, &updated, &listing, Some(guest_id)).await?;
    Ok(DatesChanged::Moved {
        booking: updated,
        refunded,
    })
}

/// The history line and the emails of a stay that moved from `before`'s dates to `after`'s.
pub(crate) async fn record_move(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    before: &Booking,
    after: &Booking,
    listing: &crate::listings::model::Listing,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let note = format!(
        "Dates changed from {} to {}; new total {}",
        before.dates(),
        after.dates(),
        after.total()
    );
    let status = after.status();
    history::record_event(conn, after.id, Some(status), status, actor, &note).await?;
    let (guest, host) = emails::parties(conn, after.guest_id, listing.host_id).await?;
    let ctx = Context {
        booking: after,
        listing,
        guest: &guest,
        host: &host,
        base_url,
    };
    let notice = Notice::DatesChanged {
        previous: before.dates(),
        difference: after.total_amount - before.total_amount,
    };
    emails::notify(conn, &ctx, &notice).await?;
    Ok(())
}

/// Why a guest's cancellation did not happen.
#[derive(Debug)]
pub enum CancelError {
    Refused(Refusal),
    /// The refund is no longer what the guest was shown (a deadline passed): the new amount.
    RefundChanged(i64),
    App(AppError),
}

impl<E: Into<AppError>> From<E> for CancelError {
    fn from(error: E) -> Self {
        CancelError::App(error.into())
    }
}

/// The refund the guest would get by cancelling trip `id` now (capped at what was paid), with
/// the booking and the policy's breakdown; `None` if it is not the guest's trip.
pub async fn refund_preview(
    conn: &mut AsyncPgConnection,
    guest_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(Booking, super::policy::Refund, i64)>, AppError> {
    let Some(booking) = model::find(conn, id)
        .await?
        .filter(|booking| booking.guest_id == guest_id)
    else {
        return Ok(None);
    };
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let refund = transitions::guest_refund(&booking, &listing, now);
    let paid = ledger::totals(conn, id).await?.net_paid();
    let capped = refund.total.min(paid).max(0);
    Ok(Some((booking, refund, capped)))
}

/// Cancels the guest's trip `id`; when `expected_refund` is given and the policy now gives a
/// different amount, nothing happens and the new amount is returned to show.
pub async fn cancel_as_guest(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest_id: i64,
    id: i64,
    expected_refund: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Applied, CancelError> {
    conn.transaction::<_, CancelError, _>(async |conn| {
        model::lock(conn, id).await?;
        let (_, _, refund) = refund_preview(conn, guest_id, id, now)
            .await?
            .ok_or(AppError::NotFound)?;
        if expected_refund.is_some_and(|expected| expected != refund) {
            return Err(CancelError::RefundChanged(refund));
        }
        transitions::apply(
            conn,
            base_url,
            id,
            Change::CancelByGuest,
            Some(guest_id),
            now,
        )
        .await?
        .map_err(CancelError::Refused)
    })
    .await
}
