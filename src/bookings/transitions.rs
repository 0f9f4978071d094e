//! The booking state machine. Every change of status goes through [`apply`], which in one
//! transaction: locks the booking, checks the allowed `from` states with a conditional
//! `UPDATE … WHERE status IN (…)` (so of two concurrent changes only one can win), records
//! who did it and when in `booking_events`, releases the dates when the booking dies, plans
//! the refund that is due, and queues the emails to the people concerned.
//!
//! ```text
//! pending_payment ──pay──▶ confirmed ──▶ checked_in ──▶ completed
//! pending_payment ──card authorized──▶ requested ──accept──▶ accepted ──captured──▶ confirmed
//!   (a request to book; declined, withdrawn or expired, its authorization is voided)
//! requested ──▶ declined          pending_payment | requested | accepted ──▶ expired
//! pending_payment | requested | accepted | confirmed ──▶ cancelled_by_guest | cancelled_by_host
//!                                  (cancelled_by_host also when Roost cancels: CancelByPlatform)
//! ```

use crate::service::{BookingId, UserId};
use chrono::{DateTime, Duration, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    domain::Status,
    emails::{self, Context, Notice},
    history,
    model::{self, Booking},
    pending_change,
    policy::{self, Policy, Refund},
};
use crate::{
    bookings::ledger,
    listings::model::Listing,
    schema::bookings,
    service::{ServiceError, ServiceResult},
};

/// How long a host has to answer a request, and a guest to pay once accepted.
pub const REQUEST_HOLD: Duration = Duration::hours(24);
/// How long an instant booking holds its dates while the guest pays.
pub const PAYMENT_HOLD: Duration = Duration::minutes(15);

/// A change of status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A request to book's card was authorized: the request goes to the host, who has
    /// [`REQUEST_HOLD`] to answer.
    Authorize,
    /// The host accepts a request: its authorized charge is captured (a job), and if that
    /// fails the guest has [`REQUEST_HOLD`] to pay another way.
    Accept,
    Decline,
    /// A verified payment event covered the price.
    Confirm,
    /// The hold ran out.
    Expire,
    CheckIn,
    Complete,
    CancelByGuest,
    CancelByHost,
    /// Roost (an admin) cancels: the host cancellation's states, end state and full refund,
    /// with emails that say who cancelled.
    CancelByPlatform,
}

impl Change {
    /// The states this change may start from.
    pub fn allowed_from(self) -> &'static [Status] {
        use Status::*;
        match self {
            Change::Authorize => &[PendingPayment],
            Change::Accept | Change::Decline => &[Requested],
            Change::Confirm => &[PendingPayment, Accepted],
            Change::Expire => &[PendingPayment, Requested, Accepted],
            Change::CheckIn => &[Confirmed],
            Change::Complete => &[CheckedIn],
            Change::CancelByGuest | Change::CancelByHost | Change::CancelByPlatform => {
                &[PendingPayment, Requested, Accepted, Confirmed]
            }
        }
    }

    pub fn target(self) -> Status {
        match self {
            Change::Authorize => Status::Requested,
            Change::Accept => Status::Accepted,
            Change::Decline => Status::Declined,
            Change::Confirm => Status::Confirmed,
            Change::Expire => Status::Expired,
            Change::CheckIn => Status::CheckedIn,
            Change::Complete => Status::Completed,
            Change::CancelByGuest => Status::CancelledByGuest,
            Change::CancelByHost | Change::CancelByPlatform => Status::CancelledByHost,
        }
    }
}

/// Why a change did not happen, as the service error every door understands: the booking
/// is (by now) in a state the change cannot start from, or a rule of the change says no.
fn wrong_state(status: Status) -> ServiceError {
    ServiceError::conflict(format!(
        "That is no longer possible: this booking is now “{}”.",
        status.label()
    ))
}

/// Check-in before the check-in date.
pub const TOO_EARLY: &str = "Guests can be checked in from the check-in date.";
/// A card authorization for a booking that is no request to book (an instant booking is
/// charged, never authorized).
pub const NOT_A_REQUEST: &str = "This booking is not a request to book.";
/// Confirmation of a request to book its host has not accepted.
pub const NOT_ACCEPTED: &str = "The host has not accepted this request yet.";
/// Confirmation before the price was paid in full.
pub const UNPAID: &str = "The booking is not paid in full yet.";

/// Whether `error` is a change refused by the state machine (the booking moved on, or a rule
/// said no), which jobs and payment events take in their stride, rather than a failure.
pub fn is_refusal(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Conflict(_) | ServiceError::Refused(_))
}

/// A change that happened.
#[derive(Clone, Debug)]
pub struct Applied {
    pub booking: Booking,
    pub from: Status,
    /// What goes back to the guest (refund rows are pending, sent by a job).
    pub refunded: i64,
}

/// The refund a guest cancelling `booking` at `now` is promised by the listing's policy (the
/// whole price while it is not confirmed; the ledger caps it at what was paid).
pub fn guest_refund(booking: &Booking, listing: &Listing, now: DateTime<Utc>) -> Refund {
    let items = booking.line_items();
    if booking.status() != Status::Confirmed {
        return Refund::full(&items, "Not confirmed yet: everything paid is refunded.");
    }
    let starts = policy::check_in_at(booking.check_in, listing.check_in_time, &listing.tz());
    policy::guest_refund(
        Policy::from_stored(&booking.cancellation_policy),
        &items,
        starts - now,
    )
}

/// Applies `change` to booking `id`. `actor` is the user who acts, `None` for the system: the
/// callers (the services, which check the acting party first; jobs; payment events) decide
/// who may ask. A refused change is a `Conflict` or `Refused` ([`is_refusal`]).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    id: BookingId,
    change: Change,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> ServiceResult<Applied> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let booking = model::lock(conn, id).await?.ok_or(ServiceError::NotFound)?;
        let from = booking.status();
        let allowed = change.allowed_from();
        if !allowed.contains(&from) {
            return Err(wrong_state(from));
        }
        let listing = crate::listings::model::find(conn, booking.listing_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        match change {
            Change::CheckIn if listing.local_date(now) < booking.check_in => {
                return Err(ServiceError::refused(TOO_EARLY));
            }
            Change::Authorize if !booking.request_to_book => {
                return Err(ServiceError::conflict(NOT_A_REQUEST));
            }
            // A request is confirmed by the capture that follows its host's acceptance, never
            // by money that arrives before the host said yes.
            Change::Confirm if booking.request_to_book && from == Status::PendingPayment => {
                return Err(ServiceError::conflict(NOT_ACCEPTED));
            }
            Change::Confirm => {
                // The rule the database checks again at commit (`bookings_paid_in_full`):
                // successful charges cover the price. Refunds are not subtracted, so that a
                // refund reported before its charge's success ends as in the usual order.
                let totals = ledger::totals(conn, id).await?;
                if totals.charged < booking.total_amount {
                    return Err(ServiceError::conflict(UNPAID));
                }
            }
            _ => {}
        }
        let to = change.target();
        let hold = matches!(to, Status::Requested | Status::Accepted).then(|| now + REQUEST_HOLD);
        let updated = diesel::update(
            bookings::table
                .find(id)
                .filter(bookings::status.eq_any(allowed)),
        )
        .set((
            bookings::status.eq(to),
            bookings::hold_expires_at.eq(hold),
            bookings::updated_at.eq(now),
        ))
        .returning(Booking::as_returning())
        .get_result(conn)
        .await
        .optional()?;
        let Some(updated) = updated else {
            return Err(wrong_state(from));
        };
        let mut note = String::new();
        let mut refunded = 0;
        if from == Status::Confirmed {
            // A change of dates still waiting for payment ends with the confirmed stay.
            pending_change::withdraw_any(conn, id, now).await?;
        }
        if change == Change::Accept && ledger::plan_captures(conn, id).await? > 0 {
            // Taken by a job, outside this transaction: the host's answer never waits on the
            // provider, and a provider outage only delays the charge.
            note = "The guest's card is being charged.".into();
        }
        if to.is_dead() {
            model::release_dates(conn, id).await?;
            let voided = ledger::plan_voids(conn, id).await?;
            let promised = match change {
                Change::CancelByGuest => guest_refund(&booking, &listing, now).total,
                _ => booking.total_amount,
            };
            refunded = ledger::refund(conn, id, &booking.currency, promised, None).await?;
            if refunded > 0 {
                note = format!("Refund of {}", booking.money(refunded));
            } else if voided > 0 {
                note = "The card authorization is released: nothing was charged.".into();
            }
            if change == Change::CancelByPlatform {
                note = format!("Cancelled by Roost. {note}").trim_end().to_string();
            }
        }
        history::record_event(conn, id, Some(from), to, actor, &note).await?;
        let (guest, host) = emails::parties(conn, updated.guest_id, listing.host_id).await?;
        let ctx = Context {
            booking: &updated,
            listing: &listing,
            guest: &guest,
            host: &host,
            base_url,
        };
        let notice = if change == Change::CancelByPlatform {
            Notice::CancelledByRoost { refund: refunded }
        } else {
            Notice::Entered {
                from,
                status: to,
                refund: refunded,
            }
        };
        emails::notify(conn, &ctx, &notice).await?;
        Ok(Applied {
            booking: updated,
            from,
            refunded,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGES: [Change; 10] = [
        Change::Authorize,
        Change::Accept,
        Change::Decline,
        Change::Confirm,
        Change::Expire,
        Change::CheckIn,
        Change::Complete,
        Change::CancelByGuest,
        Change::CancelByHost,
        Change::CancelByPlatform,
    ];

    #[test]
    fn nothing_leaves_a_final_state() {
        for change in CHANGES {
            for dead in [
                Status::Completed,
                Status::Declined,
                Status::Expired,
                Status::CancelledByGuest,
                Status::CancelledByHost,
            ] {
                assert!(
                    !change.allowed_from().contains(&dead),
                    "{change:?} from {dead:?}"
                );
            }
        }
    }

    #[test]
    fn only_unconfirmed_holds_expire_and_only_paid_stays_start() {
        assert!(!Change::Expire.allowed_from().contains(&Status::Confirmed));
        assert_eq!(Change::CheckIn.allowed_from(), &[Status::Confirmed]);
        assert!(!Change::Confirm.allowed_from().contains(&Status::Requested));
        assert!(
            !Change::CancelByGuest
                .allowed_from()
                .contains(&Status::CheckedIn)
        );
    }
}
