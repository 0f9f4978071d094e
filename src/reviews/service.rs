//! Review rules: who may review which stay and when, double-blind publication, the host's
//! reply, and the listing's figures, kept in step in the same transaction as each publication.
//! Every function that writes or reads what is not public takes the
//! [`Actor`](crate::service::Actor) and checks it here, so that any door (pages, the JSON API,
//! jobs) gets the same answer. `eligibility` says who may review what and when, `write` stores
//! and publishes, `reply` is the host's answer, `read` the published reviews.

pub mod admin;
mod eligibility;
mod read;
mod reply;
mod write;

pub use eligibility::{Refusal, can_review, may_review, open, open_review};
pub use read::{
    ListingReviews, MAX_LATEST, MAX_PER_PAGE, PER_PAGE, Profile, Summary, latest_reviews,
    listing_reviews, listing_reviews_sized, profile, summary,
};
pub use reply::{MAX_AWAITING_REPLY, awaiting_reply, listing_of_review, reply};
pub use write::{NewReview, publish_stay, submit};

pub use super::model::{Direction, ReviewToAnswer, ShownReview, Stay, load_stay};

/// Days after check-out during which both sides may write their review.
pub const WINDOW_DAYS: i64 = 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The guest reviews the stay (the listing and its host).
    Guest,
    /// The host reviews the guest.
    Host,
}

impl Side {
    /// How the doors name the side: `guest` (of the stay) or `host` (of the guest).
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Guest => "guest",
            Side::Host => "host",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Side::Guest => Direction::GuestToHost,
            Side::Host => Direction::HostToGuest,
        }
    }
}
