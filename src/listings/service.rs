//! Listing rules and transactions, shared by the host pages and (later) the APIs: create and
//! update a listing together with its amenities, publish and unlist. Nothing here knows about
//! HTTP; handlers parse input into a [`ListingInput`] and call these functions.

pub mod photos;

use chrono::{DateTime, NaiveTime, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, dsl::exists};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    amenities,
    form::ListingInput,
    model::{DRAFT, PUBLISHED, UNLISTED},
};
use crate::{
    errors::{AppError, AppResult},
    schema::{listing_photos, listings},
    search::places::PlaceDirectory,
};

/// The columns a host edits.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
struct ListingRow<'a> {
    title: &'a str,
    description: &'a str,
    property_type: &'a str,
    address: &'a str,
    city: &'a str,
    region: &'a str,
    country: &'a str,
    timezone: &'a str,
    latitude: Option<f64>,
    longitude: Option<f64>,
    max_guests: i32,
    bedrooms: i32,
    beds: i32,
    bathrooms_tenths: i32,
    house_rules: &'a str,
    check_in_time: NaiveTime,
    check_out_time: NaiveTime,
    nightly_price: i64,
    cleaning_fee: i64,
    currency: &'a str,
    weekly_discount_pct: i32,
    monthly_discount_pct: i32,
    min_nights: i32,
    max_nights: i32,
    instant_book: bool,
    cancellation_policy: &'a str,
    updated_at: DateTime<Utc>,
}

impl<'a> From<&'a ListingInput> for ListingRow<'a> {
    fn from(input: &'a ListingInput) -> Self {
        ListingRow {
            title: &input.title,
            description: &input.description,
            property_type: input.property_type,
            address: &input.address,
            city: &input.city,
            region: &input.region,
            country: &input.country,
            timezone: input.timezone.name(),
            latitude: input.latitude,
            longitude: input.longitude,
            max_guests: input.max_guests,
            bedrooms: input.bedrooms,
            beds: input.beds,
            bathrooms_tenths: input.bathrooms_tenths,
            house_rules: &input.house_rules,
            check_in_time: input.check_in_time,
            check_out_time: input.check_out_time,
            nightly_price: input.nightly_price,
            cleaning_fee: input.cleaning_fee,
            currency: input.currency,
            weekly_discount_pct: input.weekly_discount_pct,
            monthly_discount_pct: input.monthly_discount_pct,
            min_nights: input.min_nights,
            max_nights: input.max_nights,
            instant_book: input.instant_book,
            cancellation_policy: input.cancellation_policy,
            updated_at: Utc::now(),
        }
    }
}

/// Creates a draft listing of `host_id` with its amenities, in one transaction; returns its id.
/// Its city, region and country may be a new place, which `places` then learns.
pub async fn create(
    conn: &mut AsyncPgConnection,
    places: &PlaceDirectory,
    host_id: i64,
    input: &ListingInput,
) -> AppResult<i64> {
    let created = conn
        .transaction::<_, AppError, _>(async |conn| {
            let id = diesel::insert_into(listings::table)
                .values((
                    listings::host_id.eq(host_id),
                    listings::status.eq(DRAFT),
                    ListingRow::from(input),
                ))
                .returning(listings::id)
                .get_result::<i64>(conn)
                .await?;
            amenities::replace_for_listing(conn, id, &input.amenities).await?;
            Ok(id)
        })
        .await;
    places.forget_all();
    created
}

/// Saves a listing's details and amenities, in one transaction. The caller has checked that
/// the listing is the host's. A new city, region or country may be a new place, which
/// `places` then learns.
pub async fn update(
    conn: &mut AsyncPgConnection,
    places: &PlaceDirectory,
    listing_id: i64,
    input: &ListingInput,
) -> AppResult<()> {
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let updated = diesel::update(listings::table.find(listing_id))
                .set(ListingRow::from(input))
                .execute(conn)
                .await?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
            amenities::replace_for_listing(conn, listing_id, &input.amenities).await?;
            Ok(())
        })
        .await;
    places.forget_all();
    updated
}

/// Why a listing cannot be published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishRefusal {
    NoPhoto,
}

impl PublishRefusal {
    pub fn message(&self) -> &'static str {
        match self {
            PublishRefusal::NoPhoto => {
                "Add at least one photo before you publish: guests book places they can see."
            }
        }
    }
}

/// Locks a listing's row for the rest of the transaction (photo counts, cover and status
/// change together) and returns its status and cover.
pub(crate) async fn lock(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
) -> AppResult<(String, Option<i64>)> {
    Ok(listings::table
        .find(listing_id)
        .select((listings::status, listings::cover_photo_id))
        .for_update()
        .first(conn)
        .await?)
}

/// Makes a draft or unlisted listing visible to guests. A listing needs a photo first;
/// `published_at` keeps the date of the first publication.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
) -> AppResult<Result<(), PublishRefusal>> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let (status, _) = lock(conn, listing_id).await?;
        if status == PUBLISHED {
            return Ok(Ok(()));
        }
        let has_photo: bool = diesel::select(exists(
            listing_photos::table.filter(listing_photos::listing_id.eq(listing_id)),
        ))
        .get_result(conn)
        .await?;
        if !has_photo {
            return Ok(Err(PublishRefusal::NoPhoto));
        }
        let now = Utc::now();
        let first_published: Option<DateTime<Utc>> = listings::table
            .find(listing_id)
            .select(listings::published_at)
            .first(conn)
            .await?;
        diesel::update(listings::table.find(listing_id))
            .set((
                listings::status.eq(PUBLISHED),
                listings::published_at.eq(first_published.unwrap_or(now)),
                listings::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok(Ok(()))
    })
    .await
}

/// Hides a published listing from guests (existing bookings are not affected). Returns
/// whether it was published.
pub async fn unlist(conn: &mut AsyncPgConnection, listing_id: i64) -> AppResult<bool> {
    let updated = diesel::update(
        listings::table
            .find(listing_id)
            .filter(listings::status.eq(PUBLISHED)),
    )
    .set((
        listings::status.eq(UNLISTED),
        listings::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    Ok(updated > 0)
}
