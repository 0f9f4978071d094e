//! The HTML door of listings: the host's pages (`/host…`). The guest side of a listing (its
//! public page, quote and wishlist) is the `stays` feature.

mod host;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    host::configure(cfg);
}
