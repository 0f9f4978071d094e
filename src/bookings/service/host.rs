//! The host's side of bookings: the reservations of their listings, one reservation with what
//! can be done now, and the actions (accept, decline, check in, check out, cancel with a full
//! refund). Only the host of the booking's listing: anyone else gets `NotFound`, whatever the
//! id, so that reservations cannot be probed.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::trips::review_open;
use crate::{
    bookings::ledger,
    bookings::{
        domain::Status,
        history::{self, BookingEvent},
        model::{self, BookingSummary, ReservationFilter, ReservationOrder},
        transitions::{self, Applied, Change},
    },
    reviews::service::Side,
    service::{Actor, BookingId, ListingId, ServiceError, ServiceResult, UserId},
};

/// What a host can do to a reservation, each a change of its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostAction {
    Accept,
    Decline,
    CheckIn,
    CheckOut,
    /// Cancel, refunding the guest in full.
    Cancel,
}

impl HostAction {
    pub const ALL: [HostAction; 5] = [
        HostAction::Accept,
        HostAction::Decline,
        HostAction::CheckIn,
        HostAction::CheckOut,
        HostAction::Cancel,
    ];

    /// The change of status it makes.
    pub fn change(self) -> Change {
        match self {
            HostAction::Accept => Change::Accept,
            HostAction::Decline => Change::Decline,
            HostAction::CheckIn => Change::CheckIn,
            HostAction::CheckOut => Change::Complete,
            HostAction::Cancel => Change::CancelByHost,
        }
    }

    /// Its name in URLs (`/host/reservations/{id}/{action}`).
    pub fn slug(self) -> &'static str {
        match self {
            HostAction::Accept => "accept",
            HostAction::Decline => "decline",
            HostAction::CheckIn => "check-in",
            HostAction::CheckOut => "check-out",
            HostAction::Cancel => "cancel",
        }
    }

    pub fn from_slug(slug: &str) -> Option<HostAction> {
        HostAction::ALL
            .into_iter()
            .find(|action| action.slug() == slug)
    }

    /// What its button says.
    pub fn label(self) -> &'static str {
        match self {
            HostAction::Accept => "Accept",
            HostAction::Decline => "Decline",
            HostAction::CheckIn => "Mark as checked in",
            HostAction::CheckOut => "Mark as checked out",
            HostAction::Cancel => "Cancel and refund in full",
        }
    }

    /// Its button's modifier (`btn--…`).
    pub fn css(self) -> &'static str {
        match self {
            HostAction::Decline => "secondary",
            HostAction::Cancel => "danger",
            _ => "primary",
        }
    }

    /// The actions a reservation in `status` allows.
    pub fn allowed(status: Status) -> Vec<HostAction> {
        HostAction::ALL
            .into_iter()
            .filter(|action| action.change().allowed_from().contains(&status))
            .collect()
    }
}

/// The tabs of `/host/reservations`: each status belongs to exactly one of them but `All`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReservationTab {
    /// Every reservation, the stays still ahead or under way first.
    All,
    /// Waiting for the host's answer.
    Requests,
    /// Booked and not started: paid, or waiting for the guest's payment.
    Upcoming,
    /// The guest is there.
    Current,
    Past,
    /// Cancelled, declined or lapsed.
    Cancelled,
}

impl ReservationTab {
    pub const ALL: [ReservationTab; 6] = [
        ReservationTab::All,
        ReservationTab::Requests,
        ReservationTab::Upcoming,
        ReservationTab::Current,
        ReservationTab::Past,
        ReservationTab::Cancelled,
    ];

    /// Its name in URLs (`?tab=…`).
    pub fn slug(self) -> &'static str {
        match self {
            ReservationTab::All => "all",
            ReservationTab::Requests => "requests",
            ReservationTab::Upcoming => "upcoming",
            ReservationTab::Current => "current",
            ReservationTab::Past => "past",
            ReservationTab::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReservationTab::All => "All",
            ReservationTab::Requests => "Requests",
            ReservationTab::Upcoming => "Upcoming",
            ReservationTab::Current => "Current",
            ReservationTab::Past => "Past",
            ReservationTab::Cancelled => "Cancelled",
        }
    }

    /// The tab named `slug`; anything else (nothing, an old link) is `All`.
    pub fn from_slug(slug: &str) -> ReservationTab {
        ReservationTab::ALL
            .into_iter()
            .find(|tab| tab.slug() == slug.trim())
            .unwrap_or(ReservationTab::All)
    }

    /// The statuses it lists (empty: all of them).
    pub fn statuses(self) -> &'static [Status] {
        match self {
            ReservationTab::All => &[],
            ReservationTab::Requests => &[Status::Requested],
            ReservationTab::Upcoming => {
                &[Status::PendingPayment, Status::Accepted, Status::Confirmed]
            }
            ReservationTab::Current => &[Status::CheckedIn],
            ReservationTab::Past => &[Status::Completed],
            ReservationTab::Cancelled => &[
                Status::Declined,
                Status::Expired,
                Status::CancelledByGuest,
                Status::CancelledByHost,
            ],
        }
    }

    /// What comes first: what needs the host soonest.
    pub fn order(self) -> ReservationOrder {
        match self {
            ReservationTab::All => ReservationOrder::UpcomingFirst,
            ReservationTab::Requests => ReservationOrder::SoonestDeadline,
            ReservationTab::Upcoming => ReservationOrder::SoonestCheckIn,
            ReservationTab::Current => ReservationOrder::SoonestCheckOut,
            ReservationTab::Past => ReservationOrder::LatestCheckOut,
            ReservationTab::Cancelled => ReservationOrder::LatestChange,
        }
    }
}

/// The acting host's reservations in one tab, optionally of one of their listings, with their
/// listings (for the filter).
#[derive(Debug)]
pub struct Reservations {
    pub reservations: Vec<BookingSummary>,
    /// The host's listings: (id, title).
    pub listings: Vec<(i64, String)>,
}

/// The reservations of the acting member's listings in `tab` (none for a member without
/// listings): two statements.
pub async fn reservations(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    tab: ReservationTab,
    listing: Option<ListingId>,
) -> ServiceResult<Reservations> {
    let host = actor.member()?.id.get();
    let filter = ReservationFilter {
        statuses: tab.statuses(),
        order: tab.order(),
        listing,
        ..ReservationFilter::default()
    };
    let reservations = model::reservations(conn, host, &filter, 0, None).await?;
    let listings = model::host_listings(conn, host).await?;
    Ok(Reservations {
        reservations,
        listings,
    })
}

/// A page of the reservations of the acting member's listings that pass `filter`, latest
/// check-in first, and whether more follow (none for a member without listings).
pub async fn reservations_page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    filter: &ReservationFilter,
    offset: i64,
    per_page: i64,
) -> ServiceResult<(Vec<BookingSummary>, bool)> {
    let host = actor.member()?.id.get();
    let mut page = model::reservations(conn, host, filter, offset, Some(per_page + 1)).await?;
    let has_next = page.len() as i64 > per_page;
    page.truncate(per_page as usize);
    Ok((page, has_next))
}

/// One reservation as its host sees it.
#[derive(Debug)]
pub struct Reservation {
    pub trip: BookingSummary,
    pub status: Status,
    pub events: Vec<BookingEvent>,
    pub payments: Vec<ledger::Payment>,
    /// What can be done now.
    pub actions: Vec<HostAction>,
    /// For a booking not yet paid: how many bookings this guest let lapse or cancelled in the
    /// last 30 days (see `model::recently_dropped`).
    pub guest_dropped: Option<i64>,
    /// The host may write their review of the guest now.
    pub can_review: bool,
}

/// The reservation `id` of one of the acting host's listings (`NotFound` for anyone else).
async fn own_reservation(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
) -> ServiceResult<BookingSummary> {
    actor.member()?;
    let (trip, host_id) = model::find_reservation(conn, id.get())
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.owner(UserId::new(host_id))?;
    Ok(trip)
}

/// The acting host's reservation `id` with its history, payments and the actions it allows.
pub async fn reservation(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<Reservation> {
    let trip = own_reservation(conn, actor, id).await?;
    let host_id = actor.member()?.id;
    let events = history::events(conn, id).await?;
    let payments = ledger::for_booking(conn, id).await?;
    let status = trip.booking.status();
    let guest_dropped = if status.awaits_payment() || status == Status::Requested {
        Some(model::recently_dropped(conn, trip.booking.guest_id).await?)
    } else {
        None
    };
    let can_review = review_open(conn, id, host_id, Side::Host, status, now).await?;
    Ok(Reservation {
        actions: HostAction::allowed(status),
        trip,
        status,
        events,
        payments,
        guest_dropped,
        can_review,
    })
}

/// Applies `action` to the acting host's reservation `id`. A reservation that no longer allows
/// it is a `Conflict`; checking in before the check-in date is `Refused`.
pub async fn act(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    actor: &Actor,
    id: BookingId,
    action: HostAction,
    now: DateTime<Utc>,
) -> ServiceResult<Applied> {
    own_reservation(conn, actor, id).await?;
    let host_id = actor.member()?.id;
    transitions::apply(conn, base_url, id, action.change(), Some(host_id), now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_is_in_exactly_one_tab_but_all() {
        for status in Status::ALL {
            let tabs: Vec<&str> = ReservationTab::ALL
                .into_iter()
                .filter(|tab| tab.statuses().contains(status))
                .map(ReservationTab::slug)
                .collect();
            assert_eq!(tabs.len(), 1, "{status:?} is in {tabs:?}");
        }
        for tab in ReservationTab::ALL {
            assert_eq!(ReservationTab::from_slug(tab.slug()), tab);
        }
        assert_eq!(ReservationTab::from_slug("paid"), ReservationTab::All);
    }
}
