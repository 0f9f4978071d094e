//! The guest's trips: the tabs of `/trips`, one trip with its history, payments, balance and
//! what the guest may do next. A guest sees only their own trips: anyone else's is `NotFound`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::changes::{can_cancel, can_change};
use crate::{
    bookings::ledger::{self, Totals},
    bookings::{
        arrival::Arrival,
        domain::Status,
        history::{self, BookingEvent},
        model::{self, Booking, BookingSummary},
        pending_change::{self, PendingChange},
        policy::{self, Policy},
    },
    reviews::service::{self as reviews, Side},
    service::{Actor, BookingId, ServiceError, ServiceResult, UserId},
};

/// Said when nothing can be paid on a trip now (paid already, or not payable in its state).
pub const NOTHING_DUE: &str = "There is nothing to pay on this trip right now.";
/// Said when the hold on the dates ran out before the payment.
pub const HOLD_EXPIRED: &str = "The hold on these dates has run out, so it can no longer be paid.";

/// The tabs of `/trips`: (value, label, statuses, soonest first).
const TABS: [(&str, &str, &[Status], bool); 3] = [
    (
        "upcoming",
        "Upcoming",
        &[
            Status::PendingPayment,
            Status::Requested,
            Status::Accepted,
            Status::Confirmed,
            Status::CheckedIn,
        ],
        true,
    ),
    ("past", "Past", &[Status::Completed], false),
    (
        "cancelled",
        "Cancelled",
        &[
            Status::CancelledByGuest,
            Status::CancelledByHost,
            Status::Declined,
            Status::Expired,
        ],
        false,
    ),
];

/// Every tab: (value, label).
fn tab_list() -> Vec<(&'static str, &'static str)> {
    TABS.iter()
        .map(|(value, label, ..)| (*value, *label))
        .collect()
}

/// One tab of the acting guest's trips.
#[derive(Debug)]
pub struct Trips {
    /// The tab shown (an unknown one reads as the first).
    pub tab: &'static str,
    /// Every tab: (value, label).
    pub tabs: Vec<(&'static str, &'static str)>,
    pub trips: Vec<BookingSummary>,
}

/// The acting guest's trips in `tab` (the page's first [`model::LIST_LIMIT`]).
pub async fn trips(conn: &mut AsyncPgConnection, actor: &Actor, tab: &str) -> ServiceResult<Trips> {
    let guest = actor.member()?;
    let (tab, _, statuses, soonest_first) = TABS
        .iter()
        .find(|(value, ..)| *value == tab)
        .copied()
        .unwrap_or(TABS[0]);
    let trips = model::trips(
        conn,
        guest.id.get(),
        statuses,
        soonest_first,
        (0, model::LIST_LIMIT),
    )
    .await?;
    Ok(Trips {
        tab,
        tabs: tab_list(),
        trips,
    })
}

/// One page of the acting guest's trips in `tab` (`upcoming` when empty; an unknown tab is
/// `Invalid` on `tab`): `per_page` of them from page `page` (from 1), and whether another page
/// follows.
pub async fn trips_page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    tab: &str,
    page: i64,
    per_page: i64,
) -> ServiceResult<(Trips, bool)> {
    let guest = actor.member()?;
    let tab = match tab.trim() {
        "" => TABS[0].0,
        tab => tab,
    };
    let Some((tab, _, statuses, soonest_first)) =
        TABS.iter().find(|(value, ..)| *value == tab).copied()
    else {
        return Err(ServiceError::invalid(
            "tab",
            "Choose upcoming, past or cancelled.",
        ));
    };
    let offset = (page.max(1) - 1) * per_page;
    let mut trips = model::trips(
        conn,
        guest.id.get(),
        statuses,
        soonest_first,
        (offset, per_page + 1),
    )
    .await?;
    let has_next = trips.len() as i64 > per_page;
    trips.truncate(usize::try_from(per_page).unwrap_or(0));
    Ok((
        Trips {
            tab,
            tabs: tab_list(),
            trips,
        },
        has_next,
    ))
}

/// What the guest owes on `booking` now, if it can be paid: the booking's price while it
/// awaits payment, or the price of a change of dates waiting for payment (`pending`), less what
/// was paid ([`Totals::due`], the one ledger computation); `Refused(`[`HOLD_EXPIRED`]`)` once
/// the hold on the dates has ended, `Refused(`[`NOTHING_DUE`]`)` when nothing is due. A
/// confirmed stay with no pending change owes nothing (its payments cover its price: the
/// database holds that).
pub fn payable(
    booking: &Booking,
    pending: Option<&PendingChange>,
    totals: &Totals,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let status = booking.status();
    let (price, deadline) = match pending {
        _ if status.awaits_payment() => (booking.total_amount, booking.hold_expires_at),
        Some(change) if status == Status::Confirmed => {
            (change.total_amount, Some(change.hold_expires_at))
        }
        _ => return Err(ServiceError::refused(NOTHING_DUE)),
    };
    let due = totals.due(price);
    if due <= 0 {
        return Err(ServiceError::refused(NOTHING_DUE));
    }
    if deadline.is_some_and(|at| at <= now) {
        return Err(ServiceError::refused(HOLD_EXPIRED));
    }
    Ok(due)
}

/// The acting guest's trip `id` (`NotFound` for anyone else's).
pub async fn own_trip(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
) -> ServiceResult<BookingSummary> {
    actor.member()?;
    let trip = model::find_trip(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.owner(trip.booking.guest_id)?;
    Ok(trip)
}

/// A trip's history and ledger.
#[derive(Debug, Default)]
pub struct TripRecords {
    pub events: Vec<BookingEvent>,
    pub payments: Vec<ledger::Payment>,
}

/// The history and ledger of several of the acting guest's trips, by booking, in three
/// statements whatever their number (which of `ids` are the guest's, their events, their
/// payments). Anyone else's ids are left out, as [`own_trip`] would refuse them.
pub async fn trip_records(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    ids: &[BookingId],
) -> ServiceResult<HashMap<BookingId, TripRecords>> {
    let guest = actor.member()?;
    let own: Vec<BookingId> = model::owned_by_guest(conn, guest.id, ids)
        .await?
        .into_iter()
        .map(BookingId::new)
        .collect();
    let mut records: HashMap<BookingId, TripRecords> =
        own.iter().map(|id| (*id, TripRecords::default())).collect();
    for event in history::events_of(conn, &own).await? {
        if let Some(record) = records.get_mut(&BookingId::new(event.booking_id)) {
            record.events.push(event);
        }
    }
    for payment in ledger::for_bookings(conn, &own).await? {
        if let Some(record) = records.get_mut(&BookingId::new(payment.booking_id)) {
            record.payments.push(payment);
        }
    }
    Ok(records)
}

/// A trip with what can be paid on it now.
#[derive(Debug)]
pub struct Balance {
    pub trip: BookingSummary,
    /// What is due now (minor units of the booking's currency).
    pub due: i64,
    /// The change of dates this payment is for, if it is for one.
    pub change: Option<PendingChange>,
}

/// What the acting guest can pay on their trip `id` now (see [`payable`]).
pub async fn balance(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<Balance> {
    let trip = own_trip(conn, actor, id).await?;
    let totals = ledger::totals(conn, id).await?;
    let change = pending_change::find_pending(conn, id).await?;
    let due = payable(&trip.booking, change.as_ref(), &totals, now)?;
    Ok(Balance { trip, due, change })
}

/// One trip as its guest sees it.
#[derive(Debug)]
pub struct Trip {
    pub trip: BookingSummary,
    pub status: Status,
    pub events: Vec<BookingEvent>,
    pub payments: Vec<ledger::Payment>,
    /// What is due now, when it can be paid (minor units).
    pub due: Option<i64>,
    /// A change of dates waiting for its payment.
    pub change: Option<PendingChange>,
    pub can_cancel: bool,
    pub can_change: bool,
    /// The guest may write their review now (the link would otherwise lead to a refusal).
    pub can_review: bool,
    /// Where and how to arrive, once the stay is confirmed (see [`Arrival::shared_in`]).
    pub arrival: Option<Arrival>,
    /// Until when cancelling a confirmed stay returns everything, while that is still ahead.
    pub free_cancellation_until: Option<DateTime<Utc>>,
}

/// The acting guest's trip `id` with its history, payments and next steps.
pub async fn trip(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<Trip> {
    let trip = own_trip(conn, actor, id).await?;
    let events = history::events(conn, id).await?;
    let payments = ledger::for_booking(conn, id).await?;
    let status = trip.booking.status();
    let change = pending_change::find_pending(conn, id).await?;
    let totals = ledger::totals(conn, id).await?;
    let due = payable(&trip.booking, change.as_ref(), &totals, now).ok();
    let guest_id = trip.booking.guest_id;
    let can_review = review_open(conn, id, guest_id, Side::Guest, status, now).await?;
    let arrival = if Arrival::shared_in(status) {
        Arrival::load(conn, trip.booking.listing_id).await?
    } else {
        None
    };
    let free_cancellation_until = if status == Status::Confirmed {
        free_cancellation_until(conn, &trip.booking, now).await?
    } else {
        None
    };
    Ok(Trip {
        arrival,
        free_cancellation_until,
        trip,
        status,
        events,
        payments,
        due,
        change,
        can_cancel: can_cancel(status),
        can_change: can_change(status),
        can_review,
    })
}

/// Until when the guest of `booking` may cancel for a full refund, if that moment is ahead:
/// its policy's notice before check-in, the listing's check-in time where the listing is.
async fn free_cancellation_until(
    conn: &mut AsyncPgConnection,
    booking: &Booking,
    now: DateTime<Utc>,
) -> ServiceResult<Option<DateTime<Utc>>> {
    let Some(listing) = crate::listings::model::find(conn, booking.listing_id).await? else {
        return Ok(None);
    };
    let check_in = policy::check_in_at(booking.check_in, listing.check_in_time, &listing.tz());
    Ok(Policy::from_stored(&booking.cancellation_policy)
        .full_refund_until(check_in)
        .filter(|until| *until > now))
}

/// The change-of-dates form of the acting guest's trip `id`: the trip, and whether its dates
/// can change (only a confirmed stay's).
pub async fn change_form(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
) -> ServiceResult<(BookingSummary, bool)> {
    let trip = own_trip(conn, actor, id).await?;
    let changeable = can_change(trip.booking.status());
    Ok((trip, changeable))
}

/// Whether the review of a stay that is over can be written now by `user_id` (only asked of
/// the database for such stays). Shared with the host's reservation.
pub(super) async fn review_open(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    user_id: UserId,
    side: Side,
    status: Status,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    if !matches!(status, Status::CheckedIn | Status::Completed) {
        return Ok(false);
    }
    let open = reviews::open_review(conn, booking_id, user_id, side, now).await?;
    Ok(matches!(open, Some(Ok(_))))
}
