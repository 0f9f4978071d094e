//! The GraphQL door of reviews: the `Review` type with its author's public profile, the
//! loader that reads the newest reviews of every listing of an answer in one statement
//! ([`service::latest_reviews`]: published, not hidden, guest-to-host), and writing reviews and
//! replies through the review pages' services ([`service::submit`], [`service::reply`]).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, dataloader::Loader};

use super::{
    api::stars,
    model::ListedReview,
    service::{self, NewReview, Side},
};
use crate::{
    graphql::{
        context::{Batch, door},
        errors::Answer,
        values::{instant, typed_id},
    },
    service::{BookingId, ListingId, ReviewId},
    stays::graphql::Profile,
};

/// A published review of a stay.
#[derive(Clone)]
pub struct ReviewNode(ListedReview);

impl From<ListedReview> for ReviewNode {
    fn from(review: ListedReview) -> ReviewNode {
        ReviewNode(review)
    }
}

#[Object(name = "Review")]
impl ReviewNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Overall, 1 to 5.
    async fn rating(&self) -> i32 {
        i32::from(self.0.rating)
    }

    async fn comment(&self) -> &str {
        &self.0.comment
    }

    /// ISO 8601.
    async fn published_at(&self) -> String {
        instant(self.0.published_at)
    }

    /// The host's public reply, if any.
    async fn host_reply(&self) -> Option<&str> {
        self.0.host_reply.as_deref()
    }

    /// Who wrote it (read with the review, in the same statement).
    async fn author(&self) -> Profile {
        Profile::from(&self.0.author)
    }
}

/// A key of the DataLoader: the newest `first` reviews of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReviewsOf {
    pub listing: ListingId,
    pub first: i64,
}

impl Loader<ReviewsOf> for Batch {
    type Value = Arc<Vec<ListedReview>>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ReviewsOf],
    ) -> Result<HashMap<ReviewsOf, Self::Value>, Self::Error> {
        let mut answers = HashMap::new();
        let mut conn = self.conn().await?;
        // One statement per distinct `first` (a document asks for one or two).
        let mut sizes: Vec<i64> = keys.iter().map(|key| key.first).collect();
        sizes.sort_unstable();
        sizes.dedup();
        for first in sizes {
            let ids: Vec<ListingId> = keys
                .iter()
                .filter(|key| key.first == first)
                .map(|key| key.listing)
                .collect();
            let mut reviews = service::latest_reviews(&mut conn, &ids, first)
                .await
                .answer()?;
            for listing in ids {
                answers.insert(
                    ReviewsOf { listing, first },
                    Arc::new(reviews.remove(&listing).unwrap_or_default()),
                );
            }
        }
        Ok(answers)
    }
}

/// The guest's review of a stay: ratings from 1 to 5.
#[derive(InputObject)]
pub struct GuestReviewInput {
    /// Overall.
    pub rating: i32,
    pub cleanliness: i32,
    pub accuracy: i32,
    pub check_in: i32,
    pub communication: i32,
    pub location: i32,
    pub value: i32,
    /// 1 to 5000 characters.
    pub comment: String,
}

/// A review written.
#[derive(SimpleObject)]
pub struct ReviewWritten {
    pub booking_id: ID,
    /// `guest` (of the stay) or `host` (of the guest).
    pub side: String,
    /// Both sides have written theirs, so both are published now; otherwise the review is
    /// published when the other side has written too, or when the 14-day window closes.
    pub published: bool,
}

/// A reply published.
#[derive(SimpleObject)]
pub struct ReplyWritten {
    pub review_id: ID,
    pub listing_id: ID,
    pub reply: String,
}

async fn write(
    ctx: &Context<'_>,
    booking_id: &ID,
    side: Side,
    review: NewReview,
) -> async_graphql::Result<ReviewWritten> {
    let id: BookingId = typed_id(booking_id)?;
    let published = door(ctx)
        .call(move |mut call| async move {
            service::submit(&mut call.conn, &call.actor, id, side, &review).await
        })
        .await?;
    Ok(ReviewWritten {
        booking_id: ID(id.to_string()),
        side: side.as_str().into(),
        published,
    })
}

#[derive(Default)]
pub struct ReviewsMutation;

#[Object]
impl ReviewsMutation {
    /// The guest's review of their stay (the listing and its host), after check-out and within
    /// 14 days; double blind. `CONFLICT` when already written.
    async fn write_guest_review(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
        review: GuestReviewInput,
    ) -> async_graphql::Result<ReviewWritten> {
        let categories = [
            review.cleanliness,
            review.accuracy,
            review.check_in,
            review.communication,
            review.location,
            review.value,
        ]
        .map(|value| stars(i64::from(value)));
        let review = NewReview {
            rating: stars(i64::from(review.rating)),
            categories: Some(categories),
            comment: review.comment,
        };
        write(ctx, &booking_id, Side::Guest, review).await
    }

    /// The host's review of the guest of a stay at their listing, after check-out and within
    /// 14 days; double blind.
    async fn write_host_review(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
        rating: i32,
        comment: String,
    ) -> async_graphql::Result<ReviewWritten> {
        let review = NewReview {
            rating: stars(i64::from(rating)),
            categories: None,
            comment,
        };
        write(ctx, &booking_id, Side::Host, review).await
    }

    /// The host's one public reply to a published guest review of their listing.
    async fn reply_to_review(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        reply: String,
    ) -> async_graphql::Result<ReplyWritten> {
        let id: ReviewId = typed_id(&review_id)?;
        let text = reply.trim().to_string();
        let listing_id = door(ctx)
            .call(move |mut call| async move {
                service::reply(&mut call.conn, &call.actor, id, &reply).await
            })
            .await?;
        Ok(ReplyWritten {
            review_id: ID(id.to_string()),
            listing_id: ID(listing_id.to_string()),
            reply: text,
        })
    }
}
