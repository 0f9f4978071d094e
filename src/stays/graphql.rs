//! The GraphQL door of stays: the `Listing` type (the same facts as the listing page, its
//! photos, amenities and host through the request's DataLoader), `listing(id)`, `quote`, and
//! saving a listing to the wishlist. Who may see a listing is [`service::visible`]'s rule: a
//! draft is `null` with `NOT_FOUND` for everyone but its host, whatever the path.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject, dataloader::Loader};

use super::{
    forms::StayQuery,
    model::{Host, ListedAmenity, Photo as PhotoRow},
    service,
};
use crate::{
    graphql::{
        context::{Batch, door, loader},
        errors::{Answer, or_null, service as service_error},
        limits,
        values::{Money, date, instant, typed_id},
    },
    listings::model::Listing,
    reviews::graphql::{ReviewNode, ReviewsOf},
    search::cards::ListingCard,
    service::{ListingId, ServiceError, UserId},
};

/// A listing, from a search card (what a results page knows) or from its whole row; what the
/// card does not know is read, for all the listings of the answer at once, when asked for.
#[derive(Clone)]
pub struct ListingNode {
    id: ListingId,
    host_id: UserId,
    card: Option<Arc<ListingCard>>,
    row: Option<Arc<Listing>>,
}

impl ListingNode {
    /// A listing from a service's card (search, the wishlist): published when it was read.
    pub fn from_card(card: ListingCard) -> ListingNode {
        ListingNode {
            id: ListingId::new(card.id),
            host_id: UserId::new(card.facts.host_id),
            card: Some(Arc::new(card)),
            row: None,
        }
    }

    /// A listing a service answered with (so the actor may see it).
    pub fn from_row(listing: Listing) -> ListingNode {
        ListingNode {
            id: listing.id,
            host_id: listing.host_id,
            card: None,
            row: Some(Arc::new(listing)),
        }
    }

    /// One of the host's own listings, known by its id (their list): every field is read, for
    /// all the listings of the answer at once, when asked for (a draft is visible to its host).
    pub fn of_host(id: ListingId, host_id: UserId) -> ListingNode {
        ListingNode {
            id,
            host_id,
            card: None,
            row: None,
        }
    }

    /// The whole row: the one at hand, else read (with the other listings of the answer) under
    /// the rule of [`service::visible`].
    async fn row(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<Listing>> {
        if let Some(row) = &self.row {
            return Ok(row.clone());
        }
        loader(ctx)
            .load_one(self.id)
            .await?
            .ok_or_else(|| service_error(ServiceError::NotFound))
    }
}

/// A photo of a listing, in gallery order (the cover first).
#[derive(Clone, SimpleObject)]
pub struct Photo {
    pub id: ID,
    pub url: String,
    pub thumbnail_url: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
}

impl From<&PhotoRow> for Photo {
    fn from(photo: &PhotoRow) -> Photo {
        Photo {
            id: ID(photo.id.to_string()),
            url: format!("/media/{}", photo.image_key),
            thumbnail_url: format!("/media/{}", photo.thumb_key),
            width: photo.width,
            height: photo.height,
            caption: photo.caption.clone(),
        }
    }
}

/// An amenity of a listing.
#[derive(Clone, SimpleObject)]
pub struct Amenity {
    /// As search filters name it (`wifi`, `pool`, …).
    pub slug: String,
    pub name: String,
}

/// A person as everyone may see them (a host, a review's author): never an email address or a
/// phone number.
#[derive(Clone, SimpleObject)]
pub struct Profile {
    pub id: ID,
    pub name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    /// The date they joined, `YYYY-MM-DD`.
    pub member_since: String,
}

impl From<&Host> for Profile {
    fn from(host: &Host) -> Profile {
        Profile {
            id: ID(host.id.to_string()),
            name: host.name.clone(),
            bio: host.bio.clone(),
            avatar_url: host.avatar_url(),
            member_since: date(host.created_at.date_naive()),
        }
    }
}

fn average(sum: i32, count: i32) -> Option<f64> {
    (count > 0).then(|| (f64::from(sum) / f64::from(count) * 100.0).round() / 100.0)
}

#[Object(name = "Listing")]
impl ListingNode {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    async fn title(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        match &self.card {
            Some(card) => Ok(card.title.clone()),
            None => Ok(self.row(ctx).await?.title.clone()),
        }
    }

    /// `published`; the host also sees `draft` and `unlisted`.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.row(ctx).await?.status.as_str().to_string())
    }

    async fn description(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.row(ctx).await?.description.clone())
    }

    /// `apartment`, `house`, `loft`, …
    async fn property_type(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        match &self.card {
            Some(card) => Ok(card.facts.property_type.clone()),
            None => Ok(self.row(ctx).await?.property_type.as_str().to_string()),
        }
    }

    async fn city(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        match &self.card {
            Some(card) => Ok(card.facts.city.clone()),
            None => Ok(self.row(ctx).await?.city.clone()),
        }
    }

    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.row(ctx).await?.region.clone())
    }

    async fn country(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        match &self.card {
            Some(card) => Ok(card.facts.country.clone()),
            None => Ok(self.row(ctx).await?.country.clone()),
        }
    }

    /// IANA time zone: stay dates are days there.
    async fn timezone(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.row(ctx).await?.timezone.clone())
    }

    async fn max_guests(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        match &self.card {
            Some(card) => Ok(card.facts.max_guests),
            None => Ok(self.row(ctx).await?.max_guests),
        }
    }

    async fn bedrooms(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        match &self.card {
            Some(card) => Ok(card.facts.bedrooms),
            None => Ok(self.row(ctx).await?.bedrooms),
        }
    }

    async fn beds(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.row(ctx).await?.beds)
    }

    async fn bathrooms(&self, ctx: &Context<'_>) -> async_graphql::Result<f64> {
        Ok(f64::from(self.row(ctx).await?.bathrooms_tenths) / 10.0)
    }

    async fn house_rules(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.row(ctx).await?.house_rules.clone())
    }

    /// Local time, `HH:MM`.
    async fn check_in_time(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self
            .row(ctx)
            .await?
            .check_in_time
            .format("%H:%M")
            .to_string())
    }

    async fn check_out_time(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self
            .row(ctx)
            .await?
            .check_out_time
            .format("%H:%M")
            .to_string())
    }

    async fn nightly_price(&self, ctx: &Context<'_>) -> async_graphql::Result<Money> {
        match &self.card {
            Some(card) => Ok(Money::new(card.facts.nightly_price, &card.facts.currency)),
            None => {
                let row = self.row(ctx).await?;
                Ok(Money::new(row.nightly_price, &row.currency))
            }
        }
    }

    async fn cleaning_fee(&self, ctx: &Context<'_>) -> async_graphql::Result<Money> {
        match &self.card {
            Some(card) => Ok(Money::new(card.facts.cleaning_fee, &card.facts.currency)),
            None => {
                let row = self.row(ctx).await?;
                Ok(Money::new(row.cleaning_fee, &row.currency))
            }
        }
    }

    /// The whole stay (nights, fees, discounts) when the search gave dates.
    async fn total_price(&self) -> Option<Money> {
        let card = self.card.as_ref()?;
        let amount = card.facts.total_amount?;
        Some(Money::new(amount, &card.facts.currency))
    }

    async fn min_nights(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.row(ctx).await?.min_nights)
    }

    async fn max_nights(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.row(ctx).await?.max_nights)
    }

    async fn instant_book(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.row(ctx).await?.instant_book)
    }

    /// `flexible`, `moderate` or `strict`.
    async fn cancellation_policy(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self
            .row(ctx)
            .await?
            .cancellation_policy
            .as_str()
            .to_string())
    }

    /// Average overall rating, 1 to 5; `null` before the first review.
    async fn rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        match &self.card {
            Some(card) => Ok(card.facts.rating_avg),
            None => {
                let row = self.row(ctx).await?;
                Ok(average(row.rating_sum, row.review_count))
            }
        }
    }

    async fn review_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        match &self.card {
            Some(card) => Ok(card.review_count),
            None => Ok(self.row(ctx).await?.review_count),
        }
    }

    /// When it was first published (ISO 8601).
    async fn published_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.row(ctx).await?.published_at.map(instant))
    }

    /// In the viewer's wishlist.
    async fn saved(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        match &self.card {
            Some(card) => Ok(card.saved),
            None => Ok(loader(ctx)
                .load_one(SavedOf(self.id))
                .await?
                .unwrap_or(false)),
        }
    }

    /// In gallery order, the cover first.
    async fn photos(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Photo>> {
        let photos = loader(ctx).load_one(PhotosOf(self.id)).await?;
        Ok(photos
            .map(|photos| photos.iter().map(Photo::from).collect())
            .unwrap_or_default())
    }

    async fn cover_photo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Photo>> {
        let photos = loader(ctx).load_one(PhotosOf(self.id)).await?;
        Ok(photos.and_then(|photos| photos.first().map(Photo::from)))
    }

    /// In the catalogue's order.
    async fn amenities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Amenity>> {
        let amenities = loader(ctx).load_one(AmenitiesOf(self.id)).await?;
        Ok(amenities
            .map(|amenities| {
                amenities
                    .iter()
                    .map(|amenity| Amenity {
                        slug: amenity.slug.clone(),
                        name: amenity.name.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The host's public profile.
    async fn host(&self, ctx: &Context<'_>) -> async_graphql::Result<Profile> {
        loader(ctx)
            .load_one(self.host_id)
            .await?
            .map(|host| Profile::from(host.as_ref()))
            .ok_or_else(|| service_error(ServiceError::NotFound))
    }

    /// The newest published reviews (`first` from 1 to 20).
    #[graphql(complexity = "limits::list_cost(first, child_complexity)")]
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 3)] first: i32,
    ) -> async_graphql::Result<Vec<ReviewNode>> {
        let first = limits::page_size(first, limits::MAX_REVIEWS)?;
        let reviews = loader(ctx)
            .load_one(ReviewsOf {
                listing: self.id,
                first,
            })
            .await?;
        Ok(reviews
            .map(|reviews| reviews.iter().cloned().map(ReviewNode::from).collect())
            .unwrap_or_default())
    }
}

/// A key of the DataLoader: the photos of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhotosOf(pub ListingId);

/// A key of the DataLoader: the amenities of a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AmenitiesOf(pub ListingId);

/// A key of the DataLoader: whether the viewer saved a listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SavedOf(pub ListingId);

/// Whole listing rows, as the actor may see them.
impl Loader<ListingId> for Batch {
    type Value = Arc<Listing>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[ListingId],
    ) -> Result<HashMap<ListingId, Arc<Listing>>, Self::Error> {
        let mut conn = self.conn().await?;
        let rows = service::visible_many(&mut conn, &self.actor, keys)
            .await
            .answer()?;
        Ok(rows
            .into_iter()
            .map(|(id, listing)| (id, Arc::new(listing)))
            .collect())
    }
}

impl Loader<PhotosOf> for Batch {
    type Value = Arc<Vec<PhotoRow>>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[PhotosOf]) -> Result<HashMap<PhotosOf, Self::Value>, Self::Error> {
        let ids: Vec<ListingId> = keys.iter().map(|key| key.0).collect();
        let mut conn = self.conn().await?;
        let mut photos = service::photos_of(&mut conn, &ids).await.answer()?;
        Ok(keys
            .iter()
            .map(|key| (*key, Arc::new(photos.remove(&key.0).unwrap_or_default())))
            .collect())
    }
}

impl Loader<AmenitiesOf> for Batch {
    type Value = Arc<Vec<ListedAmenity>>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[AmenitiesOf],
    ) -> Result<HashMap<AmenitiesOf, Self::Value>, Self::Error> {
        let ids: Vec<ListingId> = keys.iter().map(|key| key.0).collect();
        let mut conn = self.conn().await?;
        let mut amenities = service::amenities_of(&mut conn, &ids).await.answer()?;
        Ok(keys
            .iter()
            .map(|key| (*key, Arc::new(amenities.remove(&key.0).unwrap_or_default())))
            .collect())
    }
}

/// Public profiles (hosts).
impl Loader<UserId> for Batch {
    type Value = Arc<Host>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Arc<Host>>, Self::Error> {
        let mut conn = self.conn().await?;
        let profiles = service::profiles(&mut conn, keys).await.answer()?;
        Ok(profiles
            .into_iter()
            .map(|(id, host)| (id, Arc::new(host)))
            .collect())
    }
}

impl Loader<SavedOf> for Batch {
    type Value = bool;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[SavedOf]) -> Result<HashMap<SavedOf, bool>, Self::Error> {
        let ids: Vec<ListingId> = keys.iter().map(|key| key.0).collect();
        let mut conn = self.conn().await?;
        let saved = service::saved_among(&mut conn, &self.actor, &ids)
            .await
            .answer()?;
        Ok(keys
            .iter()
            .map(|key| (*key, saved.contains(&key.0)))
            .collect())
    }
}

/// The price of a stay, line by line (computed on the server; a booking snapshots the same).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Quote {
    /// `YYYY-MM-DD`.
    pub check_in: String,
    pub check_out: String,
    pub guests: i32,
    pub nights: i32,
    pub nightly_price: Money,
    /// Nights × nightly price.
    pub base: Money,
    /// 0, or the weekly (7+ nights) or monthly (28+ nights) percentage.
    pub discount_pct: i32,
    pub discount: Money,
    pub cleaning_fee: Money,
    pub service_fee: Money,
    pub taxes: Money,
    /// What the guest pays.
    pub total: Money,
    #[graphql(skip)]
    pub listing: ListingNode,
}

#[ComplexObject]
impl Quote {
    async fn listing(&self) -> &ListingNode {
        &self.listing
    }
}

/// What saving or unsaving did.
#[derive(SimpleObject)]
pub struct FavouriteResult {
    pub listing: ListingNode,
    /// In the wishlist now.
    pub saved: bool,
}

/// A listing id sent by a client.
pub fn listing_id(id: &ID) -> async_graphql::Result<ListingId> {
    typed_id(id)
}

#[derive(Default)]
pub struct StaysQuery;

#[Object]
impl StaysQuery {
    /// One listing: `null` with `NOT_FOUND` when there is none, or it is a draft of someone
    /// else.
    async fn listing(&self, ctx: &Context<'_>, id: ID) -> Option<ListingNode> {
        let answer = async {
            let id = listing_id(&id)?;
            let door = door(ctx);
            let mut conn = door.conn().await?;
            let listing = service::visible(&mut conn, &door.actor, id)
                .await
                .answer()?;
            Ok(ListingNode::from_row(listing))
        };
        or_null(ctx, answer.await)
    }

    /// The price of a stay at a listing (`checkIn`/`checkOut` as `YYYY-MM-DD`); a stay the
    /// listing's rules refuse (taken, too short, too many guests) is a `VALIDATION` error
    /// saying why.
    async fn quote(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        check_in: String,
        check_out: String,
        #[graphql(default = 1)] guests: i32,
    ) -> Option<Quote> {
        let answer = self
            .priced(ctx, listing_id, check_in, check_out, guests)
            .await;
        or_null(ctx, answer)
    }
}

impl StaysQuery {
    async fn priced(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        check_in: String,
        check_out: String,
        guests: i32,
    ) -> async_graphql::Result<Quote> {
        let id = self::listing_id(&listing_id)?;
        let door = door(ctx);
        let stay = StayQuery {
            check_in,
            check_out,
            guests: guests.to_string(),
        };
        let mut conn = door.conn().await?;
        let priced = service::price(&mut conn, &door.actor, id, &stay)
            .await
            .answer()?;
        let quote = &priced.quote;
        let money = |amount: i64| Money::new(amount, &quote.currency);
        Ok(Quote {
            check_in: date(priced.dates.check_in()),
            check_out: date(priced.dates.check_out()),
            guests: priced.guests.get(),
            nights: quote.nights,
            nightly_price: money(quote.nightly_price),
            base: money(quote.base_amount),
            discount_pct: quote.discount_pct,
            discount: money(quote.discount_amount),
            cleaning_fee: money(quote.cleaning_fee),
            service_fee: money(quote.service_fee),
            taxes: money(quote.tax_amount),
            total: money(quote.total_amount),
            listing: ListingNode::from_row(priced.listing),
        })
    }
}

#[derive(Default)]
pub struct StaysMutation;

#[Object]
impl StaysMutation {
    /// Saves a listing to the viewer's wishlist, or removes it when it was saved.
    async fn toggle_favourite(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
    ) -> async_graphql::Result<FavouriteResult> {
        let id = self::listing_id(&listing_id)?;
        let door = door(ctx);
        let mut conn = door.conn().await?;
        let (listing, saved) = service::toggle_saved(&mut conn, &door.actor, id)
            .await
            .answer()?;
        Ok(FavouriteResult {
            listing: ListingNode::from_row(listing),
            saved,
        })
    }
}

/// The viewer's wishlist as listing nodes (newest first).
pub async fn wishlist(ctx: &Context<'_>) -> async_graphql::Result<Vec<ListingNode>> {
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let cards = service::saved(&mut conn, &door.actor).await.answer()?;
    Ok(cards.into_iter().map(ListingNode::from_card).collect())
}
