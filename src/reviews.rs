//! Reviews and ratings: after a completed stay the guest reviews the listing and the host
//! reviews the guest, double blind; listing pages and profiles show the published ones.
//!
//! `model` holds the tables' vocabularies and queries, `service` the rules (each function
//! checks its actor), `forms` the door-neutral parsing of the review form, `html` the pages,
//! `api` the JSON door (a listing's reviews; writing reviews and replies), [`graphql`] the
//! `Review` type and its loader, `admin` the admin console's door
//! (`/admin/reviews…`: hide and restore).

pub mod admin;
mod api;
mod emails;
pub mod forms;
pub mod graphql;
mod html;
mod jobs;
pub mod model;
pub mod rating;
pub mod service;

pub use jobs::{PublishDueReviews, SendReviewNotices};

pub use html::configure;

/// The JSON door's endpoints (`/api/v1/listings/{id}/reviews`, the review writes), mounted by
/// [`crate::api`].
pub fn configure_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    api::configure(cfg);
}
