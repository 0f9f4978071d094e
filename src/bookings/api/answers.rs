//! The shapes of a booking in the JSON API: its facts (dates, status, price lines), as a list
//! shows it, and as its guest sees it in full (history, payments, balance, a pending change).
//! Money is [`Money`]: minor units with the booking's currency.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::Money,
    bookings::{
        arrival::Arrival,
        history::BookingEvent,
        ledger::Payment,
        model::{Booking, BookingSummary},
        pending_change::PendingChange,
        service::Trip,
    },
};

/// The price of a stay, line by line (the snapshot taken when it was booked or moved).
#[derive(Serialize, ToSchema)]
pub struct PriceLinesAnswer {
    pub nightly_price: Money,
    pub nights: i32,
    /// Nights × nightly price.
    pub base: Money,
    pub discount: Money,
    pub cleaning_fee: Money,
    pub service_fee: Money,
    pub taxes: Money,
    /// What the guest pays.
    pub total: Money,
}

/// What every answer says of a booking.
#[derive(Serialize, ToSchema)]
pub struct BookingFacts {
    pub id: i64,
    /// This booking in the API.
    pub url: String,
    pub listing_id: i64,
    /// `pending_payment`, `requested`, `accepted`, `confirmed`, `checked_in`, `completed`,
    /// `declined`, `expired`, `cancelled_by_guest` or `cancelled_by_host`.
    pub status: String,
    /// For people ("Awaiting payment").
    pub status_label: String,
    /// Days in the listing's time zone; check-out is the day of leaving.
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub nights: i32,
    pub guests: i32,
    pub price: PriceLinesAnswer,
    /// `flexible`, `moderate` or `strict`, as when it was booked.
    pub cancellation_policy: String,
    /// Until when the dates are held while payment (or the host's answer) is awaited.
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<&Booking> for BookingFacts {
    fn from(booking: &Booking) -> Self {
        let money = |amount: i64| Money::new(amount, &booking.currency);
        BookingFacts {
            id: booking.id.get(),
            url: format!("/api/v1/bookings/{}", booking.id),
            listing_id: booking.listing_id.get(),
            status: booking.status().as_str().to_string(),
            status_label: booking.status().label().to_string(),
            check_in: booking.check_in,
            check_out: booking.check_out,
            nights: booking.nights,
            guests: booking.guests,
            price: PriceLinesAnswer {
                nightly_price: money(booking.nightly_price),
                nights: booking.nights,
                base: money(booking.base_amount),
                discount: money(booking.discount_amount),
                cleaning_fee: money(booking.cleaning_fee),
                service_fee: money(booking.service_fee),
                taxes: money(booking.tax_amount),
                total: money(booking.total_amount),
            },
            cancellation_policy: booking.cancellation_policy.clone(),
            hold_expires_at: booking.hold_expires_at,
            created_at: booking.created_at,
        }
    }
}

/// The listing of a booking.
#[derive(Serialize, ToSchema)]
pub struct ListingRef {
    pub id: i64,
    pub title: String,
    pub city: String,
    /// IANA time zone: the stay's dates are days there.
    pub timezone: String,
    /// The listing in the API.
    pub url: String,
}

/// A booking as lists show it.
#[derive(Serialize, ToSchema)]
pub struct BookingItem {
    #[serde(flatten)]
    pub booking: BookingFacts,
    pub listing: ListingRef,
    /// The host's name.
    pub host_name: String,
}

impl From<&BookingSummary> for BookingItem {
    fn from(summary: &BookingSummary) -> Self {
        let listing_id = summary.booking.listing_id;
        BookingItem {
            booking: BookingFacts::from(&summary.booking),
            listing: ListingRef {
                id: listing_id.get(),
                title: summary.listing_title.clone(),
                city: summary.listing_city.clone(),
                timezone: summary.listing_timezone.clone(),
                url: format!("/api/v1/listings/{listing_id}"),
            },
            host_name: summary.counterpart.clone(),
        }
    }
}

/// One change of the booking's state.
#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    /// `null` for the first.
    pub from_status: Option<String>,
    pub to_status: String,
    /// `guest`, `host` or `roost` (a job or a payment event).
    pub by: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A charge or a refund.
#[derive(Serialize, ToSchema)]
pub struct PaymentEntry {
    pub id: i64,
    /// `charge` or `refund`.
    pub kind: String,
    /// `pending`, `authorized` (a request's card, held, not charged), `succeeded`, `failed`
    /// or `voided` (released, never charged).
    pub status: String,
    pub amount: Money,
    pub failure_reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// New dates waiting for the difference to be paid (the stay keeps its dates until then).
#[derive(Serialize, ToSchema)]
pub struct PendingChangeAnswer {
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub nights: i32,
    /// The price of the new dates.
    pub total: Money,
    /// When the held nights are released if the difference is not paid.
    pub pay_by: DateTime<Utc>,
}

impl PendingChangeAnswer {
    pub fn new(change: &PendingChange, currency: &str) -> Self {
        PendingChangeAnswer {
            check_in: change.check_in,
            check_out: change.check_out,
            nights: change.nights,
            total: Money::new(change.total_amount, currency),
            pay_by: change.hold_expires_at,
        }
    }
}

/// Where and how to arrive: only on a confirmed stay of the guest's own.
#[derive(Serialize, ToSchema)]
pub struct ArrivalAnswer {
    /// The exact street address (the listing itself shows only the place).
    pub address: String,
    /// City, region, country.
    pub place: String,
    /// Local time at the listing, `HH:MM`.
    pub check_in_time: String,
    pub check_out_time: String,
    /// The host's check-in instructions (key box, door code, parking).
    pub check_in_instructions: String,
    pub house_rules: String,
    pub host_first_name: String,
    /// How to reach the host.
    pub host_email: String,
}

impl From<Arrival> for ArrivalAnswer {
    fn from(arrival: Arrival) -> Self {
        ArrivalAnswer {
            check_in_time: arrival.check_in(),
            check_out_time: arrival.check_out(),
            address: arrival.address,
            place: arrival.place,
            check_in_instructions: arrival.instructions,
            house_rules: arrival.house_rules,
            host_first_name: arrival.host_first_name,
            host_email: arrival.host_email,
        }
    }
}

/// A booking as its guest sees it.
#[derive(Serialize, ToSchema)]
pub struct BookingAnswer {
    #[serde(flatten)]
    pub booking: BookingFacts,
    pub listing: ListingRef,
    pub host_name: String,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    /// Charges and refunds, oldest first.
    pub payments: Vec<PaymentEntry>,
    /// What can be paid now (`POST /bookings/{id}/payments`); `null` when nothing is due.
    pub balance_due: Option<Money>,
    pub pending_change: Option<PendingChangeAnswer>,
    /// `POST /bookings/{id}/cancel` is possible.
    pub can_cancel: bool,
    /// `POST /bookings/{id}/change` is possible.
    pub can_change: bool,
    /// The guest's review of the stay can be written now.
    pub can_review: bool,
    /// The exact address, check-in instructions and the host's contact, once the stay is
    /// confirmed; `null` before (and after it ends or is cancelled).
    pub arrival: Option<ArrivalAnswer>,
    /// Until when cancelling returns everything (a confirmed stay, while that is ahead).
    pub free_cancellation_until: Option<DateTime<Utc>>,
}

fn history_entry(event: BookingEvent, booking: &Booking) -> HistoryEntry {
    HistoryEntry {
        by: event.who(booking.guest_id).to_lowercase(),
        from_status: event.from_status,
        to_status: event.to_status,
        note: event.note,
        at: event.created_at,
    }
}

fn payment_entry(payment: Payment) -> PaymentEntry {
    PaymentEntry {
        id: payment.id,
        kind: payment.kind.as_str().to_string(),
        status: payment.status.as_str().to_string(),
        amount: Money::new(payment.amount, &payment.currency),
        failure_reason: payment.failure_reason,
        at: payment.created_at,
    }
}

impl From<Trip> for BookingAnswer {
    fn from(trip: Trip) -> Self {
        let item = BookingItem::from(&trip.trip);
        let booking = &trip.trip.booking;
        BookingAnswer {
            history: trip
                .events
                .into_iter()
                .map(|event| history_entry(event, booking))
                .collect(),
            payments: trip.payments.into_iter().map(payment_entry).collect(),
            balance_due: trip.due.map(|due| Money::new(due, &booking.currency)),
            pending_change: trip
                .change
                .as_ref()
                .map(|change| PendingChangeAnswer::new(change, &booking.currency)),
            can_cancel: trip.can_cancel,
            can_change: trip.can_change,
            can_review: trip.can_review,
            arrival: trip.arrival.map(ArrivalAnswer::from),
            free_cancellation_until: trip.free_cancellation_until,
            booking: item.booking,
            listing: item.listing,
            host_name: item.host_name,
        }
    }
}
