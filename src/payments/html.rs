//! The HTML door of payments: the pay page of a trip, and the provider's webhook (door-thin:
//! the signature authenticates it, [`super::events::receive`] does the rest).

mod pay;
mod webhook;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    pay::configure(cfg);
    webhook::configure(cfg);
}
