//! Listing photos: rows of `listing_photos` and their queries. The files themselves live in the
//! storage under server-chosen keys; see [`crate::listings::uploads`] for how they get there.

use crate::service::ListingId;
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, Selectable, SelectableHelper,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::listing_photos;

/// Most photos a listing may have.
pub const MAX_PER_LISTING: usize = 40;
/// Largest stored photo, in pixels (larger uploads are scaled down to fit).
pub const LARGE_SIZE: (u32, u32) = (1600, 1200);
/// Thumbnail size, in pixels (for cards and the host's photo grid).
pub const THUMB_SIZE: (u32, u32) = (480, 360);

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = listing_photos, check_for_backend(diesel::pg::Pg))]
pub struct Photo {
    pub id: i64,
    pub listing_id: i64,
    pub image_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub position: i32,
    pub caption: String,
}

impl Photo {
    pub fn url(&self) -> String {
        format!("/media/{}", self.image_key)
    }

    pub fn thumb_url(&self) -> String {
        format!("/media/{}", self.thumb_key)
    }
}

/// A stored, re-encoded photo that has no row yet.
#[derive(Clone, Debug)]
pub struct NewPhoto {
    pub image_key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
}

/// The photos of a listing in their order (one query).
pub async fn for_listing(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> diesel::QueryResult<Vec<Photo>> {
    listing_photos::table
        .filter(listing_photos::listing_id.eq(listing_id))
        .order((listing_photos::position, listing_photos::id))
        .select(Photo::as_select())
        .load(conn)
        .await
}

/// A photo of that listing (`None` for another listing's photo, whatever the id).
pub async fn find_in_listing(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    photo_id: i64,
) -> diesel::QueryResult<Option<Photo>> {
    listing_photos::table
        .filter(listing_photos::id.eq(photo_id))
        .filter(listing_photos::listing_id.eq(listing_id))
        .select(Photo::as_select())
        .first(conn)
        .await
        .optional()
}
