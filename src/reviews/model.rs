//! The review tables: their vocabularies, the stay as the review rules see it, and the queries
//! of published reviews shared by the services (nothing HTTP here).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    accounts::model as users_model,
    schema::{bookings, listings, reviews, users},
    service::{BookingId, ListingId, ReviewId, UserId},
};

crate::text_enum! {
    /// Who reviews whom (`reviews.direction`).
    pub enum Direction {
        /// The guest reviews the stay (the listing and its host).
        GuestToHost = "guest_to_host",
        /// The host reviews the guest.
        HostToGuest = "host_to_guest",
    }
}

crate::text_enum! {
    /// The emails sent once per stay about its reviews (`review_notices.kind`).
    pub enum NoticeKind {
        /// When the stay completes.
        Invitation = "invitation",
        /// Two days before the window closes.
        Reminder = "reminder",
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

/// Whether a review of the booking in this direction exists.
pub async fn written(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    direction: Direction,
) -> diesel::QueryResult<bool> {
    let count: i64 = reviews::table
        .filter(reviews::booking_id.eq(booking_id.get()))
        .filter(reviews::direction.eq(direction))
        .count()
        .get_result(conn)
        .await?;
    Ok(count > 0)
}

/// A published review as shown.
pub struct ShownReview {
    pub id: i64,
    pub author: String,
    pub author_avatar: Option<String>,
    pub rating: i16,
    pub comment: String,
    pub published_at: DateTime<Utc>,
    pub host_reply: Option<String>,
}

impl ShownReview {
    pub fn date(&self) -> String {
        self.published_at.format("%B %Y").to_string()
    }

    pub fn stars(&self) -> String {
        "★".repeat(self.rating.clamp(0, 5) as usize)
    }
}

type ReviewRow = (
    i64,
    String,
    Option<String>,
    i16,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The columns of a [`ReviewRow`] (the review joined to its author, `users`).
const SHOWN_COLUMNS: (
    reviews::id,
    users::name,
    users::avatar_key,
    reviews::rating,
    reviews::comment,
    reviews::published_at,
    reviews::host_reply,
) = (
    reviews::id,
    users::name,
    users::avatar_key,
    reviews::rating,
    reviews::comment,
    reviews::published_at,
    reviews::host_reply,
);

fn shown((id, author, avatar, rating, comment, published, reply): ReviewRow) -> ShownReview {
    ShownReview {
        id,
        author,
        author_avatar: users_model::avatar_url(&avatar),
        rating,
        comment,
        published_at: published.unwrap_or_else(Utc::now),
        host_reply: reply,
    }
}

/// A page of a listing's published, visible guest reviews, newest first; `limit + 1` rows are
/// asked for, so that the caller knows whether there is a next page.
pub async fn of_listing(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    limit: i64,
    offset: i64,
) -> diesel::QueryResult<Vec<ShownReview>> {
    let rows: Vec<ReviewRow> = reviews::table
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(reviews::listing_id.eq(listing_id.get()))
        .filter(reviews::direction.eq(Direction::GuestToHost))
        .filter(reviews::published_at.is_not_null())
        .filter(reviews::hidden_at.is_null())
        .order((reviews::published_at.desc(), reviews::id.desc()))
        .limit(limit + 1)
        .offset(offset)
        .select(SHOWN_COLUMNS)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(shown).collect())
}

/// What hosts wrote about a person (published, visible), newest first, at most 50.
pub async fn about_guest(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> diesel::QueryResult<Vec<ShownReview>> {
    let rows: Vec<ReviewRow> = reviews::table
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(reviews::subject_id.eq(user_id.get()))
        .filter(reviews::direction.eq(Direction::HostToGuest))
        .filter(reviews::published_at.is_not_null())
        .filter(reviews::hidden_at.is_null())
        .order(reviews::published_at.desc())
        .limit(50)
        .select(SHOWN_COLUMNS)
        .load(conn)
        .await?;
    // Host-to-guest reviews take no reply.
    Ok(rows
        .into_iter()
        .map(|row| ShownReview {
            host_reply: None,
            ..shown(row)
        })
        .collect())
}

/// A published guest review of one of a host's listings that the host has not answered.
pub struct ReviewToAnswer {
    pub listing_id: ListingId,
    pub listing_title: String,
    pub review: ShownReview,
}

/// The newest `limit` published, visible guest reviews of `host_id`'s listings without the
/// host's reply, with their listing: one statement.
pub async fn awaiting_reply(
    conn: &mut AsyncPgConnection,
    host_id: UserId,
    limit: i64,
) -> diesel::QueryResult<Vec<ReviewToAnswer>> {
    let rows: Vec<(i64, String, ReviewRow)> = reviews::table
        .inner_join(listings::table.on(listings::id.eq(reviews::listing_id)))
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(listings::host_id.eq(host_id.get()))
        .filter(reviews::direction.eq(Direction::GuestToHost))
        .filter(reviews::published_at.is_not_null())
        .filter(reviews::hidden_at.is_null())
        .filter(reviews::host_reply.is_null())
        .order((reviews::published_at.desc(), reviews::id.desc()))
        .limit(limit)
        .select((listings::id, listings::title, SHOWN_COLUMNS))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(listing_id, listing_title, row)| ReviewToAnswer {
            listing_id: ListingId::new(listing_id),
            listing_title,
            review: shown(row),
        })
        .collect())
}

/// The listing a review belongs to (public: its page shows the review).
pub async fn listing_of(
    conn: &mut AsyncPgConnection,
    review_id: ReviewId,
) -> diesel::QueryResult<Option<ListingId>> {
    reviews::table
        .find(review_id.get())
        .select(reviews::listing_id)
        .first::<i64>(conn)
        .await
        .optional()
        .map(|id| id.map(ListingId::new))
}

/// What the reply rules need of a review: its listing's host, direction, publication and reply.
pub struct ReplyTarget {
    pub host_id: UserId,
    pub listing_id: ListingId,
    pub direction: Direction,
    pub published: bool,
    pub replied: bool,
}

pub async fn reply_target(
    conn: &mut AsyncPgConnection,
    review_id: ReviewId,
) -> diesel::QueryResult<Option<ReplyTarget>> {
    type Row = (i64, Direction, Option<DateTime<Utc>>, Option<String>, i64);
    let row: Option<Row> = reviews::table
        .inner_join(listings::table)
        .filter(reviews::id.eq(review_id.get()))
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
    Ok(row.map(
        |(host_id, direction, published, reply, listing_id)| ReplyTarget {
            host_id: UserId::new(host_id),
            listing_id: ListingId::new(listing_id),
            direction,
            published: published.is_some(),
            replied: reply.is_some(),
        },
    ))
}

/// A published review with its author's public profile, as GraphQL's loaders read them.
#[derive(Clone, Debug)]
pub struct ListedReview {
    pub listing_id: ListingId,
    pub id: i64,
    pub rating: i16,
    pub comment: String,
    pub published_at: DateTime<Utc>,
    pub host_reply: Option<String>,
    pub author: crate::stays::model::Host,
}

type ListedSql = (
    diesel::sql_types::BigInt,
    diesel::sql_types::BigInt,
    diesel::sql_types::SmallInt,
    diesel::sql_types::Text,
    diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::BigInt,
    diesel::sql_types::Text,
    diesel::sql_types::Text,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::Timestamptz,
);

type ListedRow = (
    i64,
    i64,
    i16,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
    i64,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
);

/// The newest `limit` published, visible guest reviews of each of several listings (the rows
/// [`of_listing`] pages through), with their authors: one statement, a walk of each listing's
/// reviews that stops after `limit`, whatever the number of listings.
pub async fn latest_of_listings(
    conn: &mut AsyncPgConnection,
    listing_ids: &[ListingId],
    limit: i64,
) -> diesel::QueryResult<Vec<ListedReview>> {
    use crate::db::sql::{Bind, SqlBuilder};
    let mut sql = SqlBuilder::default();
    let ids = sql.param(Bind::BigInts(
        listing_ids.iter().map(|id| id.get()).collect(),
    ));
    let limit = sql.param(Bind::BigInt(limit));
    let direction = sql.param(Bind::Text(Direction::GuestToHost.as_str().to_string()));
    sql.text(format!(
        "SELECT r.listing_id, r.id, r.rating, r.comment, r.published_at, r.host_reply, \
           u.id, u.name, u.bio, u.avatar_key, u.created_at \
         FROM unnest({ids}) AS l(id) CROSS JOIN LATERAL \
           (SELECT * FROM reviews r WHERE r.listing_id = l.id AND r.direction = {direction} \
              AND r.published_at IS NOT NULL AND r.hidden_at IS NULL \
            ORDER BY r.published_at DESC, r.id DESC LIMIT {limit}) r \
         JOIN users u ON u.id = r.author_id \
         ORDER BY r.listing_id, r.published_at DESC, r.id DESC"
    ));
    let rows: Vec<ListedRow> = sql.build::<ListedSql>().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                listing_id,
                id,
                rating,
                comment,
                published,
                host_reply,
                author_id,
                name,
                bio,
                avatar_key,
                created_at,
            )| ListedReview {
                listing_id: ListingId::new(listing_id),
                id,
                rating,
                comment,
                published_at: published.unwrap_or_else(Utc::now),
                host_reply,
                author: crate::stays::model::Host {
                    id: author_id,
                    name,
                    bio,
                    avatar_key,
                    created_at,
                },
            },
        )
        .collect())
}
