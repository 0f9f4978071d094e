//! Review rules: who may review which stay and when, double-blind publication, and the
//! listing's figures, kept in step in the same transaction as each publication.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, QueryableByName,
    result::DatabaseErrorKind,
    sql_types::{BigInt, Nullable, SmallInt, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::{
    errors::AppError,
    schema::{bookings, listings, reviews},
};

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
    pub fn direction(self) -> &'static str {
        match self {
            Side::Guest => "guest_to_host",
            Side::Host => "host_to_guest",
        }
    }
}

/// A stay as the review rules see it.
#[derive(Clone, Debug)]
pub struct Stay {
    pub booking_id: i64,
    pub listing_id: i64,
    pub listing_title: String,
    pub guest_id: i64,
    pub host_id: i64,
    pub status: String,
    pub check_out: NaiveDate,
    pub timezone: String,
}

impl Stay {
    /// When the stay ends: midnight starting the check-out day, in the listing's time zone.
    fn ends_at(&self) -> DateTime<Utc> {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
        self.check_out
            .and_hms_opt(0, 0, 0)
            .and_then(|midnight| midnight.and_local_timezone(tz).earliest())
            .map(|moment| moment.with_timezone(&Utc))
            .unwrap_or_else(|| {
                self.check_out
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
            })
    }

    /// When the review window closes.
    pub fn window_closes_at(&self) -> DateTime<Utc> {
        self.ends_at() + Duration::days(WINDOW_DAYS)
    }

    pub fn window_closes_on(&self) -> NaiveDate {
        self.check_out + Duration::days(WINDOW_DAYS)
    }
}

/// Why a review cannot be written.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("You can only review a stay you were part of.")]
    NotYourStay,
    #[error("This stay was cancelled, so it cannot be reviewed.")]
    Cancelled,
    #[error("You can review this stay after check-out, on {0}.")]
    TooEarly(NaiveDate),
    #[error("The {WINDOW_DAYS}-day review window for this stay closed on {0}.")]
    TooLate(NaiveDate),
    #[error("You have already reviewed this stay.")]
    AlreadyReviewed,
}

pub async fn load_stay(
    conn: &mut AsyncPgConnection,
    booking_id: i64,
) -> diesel::QueryResult<Option<Stay>> {
    type Row = (i64, i64, String, i64, i64, String, NaiveDate, String);
    let row: Option<Row> = bookings::table
        .inner_join(listings::table)
        .filter(bookings::id.eq(booking_id))
        .select((
            bookings::id,
            listings::id,
            listings::title,
            bookings::guest_id,
            listings::host_id,
            bookings::status,
            bookings::check_out,
            listings::timezone,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(
        |(
            booking_id,
            listing_id,
            listing_title,
            guest_id,
            host_id,
            status,
            check_out,
            timezone,
        )| {
            Stay {
                booking_id,
                listing_id,
                listing_title,
                guest_id,
                host_id,
                status,
                check_out,
                timezone,
            }
        },
    ))
}

/// Whether `user_id` may review `stay` from `side` at `now` (ignoring whether they already did).
pub fn may_review(
    stay: &Stay,
    user_id: i64,
    side: Side,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let party = match side {
        Side::Guest => stay.guest_id,
        Side::Host => stay.host_id,
    };
    if party != user_id {
        return Err(Refusal::NotYourStay);
    }
    if stay.status.starts_with("cancelled")
        || matches!(stay.status.as_str(), "declined" | "expired")
    {
        return Err(Refusal::Cancelled);
    }
    if now < stay.ends_at() || !matches!(stay.status.as_str(), "completed" | "checked_in") {
        return Err(Refusal::TooEarly(stay.check_out));
    }
    if now >= stay.window_closes_at() {
        return Err(Refusal::TooLate(stay.window_closes_on()));
    }
    Ok(())
}

/// Whether `user_id` may write their review of the booking from `side` now: [`may_review`],
/// and not written yet. `None` when there is no such booking. The review pages refuse with
/// the reason; the trip and reservation pages offer the link only when this is `Ok`.
pub async fn open_review(
    conn: &mut AsyncPgConnection,
    booking_id: i64,
    user_id: i64,
    side: Side,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<Result<Stay, Refusal>>> {
    let Some(stay) = load_stay(conn, booking_id).await? else {
        return Ok(None);
    };
    if let Err(refusal) = may_review(&stay, user_id, side, now) {
        return Ok(Some(Err(refusal)));
    }
    let already: i64 = reviews::table
        .filter(reviews::booking_id.eq(booking_id))
        .filter(reviews::direction.eq(side.direction()))
        .count()
        .get_result(conn)
        .await?;
    if already > 0 {
        return Ok(Some(Err(Refusal::AlreadyReviewed)));
    }
    Ok(Some(Ok(stay)))
}

/// A validated review.
#[derive(Clone, Debug)]
pub struct NewReview {
    pub rating: i16,
    /// cleanliness, accuracy, check-in, communication, location, value (guest reviews only).
    pub categories: Option<[i16; 6]>,
    pub comment: String,
}

/// Stores a review; publishes both when the other side has written too. Returns whether the
/// review is published now.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    stay: &Stay,
    side: Side,
    review: &NewReview,
) -> Result<Result<bool, Refusal>, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
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
                return Ok(Err(Refusal::AlreadyReviewed));
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
            return Ok(Ok(true));
        }
        Ok(Ok(false))
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
    for review in published.iter().filter(|r| r.direction == "guest_to_host") {
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

/// The host's one public reply to a published review of their listing.
pub async fn reply(
    conn: &mut AsyncPgConnection,
    review_id: i64,
    host_id: i64,
    text: &str,
) -> Result<Result<i64, &'static str>, AppError> {
    type Row = (i64, String, Option<DateTime<Utc>>, Option<String>, i64);
    let review: Option<Row> = reviews::table
        .inner_join(listings::table)
        .filter(reviews::id.eq(review_id))
        .select((
            listings::host_id,
            reviews::direction,
            reviews::published_at,
            reviews::host_reply,
            listings::id,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((owner, direction, published, existing, listing_id)) = review else {
        return Err(AppError::NotFound);
    };
    if owner != host_id || direction != "guest_to_host" {
        return Err(AppError::NotFound);
    }
    if published.is_none() {
        return Ok(Err("You can reply once the review is published."));
    }
    if existing.is_some() {
        return Ok(Err("You have already replied to this review."));
    }
    let updated = diesel::update(
        reviews::table
            .filter(reviews::id.eq(review_id))
            .filter(reviews::host_reply.is_null()),
    )
    .set((
        reviews::host_reply.eq(text),
        reviews::host_replied_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    if updated == 0 {
        return Ok(Err("You have already replied to this review."));
    }
    Ok(Ok(listing_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stay(status: &str, check_out: NaiveDate) -> Stay {
        Stay {
            booking_id: 1,
            listing_id: 1,
            listing_title: "Loft".into(),
            guest_id: 10,
            host_id: 20,
            status: status.into(),
            check_out,
            timezone: "Europe/Paris".into(),
        }
    }

    fn at(date: &str) -> DateTime<Utc> {
        format!("{date}T12:00:00Z").parse().expect("a timestamp")
    }

    fn day(date: &str) -> NaiveDate {
        date.parse().expect("a date")
    }

    #[test]
    fn only_the_people_of_a_completed_stay_review_it_within_the_window() {
        let s = stay("completed", day("2026-06-10"));
        assert_eq!(may_review(&s, 10, Side::Guest, at("2026-06-11")), Ok(()));
        assert_eq!(may_review(&s, 20, Side::Host, at("2026-06-11")), Ok(()));
        assert_eq!(
            may_review(&s, 20, Side::Guest, at("2026-06-11")),
            Err(Refusal::NotYourStay)
        );
        assert_eq!(
            may_review(&s, 99, Side::Host, at("2026-06-11")),
            Err(Refusal::NotYourStay)
        );
        assert_eq!(
            may_review(&s, 10, Side::Guest, at("2026-06-25")),
            Err(Refusal::TooLate(day("2026-06-24")))
        );
        let early = stay("confirmed", day("2026-06-10"));
        assert_eq!(
            may_review(&early, 10, Side::Guest, at("2026-06-09")),
            Err(Refusal::TooEarly(day("2026-06-10")))
        );
        let cancelled = stay("cancelled_by_guest", day("2026-06-10"));
        assert_eq!(
            may_review(&cancelled, 10, Side::Guest, at("2026-06-11")),
            Err(Refusal::Cancelled)
        );
    }
}
