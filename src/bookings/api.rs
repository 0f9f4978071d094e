//! The API door of the guest's bookings, over the trips pages' services: booking a stay
//! (`POST /api/v1/bookings`, one booking per `Idempotency-Key`), the trips by tab, one trip
//! ([`trips`]), the cancellation preview, cancelling and new dates ([`changes`]). Paying is
//! the payments feature's (`POST /api/v1/bookings/{id}/payments`). A booking that is not the
//! actor's is a 404, as on the pages; the answers' shapes are in [`answers`].

pub mod answers;
mod changes;
mod trips;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    trips::configure(cfg);
    changes::configure(cfg);
}
