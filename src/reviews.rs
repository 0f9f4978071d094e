//! Reviews and ratings: after a completed stay the guest reviews the listing and the host
//! reviews the guest, double blind; listing pages and profiles show the published ones.

mod emails;
mod forms;
mod jobs;
mod pages;
pub mod service;
mod write;

pub use jobs::{PublishDueReviews, SendReviewNotices};

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    write::configure(cfg);
    pages::configure(cfg);
}
