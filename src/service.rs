//! What every feature's service layer shares: the acting party ([`Actor`]), the door-neutral
//! error ([`ServiceError`]) with its per-field messages ([`FieldErrors`]), typed ids and
//! database-backed vocabularies.
//!
//! A service function that changes state or reads private data takes the [`Actor`] and makes
//! its own permission and eligibility checks; the doors (HTML pages today, the JSON API and
//! GraphQL next) only extract input, call one service function and translate its answer.

pub mod actor;
pub mod error;
pub mod fields;
pub mod ids;
pub mod vocabulary;

pub use actor::{Actor, Admin, Member};
pub use error::{ServiceError, ServiceResult};
pub use fields::FieldErrors;
pub use ids::{
    AmenityId, BookingChangeId, BookingId, CalendarEntryId, JobId, ListingId, PaymentId, PhotoId,
    PlaceId, ReviewId, UserId,
};
