//! Display currencies (issue 17, point 4): a visitor picks the currency prices are shown in
//! (kept in a cookie, no account needed), and every price they browse is converted with the
//! rates an admin keeps (`exchange_rates`), marked approximate with the original beside it. A
//! booking is still charged in its listing's currency, and the pay page says so.
//!
//! [`model`] is the arithmetic (pure), [`service`] what is decided (the viewer's display, the
//! rates' cache, an admin's edit), `html` the picker (`/currency`), [`admin`] the console's
//! rates page (`/admin/rates`).

pub mod admin;
mod html;
pub mod model;
pub mod service;

use actix_web::web;

pub use self::html::display_of;

/// The cookie holding the display currency's code.
pub const COOKIE: &str = "roost_currency";

pub fn configure(cfg: &mut web::ServiceConfig) {
    html::configure(cfg);
}
