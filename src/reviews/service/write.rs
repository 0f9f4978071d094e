//! Writing a review and the double-blind publication, with the listing's figures kept in step
//! in the same transaction.

use chrono::Utc;
use diesel::{
    ExpressionMethods, QueryDsl, QueryableByName,
    result::DatabaseErrorKind,
    sql_types::{BigInt, Nullable, SmallInt, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{Refusal, Side, open};
use crate::{
    reviews::{
        forms::{CATEGORIES, MAX_COMMENT_CHARS},
        model::Direction,
    },
    schema::{listings, reviews},
    service::{Actor, BookingId, FieldErrors, ServiceError, ServiceResult},
};

/// A validated review.
#[derive(Clone, Debug)]
pub struct NewReview {
    pub rating: i16,
    /// cleanliness, accuracy, check-in, communication, location, value (guest reviews only).
    pub categories: Option<[i16; 6]>,
    pub comment: String,
}

impl NewReview {
    /// What the database would refuse, said per field, for doors that build a review without
    /// the form's parser: ratings from 1 to 5, the six categories for a guest's review and none
    /// for a host's, a comment of 1 to 5000 characters.
    fn check(&self, side: Side) -> ServiceResult<()> {
        let mut errors = FieldErrors::new();
        let stars = |value: i16| (1..=5).contains(&value);
        if !stars(self.rating) {
            errors.add("rating", "Choose a rating from 1 to 5.");
        }
        match (side, &self.categories) {
            (Side::Guest, Some(categories)) => {
                for ((name, _), value) in CATEGORIES.iter().zip(categories) {
                    if !stars(*value) {
                        errors.add(name, "Choose a rating from 1 to 5.");
                    }
                }
            }
            (Side::Guest, None) => {
                for (name, _) in CATEGORIES {
                    errors.add(name, "Choose a rating from 1 to 5.");
                }
            }
            (Side::Host, Some(_)) => {
                errors.add("rating", "A review of a guest has no category ratings.");
            }
            (Side::Host, None) => {}
        }
        let comment = self.comment.trim();
        if comment.is_empty() {
            errors.add("comment", "Write a few words about the stay.");
        } else if has_control_characters(comment) {
            errors.add("comment", "This contains characters that are not allowed.");
        } else if comment.chars().count() > MAX_COMMENT_CHARS {
            errors.add(
                "comment",
                format!("Use at most {MAX_COMMENT_CHARS} characters."),
            );
        }
        errors.into_result()
    }
}

/// Whether text holds control characters other than line breaks and tabs (which no keyboard
/// types, and which the database refuses in the case of NUL).
pub(super) fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Stores `actor`'s review of the booking from `side`, after every rule of [`open`] and the
/// review's own ([`NewReview`]); publishes both when the other side has written too. Returns
/// whether the review is published now.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
    review: &NewReview,
) -> ServiceResult<bool> {
    let stay = open(conn, actor, booking_id, side, Utc::now()).await?;
    review.check(side)?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (author, subject) = match side {
            Side::Guest => (stay.guest_id, stay.host_id),
            Side::Host => (stay.host_id, stay.guest_id),
        };
        let [
            cleanliness,
            accuracy,
            check_in,
            communication,
            location,
            value,
        ] = match review.categories {
            Some(categories) => categories.map(Some),
            None => [None; 6],
        };
        let inserted = diesel::insert_into(reviews::table)
            .values((
                reviews::booking_id.eq(stay.booking_id),
                reviews::listing_id.eq(stay.listing_id),
                reviews::author_id.eq(author),
                reviews::subject_id.eq(subject),
                reviews::direction.eq(side.direction()),
                reviews::rating.eq(review.rating),
                reviews::cleanliness.eq(cleanliness),
                reviews::accuracy.eq(accuracy),
                reviews::check_in.eq(check_in),
                reviews::communication.eq(communication),
                reviews::location.eq(location),
                reviews::value.eq(value),
                reviews::comment.eq(&review.comment),
            ))
            .execute(conn)
            .await;
        match inserted {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(Refusal::AlreadyReviewed.into());
            }
            Err(error) => return Err(error.into()),
        }
        let written: i64 = reviews::table
            .filter(reviews::booking_id.eq(stay.booking_id))
            .count()
            .get_result(conn)
            .await?;
        if written == 2 {
            publish_stay(conn, stay.booking_id).await?;
            return Ok(true);
        }
        Ok(false)
    })
    .await
}

#[derive(QueryableByName)]
struct Published {
    #[diesel(sql_type = BigInt)]
    listing_id: i64,
    #[diesel(sql_type = Text)]
    direction: String,
    #[diesel(sql_type = SmallInt)]
    rating: i16,
    #[diesel(sql_type = Nullable<SmallInt>)]
    cleanliness: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    accuracy: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    check_in: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    communication: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    location: Option<i16>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    value: Option<i16>,
}

/// Publishes the unpublished reviews of a stay and adds the guest's ratings to the listing's
/// figures. Call inside a transaction; a review is published at most once (the update only
/// touches unpublished rows), so the figures never count it twice.
pub async fn publish_stay(
    conn: &mut AsyncPgConnection,
    booking_id: i64,
) -> diesel::QueryResult<usize> {
    let published: Vec<Published> = diesel::sql_query(
        "UPDATE reviews SET published_at = now() WHERE booking_id = $1 AND published_at IS NULL \
         RETURNING listing_id, direction, rating, cleanliness, accuracy, check_in, communication, \
         location, value",
    )
    .bind::<BigInt, _>(booking_id)
    .load(conn)
    .await?;
    for review in published
        .iter()
        .filter(|r| r.direction == Direction::GuestToHost.as_str())
    {
        let n = |value: Option<i16>| i32::from(value.unwrap_or(0));
        diesel::update(listings::table.find(review.listing_id))
            .set((
                listings::review_count.eq(listings::review_count + 1),
                listings::rating_sum.eq(listings::rating_sum + i32::from(review.rating)),
                listings::cleanliness_sum.eq(listings::cleanliness_sum + n(review.cleanliness)),
                listings::accuracy_sum.eq(listings::accuracy_sum + n(review.accuracy)),
                listings::check_in_sum.eq(listings::check_in_sum + n(review.check_in)),
                listings::communication_sum
                    .eq(listings::communication_sum + n(review.communication)),
                listings::location_sum.eq(listings::location_sum + n(review.location)),
                listings::value_sum.eq(listings::value_sum + n(review.value)),
            ))
            .execute(conn)
            .await?;
    }
    Ok(published.len())
}
