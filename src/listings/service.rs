//! Listing rules and transactions, the same for every door: who may see and change a host's
//! listings ([`owned`]: a verified host, and the listing theirs — anyone else's id answers
//! `NotFound`, so ids cannot be probed), creating and updating a listing with its amenities,
//! publishing and unlisting, and the host's dashboard. Photos are in [`photos`], the host's
//! calendar in [`calendar`]. Nothing here knows about HTTP.

pub mod admin;
pub mod calendar;
pub mod photos;

use chrono::{DateTime, NaiveTime, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, dsl::exists};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    amenities::{self, Amenity},
    forms::ListingInput,
    model::{self, CancellationPolicy, HostListing, Listing, ListingStatus, PropertyType},
};
use crate::{
    schema::{listing_photos, listings},
    search::places::PlaceDirectory,
    service::{Actor, ListingId, ServiceError, ServiceResult},
};

/// Why a listing cannot be published yet.
pub const NO_PHOTO: &str =
    "Add at least one photo before you publish: guests book places they can see.";

/// The columns a host edits.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
struct ListingRow<'a> {
    title: &'a str,
    description: &'a str,
    property_type: PropertyType,
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
    check_in_instructions: &'a str,
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
    cancellation_policy: CancellationPolicy,
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
            check_in_instructions: &input.check_in_instructions,
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

/// The actor's own listing: a verified host, and the listing theirs. Anyone else's listing,
/// or none, is `NotFound` — for guests as for other hosts, so that ids cannot be probed; a
/// visitor must sign in; the owner is `NotAllowed` while they are not a verified host.
pub async fn owned(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<Listing> {
    actor.member()?;
    let listing = model::find(conn, listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.owner(listing.host_id)?;
    actor.host()?;
    Ok(listing)
}

/// What the listing form needs: the listing (`None` while creating), the amenity catalogue and
/// the slugs of the listing's amenities.
pub struct FormData {
    pub listing: Option<Listing>,
    pub catalogue: Vec<Amenity>,
    pub amenities: Vec<String>,
}

/// The form to create a listing (`listing_id` `None`) or to edit the actor's own.
pub async fn form_data(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: Option<ListingId>,
) -> ServiceResult<FormData> {
    let listing = match listing_id {
        Some(id) => Some(owned(conn, actor, id).await?),
        None => {
            actor.host()?;
            None
        }
    };
    let catalogue = amenities::all(conn).await?;
    let amenities = match &listing {
        Some(listing) => amenities::of_listing(conn, listing.id)
            .await?
            .into_iter()
            .map(|amenity| amenity.slug)
            .collect(),
        None => Vec::new(),
    };
    Ok(FormData {
        listing,
        catalogue,
        amenities,
    })
}

/// One of the actor's listings as its host edits it: every field, its photos in order and
/// the slugs of its amenities (three queries).
pub struct HostView {
    pub listing: Listing,
    pub photos: Vec<crate::listings::photos::Photo>,
    pub amenities: Vec<String>,
}

/// The actor's own listing with its photos and amenities (see [`owned`]).
pub async fn host_view(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<HostView> {
    let listing = owned(conn, actor, listing_id).await?;
    let photos = crate::listings::photos::for_listing(conn, listing.id).await?;
    let amenities = amenities::of_listing(conn, listing.id)
        .await?
        .into_iter()
        .map(|amenity| amenity.slug)
        .collect();
    Ok(HostView {
        listing,
        photos,
        amenities,
    })
}

/// The actor's listings, newest first (hosts only).
pub async fn host_listings(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
) -> ServiceResult<Vec<HostListing>> {
    let host = actor.host()?;
    Ok(model::for_host(conn, host.id.get()).await?)
}

/// A page of the actor's listings, newest first (hosts only), and whether more follow.
pub async fn host_listings_page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    offset: i64,
    per_page: i64,
) -> ServiceResult<(Vec<HostListing>, bool)> {
    let host = actor.host()?;
    let mut listings = model::for_host_page(conn, host.id.get(), offset, per_page + 1).await?;
    let has_next = listings.len() as i64 > per_page;
    listings.truncate(per_page as usize);
    Ok((listings, has_next))
}

/// What `/host` shows a member: their listings once they host, else how to become a host.
pub enum Dashboard {
    Host(Vec<HostListing>),
    /// Not a host yet; `verified` says whether they may become one now.
    NotYetHost {
        verified: bool,
    },
}

/// The member's hosting dashboard. A host whose address is not confirmed still sees their own
/// listings (they can do nothing else with them until they confirm it).
pub async fn dashboard(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<Dashboard> {
    let member = actor.member()?;
    if member.is_host {
        Ok(Dashboard::Host(
            model::for_host(conn, member.id.get()).await?,
        ))
    } else {
        Ok(Dashboard::NotYetHost {
            verified: member.email_verified,
        })
    }
}

/// Creates a draft listing of the actor (a verified host) with its amenities, in one
/// transaction; returns its id. Its city, region and country may be a new place, which
/// `places` then learns.
pub async fn create(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    places: &PlaceDirectory,
    input: &ListingInput,
) -> ServiceResult<ListingId> {
    let host = actor.host()?.id;
    let created = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            let id = diesel::insert_into(listings::table)
                .values((
                    listings::host_id.eq(host),
                    listings::status.eq(ListingStatus::Draft),
                    ListingRow::from(input),
                ))
                .returning(listings::id)
                .get_result::<ListingId>(conn)
                .await?;
            amenities::replace_for_listing(conn, id.get(), &input.amenities).await?;
            Ok(id)
        })
        .await;
    places.forget_all();
    created
}

/// Saves the details and amenities of the actor's own listing, in one transaction. A new
/// city, region or country may be a new place, which `places` then learns.
pub async fn update(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    places: &PlaceDirectory,
    listing_id: ListingId,
    input: &ListingInput,
) -> ServiceResult<()> {
    owned(conn, actor, listing_id).await?;
    let updated = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            let updated = diesel::update(listings::table.find(listing_id))
                .set(ListingRow::from(input))
                .execute(conn)
                .await?;
            if updated == 0 {
                return Err(ServiceError::NotFound);
            }
            amenities::replace_for_listing(conn, listing_id.get(), &input.amenities).await?;
            Ok(())
        })
        .await;
    places.forget_all();
    updated
}

/// Locks a listing's row for the rest of the transaction (photo counts, cover and status
/// change together) and returns its status and cover.
pub(crate) async fn lock(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> ServiceResult<(ListingStatus, Option<i64>)> {
    Ok(listings::table
        .find(listing_id)
        .select((listings::status, listings::cover_photo_id))
        .for_update()
        .first(conn)
        .await?)
}

/// Makes the actor's draft or unlisted listing visible to guests, and returns it as it was
/// before. A listing needs a photo first (`Refused` with [`NO_PHOTO`]); `published_at` keeps
/// the date of the first publication.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<Listing> {
    let listing = owned(conn, actor, listing_id).await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (status, _) = lock(conn, listing_id).await?;
        if status == ListingStatus::Published {
            return Ok(());
        }
        let has_photo: bool = diesel::select(exists(
            listing_photos::table.filter(listing_photos::listing_id.eq(listing_id)),
        ))
        .get_result(conn)
        .await?;
        if !has_photo {
            return Err(ServiceError::refused(NO_PHOTO));
        }
        let now = Utc::now();
        let first_published: Option<DateTime<Utc>> = listings::table
            .find(listing_id)
            .select(listings::published_at)
            .first(conn)
            .await?;
        diesel::update(listings::table.find(listing_id))
            .set((
                listings::status.eq(ListingStatus::Published),
                listings::published_at.eq(first_published.unwrap_or(now)),
                listings::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(listing)
}

/// Hides the actor's published listing from guests (existing bookings are not affected).
/// Returns the listing as it was and whether it was published.
pub async fn unlist(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<(Listing, bool)> {
    let listing = owned(conn, actor, listing_id).await?;
    let updated = diesel::update(
        listings::table
            .find(listing_id)
            .filter(listings::status.eq(ListingStatus::Published)),
    )
    .set((
        listings::status.eq(ListingStatus::Unlisted),
        listings::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    Ok((listing, updated > 0))
}
