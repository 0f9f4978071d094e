//! What a guest changes after booking: new dates for a confirmed stay (repriced; a surplus is
//! refunded at once, a difference to pay is paid before the stay moves) and cancellation at
//! the refund the policy gives now. Only the booking's guest: anyone else gets `NotFound`
//! (checked under the booking's lock, in the transaction that changes it).

use crate::service::UserId;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::book::{self, taken};
use crate::{
    bookings::ledger,
    bookings::{
        domain::Status,
        emails::{self, Context, Notice},
        history,
        model::{self, Booking},
        pending_change::{self, PendingChange, PriceLines},
        policy::Refund,
        transitions::{self, Applied, Change, PAYMENT_HOLD},
    },
    db,
    listings::calendar::lock_listing,
    pricing::{self, PricingPolicy},
    service::{Actor, BookingId, ServiceError, ServiceResult},
};

/// Said when a change of dates is asked of a stay that is not confirmed.
pub const ONLY_CONFIRMED: &str = "Only confirmed stays can move to other dates.";
/// Said when the refund is no longer what the guest was shown (a deadline passed): the page
/// shows the new amount to confirm again.
pub const REFUND_CHANGED: &str = "The refund changed since it was shown.";

/// Whether a guest may still cancel a booking in `status` (the trip page's button).
pub fn can_cancel(status: Status) -> bool {
    Change::CancelByGuest.allowed_from().contains(&status)
}

/// Whether a guest may move a booking in `status` to other dates.
pub fn can_change(status: Status) -> bool {
    status == Status::Confirmed
}

/// What a change of dates did.
#[derive(Debug)]
pub enum DatesChanged {
    /// The stay moved at once: what was paid covers the new price; `refunded` (the surplus)
    /// goes back to the guest. `previous_total` is the price before the move.
    Moved {
        booking: Booking,
        refunded: i64,
        previous_total: i64,
    },
    /// The new dates cost more than what was paid. The stay keeps its dates and price until
    /// `due` is paid; the nights the new dates add are held until `change.hold_expires_at`.
    AwaitingPayment {
        booking: Booking,
        change: PendingChange,
        due: i64,
    },
}

impl DatesChanged {
    /// The new dates' price less the booking's price before (negative when cheaper), in the
    /// booking's currency.
    pub fn price_difference(&self) -> i64 {
        match self {
            DatesChanged::Moved {
                booking,
                previous_total,
                ..
            } => booking.total_amount - previous_total,
            DatesChanged::AwaitingPayment {
                booking, change, ..
            } => change.total_amount - booking.total_amount,
        }
    }
}

/// Moves the guest's confirmed stay `id` to new dates, repriced at the listing's current rates
/// in the booking's currency. A change that costs more than what was paid waits for the
/// difference (see [`pending_change`]); a cheaper one happens at once and refunds the surplus.
/// A newer request replaces a change still waiting for payment.
pub async fn change_dates(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    actor: &Actor,
    id: BookingId,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> ServiceResult<DatesChanged> {
    actor.member()?;
    db::retry_on_contention(async || {
        conn.transaction::<_, ServiceError, _>(async |conn| {
            change_dates_once(conn, base_url, actor, id, check_in, check_out, now).await
        })
        .await
    })
    .await
}

async fn change_dates_once(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    actor: &Actor,
    id: BookingId,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> ServiceResult<DatesChanged> {
    let booking = model::lock(conn, id).await?.ok_or(ServiceError::NotFound)?;
    let guest_id = actor.owner(guest_of(&booking))?.id;
    if !can_change(booking.status()) {
        return Err(ServiceError::invalid("form", ONLY_CONFIRMED));
    }
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The booking's currency was fixed when it was made. Its host now prices the place in
    // another one, and converting would need an exchange rate neither party agreed to, so
    // such a stay can only be kept or cancelled.
    if listing.currency != booking.currency {
        return Err(ServiceError::invalid(
            "form",
            format!(
                "The host now prices this place in {}, and your stay was booked in {}, so its \
                 dates can no longer be changed here. You can keep your stay, or cancel it \
                 and book the new dates.",
                listing.currency, booking.currency
            ),
        ));
    }
    let stay = book::stay_dates(&listing, check_in, check_out, now)?;
    if stay.check_in() == booking.check_in && stay.check_out() == booking.check_out {
        return Err(ServiceError::invalid(
            "check_in",
            "These are already the dates of your stay.",
        ));
    }
    pending_change::withdraw_any(conn, id, now).await?;
    let quote = pricing::quote(&listing.rates(), stay.nights(), &PricingPolicy::default());
    let paid = ledger::totals(conn, id).await?.net_paid();
    if quote.total_amount > paid {
        let change = pending_change::open(conn, &booking, &stay, &quote, now + PAYMENT_HOLD)
            .await
            .map_err(taken)?;
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
            .await
            .map_err(taken)?;
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
        previous_total: booking.total_amount,
    })
}

/// The history line and the emails of a stay that moved from `before`'s dates to `after`'s.
pub async fn record_move(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    before: &Booking,
    after: &Booking,
    listing: &crate::listings::model::Listing,
    actor: Option<UserId>,
) -> ServiceResult<()> {
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

/// The guest's id of `booking` (the owner of a trip).
fn guest_of(booking: &Booking) -> crate::service::UserId {
    booking.guest_id
}

/// What cancelling a trip now would give back.
#[derive(Debug)]
pub struct CancelPreview {
    pub booking: Booking,
    /// The policy's refund, line by line.
    pub refund: Refund,
    /// What actually goes back (the policy's refund, capped at what was paid).
    pub refund_total: i64,
    /// Whether the trip can still be cancelled.
    pub cancellable: bool,
}

/// The refund the acting guest would get by cancelling their trip `id` now (capped at what
/// was paid), with the booking and the policy's breakdown. Someone else's trip: `NotFound`.
pub async fn cancel_preview(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<CancelPreview> {
    actor.member()?;
    let booking = model::find(conn, id.get())
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.owner(guest_of(&booking))?;
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let refund = transitions::guest_refund(&booking, &listing, now);
    let paid = ledger::totals(conn, booking.id).await?.net_paid();
    let refund_total = refund.total.min(paid).max(0);
    Ok(CancelPreview {
        cancellable: can_cancel(booking.status()),
        booking,
        refund,
        refund_total,
    })
}

/// Cancels the acting guest's trip `id`; when `expected_refund` is given and the policy now
/// gives a different amount, nothing happens (`Conflict(`[`REFUND_CHANGED`]`)`: the preview
/// shows the new amount). A trip that can no longer be cancelled is a `Conflict` too.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    actor: &Actor,
    id: BookingId,
    expected_refund: Option<i64>,
    now: DateTime<Utc>,
) -> ServiceResult<Applied> {
    let guest_id = actor.member()?.id;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        model::lock(conn, id).await?;
        let preview = cancel_preview(conn, actor, id, now).await?;
        if expected_refund.is_some_and(|expected| expected != preview.refund_total) {
            return Err(ServiceError::conflict(REFUND_CHANGED));
        }
        transitions::apply(
            conn,
            base_url,
            id,
            Change::CancelByGuest,
            Some(guest_id),
            now,
        )
        .await
    })
    .await
}
