//! The GraphQL door of the host side of listings: creating and updating a listing with the host
//! listing form's fields (the JSON door's own input, [`HostListingRequest`], named
//! `ListingDetails` here, merged and checked exactly as `PATCH /api/v1/host/listings/{id}`
//! does), publishing and unlisting, the photos' order and cover, and calendar blocks. Each
//! mutation calls the one service of [`super::service`] the other doors call, which checks
//! that the actor is a verified host and the listing theirs (anyone else's id is `NOT_FOUND`).

use async_graphql::{Context, ID, Object, SimpleObject};

use super::{
    api::listings::HostListingRequest,
    forms::{ListingForm, ListingInput},
    service::{self, HostView, calendar as calendar_service, photos as photo_service},
};
use crate::{
    graphql::{
        context::{Call, door},
        errors::Answer,
        limits,
        values::{PageInfo, date, offset_after, typed_id},
    },
    service::{CalendarEntryId, ListingId, PhotoId, ServiceError, ServiceResult},
    stays::graphql::{ListingNode, listing_id},
};

/// Nights a host closed.
#[derive(SimpleObject)]
pub struct CalendarBlock {
    pub id: ID,
    pub listing_id: ID,
    /// The first night, `YYYY-MM-DD`.
    pub start: String,
    /// The day after the last night.
    pub end: String,
    pub nights: i64,
    pub note: String,
}

/// The host's listing `id` as it is now (after a change).
async fn own_listing(ctx: &Context<'_>, id: ListingId) -> async_graphql::Result<ListingNode> {
    let view =
        door(ctx)
            .call(move |mut call| async move {
                service::host_view(&mut call.conn, &call.actor, id).await
            })
            .await?;
    Ok(ListingNode::from_row(view.listing))
}

/// Runs `change` (one service call on the host's listing `id`), then answers with the listing
/// as it is now, as the JSON door answers its changes.
async fn changed<F, Fut, T>(
    ctx: &Context<'_>,
    id: ListingId,
    change: F,
) -> async_graphql::Result<ListingNode>
where
    F: FnOnce(Call) -> Fut + Send + 'static,
    Fut: Future<Output = ServiceResult<T>> + 'static,
    T: Send + 'static,
{
    door(ctx).call(change).await?;
    own_listing(ctx, id).await
}

#[derive(Default)]
pub struct ListingsMutation;

#[Object]
impl ListingsMutation {
    /// Creates a draft listing of the viewer (a host with a confirmed address). Add photos,
    /// then publish it. Wrong fields are `VALIDATION` naming the first (`fields` has them all).
    async fn create_listing(
        &self,
        ctx: &Context<'_>,
        details: HostListingRequest,
    ) -> async_graphql::Result<ListingNode> {
        let form = details.over(ListingForm::blank(), (None, 0));
        let id = door(ctx)
            .call(move |mut call| async move {
                let input = ListingInput::try_from(&form).map_err(ServiceError::Invalid)?;
                service::create(&mut call.conn, &call.actor, &call.places, &input).await
            })
            .await?;
        own_listing(ctx, id).await
    }

    /// Changes the fields sent of one of the viewer's listings; the others stay.
    async fn update_listing(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        details: HostListingRequest,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        changed(ctx, id, move |mut call| async move {
            let HostView {
                listing, amenities, ..
            } = service::host_view(&mut call.conn, &call.actor, id).await?;
            let prices = (Some(listing.nightly_price), listing.cleaning_fee);
            let form = details.over(ListingForm::from_listing(&listing, amenities), prices);
            let input = ListingInput::try_from(&form).map_err(ServiceError::Invalid)?;
            service::update(&mut call.conn, &call.actor, &call.places, id, &input).await
        })
        .await
    }

    /// Makes the listing visible to guests (it needs a photo first: `VALIDATION` otherwise).
    /// Publishing a published listing changes nothing.
    async fn publish_listing(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        changed(ctx, id, move |mut call| async move {
            service::publish(&mut call.conn, &call.actor, id).await
        })
        .await
    }

    /// Hides the listing from guests; existing bookings stay as they are.
    async fn unlist_listing(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        changed(ctx, id, move |mut call| async move {
            service::unlist(&mut call.conn, &call.actor, id).await
        })
        .await
    }

    /// Puts the listing's photos in a new order: `photoIds` names every photo once.
    async fn reorder_photos(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        photo_ids: Vec<ID>,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        let order = photo_ids
            .iter()
            .map(typed_id::<PhotoId>)
            .collect::<async_graphql::Result<Vec<_>>>()?;
        changed(ctx, id, move |mut call| async move {
            photo_service::reorder(&mut call.conn, &call.actor, id, &order).await
        })
        .await
    }

    /// Makes a photo the listing's cover.
    async fn set_cover_photo(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        photo_id: ID,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        let photo: PhotoId = typed_id(&photo_id)?;
        changed(ctx, id, move |mut call| async move {
            photo_service::set_cover(&mut call.conn, &call.actor, id, photo).await
        })
        .await
    }

    /// Closes nights of the listing (`start` is the first night, `end` the day after the last,
    /// `YYYY-MM-DD`), so that nobody can book them. Nights a booking or another block holds
    /// are `CONFLICT`.
    async fn add_calendar_block(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        start: String,
        end: String,
        #[graphql(default)] note: String,
    ) -> async_graphql::Result<CalendarBlock> {
        let id = self::listing_id(&listing_id)?;
        let blocked = door(ctx)
            .call(move |mut call| async move {
                calendar_service::block(&mut call.conn, &call.actor, id, &start, &end, &note).await
            })
            .await?;
        let dates = &blocked.request.dates;
        Ok(CalendarBlock {
            id: ID(blocked.id.to_string()),
            listing_id: ID(blocked.listing.id.to_string()),
            start: date(dates.start),
            end: date(dates.end),
            nights: (dates.end - dates.start).num_days(),
            note: blocked.request.note,
        })
    }

    /// Opens the nights of a block again (a booking's nights are not a block: `NOT_FOUND`).
    async fn release_calendar_block(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        block_id: ID,
    ) -> async_graphql::Result<ListingNode> {
        let id = self::listing_id(&listing_id)?;
        let block: CalendarEntryId = typed_id(&block_id)?;
        let listing = door(ctx)
            .call(move |mut call| async move {
                calendar_service::unblock(&mut call.conn, &call.actor, id, block).await
            })
            .await?;
        Ok(ListingNode::from_row(listing))
    }
}

/// A page of the viewer's own listings (every status), newest first.
#[derive(SimpleObject)]
pub struct HostListingPage {
    pub nodes: Vec<ListingNode>,
    pub page_info: PageInfo,
}

/// `viewer.listings`: the host's own listings through the host list's service (hosts only;
/// anyone else is `FORBIDDEN`), each read in full with the others of the page when asked.
pub async fn host_listings(
    ctx: &Context<'_>,
    first: i32,
    after: Option<String>,
) -> async_graphql::Result<HostListingPage> {
    let size = limits::page_size(first, limits::MAX_PAGE_SIZE)?;
    let offset = offset_after(after.as_deref())?;
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let (listings, has_next) = service::host_listings_page(&mut conn, &door.actor, offset, size)
        .await
        .answer()?;
    let host = door.actor.member().answer()?.id;
    Ok(HostListingPage {
        page_info: PageInfo::of(offset, listings.len(), has_next),
        nodes: listings
            .into_iter()
            .map(|listing| ListingNode::of_host(ListingId::new(listing.id), host))
            .collect(),
    })
}
