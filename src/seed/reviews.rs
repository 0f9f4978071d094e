//! Demo reviews, written for real stays: every figure a listing shows (its count, its averages)
//! is summed from review rows that its reviews page lists, as the reviews feature keeps them.

use diesel::sql_types::{BigInt, Date, Integer};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

const INSERT_REVIEWS: &str = include_str!("reviews.sql");

/// A listing's figures from its published, visible guest reviews — the rows
/// `reviews::service::write::publish_stay` adds to them one by one.
const SUM_FIGURES: &str = "UPDATE listings l SET review_count = f.n, rating_sum = f.rating, \
       cleanliness_sum = f.cleanliness, accuracy_sum = f.accuracy, check_in_sum = f.check_in, \
       communication_sum = f.communication, location_sum = f.location, value_sum = f.value \
     FROM (SELECT listing_id, count(*)::int AS n, sum(rating)::int AS rating, \
             sum(cleanliness)::int AS cleanliness, sum(accuracy)::int AS accuracy, \
             sum(check_in)::int AS check_in, sum(communication)::int AS communication, \
             sum(location)::int AS location, sum(value)::int AS value \
           FROM reviews \
           WHERE direction = 'guest_to_host' AND published_at IS NOT NULL AND hidden_at IS NULL \
             AND listing_id > $1 AND listing_id <= $2 \
           GROUP BY listing_id) f \
     WHERE l.id = f.listing_id";

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Writes the reviews of the stays of listings with ids in (`first_id`, `last_id`] whose
/// review window has closed, and sets those listings' figures from them. Returns the number
/// of reviews written (both directions).
pub async fn create(
    conn: &mut AsyncPgConnection,
    first_id: i64,
    last_id: i64,
) -> anyhow::Result<i64> {
    let today = chrono::Utc::now().date_naive();
    let written: Count = diesel::sql_query(INSERT_REVIEWS)
        .bind::<BigInt, _>(first_id)
        .bind::<BigInt, _>(last_id)
        .bind::<Date, _>(today)
        .bind::<Integer, _>(crate::reviews::service::WINDOW_DAYS as i32)
        .get_result(conn)
        .await?;
    diesel::sql_query(SUM_FIGURES)
        .bind::<BigInt, _>(first_id)
        .bind::<BigInt, _>(last_id)
        .execute(conn)
        .await?;
    Ok(written.n)
}
