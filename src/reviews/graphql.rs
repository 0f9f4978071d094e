//! The GraphQL door of reviews: the `Review` type with its author's public profile, and the
//! loader that reads the newest reviews of every listing of an answer in one statement
//! ([`service::latest_reviews`]: published, not hidden, guest-to-host).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{ID, Object, dataloader::Loader};

use super::{model::ListedReview, service};
use crate::{
    graphql::{context::Batch, errors::Answer, values::instant},
    service::ListingId,
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
