//! Reading published reviews: a listing's (with its averages) and a person's public profile.

use diesel_async::AsyncPgConnection;

use crate::{
    accounts::model as users_model,
    listings::model::{self as listing_model, Listing},
    reviews::model::{self, ShownReview},
    service::{Actor, ListingId, ServiceError, ServiceResult, UserId},
};

/// Reviews per page of a listing's reviews.
pub const PER_PAGE: i64 = 10;

/// Averages of a listing's published reviews, from its maintained sums.
pub struct Summary {
    pub count: i32,
    pub overall: String,
    pub categories: Vec<(&'static str, String)>,
}

fn average(sum: i32, count: i32) -> String {
    crate::reviews::rating::category(sum, count).unwrap_or_else(|| "–".into())
}

pub fn summary(listing: &Listing) -> Summary {
    let n = listing.review_count;
    Summary {
        count: n,
        overall: crate::reviews::rating::overall(listing.rating_sum, n)
            .unwrap_or_else(|| "–".into()),
        categories: vec![
            ("Cleanliness", average(listing.cleanliness_sum, n)),
            ("Accuracy", average(listing.accuracy_sum, n)),
            ("Check-in", average(listing.check_in_sum, n)),
            ("Communication", average(listing.communication_sum, n)),
            ("Location", average(listing.location_sum, n)),
            ("Value", average(listing.value_sum, n)),
        ],
    }
}

/// One page of a listing's reviews.
pub struct ListingReviews {
    pub listing: Listing,
    pub summary: Summary,
    pub reviews: Vec<ShownReview>,
    pub page_number: i64,
    pub has_next: bool,
    /// Whether the actor hosts the listing (and so may reply).
    pub is_host: bool,
}

/// Page `page_number` (from 1) of the published reviews of a listing the actor may see (a
/// published one, or their own), [`PER_PAGE`] to a page.
pub async fn listing_reviews(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    page_number: i64,
) -> ServiceResult<ListingReviews> {
    listing_reviews_sized(conn, actor, listing_id, page_number, PER_PAGE).await
}

/// Most reviews one page may hold.
pub const MAX_PER_PAGE: i64 = 100;

/// The same, `per_page` to a page (1 to [`MAX_PER_PAGE`]).
pub async fn listing_reviews_sized(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    page_number: i64,
    per_page: i64,
) -> ServiceResult<ListingReviews> {
    let page_number = page_number.clamp(1, 10_000);
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let viewer = actor.member().ok().map(|member| member.id);
    let listing = listing_model::find_visible(conn, listing_id, viewer)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut reviews =
        model::of_listing(conn, listing.id, per_page, (page_number - 1) * per_page).await?;
    let has_next = reviews.len() as i64 > per_page;
    reviews.truncate(per_page as usize);
    Ok(ListingReviews {
        is_host: viewer == Some(listing.host_id),
        summary: summary(&listing),
        listing,
        reviews,
        page_number,
        has_next,
    })
}

/// Most reviews a listing shows in a batch of [`latest_reviews`].
pub const MAX_LATEST: i64 = 20;

/// The newest `first` (1 to [`MAX_LATEST`]) published reviews of several listings the caller
/// obtained from a service (so that the actor may see them), with their authors, by listing:
/// one query whatever the number of listings (GraphQL's loaders).
pub async fn latest_reviews(
    conn: &mut AsyncPgConnection,
    listing_ids: &[ListingId],
    first: i64,
) -> ServiceResult<std::collections::HashMap<ListingId, Vec<model::ListedReview>>> {
    let first = first.clamp(1, MAX_LATEST);
    let mut by_listing: std::collections::HashMap<ListingId, Vec<model::ListedReview>> =
        std::collections::HashMap::new();
    for review in model::latest_of_listings(conn, listing_ids, first).await? {
        by_listing
            .entry(review.listing_id)
            .or_default()
            .push(review);
    }
    Ok(by_listing)
}

/// A person's public profile: what they wrote about themselves and what hosts wrote about them.
pub struct Profile {
    pub name: String,
    pub bio: String,
    pub avatar: Option<String>,
    pub member_since: String,
    pub reviews: Vec<ShownReview>,
}

/// The public profile of `user_id` (public data only; suspended accounts have none).
pub async fn profile(conn: &mut AsyncPgConnection, user_id: UserId) -> ServiceResult<Profile> {
    let user = users_model::find(conn, user_id)
        .await?
        .filter(|user| !user.is_suspended())
        .ok_or(ServiceError::NotFound)?;
    let reviews = model::about_guest(conn, user_id).await?;
    Ok(Profile {
        avatar: users_model::avatar_url(&user.avatar_key),
        member_since: user.created_at.format("%B %Y").to_string(),
        name: user.name,
        bio: user.bio,
        reviews,
    })
}
