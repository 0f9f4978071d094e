//! Reviews and ratings: after a completed stay the guest reviews the listing and the host
//! reviews the guest, double blind; listing pages and profiles show the published ones.
//!
//! `model` holds the tables' vocabularies and queries, `service` the rules (each function
//! checks its actor), `forms` the door-neutral parsing of the review form, `html` the pages, `admin` the admin
//! console's door (`/admin/reviews…`: hide and restore).

pub mod admin;
mod emails;
pub mod forms;
mod html;
mod jobs;
pub mod model;
pub mod service;

pub use jobs::{PublishDueReviews, SendReviewNotices};

pub use html::configure;
