//! Photo rules and transactions, each for the actor's own listing only (see [`super::owned`]):
//! uploading photos from their bytes (the first becomes the cover), moving a photo up or down
//! or putting them all in a new order, choosing the cover, deleting. Each change runs in one transaction with the listing's row
//! locked, so counts, positions and the cover stay consistent.

use diesel::{
    ExpressionMethods, Insertable, OptionalExtension, QueryDsl, SelectableHelper,
    dsl::{count_star, max},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{lock, owned};
use crate::{
    db::DbPool,
    images::{ImageError, pool::ImagePool},
    listings::{
        model::{Listing, ListingStatus},
        photos::{self, MAX_PER_LISTING, NewPhoto, Photo},
        uploads::{self, UploadError, UploadedFile},
    },
    schema::{listing_photos, listings},
    service::{Actor, FieldErrors, ListingId, PhotoId, ServiceError, ServiceResult},
    storage::Storage,
    throttle,
};

/// The field that upload messages belong to.
pub const FIELD: &str = "photos";

/// The message when a listing has no room for that many photos.
pub fn too_many(room: usize) -> String {
    match room {
        0 => format!("A listing can have at most {MAX_PER_LISTING} photos. Delete one first."),
        room => {
            format!("A listing can have at most {MAX_PER_LISTING} photos: you can add {room} more.")
        }
    }
}

/// Guests must see at least one photo of a published listing.
pub const LAST_PHOTO_OF_PUBLISHED: &str =
    "A published listing needs a photo. Upload another one first, or unlist the listing.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "up" => Some(Direction::Up),
            "down" => Some(Direction::Down),
            _ => None,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = listing_photos)]
struct PhotoRow<'a> {
    listing_id: i64,
    image_key: &'a str,
    thumb_key: &'a str,
    width: i32,
    height: i32,
    position: i32,
}

/// The actor's own listing with its photos in order (the photos page and its grid).
pub async fn page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<(Listing, Vec<Photo>)> {
    let listing = owned(conn, actor, listing_id).await?;
    let photos = photos::for_listing(conn, listing.id).await?;
    Ok((listing, photos))
}

/// How many more photos the listing may have.
async fn room_left(conn: &mut AsyncPgConnection, listing_id: ListingId) -> ServiceResult<usize> {
    let count: i64 = listing_photos::table
        .filter(listing_photos::listing_id.eq(listing_id))
        .select(count_star())
        .first(conn)
        .await?;
    Ok(MAX_PER_LISTING.saturating_sub(count as usize))
}

/// An upload's refusal as the door-neutral error: too large → `TooLarge`, too many uploads →
/// `TooManyAttempts`, the image workers busy → `Unavailable`, anything else about the files →
/// `Invalid`; the message is on [`FIELD`].
fn refusal(error: UploadError) -> ServiceError {
    let message = error.to_string();
    match error.problem() {
        Some(ImageError::TooLarge) => ServiceError::TooLarge(FieldErrors::one(FIELD, message)),
        Some(ImageError::Throttled { retry_after_secs }) => ServiceError::TooManyAttempts {
            retry_after_secs: *retry_after_secs,
        },
        Some(ImageError::Busy) => ServiceError::Unavailable {
            reason: message,
            retry_after_secs: 5,
        },
        _ => ServiceError::invalid(FIELD, message),
    }
}

/// Adds photos to the actor's own listing from the files the door read (`files`: the bytes, or
/// why the door could not read them, which still counts against the upload limit). The upload
/// counts against the host's limit, then each file is decoded and re-encoded on the image pool,
/// stored, and appended in one transaction; it is all or nothing. Returns the photos added, in
/// their order.
pub async fn upload(
    pool: &DbPool,
    images: &ImagePool,
    storage: &Storage,
    actor: &Actor,
    listing_id: ListingId,
    files: Result<Vec<UploadedFile>, UploadError>,
) -> ServiceResult<Vec<Photo>> {
    let mut conn = crate::db::connection(pool).await?;
    let listing = owned(&mut conn, actor, listing_id).await?;
    let admitted = throttle::hit_upload(&mut conn, listing.host_id).await?;
    let room = room_left(&mut conn, listing_id).await?;
    // No connection is held while the images are decoded.
    drop(conn);
    if let Err(retry_after_secs) = admitted {
        return Err(refusal(UploadError::Whole(ImageError::Throttled {
            retry_after_secs,
        })));
    }
    let files = files.map_err(refusal)?;
    if files.len() > room {
        return Err(refusal(UploadError::Refused(too_many(room))));
    }
    let processed = uploads::process(images, files).await?.map_err(refusal)?;
    let new = uploads::store(storage, processed).await?;
    let mut conn = match crate::db::connection(pool).await {
        Ok(conn) => conn,
        Err(error) => {
            uploads::remove(storage, &new).await;
            return Err(error.into());
        }
    };
    match add(&mut conn, listing_id, &new).await {
        Ok(added) => Ok(added),
        Err(error) => {
            uploads::remove(storage, &new).await;
            Err(error)
        }
    }
}

/// Appends stored photos to the listing, in their order; the first becomes the cover when
/// the listing has none. The caller has checked the listing is the actor's. Returns the rows.
async fn add(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    new: &[NewPhoto],
) -> ServiceResult<Vec<Photo>> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (_, cover) = lock(conn, listing_id).await?;
        let (count, last): (i64, Option<i32>) = listing_photos::table
            .filter(listing_photos::listing_id.eq(listing_id))
            .select((count_star(), max(listing_photos::position)))
            .first(conn)
            .await?;
        let room = MAX_PER_LISTING.saturating_sub(count as usize);
        if new.len() > room {
            return Err(refusal(UploadError::Refused(too_many(room))));
        }
        let next = last.map_or(0, |last| last + 1);
        let rows: Vec<PhotoRow> = new
            .iter()
            .zip(next..)
            .map(|(photo, position)| PhotoRow {
                listing_id: listing_id.get(),
                image_key: &photo.image_key,
                thumb_key: &photo.thumb_key,
                width: photo.width,
                height: photo.height,
                position,
            })
            .collect();
        let mut inserted: Vec<Photo> = diesel::insert_into(listing_photos::table)
            .values(&rows)
            .returning(Photo::as_returning())
            .get_results(conn)
            .await?;
        inserted.sort_by_key(|photo| photo.position);
        if let (None, Some(first)) = (cover, inserted.as_slice().first()) {
            set_cover_row(conn, listing_id, Some(first.id)).await?;
        }
        Ok(inserted)
    })
    .await
}

async fn set_cover_row(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    photo_id: Option<i64>,
) -> ServiceResult<()> {
    diesel::update(listings::table.find(listing_id))
        .set(listings::cover_photo_id.eq(photo_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Swaps a photo of the actor's listing with its neighbour; positions are renumbered 0, 1, 2…
/// on the way. `NotFound` when the photo is not the listing's.
pub async fn move_photo(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    photo_id: PhotoId,
    direction: Direction,
) -> ServiceResult<()> {
    owned(conn, actor, listing_id).await?;
    let photo_id = photo_id.get();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        lock(conn, listing_id).await?;
        let mut order: Vec<(i64, i32)> = listing_photos::table
            .filter(listing_photos::listing_id.eq(listing_id))
            .order((listing_photos::position, listing_photos::id))
            .select((listing_photos::id, listing_photos::position))
            .load(conn)
            .await?;
        let index = order
            .iter()
            .position(|(id, _)| *id == photo_id)
            .ok_or(ServiceError::NotFound)?;
        let other = match direction {
            Direction::Up => index.checked_sub(1),
            Direction::Down => Some(index + 1).filter(|next| *next < order.len()),
        };
        if let Some(other) = other {
            order.swap(index, other);
        }
        for (wanted, (id, position)) in (0..).zip(&order) {
            if *position != wanted {
                diesel::update(listing_photos::table.find(id))
                    .set(listing_photos::position.eq(wanted))
                    .execute(conn)
                    .await?;
            }
        }
        Ok(())
    })
    .await
}

/// Why an order of photos is refused (on the field `photo_ids`).
pub const NOT_AN_ORDER: &str = "List every photo of the listing once, in the order you want.";

/// Puts the photos of the actor's listing in the order of `order`, which must name each of
/// them once (`Invalid` on `photo_ids` otherwise); positions become 0, 1, 2…
pub async fn reorder(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    order: &[PhotoId],
) -> ServiceResult<()> {
    owned(conn, actor, listing_id).await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        lock(conn, listing_id).await?;
        let mut current: Vec<(i64, i32)> = listing_photos::table
            .filter(listing_photos::listing_id.eq(listing_id))
            .select((listing_photos::id, listing_photos::position))
            .load(conn)
            .await?;
        current.sort_unstable();
        let mut wanted: Vec<i64> = order.iter().map(|id| id.get()).collect();
        wanted.sort_unstable();
        if wanted.len() != current.len() || wanted.iter().zip(&current).any(|(a, (b, _))| a != b) {
            return Err(ServiceError::invalid("photo_ids", NOT_AN_ORDER));
        }
        for (position, id) in (0..).zip(order) {
            let id = id.get();
            let unchanged = current
                .binary_search_by_key(&id, |(photo, _)| *photo)
                .is_ok_and(|index| current[index].1 == position);
            if !unchanged {
                diesel::update(listing_photos::table.find(id))
                    .set(listing_photos::position.eq(position))
                    .execute(conn)
                    .await?;
            }
        }
        Ok(())
    })
    .await
}

/// Makes a photo of the actor's listing its cover (`NotFound` for anyone else's photo).
pub async fn set_cover(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    photo_id: PhotoId,
) -> ServiceResult<()> {
    owned(conn, actor, listing_id).await?;
    photos::find_in_listing(conn, listing_id.get(), photo_id.get())
        .await?
        .ok_or(ServiceError::NotFound)?;
    set_cover_row(conn, listing_id, Some(photo_id.get())).await
}

/// Deletes a photo of the actor's listing, then its files. When it was the cover, the next
/// photo in order becomes the cover. The last photo of a published listing stays
/// (`Conflict` with [`LAST_PHOTO_OF_PUBLISHED`]).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    actor: &Actor,
    listing_id: ListingId,
    photo_id: PhotoId,
) -> ServiceResult<()> {
    owned(conn, actor, listing_id).await?;
    let photo_id = photo_id.get();
    let photo = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            let (status, cover) = lock(conn, listing_id).await?;
            let photo = photos::find_in_listing(conn, listing_id.get(), photo_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let next: Option<i64> = listing_photos::table
                .filter(listing_photos::listing_id.eq(listing_id))
                .filter(listing_photos::id.ne(photo_id))
                .order((listing_photos::position, listing_photos::id))
                .select(listing_photos::id)
                .first(conn)
                .await
                .optional()?;
            if next.is_none() && status == ListingStatus::Published {
                return Err(ServiceError::conflict(LAST_PHOTO_OF_PUBLISHED));
            }
            diesel::delete(listing_photos::table.find(photo_id))
                .execute(conn)
                .await?;
            if cover.is_none() || cover == Some(photo_id) {
                set_cover_row(conn, listing_id, next).await?;
            }
            Ok(photo)
        })
        .await?;
    uploads::remove_keys(storage, [&photo.image_key, &photo.thumb_key]).await;
    Ok(())
}
