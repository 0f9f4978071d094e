//! Review rules: who may review which stay and when, double-blind publication, the host's
//! reply, and the listing's figures, kept in step in the same transaction as each publication.
//! Every function that writes or reads what is not public takes the [`Actor`] and checks it
//! here, so that any door (pages, the JSON API, jobs) gets the same answer.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, QueryableByName,
    result::DatabaseErrorKind,
    sql_types::{BigInt, Nullable, SmallInt, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

pub use super::model::{Direction, ShownReview, Stay, load_stay};
use super::{
    forms::{CATEGORIES, MAX_COMMENT_CHARS},
    model,
};
use crate::{
    accounts::model as users_model,
    listings::model::{self as listing_model, Listing},
    schema::{listings, reviews},
    service::{
        Actor, BookingId, FieldErrors, ListingId, ReviewId, ServiceError, ServiceResult, UserId,
    },
};

/// Days after check-out during which both sides may write their review.
pub const WINDOW_DAYS: i64 = 14;

/// Reviews per page of a listing's reviews.
pub const PER_PAGE: i64 = 10;

/// Longest host reply, in characters (the database checks it too).
const MAX_REPLY_CHARS: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The guest reviews the stay (the listing and its host).
    Guest,
    /// The host reviews the guest.
    Host,
}

impl Side {
    pub fn direction(self) -> Direction {
        match self {
            Side::Guest => Direction::GuestToHost,
            Side::Host => Direction::HostToGuest,
        }
    }
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

/// Why a review cannot be written: the reasons of the pure rule [`may_review`], each turned
/// into its [`ServiceError`] by `From` (the message is the one the user reads).
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

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            // Not NotFound: the booking's people know each other, and the page says why.
            Refusal::NotYourStay => ServiceError::NotAllowed(message),
            Refusal::AlreadyReviewed => ServiceError::Conflict(message),
            Refusal::Cancelled | Refusal::TooEarly(_) | Refusal::TooLate(_) => {
                ServiceError::Refused(message)
            }
        }
    }
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
/// and not written yet. `None` when there is no such booking. Kept for the trip and
/// reservation pages, which offer the link only when this is `Ok`; new callers use [`open`].
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
    if model::written(conn, BookingId::new(booking_id), side.direction()).await? {
        return Ok(Some(Err(Refusal::AlreadyReviewed)));
    }
    Ok(Some(Ok(stay)))
}

/// The stay `actor` may review now from `side`: a verified, active member who is the guest of
/// the booking (guest side) or the host of its listing (host side), inside the window, not yet
/// reviewed. No such booking is `NotFound`; every other refusal says why.
pub async fn open(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
    now: DateTime<Utc>,
) -> ServiceResult<Stay> {
    let member = actor.member()?;
    match open_review(conn, booking_id.get(), member.id.get(), side, now).await? {
        None => Err(ServiceError::NotFound),
        Some(Err(refusal)) => Err(refusal.into()),
        Some(Ok(stay)) => Ok(stay),
    }
}

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
        } else if comment.chars().count() > MAX_COMMENT_CHARS {
            errors.add(
                "comment",
                format!("Use at most {MAX_COMMENT_CHARS} characters."),
            );
        }
        errors.into_result()
    }
}

/// Whether `actor` may write their review of the booking from `side` now (for the trip and
/// reservation pages, which offer the link only then). Someone else's booking is `false`.
pub async fn can_review(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
) -> ServiceResult<bool> {
    match open(conn, actor, booking_id, side, Utc::now()).await {
        Ok(_) => Ok(true),
        Err(
            ServiceError::NotFound
            | ServiceError::NotAllowed(_)
            | ServiceError::Conflict(_)
            | ServiceError::Refused(_),
        ) => Ok(false),
        Err(other) => Err(other),
    }
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

/// Averages of a listing's published reviews, from its maintained sums.
pub struct Summary {
    pub count: i32,
    pub overall: String,
    pub categories: Vec<(&'static str, String)>,
}

fn average(sum: i32, count: i32) -> String {
    if count == 0 {
        return "–".into();
    }
    format!("{:.1}", f64::from(sum) / f64::from(count))
}

pub fn summary(listing: &Listing) -> Summary {
    let n = listing.review_count;
    Summary {
        count: n,
        overall: average(listing.rating_sum, n),
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
/// published one, or their own).
pub async fn listing_reviews(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    page_number: i64,
) -> ServiceResult<ListingReviews> {
    let page_number = page_number.clamp(1, 10_000);
    let viewer = actor.member().ok().map(|member| member.id);
    let listing = listing_model::find_visible(conn, listing_id.get(), viewer.map(UserId::get))
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut reviews = model::of_listing(
        conn,
        ListingId::new(listing.id),
        PER_PAGE,
        (page_number - 1) * PER_PAGE,
    )
    .await?;
    let has_next = reviews.len() as i64 > PER_PAGE;
    reviews.truncate(PER_PAGE as usize);
    Ok(ListingReviews {
        is_host: viewer.map(UserId::get) == Some(listing.host_id),
        summary: summary(&listing),
        listing,
        reviews,
        page_number,
        has_next,
    })
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
    let user = users_model::find(conn, user_id.get())
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
