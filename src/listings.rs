//! Listings, the host side: a host creates and edits listings, their photos and calendar, and
//! publishes or unlists them; and the model that search, the guest's listing page (`stays`)
//! and bookings share.
//!
//! - [`model`]: rows, vocabularies (status, property type, cancellation policy), queries;
//!   [`amenities`] (the one amenity catalogue), [`booked_nights`] (the taken nights kept on
//!   the listing row), [`photos`] and [`calendar`] (rows and queries of
//!   photos and calendar entries), [`month_grid`] (the one month view of a calendar, for hosts
//!   and guests).
//! - [`forms`]: raw listing input and its checked [`forms::ListingInput`];
//!   [`forms::block_dates`]: dates a host asks to block.
//! - [`service`]: the rules, each taking the acting party and checking it (a verified host, and
//!   the listing theirs); [`service::photos`] with the photo pipeline of [`uploads`] (bytes in),
//!   [`service::calendar`].
//! - `html`: the HTML door, the `/host…` pages (`html/host/*.rs`); `api`: the JSON door,
//!   `/api/v1/host/listings…` (`api/*.rs`); [`multipart`] reads uploaded photos for both;
//!   [`admin`]: the admin console's door, over [`service::admin`].

pub mod admin;
pub mod amenities;
mod api;
pub mod booked_nights;
pub mod calendar;
pub mod forms;
pub mod graphql;
mod html;
pub mod model;
pub mod month_grid;
mod multipart;
pub mod photos;
pub mod service;
pub mod uploads;

pub use forms::block_dates;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    html::configure(cfg);
}

/// The JSON door's endpoints (`/api/v1/host/listings…`), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
