//! Bookings: the booking form's endpoint, the state machine of a stay, cancellations and date
//! changes, the guest's trips, the host's reservations and earnings, and the lifecycle jobs.
//!
//! Reusable without HTTP: [`domain`] (status, stay dates, guest count), [`model`] (rows and
//! queries), [`history`] (the state history), [`policy`] (the refund rules, pure), [`service`]
//! (booking), [`transitions`] (the state machine), [`changes`] (date changes, guest
//! cancellation), [`emails`], [`earnings`] (the monthly query) and the jobs [`ExpireHolds`],
//! [`AdvanceStays`], [`SendCheckInReminders`].
//! Money moves through [`crate::payments`].

mod book;
mod cancel;
pub mod changes;
pub mod domain;
pub mod earnings;
pub mod emails;
pub mod history;
mod host;
mod lifecycle;
pub mod model;
pub mod pending_change;
pub mod policy;
mod reschedule;
pub mod service;
pub mod transitions;
mod trips;

use actix_web::web;

pub use lifecycle::{AdvanceStays, ExpireHolds, SendCheckInReminders};

pub fn configure(cfg: &mut web::ServiceConfig) {
    book::configure(cfg);
    trips::configure(cfg);
    cancel::configure(cfg);
    reschedule::configure(cfg);
    host::configure(cfg);
    earnings::configure(cfg);
}
