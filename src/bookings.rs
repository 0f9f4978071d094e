//! Bookings: the state machine of a stay, booking, cancellations and date changes, the guest's
//! trips, the host's reservations and earnings, and the lifecycle jobs.
//!
//! Anatomy (the same in every feature): [`domain`] (status, stay dates, guest count: parsed
//! once), [`model`] (rows and the queries the services share; [`model::earnings`]), [`ledger`]
//! (the money of a booking), [`forms`] (raw input into the services' input), [`service`] (the
//! rules, each function taking the acting party), [`transitions`] (the state machine),
//! [`pending_change`] (a change of dates waiting for payment), [`policy`] (the refund rules,
//! pure), [`history`], [`emails`], the jobs ([`ExpireHolds`], [`AdvanceStays`],
//! [`SendCheckInReminders`]) and `html` (the HTML door).
//!
//! **Bookings never imports payments; payments depends on bookings.** A booking decides what
//! is due ([`service::payable`]) and what goes back (cancellations, shorter stays), and records
//! it in its [`ledger`] (the `payments` rows, their totals, refund planning) in the transaction
//! that decides it. Payments talks to the provider: it creates charges, sends the planned
//! refunds (the `IssueRefund` job's data is in [`ledger`], its work in `crate::payments`), and
//! applies the provider's verified events to bookings through [`transitions`]. So nothing here
//! waits on a provider, and a provider's code can change without touching a booking rule.

pub mod domain;
pub mod emails;
pub mod forms;
pub mod graphql;
pub mod history;
mod html;
mod jobs;
pub mod ledger;
pub mod model;
pub mod pending_change;
pub mod policy;
pub mod service;
pub mod transitions;

pub use html::configure;
pub use jobs::{AdvanceStays, ExpireHolds, SendCheckInReminders};
