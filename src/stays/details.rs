//! What the listing page reads beside the listing itself: photos, amenities, the host and the
//! availability of a stay; one query each, none per item. (The calendar's entries come from
//! `listings::calendar::entries_between`.)

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, Queryable, QueryableByName, Selectable, SelectableHelper,
    sql_types::{Bool, Date},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::stay::StayDates;
use crate::{
    listings::model::Listing,
    schema::{amenities, listing_amenities, listing_photos, users},
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = listing_photos, check_for_backend(diesel::pg::Pg))]
pub struct Photo {
    pub id: i64,
    pub image_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
}

/// The photos in gallery order: the cover first, then by position.
pub async fn photos(
    conn: &mut AsyncPgConnection,
    listing: &Listing,
) -> diesel::QueryResult<Vec<Photo>> {
    let mut photos: Vec<Photo> = listing_photos::table
        .filter(listing_photos::listing_id.eq(listing.id))
        .order((listing_photos::position, listing_photos::id))
        .select(Photo::as_select())
        .load(conn)
        .await?;
    if let Some(cover) = listing.cover_photo_id
        && let Some(index) = photos.iter().position(|photo| photo.id == cover)
    {
        let photo = photos.remove(index);
        photos.insert(0, photo);
    }
    Ok(photos)
}

/// Names of the listing's amenities, in the catalogue's order.
pub async fn amenity_names(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
) -> diesel::QueryResult<Vec<String>> {
    listing_amenities::table
        .inner_join(amenities::table)
        .filter(listing_amenities::listing_id.eq(listing_id))
        .order((amenities::position, amenities::id))
        .select(amenities::name)
        .load(conn)
        .await
}

/// The host as guests see them.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
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
        self.name
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default()
    }

    /// "March 2024".
    pub fn member_since(&self) -> String {
        self.created_at.format("%B %Y").to_string()
    }
}

pub async fn host(conn: &mut AsyncPgConnection, host_id: i64) -> diesel::QueryResult<Host> {
    users::table
        .find(host_id)
        .select(Host::as_select())
        .first(conn)
        .await
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = Bool)]
    taken: bool,
}

/// Whether no calendar entry overlaps `dates` (one probe of the exclusion constraint's index).
pub async fn is_free(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    dates: &StayDates,
) -> diesel::QueryResult<bool> {
    let row: Taken = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM calendar_entries WHERE listing_id = $1 \
         AND stay && daterange($2, $3, '[)')) AS taken",
    )
    .bind::<diesel::sql_types::BigInt, _>(listing_id)
    .bind::<Date, _>(dates.check_in())
    .bind::<Date, _>(dates.check_out())
    .get_result(conn)
    .await?;
    Ok(!row.taken)
}
