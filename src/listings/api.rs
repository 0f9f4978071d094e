//! The JSON door of the host side of listings, under `/api/v1/host/listings`: a host's own
//! listings (list, create, read, update, publish, unlist) in [`listings`], their photos
//! (multipart upload of several, order, cover, delete) in [`photos`], and their calendar
//! blocks in [`calendar`]. Each endpoint parses, calls one service of
//! [`crate::listings::service`] (which checks that the actor is a verified host and the listing
//! theirs: anyone else's id is a 404) and serialises.

mod calendar;
pub(super) mod listings;
mod photos;

use actix_web::{HttpResponse, http::header};
use serde::Serialize;

/// Where a host's listing lives in the API.
fn listing_url(id: impl std::fmt::Display) -> String {
    format!("/api/v1/host/listings/{id}")
}

fn media_url(key: &str) -> String {
    format!("/media/{key}")
}

/// A private answer (a host's own data is never cached by a shared cache).
fn private(mut builder: actix_web::HttpResponseBuilder, body: &impl Serialize) -> HttpResponse {
    builder
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(body)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    listings::configure(cfg);
    photos::configure(cfg);
    calendar::configure(cfg);
}
