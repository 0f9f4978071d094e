//! Bookings: the state machine of a stay, booking, cancellations and date changes, the guest's
//! trips, the host's reservations and earnings, and the lifecycle jobs.
//!
//! Anatomy (the same in every feature): [`domain`] (status, stay dates, guest count: parsed
//! once), [`model`] (rows and the queries the services share; [`model::earnings`]), [`ledger`]
//! (the money of a booking), [`forms`] (raw input into the services' input), [`service`] (the
//! rules, each function taking the acting party), [`transitions`] (the state machine),
//! [`pending_change`] (a change of dates waiting for payment), [`policy`] (the refund rules,
//! pure), [`history`], [`emails`], the jobs ([`ExpireHolds`], [`AdvanceStays`],
//! [`SendCheckInReminders`]), `html` (the HTML door), `api` and `api_host` (the JSON doors of
//! the guest's and the host's side) and [`admin`] (the admin console's door).
//!
//! **Bookings never imports payments; payments depends on bookings.** A booking decides what
//! is due ([`service::payable`]) and what goes back (cancellations, shorter stays), and records
//! it in its [`ledger`] (the `payments` rows, their totals, refund planning) in the transaction
//! that decides it. Payments talks to the provider: it creates charges, sends the planned
//! refunds and captures or voids a request's authorization (the `IssueRefund`,
//! `CaptureCharge` and `VoidAuthorization` jobs' data is in [`ledger`], their work in
//! `crate::payments`), and
//! applies the provider's verified events to bookings through [`transitions`]. So nothing here
//! waits on a provider, and a provider's code can change without touching a booking rule.

pub mod admin;
pub mod api;
mod api_host;
pub mod arrival;
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

/// The JSON door's host endpoints (`/api/v1/host/reservations…`, `/api/v1/host/earnings`),
/// mounted by [`crate::api`].
pub fn configure_host_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api_host::configure(cfg);
}
pub use jobs::{AdvanceStays, ExpireHolds, SendCheckInReminders};

/// The JSON door's endpoints (`/api/v1/bookings…`), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
