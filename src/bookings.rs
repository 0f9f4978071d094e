//! Bookings: the state machine of a stay, booking, cancellations and date changes, the guest's
//! trips, the host's reservations and earnings, and the lifecycle jobs.
//!
//! Anatomy (the same in every feature): [`domain`] (status, stay dates, guest count: parsed
//! once), [`model`] (rows and the queries the services share; [`model::earnings`]),
//! [`forms`] (raw input into the services' input), [`service`] (the rules, each function
//! taking the acting party), [`transitions`] (the state
//! machine), [`pending_change`] (a change of dates waiting for payment), [`policy`] (the refund
//! rules, pure), [`history`], [`emails`], the jobs ([`ExpireHolds`], [`AdvanceStays`],
//! [`SendCheckInReminders`]) and `html` (the HTML door).
//!
//! Bookings and payments: payments depends on bookings (the pay page, checkout and the webhook's
//! consequences read and move bookings), and bookings uses only the payments *ledger*
//! ([`crate::payments::ledger`]: rows, totals, refund planning), which imports nothing of
//! bookings. Bookings decides what money is due or refunded; the ledger records it; the rest of
//! payments talks to the provider and applies its events to bookings.

pub mod domain;
pub mod emails;
pub mod forms;
pub mod history;
mod html;
mod lifecycle;
pub mod model;
pub mod pending_change;
pub mod policy;
pub mod service;
pub mod transitions;

pub use html::configure;
pub use lifecycle::{AdvanceStays, ExpireHolds, SendCheckInReminders};
