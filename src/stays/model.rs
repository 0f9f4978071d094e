//! The queries of the guest side: the listing with what its page shows around it (photos,
//! amenities, the host, the wishlist heart and the taken nights, in one statement), the
//! availability of a stay, and the wishlist. (The API's calendar entries come from
//! `listings::calendar::entries_between`.)

use std::sync::LazyLock;

use crate::service::{ListingId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl,
    sql_types::{Array, BigInt, Bool, Json, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::stay::StayDates;
use crate::{
    db::sql::{Bind, SqlBuilder},
    listings::{
        booked_nights::{self, BookedNights},
        model::Listing,
    },
    schema::wishlist_items,
    search::cards::{CardRow, CardSql, ListingCard, card_columns},
};

#[derive(Clone, Debug, Deserialize)]
pub struct Photo {
    pub id: i64,
    pub image_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
}

/// The host as guests see them.
#[derive(Clone, Debug)]
pub struct Host {
    pub id: i64,
    pub name: String,
    pub bio: String,
    pub avatar_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Host {
    pub fn avatar_url(&self) -> Option<String> {
        crate::accounts::model::avatar_url(&self.avatar_key)
    }

    pub fn initial(&self) -> String {
        crate::accounts::initial_of(&self.name)
    }

    /// "March 2024".
    pub fn member_since(&self) -> String {
        self.created_at.format("%B %Y").to_string()
    }
}

/// Everything around the listing that its page shows.
pub struct Details {
    /// In gallery order: the cover first, then by position.
    pub photos: Vec<Photo>,
    /// Names, in the catalogue's order.
    pub amenities: Vec<String>,
    pub host: Host,
    /// In the viewer's wishlist.
    pub saved: bool,
}

/// A listing with everything around it that its page shows, and its taken nights.
pub struct ListingWithDetails {
    pub listing: Listing,
    pub details: Details,
    /// The taken nights from the date the caller asked for on.
    pub taken: BookedNights,
}

/// The listing's photos as JSON objects in gallery order (the cover first, then by position),
/// correlated with the outer `listings` row.
const PHOTOS_JSON: &str = "coalesce((SELECT json_agg(json_build_object('id', p.id, \
     'image_key', p.image_key, 'thumb_key', p.thumb_key, 'width', p.width, \
     'height', p.height, 'caption', p.caption) \
     ORDER BY p.id IS NOT DISTINCT FROM listings.cover_photo_id DESC, p.position, p.id) \
   FROM listing_photos p WHERE p.listing_id = listings.id), '[]'::json)";

/// The listing's amenity names in the catalogue's order, correlated with the outer row.
const AMENITY_NAMES: &str = "ARRAY(SELECT a.name FROM listing_amenities la \
   JOIN amenities a ON a.id = la.amenity_id WHERE la.listing_id = listings.id \
   ORDER BY a.position, a.id)";

type HostColumns = (i64, String, String, Option<String>, DateTime<Utc>);
type WithDetailsRow = (
    Listing,
    HostColumns,
    serde_json::Value,
    Vec<String>,
    bool,
    String,
);

/// The `listings` columns of [`Listing`], in its `Selectable` order, as Diesel writes them
/// (`"listings"."id", …`): the hand-written statement below reads its rows by position.
static LISTING_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    use crate::schema::listings;
    use diesel::SelectableHelper;
    let select =
        diesel::debug_query::<diesel::pg::Pg, _>(&listings::table.select(Listing::as_select()))
            .to_string();
    select
        .trim_start_matches("SELECT ")
        .split(" FROM ")
        .next()
        .unwrap_or_default()
        .to_string()
});

type ListingSqlType = diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Listing, diesel::pg::Pg>>;
type HostSqlType = (BigInt, Text, Text, Nullable<Text>, Timestamptz);
type WithDetailsSqlType = (ListingSqlType, HostSqlType, Json, Array<Text>, Bool, Text);

/// The listing, its host, photos, amenities, whether `viewer` saved it and its taken nights
/// from `nights_from` on (from the listing row's `booked_nights`, instead of a query of the
/// calendar): one statement, whatever the number of photos, amenities or calendar entries.
/// Whoever may see it is the caller's rule (`service`).
///
/// Written by hand ([`SqlBuilder`]) so that it is prepared once per connection: the same
/// statement built with Diesel's `sql()` fragments was parsed and planned on every page view,
/// and planning its three subqueries cost PostgreSQL more than running them (measured on the
/// 100 000-listing seed: about 0.25 ms of planning against 0.1 ms of execution).
pub async fn with_details(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    viewer: Option<i64>,
    nights_from: NaiveDate,
) -> diesel::QueryResult<Option<ListingWithDetails>> {
    let mut sql = SqlBuilder::default();
    let (id, viewer, first_bit) = (
        sql.param(Bind::BigInt(listing_id.get())),
        // No viewer matches no wishlist row (ids start at 1).
        sql.param(Bind::BigInt(viewer.unwrap_or(0))),
        sql.param(Bind::Int(booked_nights::bit_of(nights_from))),
    );
    sql.text(format!(
        "SELECT {listing}, u.id, u.name, u.bio, u.avatar_key, u.created_at, {PHOTOS_JSON}, \
         {AMENITY_NAMES}, EXISTS (SELECT 1 FROM wishlist_items w \
         WHERE w.listing_id = listings.id AND w.user_id = {viewer}), \
         substring(listings.booked_nights FROM {first_bit})::text \
         FROM listings INNER JOIN users u ON u.id = listings.host_id WHERE listings.id = {id}",
        listing = LISTING_COLUMNS.as_str(),
    ));
    let row: Option<WithDetailsRow> = sql
        .build::<WithDetailsSqlType>()
        .get_result(conn)
        .await
        .optional()?;
    let Some((listing, host, photos, amenities, saved, nights)) = row else {
        return Ok(None);
    };
    let photos: Vec<Photo> = serde_json::from_value(photos)
        .map_err(|error| diesel::result::Error::DeserializationError(Box::new(error)))?;
    let (id, name, bio, avatar_key, created_at) = host;
    Ok(Some(ListingWithDetails {
        taken: BookedNights::from_text(nights_from, &nights),
        details: Details {
            photos,
            amenities,
            host: Host {
                id,
                name,
                bio,
                avatar_key,
                created_at,
            },
            saved,
        },
        listing,
    }))
}

/// Whether no calendar entry overlaps `dates` (one probe of the exclusion constraint's index;
/// a cached statement, prepared once per connection: it runs on every quote).
pub async fn is_free(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    dates: &StayDates,
) -> diesel::QueryResult<bool> {
    let mut sql = SqlBuilder::default();
    let (listing, from, to) = (
        sql.param(Bind::BigInt(listing_id.get())),
        sql.param(Bind::Date(dates.check_in())),
        sql.param(Bind::Date(dates.check_out())),
    );
    sql.text(format!(
        "SELECT EXISTS (SELECT 1 FROM calendar_entries WHERE listing_id = {listing} \
         AND stay && daterange({from}, {to}, '[)'))"
    ));
    let taken: bool = sql.build::<Bool>().get_result(conn).await?;
    Ok(!taken)
}

/// Most saved stays listed.
const WISHLIST_LIMIT: i64 = 200;

pub async fn is_saved(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    listing_id: i64,
) -> diesel::QueryResult<bool> {
    wishlist_items::table
        .find((user_id, listing_id))
        .select(wishlist_items::listing_id)
        .first::<i64>(conn)
        .await
        .optional()
        .map(|found| found.is_some())
}

/// Saves the listing, or removes it when it was saved; returns whether it is saved now.
pub async fn toggle(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    listing_id: ListingId,
) -> diesel::QueryResult<bool> {
    let removed = diesel::delete(wishlist_items::table.find((user_id, listing_id)))
        .execute(conn)
        .await?;
    if removed > 0 {
        return Ok(false);
    }
    diesel::insert_into(wishlist_items::table)
        .values((
            wishlist_items::user_id.eq(user_id),
            wishlist_items::listing_id.eq(listing_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(true)
}

/// The user's saved stays that guests can see, newest first (one query).
pub async fn saved_cards(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> diesel::QueryResult<Vec<ListingCard>> {
    let mut sql = SqlBuilder::default();
    let (user, limit) = (
        sql.param(Bind::BigInt(user_id)),
        sql.param(Bind::BigInt(WISHLIST_LIMIT)),
    );
    sql.text(format!(
        "SELECT {} FROM wishlist_items w JOIN listings l ON l.id = w.listing_id \
         WHERE w.user_id = {user} AND l.status = 'published' \
         ORDER BY w.created_at DESC, l.id LIMIT {limit}",
        card_columns("l")
    ));
    let rows: Vec<CardRow> = sql.build::<CardSql>().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|row| ListingCard {
            saved: true,
            ..ListingCard::from_row(row, None)
        })
        .collect())
}

/// The photos of several listings, by listing, each in gallery order (the cover first, then by
/// position): one query, whatever the number of listings (GraphQL's loaders).
pub async fn photos_of(
    conn: &mut AsyncPgConnection,
    listing_ids: &[ListingId],
) -> diesel::QueryResult<Vec<(ListingId, Photo)>> {
    use crate::schema::{listing_photos as p, listings as l};
    use diesel::{JoinOnDsl, dsl::sql, sql_types::Bool as SqlBool};
    type Row = (ListingId, i64, String, String, i32, i32, String);
    let rows: Vec<Row> = p::table
        .inner_join(l::table.on(l::id.eq(p::listing_id)))
        .filter(p::listing_id.eq_any(listing_ids.to_vec()))
        .order((
            p::listing_id,
            sql::<SqlBool>("listing_photos.id IS NOT DISTINCT FROM listings.cover_photo_id DESC"),
            p::position,
            p::id,
        ))
        .select((
            l::id,
            p::id,
            p::image_key,
            p::thumb_key,
            p::width,
            p::height,
            p::caption,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(listing_id, id, image_key, thumb_key, width, height, caption)| {
                (
                    listing_id,
                    Photo {
                        id,
                        image_key,
                        thumb_key,
                        width,
                        height,
                        caption,
                    },
                )
            },
        )
        .collect())
}

/// One amenity of a listing: its slug (as search filters name it) and its name.
#[derive(Clone, Debug)]
pub struct ListedAmenity {
    pub slug: String,
    pub name: String,
}

/// The amenities of several listings, by listing, in the catalogue's order (one query).
pub async fn amenities_of(
    conn: &mut AsyncPgConnection,
    listing_ids: &[ListingId],
) -> diesel::QueryResult<Vec<(ListingId, ListedAmenity)>> {
    use crate::schema::{amenities as a, listing_amenities as la};
    let rows: Vec<(ListingId, String, String)> = la::table
        .inner_join(a::table)
        .filter(la::listing_id.eq_any(listing_ids.to_vec()))
        .order((la::listing_id, a::position, a::id))
        .select((la::listing_id, a::slug, a::name))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(listing_id, slug, name)| (listing_id, ListedAmenity { slug, name }))
        .collect())
}

/// The public profiles of several users (hosts, review authors): name, bio, avatar and
/// since when they are members — never an address or a phone (one query).
pub async fn profiles(
    conn: &mut AsyncPgConnection,
    user_ids: &[UserId],
) -> diesel::QueryResult<Vec<Host>> {
    use crate::schema::users as u;
    type Row = (i64, String, String, Option<String>, DateTime<Utc>);
    let rows: Vec<Row> = u::table
        .filter(u::id.eq_any(user_ids.to_vec()))
        .select((u::id, u::name, u::bio, u::avatar_key, u::created_at))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, bio, avatar_key, created_at)| Host {
            id,
            name,
            bio,
            avatar_key,
            created_at,
        })
        .collect())
}

/// Which of `listing_ids` the user saved (one query).
pub async fn saved_among(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    listing_ids: &[ListingId],
) -> diesel::QueryResult<Vec<ListingId>> {
    wishlist_items::table
        .filter(wishlist_items::user_id.eq(user_id))
        .filter(wishlist_items::listing_id.eq_any(listing_ids.to_vec()))
        .select(wishlist_items::listing_id)
        .load(conn)
        .await
}
