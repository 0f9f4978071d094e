//! Listings: the host's management pages (create, edit, photos, calendar) and the model that
//! search, the listing page and bookings share.
//!
//! Reusable without HTTP: [`model`] (rows, vocabularies, a host's listings), [`amenities`] and
//! [`photos`] (queries), [`calendar`] (entries of a listing's calendar: load, block, unblock),
//! [`block_dates`] (dates a host asks to block), [`month_grid`] (the month view of entries), [`form`] (raw listing input and its
//! conversion into a [`form::ListingInput`]) and [`service`] (rules and transactions).

pub mod amenities;
pub mod block_dates;
pub mod calendar;
mod fields;
pub mod form;
mod host;
pub mod model;
pub mod month_grid;
pub mod photos;
pub mod service;
pub mod uploads;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    host::configure(cfg);
}
