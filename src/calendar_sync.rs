//! Calendar sync (RFC 5545): every listing can publish its taken nights as an iCalendar feed at
//! a secret address, so that the other sites a host lists the place on close those nights too.
//!
//! `model` stores the export addresses, `service` decides who may see or renew one and what a
//! feed holds, `ics` writes the feed, `html` serves it (`/calendars/{token}.ics`); the host
//! sees and renews the address on the listing's calendar page (`listings::html::host`).

pub mod fetch;
mod html;
pub mod ics;
mod model;
pub mod parse;
pub mod service;

pub use html::configure;
