//! The bookings services, for every door (HTML pages now, the JSON API and GraphQL next):
//! each function takes the acting party ([`Actor`](crate::service::Actor)), checks it itself
//! (a guest's own trips, the host of the listing's reservations; anyone else's is `NotFound`),
//! and answers with a [`ServiceResult`](crate::service::ServiceResult). Nothing here knows HTTP.
//!
//! - [`book`]: booking a stay (verified member, not their own listing, within their holds).
//! - [`trips`]: the guest's trips, one trip, its balance ([`payable`], from the ledger's
//!   `Totals::due`) and the change-of-dates form.
//! - [`changes`]: the guest's changes: new dates, the cancellation preview and cancellation.
//! - [`host`]: the host's reservations and their actions ([`HostAction::allowed`]).
//! - [`dashboard`]: the host dashboard's sections (what to do now).
//! - [`earnings`]: the host's earnings.
//! - [`admin`]: the admin console's list, page and the platform's cancellation.

pub mod admin;
mod book;
mod changes;
mod dashboard;
mod earnings;
mod host;
mod trips;

pub use super::forms::BookingInput;
pub use book::{
    MAX_UNPAID_HOLDS, MAX_UNPAID_NIGHTS, OWN_LISTING, TAKEN, book, hold_dates, stay_dates,
};
pub use changes::{
    CancelPreview, DatesChanged, ONLY_CONFIRMED, REFUND_CHANGED, can_cancel, can_change, cancel,
    cancel_preview, change_dates, record_move,
};
pub use dashboard::{DAYS_AHEAD, HostDashboard, MAX_REQUESTS, Movement, dashboard};
pub use earnings::{Earnings, earnings, earnings_with_totals};
pub use host::{
    HostAction, Reservation, ReservationTab, Reservations, act, reservation, reservations,
    reservations_page,
};
pub use trips::{
    Balance, HOLD_EXPIRED, NOTHING_DUE, Trip, TripRecords, Trips, balance, change_form, own_trip,
    payable, trip, trip_records, trips, trips_page,
};
