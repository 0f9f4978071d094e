//! Search: `/search` with its filters, and the listing cards that search, the home page and
//! the wishlist share.

pub mod amenities;
pub mod cards;
mod handlers;
mod links;
pub mod params;
pub mod places;
pub mod query;
pub mod sort;
pub mod view;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(amenities::AmenityCatalog::default()));
    handlers::configure(cfg);
}
