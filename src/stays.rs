//! Stays, the guest side of a listing: its public page with the calendar and live price quote,
//! and the wishlist. Booking itself (`POST /listings/{id}/book`) belongs to `bookings`.
//!
//! Why a feature of its own rather than a part of `listings`: `listings` is the host's side
//! (creating, editing, photos, calendar) and the shared model ([`crate::listings::model`]); this
//! folder is everything a guest sees of a listing, so that a newcomer looking for the listing
//! page or the wishlist finds them here, and the host's pages under `listings/html/host/`.
//!
//! - [`forms`]: the stay as typed; [`stay`]: its dates and guests, checked; [`quote`]: the
//!   rules a stay must meet and its price.
//! - [`model`]: the queries (the page's details in one query, availability, the wishlist).
//! - [`service`]: what the actor may see (published listings, or their own) and save.
//! - `html`: the HTML door (`/listings/{id}`, its quote, `/wishlist`); `api`: the JSON door
//!   (`/api/v1/listings/{id}`, its availability and quote); [`graphql`]: the `Listing` type
//!   and its loaders, `listing`, `quote` and the wishlist toggle.

mod api;
pub mod forms;
pub mod graphql;
mod html;
pub mod model;
pub mod quote;
pub mod service;
pub mod stay;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    html::configure(cfg);
}

/// The JSON door's endpoints (`/api/v1/listings/{id}` and below), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
