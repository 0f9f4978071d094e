//! Search: `/search` with its filters, and the listing cards that search, the home page and
//! the wishlist share. [`forms`] parses what was typed, [`query`] is the search statement,
//! [`service`] what search and the home page ask, `html` the HTML door, [`api`] the JSON door,
//! [`graphql`] the `listings` connection.

pub mod amenities;
pub mod api;
pub mod cards;
pub mod forms;
pub mod graphql;
mod html;
mod links;
pub mod places;
pub mod query;
pub mod service;
pub mod sort;

/// The old name of [`forms`], kept for callers outside search.
pub use forms as params;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(amenities::AmenityCatalog::default()));
    html::configure(cfg);
}

/// The JSON door's endpoints (`/api/v1/listings`), mounted by [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
