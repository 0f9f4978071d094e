//! Payments: the gateway to the payment provider (the no-network sandbox or Stripe), the
//! ledger of charges and refunds, the pay page, and the webhook through which every payment
//! outcome arrives, verified, once, in any order.
//!
//! Reusable without HTTP: [`gateway`] (the [`gateway::PaymentGateway`] trait and the configured
//! provider), [`ledger`] (rows, totals, refund planning), [`checkout`] (starting a charge,
//! paying with a sandbox card), [`events`] (verifying, storing and applying events),
//! [`signature`] (`Stripe-Signature`) and the [`IssueRefund`] job.

pub mod checkout;
pub mod events;
pub mod gateway;
pub mod ledger;
mod pay;
mod reconcile;
mod refunds;
pub mod sandbox;
pub mod signature;
pub mod stripe;
mod webhook;

use actix_web::web;

pub use refunds::IssueRefund;

pub fn configure(cfg: &mut web::ServiceConfig) {
    pay::configure(cfg);
    webhook::configure(cfg);
}
