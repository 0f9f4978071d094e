//! The host's one public reply to a published review of their listing, and the reviews that
//! still wait for one.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    reviews::model::{self, Direction},
    schema::reviews,
    service::{Actor, ListingId, ReviewId, ServiceError, ServiceResult},
};

/// Longest host reply, in characters (the database checks it too).
const MAX_REPLY_CHARS: usize = 2000;

/// Most reviews listed as waiting for a reply (the dashboard's; the newest first).
pub const MAX_AWAITING_REPLY: i64 = 10;

/// The newest published guest reviews of the acting member's listings that they have not
/// answered yet (none for a member without listings).
pub async fn awaiting_reply(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
) -> ServiceResult<Vec<model::ReviewToAnswer>> {
    let host = actor.member()?.id;
    Ok(model::awaiting_reply(conn, host, MAX_AWAITING_REPLY).await?)
}

/// The listing a review belongs to (public: the review is on its page), for the door to go
/// back to.
pub async fn listing_of_review(
    conn: &mut AsyncPgConnection,
    review_id: ReviewId,
) -> ServiceResult<ListingId> {
    model::listing_of(conn, review_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The host's one public reply to a published guest review of their listing. The reply's text
/// is checked first (it reveals nothing); then only the listing's host finds the review.
/// Returns the listing.
pub async fn reply(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    review_id: ReviewId,
    text: &str,
) -> ServiceResult<ListingId> {
    let text = text.trim();
    if super::write::has_control_characters(text) {
        return Err(ServiceError::invalid(
            "reply",
            "This contains characters that are not allowed.",
        ));
    }
    if text.is_empty() || text.chars().count() > MAX_REPLY_CHARS {
        return Err(ServiceError::invalid(
            "reply",
            "Write a reply of 1 to 2000 characters.",
        ));
    }
    let target = model::reply_target(conn, review_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.owner(target.host_id)?;
    if target.direction != Direction::GuestToHost {
        return Err(ServiceError::NotFound);
    }
    if !target.published {
        return Err(ServiceError::refused(
            "You can reply once the review is published.",
        ));
    }
    const ALREADY: &str = "You have already replied to this review.";
    if target.replied {
        return Err(ServiceError::conflict(ALREADY));
    }
    let updated = diesel::update(
        reviews::table
            .filter(reviews::id.eq(review_id.get()))
            .filter(reviews::host_reply.is_null()),
    )
    .set((
        reviews::host_reply.eq(text),
        reviews::host_replied_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    if updated == 0 {
        return Err(ServiceError::conflict(ALREADY));
    }
    Ok(target.listing_id)
}
