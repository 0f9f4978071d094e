//! The HTML door of bookings: the booking form's endpoint, the guest's trips (with cancel and
//! change of dates), the host's reservations and earnings. Each handler extracts its input,
//! calls one [`super::service`] function and renders its answer (or its refusal).

mod book;
mod cancel;
mod earnings;
mod host;
mod reschedule;
mod trips;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    book::configure(cfg);
    trips::configure(cfg);
    cancel::configure(cfg);
    reschedule::configure(cfg);
    host::configure(cfg);
    earnings::configure(cfg);
}
