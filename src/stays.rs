//! Stays as guests see them: the listing page with its calendar and live price quote, and
//! the wishlist. Booking itself (`POST /listings/{id}/book`) belongs to `bookings`.

pub mod calendar;
pub mod details;
mod page;
pub mod quote;
pub mod stay;
mod view;
pub mod wishlist;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    page::configure(cfg);
    wishlist::configure(cfg);
}
