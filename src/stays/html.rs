//! The HTML door of stays: the listing page and its quote fragment, and the wishlist.

mod listing;
mod view;
mod wishlist;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    listing::configure(cfg);
    wishlist::configure(cfg);
}
