//! Payments: the gateway to the payment provider (the no-network sandbox or Stripe), the
//! ledger of charges and refunds, paying for a trip, and the webhook through which every
//! payment outcome arrives, verified, once, in any order.
//!
//! Anatomy: [`ledger`] (the model: rows, totals, refund planning), [`forms`] (the card form),
//! [`service`] (the pay page
//! and paying, each taking the acting party), [`checkout`] (starting a charge, paying with a
//! sandbox card), [`events`] and `reconcile` (verifying, storing and applying events),
//! [`gateway`], [`sandbox`], [`stripe`], [`signature`] (`Stripe-Signature`), the
//! [`IssueRefund`] job, and `html` (the HTML door).
//!
//! Payments depends on bookings, not the reverse: paying reads a booking's balance
//! ([`crate::bookings::service::payable`]) and a settled charge confirms its booking through
//! the bookings state machine. Bookings only uses [`ledger`] (which imports nothing of
//! bookings) to read what was paid and to plan refunds in the transaction that decides them.
//! What is left of the cycle is that module-level edge, bookings → `payments::ledger`; moving the
//! ledger under bookings would need the refund job (which talks to the provider) to move too.

pub mod checkout;
pub mod events;
pub mod forms;
pub mod gateway;
mod html;
pub mod ledger;
mod reconcile;
mod refunds;
pub mod sandbox;
pub mod service;
pub mod signature;
pub mod stripe;

pub use html::configure;
pub use refunds::IssueRefund;
