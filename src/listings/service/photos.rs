//! Photo rules and transactions: adding uploaded photos (the first becomes the cover), moving a
//! photo up or down, choosing the cover, deleting. Each runs in one transaction with the
//! listing's row locked, so counts, positions and the cover stay consistent.

use diesel::{
    ExpressionMethods, Insertable, OptionalExtension, QueryDsl,
    dsl::{count_star, max},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::lock;
use crate::{
    errors::{AppError, AppResult},
    listings::{
        model::PUBLISHED,
        photos::{self, MAX_PER_LISTING, NewPhoto, Photo},
    },
    schema::{listing_photos, listings},
};

/// Why a photo change was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// Adding would pass the limit; `room` photos may still be added.
    TooMany { room: usize },
    /// Guests must see at least one photo of a published listing.
    LastPhotoOfPublished,
}

impl PhotoRefusal {
    pub fn message(&self) -> String {
        match self {
            PhotoRefusal::TooMany { room: 0 } => {
                format!("A listing can have at most {MAX_PER_LISTING} photos. Delete one first.")
            }
            PhotoRefusal::TooMany { room } => format!(
                "A listing can have at most {MAX_PER_LISTING} photos: you can add {room} more."
            ),
            PhotoRefusal::LastPhotoOfPublished => {
                "A published listing needs a photo. Upload another one first, or unlist the listing."
                    .into()
            }
        }
    }
}

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

/// How many more photos the listing may have.
pub async fn room_left(conn: &mut AsyncPgConnection, listing_id: i64) -> AppResult<usize> {
    let count: i64 = listing_photos::table
        .filter(listing_photos::listing_id.eq(listing_id))
        .select(count_star())
        .first(conn)
        .await?;
    Ok(MAX_PER_LISTING.saturating_sub(count as usize))
}

/// Appends stored photos to the listing, in their order; the first becomes the cover when
/// the listing has none.
pub async fn add(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    new: &[NewPhoto],
) -> AppResult<Result<(), PhotoRefusal>> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let (_, cover) = lock(conn, listing_id).await?;
        let (count, last): (i64, Option<i32>) = listing_photos::table
            .filter(listing_photos::listing_id.eq(listing_id))
            .select((count_star(), max(listing_photos::position)))
            .first(conn)
            .await?;
        let room = MAX_PER_LISTING.saturating_sub(count as usize);
        if new.len() > room {
            return Ok(Err(PhotoRefusal::TooMany { room }));
        }
        let next = last.map_or(0, |last| last + 1);
        let rows: Vec<PhotoRow> = new
            .iter()
            .zip(next..)
            .map(|(photo, position)| PhotoRow {
                listing_id,
                image_key: &photo.image_key,
                thumb_key: &photo.thumb_key,
                width: photo.width,
                height: photo.height,
                position,
            })
            .collect();
        let inserted: Vec<(i64, i32)> = diesel::insert_into(listing_photos::table)
            .values(&rows)
            .returning((listing_photos::id, listing_photos::position))
            .get_results(conn)
            .await?;
        let first = inserted.iter().min_by_key(|(_, position)| *position);
        if let (None, Some((first, _))) = (cover, first) {
            set_cover_row(conn, listing_id, Some(*first)).await?;
        }
        Ok(Ok(()))
    })
    .await
}

async fn set_cover_row(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    photo_id: Option<i64>,
) -> AppResult<()> {
    diesel::update(listings::table.find(listing_id))
        .set(listings::cover_photo_id.eq(photo_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Swaps a photo with its neighbour; positions are renumbered 0, 1, 2… on the way.
/// `AppError::NotFound` when the photo is not the listing's.
pub async fn move_photo(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    photo_id: i64,
    direction: Direction,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async |conn| {
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
            .ok_or(AppError::NotFound)?;
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

/// Makes a photo of the listing its cover (`AppError::NotFound` for anyone else's photo).
pub async fn set_cover(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    photo_id: i64,
) -> AppResult<()> {
    photos::find_in_listing(conn, listing_id, photo_id)
        .await?
        .ok_or(AppError::NotFound)?;
    set_cover_row(conn, listing_id, Some(photo_id)).await
}

/// Deletes a photo's row (the caller then deletes its files). When it was the cover, the next
/// photo in order becomes the cover. The last photo of a published listing stays.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    photo_id: i64,
) -> AppResult<Result<Photo, PhotoRefusal>> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let (status, cover) = lock(conn, listing_id).await?;
        let photo = photos::find_in_listing(conn, listing_id, photo_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let next: Option<i64> = listing_photos::table
            .filter(listing_photos::listing_id.eq(listing_id))
            .filter(listing_photos::id.ne(photo_id))
            .order((listing_photos::position, listing_photos::id))
            .select(listing_photos::id)
            .first(conn)
            .await
            .optional()?;
        if next.is_none() && status == PUBLISHED {
            return Ok(Err(PhotoRefusal::LastPhotoOfPublished));
        }
        diesel::delete(listing_photos::table.find(photo_id))
            .execute(conn)
            .await?;
        if cover.is_none() || cover == Some(photo_id) {
            set_cover_row(conn, listing_id, next).await?;
        }
        Ok(Ok(photo))
    })
    .await
}
