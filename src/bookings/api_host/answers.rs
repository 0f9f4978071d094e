//! The shapes a host's reservation is answered in: a reservation as lists show it, and one
//! with its history, payments and what can be done now.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::Money,
    bookings::{
        history::BookingEvent,
        ledger::Payment,
        model::BookingSummary,
        service::{HostAction, Reservation},
    },
};

/// Where a reservation lives in the API.
pub fn reservation_url(id: impl std::fmt::Display) -> String {
    format!("/api/v1/host/reservations/{id}")
}

#[derive(Serialize, ToSchema)]
pub struct ReservedListing {
    pub id: i64,
    pub title: String,
    pub city: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReservationGuest {
    pub id: i64,
    pub name: String,
}

/// The price of the stay as booked, and what the host is paid.
#[derive(Serialize, ToSchema)]
pub struct ReservationPrice {
    pub nightly_price: Money,
    /// Nights × nightly price.
    pub base: Money,
    pub discount: Money,
    pub cleaning_fee: Money,
    pub service_fee: Money,
    pub taxes: Money,
    /// What the guest pays.
    pub total: Money,
    /// Roost's fee, taken from the host's share.
    pub host_fee: Money,
    /// What the host is paid.
    pub host_payout: Money,
}

/// A reservation of one of the host's listings.
#[derive(Serialize, ToSchema)]
pub struct ReservationAnswer {
    pub id: i64,
    /// `pending_payment`, `requested`, `accepted`, `confirmed`, `checked_in`, `completed`,
    /// `declined`, `expired`, `cancelled_by_guest` or `cancelled_by_host`.
    pub status: String,
    /// The status for people.
    pub status_label: String,
    pub listing: ReservedListing,
    pub guest: ReservationGuest,
    /// Days in the listing's time zone.
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub nights: i32,
    pub guests: i32,
    /// `flexible`, `moderate` or `strict`, as when booked.
    pub cancellation_policy: String,
    pub price: ReservationPrice,
    /// While the dates are held for an answer or a payment.
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// This reservation in the API.
    pub url: String,
}

impl From<BookingSummary> for ReservationAnswer {
    fn from(summary: BookingSummary) -> Self {
        let booking = summary.booking;
        let money = |amount: i64| Money::new(amount, &booking.currency);
        ReservationAnswer {
            id: booking.id.get(),
            url: reservation_url(booking.id),
            status: booking.status.as_str().into(),
            status_label: booking.status.label().into(),
            listing: ReservedListing {
                id: booking.listing_id.get(),
                title: summary.listing_title,
                city: summary.listing_city,
            },
            guest: ReservationGuest {
                id: booking.guest_id.get(),
                name: summary.counterpart,
            },
            check_in: booking.check_in,
            check_out: booking.check_out,
            nights: booking.nights,
            guests: booking.guests,
            price: ReservationPrice {
                nightly_price: money(booking.nightly_price),
                base: money(booking.base_amount),
                discount: money(booking.discount_amount),
                cleaning_fee: money(booking.cleaning_fee),
                service_fee: money(booking.service_fee),
                taxes: money(booking.tax_amount),
                total: money(booking.total_amount),
                host_fee: money(booking.host_fee),
                host_payout: money(booking.host_payout),
            },
            hold_expires_at: booking.hold_expires_at,
            created_at: booking.created_at,
            updated_at: booking.updated_at,
            cancellation_policy: booking.cancellation_policy,
        }
    }
}

/// One change of the reservation's status.
#[derive(Serialize, ToSchema)]
pub struct ReservationEvent {
    pub from_status: Option<String>,
    pub to_status: String,
    /// `guest`, `host` or `roost` (a job or a payment event).
    pub by: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// One charge or refund of the reservation.
#[derive(Serialize, ToSchema)]
pub struct ReservationPayment {
    pub id: i64,
    /// `charge` or `refund`.
    pub kind: String,
    /// `pending`, `authorized` (a request's card, held, not charged), `succeeded`, `failed`
    /// or `voided` (released, never charged).
    pub status: String,
    pub amount: Money,
    pub created_at: DateTime<Utc>,
}

/// A reservation with its history, its payments and what the host can do now.
#[derive(Serialize, ToSchema)]
pub struct ReservationDetail {
    pub reservation: ReservationAnswer,
    /// Oldest first.
    pub history: Vec<ReservationEvent>,
    pub payments: Vec<ReservationPayment>,
    /// What can be done now: `accept`, `decline`, `check-in`, `check-out`, `cancel` (each a
    /// `POST` to the reservation's URL + `/` + the action).
    pub actions: Vec<String>,
    /// For a request or a booking not paid yet: how many bookings this guest let lapse or
    /// cancelled in the last 30 days.
    pub guest_dropped: Option<i64>,
    /// The host may write their review of the guest now
    /// (`POST /api/v1/host/reservations/{id}/review`).
    pub can_review: bool,
}

fn event(event: BookingEvent, guest_id: crate::service::UserId) -> ReservationEvent {
    ReservationEvent {
        by: event.who(guest_id).to_lowercase(),
        from_status: event.from_status,
        to_status: event.to_status,
        note: event.note,
        at: event.created_at,
    }
}

fn payment(payment: Payment) -> ReservationPayment {
    ReservationPayment {
        id: payment.id,
        kind: payment.kind.as_str().into(),
        status: payment.status.as_str().into(),
        amount: Money::new(payment.amount, &payment.currency),
        created_at: payment.created_at,
    }
}

impl From<Reservation> for ReservationDetail {
    fn from(shown: Reservation) -> Self {
        let guest_id = shown.trip.booking.guest_id;
        ReservationDetail {
            history: shown
                .events
                .into_iter()
                .map(|e| event(e, guest_id))
                .collect(),
            payments: shown.payments.into_iter().map(payment).collect(),
            actions: shown
                .actions
                .into_iter()
                .map(|action: HostAction| action.slug().to_string())
                .collect(),
            guest_dropped: shown.guest_dropped,
            can_review: shown.can_review,
            reservation: shown.trip.into(),
        }
    }
}
