//! Payments: the gateway to the payment provider (the no-network sandbox or Stripe), the
//! ledger of charges and refunds, paying for a trip, and the webhook through which every
//! payment outcome arrives, verified, once, in any order.
//!
//! Anatomy: [`forms`] (the card form), [`service`] (the pay page and paying, each taking the
//! acting party), [`checkout`] (starting a charge, paying with a sandbox card), [`events`] and
//! `reconcile` (verifying, storing and applying events), [`gateway`], [`sandbox`], [`stripe`],
//! [`signature`] (`Stripe-Signature`), the [`IssueRefund`], [`CaptureCharge`] and
//! [`VoidAuthorization`] jobs, and `html` (the HTML door). The
//! rows themselves are the booking's [`ledger`] (re-exported from bookings); [`admin`] is the
//! admin console's door to them (over [`service::admin`]).
//!
//! **Payments depends on bookings; bookings never imports payments.** Money is always money of
//! a booking: what is due is a rule of the booking ([`crate::bookings::service::payable`]), a
//! settled charge confirms its booking or applies its change of dates through the bookings
//! state machine, and a cancellation decides its refund in the transaction that cancels. So
//! bookings owns the ledger rows (`crate::bookings::ledger`: totals, refund planning, the
//! [`IssueRefund`] job's data) and payments does what needs a provider: creating charges,
//! sending refunds (`impl Job for IssueRefund`), capturing or voiding a request's authorized
//! charge (planned by bookings when the host accepts or the request dies), and applying the
//! provider's verified events.

pub mod admin;
mod api;
pub mod checkout;
pub mod events;
pub mod forms;
pub mod gateway;
pub mod graphql;
mod html;
mod jobs;
mod reconcile;
pub mod sandbox;
pub mod service;
pub mod signature;
pub mod stripe;

pub use crate::bookings::ledger;
pub use html::configure;
pub use jobs::{CaptureCharge, IssueRefund, VoidAuthorization};

/// The JSON door's endpoint (`POST /api/v1/bookings/{id}/payments`), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
