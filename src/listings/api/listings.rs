//! `/api/v1/host/listings` and `/api/v1/host/listings/{id}`: a host's own listings, created
//! and updated with the host listing form's fields (checked by the form's own parser,
//! [`ListingInput`]), published and unlisted. Unknown fields (`host_id`, `status`, `rating`, …)
//! are refused with a 422 naming them.

use actix_web::{HttpRequest, HttpResponse, get, http::header, patch, post, web};
use async_graphql::{InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{listing_url, media_url, photos::HostPhoto, private};
use crate::{
    api::{ApiResult, Json, Money, PageInfo, Paging, Problem, paging, responses::BodyProblems},
    listings::{
        forms::{ListingForm, ListingInput},
        model::HostListing,
        service::{self, HostView},
    },
    money,
    service::{Actor, ListingId, ServiceError},
    web::AppState,
};

/// A listing's details as the host listing form names them. On create, what is left out takes
/// the new-listing form's default (`title`, `address`, `city`, `country` and the nightly price
/// have none); on update, what is left out stays as it is. Amounts are integer minor units of
/// `currency`. The GraphQL door takes the same fields (`ListingDetails`, camel-cased).
#[derive(Default, Deserialize, ToSchema, InputObject)]
#[graphql(name = "ListingDetails")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Sunny loft by the canal", "description": "Two rooms over the water.",
    "property_type": "loft", "address": "1 Prinsengracht", "city": "Amsterdam",
    "country": "Netherlands", "timezone": "Europe/Amsterdam", "max_guests": 4,
    "bedrooms": 2, "beds": 2, "bathrooms": 1.5, "nightly_price": 12000,
    "cleaning_fee": 3000, "currency": "EUR", "min_nights": 2, "max_nights": 30,
    "instant_book": false, "cancellation_policy": "moderate", "amenities": ["wifi", "kitchen"]
}))]
pub struct HostListingRequest {
    /// 1 to 120 characters.
    pub title: Option<String>,
    pub description: Option<String>,
    /// `apartment`, `house`, `cabin`, `villa`, `cottage`, `loft`, `room` or `other`.
    pub property_type: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    /// IANA name, such as `Europe/Paris`: stay dates are days there.
    pub timezone: Option<String>,
    /// With `longitude`, or neither; `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub latitude: MaybeUndefined<f64>,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub longitude: MaybeUndefined<f64>,
    /// 1 to 50.
    pub max_guests: Option<i64>,
    /// 0 to 50.
    pub bedrooms: Option<i64>,
    /// 1 to 100.
    pub beds: Option<i64>,
    /// Whole or half: 1, 1.5, 2…
    pub bathrooms: Option<f64>,
    pub house_rules: Option<String>,
    /// How to get in (key box, door code, parking): only the guest of a confirmed stay sees
    /// them, with the exact address. Up to 5000 characters.
    pub check_in_instructions: Option<String>,
    /// Local time, `HH:MM`.
    pub check_in_time: Option<String>,
    pub check_out_time: Option<String>,
    /// Minor units, above zero.
    pub nightly_price: Option<i64>,
    /// Minor units.
    pub cleaning_fee: Option<i64>,
    /// ISO 4217: EUR, USD, GBP, CHF, CAD, AUD, JPY or SEK.
    pub currency: Option<String>,
    /// 0 to 90, for 7 nights or more.
    pub weekly_discount_pct: Option<i64>,
    /// 0 to 90, for 28 nights or more.
    pub monthly_discount_pct: Option<i64>,
    pub min_nights: Option<i64>,
    pub max_nights: Option<i64>,
    /// Guests book without waiting for the host's answer.
    pub instant_book: Option<bool>,
    /// `flexible`, `moderate` or `strict`.
    pub cancellation_policy: Option<String>,
    /// Amenity slugs (`wifi`, `kitchen`, …); the whole set.
    pub amenities: Option<Vec<String>>,
}

/// An amount as the form would have it typed, in the minor units of `currency`.
fn amount_text(amount: i64, currency: &str) -> String {
    if amount < 0 {
        // Any negative amount gets the form's own message.
        "-1".into()
    } else {
        money::to_input(amount, currency.trim())
    }
}

impl HostListingRequest {
    /// The listing form these fields make over `form` (a new listing's defaults or the stored
    /// listing), whose amounts in minor units are `prices` (nightly, cleaning).
    pub(crate) fn over(self, mut form: ListingForm, prices: (Option<i64>, i64)) -> ListingForm {
        let set = |slot: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *slot = value;
            }
        };
        let number = |slot: &mut String, value: Option<i64>| {
            if let Some(value) = value {
                *slot = value.to_string();
            }
        };
        set(&mut form.title, self.title);
        set(&mut form.description, self.description);
        set(&mut form.property_type, self.property_type);
        set(&mut form.address, self.address);
        set(&mut form.city, self.city);
        set(&mut form.region, self.region);
        set(&mut form.country, self.country);
        set(&mut form.timezone, self.timezone);
        // Absent stays, `null` clears.
        let coordinate = |slot: &mut String, value: MaybeUndefined<f64>| match value {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => slot.clear(),
            MaybeUndefined::Value(value) => *slot = value.to_string(),
        };
        coordinate(&mut form.latitude, self.latitude);
        coordinate(&mut form.longitude, self.longitude);
        number(&mut form.max_guests, self.max_guests);
        number(&mut form.bedrooms, self.bedrooms);
        number(&mut form.beds, self.beds);
        if let Some(bathrooms) = self.bathrooms {
            form.bathrooms = bathrooms.to_string();
        }
        set(&mut form.house_rules, self.house_rules);
        set(&mut form.check_in_instructions, self.check_in_instructions);
        set(&mut form.check_in_time, self.check_in_time);
        set(&mut form.check_out_time, self.check_out_time);
        set(&mut form.currency, self.currency);
        let (nightly, cleaning) = prices;
        form.nightly_price = self
            .nightly_price
            .or(nightly)
            .map(|amount| amount_text(amount, &form.currency))
            .unwrap_or_default();
        form.cleaning_fee = amount_text(self.cleaning_fee.unwrap_or(cleaning), &form.currency);
        number(&mut form.weekly_discount_pct, self.weekly_discount_pct);
        number(&mut form.monthly_discount_pct, self.monthly_discount_pct);
        number(&mut form.min_nights, self.min_nights);
        number(&mut form.max_nights, self.max_nights);
        if let Some(instant_book) = self.instant_book {
            form.instant_book = instant_book;
        }
        set(&mut form.cancellation_policy, self.cancellation_policy);
        if let Some(amenities) = self.amenities {
            form.amenities = amenities;
        }
        form
    }
}

/// A listing as its host sees it: every field of the form, its status, photos and cover.
#[derive(Serialize, ToSchema)]
pub struct HostListingAnswer {
    pub id: i64,
    /// `draft`, `published` or `unlisted`.
    pub status: String,
    pub title: String,
    pub description: String,
    pub property_type: String,
    pub address: String,
    pub city: String,
    pub region: String,
    pub country: String,
    pub timezone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub beds: i32,
    pub bathrooms: f64,
    pub house_rules: String,
    /// Shown only to the guest of a confirmed stay.
    pub check_in_instructions: String,
    pub check_in_time: String,
    pub check_out_time: String,
    pub nightly_price: Money,
    pub cleaning_fee: Money,
    pub currency: String,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub min_nights: i32,
    pub max_nights: i32,
    pub instant_book: bool,
    pub cancellation_policy: String,
    /// Amenity slugs, in the catalogue's order.
    pub amenities: Vec<String>,
    pub cover_photo_id: Option<i64>,
    /// In their order, the cover marked.
    pub photos: Vec<HostPhoto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The first publication.
    pub published_at: Option<DateTime<Utc>>,
    /// The page guests see (once published).
    pub public_url: String,
}

impl From<HostView> for HostListingAnswer {
    fn from(view: HostView) -> Self {
        let HostView {
            listing,
            photos,
            amenities,
        } = view;
        let cover = listing.cover_photo_id;
        HostListingAnswer {
            id: listing.id.get(),
            status: listing.status.as_str().into(),
            property_type: listing.property_type.as_str().into(),
            cancellation_policy: listing.cancellation_policy.as_str().into(),
            bathrooms: f64::from(listing.bathrooms_tenths) / 10.0,
            check_in_time: listing.check_in_time.format("%H:%M").to_string(),
            check_out_time: listing.check_out_time.format("%H:%M").to_string(),
            nightly_price: Money::new(listing.nightly_price, &listing.currency),
            cleaning_fee: Money::new(listing.cleaning_fee, &listing.currency),
            amenities,
            cover_photo_id: cover,
            photos: photos
                .iter()
                .map(|photo| HostPhoto::new(photo, cover))
                .collect(),
            public_url: format!("/api/v1/listings/{}", listing.id),
            title: listing.title,
            description: listing.description,
            address: listing.address,
            city: listing.city,
            region: listing.region,
            country: listing.country,
            timezone: listing.timezone,
            latitude: listing.latitude,
            longitude: listing.longitude,
            max_guests: listing.max_guests,
            bedrooms: listing.bedrooms,
            beds: listing.beds,
            house_rules: listing.house_rules,
            check_in_instructions: listing.check_in_instructions,
            currency: listing.currency,
            weekly_discount_pct: listing.weekly_discount_pct,
            monthly_discount_pct: listing.monthly_discount_pct,
            min_nights: listing.min_nights,
            max_nights: listing.max_nights,
            instant_book: listing.instant_book,
            created_at: listing.created_at,
            updated_at: listing.updated_at,
            published_at: listing.published_at,
        }
    }
}

/// A host's listing as their list shows it.
#[derive(Serialize, ToSchema)]
pub struct HostListingSummary {
    pub id: i64,
    pub status: String,
    pub title: String,
    pub city: String,
    pub country: String,
    pub nightly_price: Money,
    pub cover_thumbnail_url: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// This listing in the API.
    pub url: String,
}

impl From<HostListing> for HostListingSummary {
    fn from(listing: HostListing) -> Self {
        HostListingSummary {
            id: listing.id,
            url: listing_url(listing.id),
            status: listing.status.as_str().into(),
            nightly_price: Money::new(listing.nightly_price, &listing.currency),
            cover_thumbnail_url: listing.cover_thumb_key.as_deref().map(media_url),
            title: listing.title,
            city: listing.city,
            country: listing.country,
            updated_at: listing.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HostListingsAnswer {
    /// Newest first.
    pub listings: Vec<HostListingSummary>,
    pub page: PageInfo,
}

/// The signed-in host's listings, newest first (`per_page` 20 by default, at most 100).
#[utoipa::path(
    operation_id = "host_listings",
    tag = "host",
    security(("session" = [])),
    params(
        ("page" = Option<i64>, Query, description = "From 1"),
        ("per_page" = Option<i64>, Query, description = "1 to 100 (default 20)"),
    ),
    responses(
        (status = 200, description = "A page of the host's listings", body = HostListingsAnswer,
            headers(("Link" = String, description = "RFC 8288 links: next, prev, first"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host with a confirmed address, or suspended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A paging parameter is wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/listings")]
async fn list(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::from_query(req.query_string(), 20)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let (listings, has_next) =
        service::host_listings_page(&mut conn, &actor, paging.offset(), paging.per_page).await?;
    let page = PageInfo {
        page: paging.page,
        per_page: paging.per_page,
        has_next,
    };
    let mut response = HttpResponse::Ok();
    paging::add_links(&mut response, &req, &page);
    Ok(private(
        response,
        &HostListingsAnswer {
            listings: listings.into_iter().map(Into::into).collect(),
            page,
        },
    ))
}

/// The host's listing as the answer of a change.
async fn answer(
    state: &AppState,
    actor: &Actor,
    id: ListingId,
    builder: actix_web::HttpResponseBuilder,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let view = service::host_view(&mut conn, actor, id).await?;
    Ok(private(builder, &HostListingAnswer::from(view)))
}

/// Creates a draft listing of the signed-in host. Add photos, then publish it.
#[utoipa::path(
    operation_id = "host_listing_create",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    request_body = HostListingRequest,
    responses(
        BodyProblems,
        (status = 201, description = "Created as a draft", body = HostListingAnswer,
            headers(("Location" = String, description = "The new listing")),
            links(
                ("read" = (operation_id = "host_listing_show", parameters(("id" = "$response.body#/id")))),
                ("update" = (operation_id = "host_listing_update", parameters(("id" = "$response.body#/id")))),
                ("publish" = (operation_id = "host_listing_publish", parameters(("id" = "$response.body#/id")))),
                ("block" = (operation_id = "host_block_create", parameters(("id" = "$response.body#/id")))),
            )),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields are wrong, missing or not accepted here (`host_id`, `status`, …): see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/listings")]
async fn create(
    actor: Actor,
    state: web::Data<AppState>,
    body: Json<HostListingRequest>,
) -> ApiResult<HttpResponse> {
    let blank = ListingForm::blank();
    let form = body.into_inner().over(blank, (None, 0));
    let input = ListingInput::try_from(&form).map_err(ServiceError::Invalid)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let id = service::create(&mut conn, &actor, &state.places, &input).await?;
    drop(conn);
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, listing_url(id)));
    answer(&state, &actor, id, created).await
}

/// One of the signed-in host's listings, every field, with its photos.
#[utoipa::path(
    operation_id = "host_listing_show",
    tag = "host",
    security(("session" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The listing", body = HostListingAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your own listing, but you are not a host with a confirmed address, or you are suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/listings/{id}")]
async fn show(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
) -> ApiResult<HttpResponse> {
    answer(&state, &actor, id.into_inner(), HttpResponse::Ok()).await
}

/// Changes the fields sent of one of the signed-in host's listings; the others stay.
#[utoipa::path(
    operation_id = "host_listing_update",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    request_body = HostListingRequest,
    responses(
        BodyProblems,
        (status = 200, description = "Saved", body = HostListingAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields are wrong or not accepted here (`host_id`, `status`, …): see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/host/listings/{id}")]
async fn update(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    body: Json<HostListingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let HostView {
        listing, amenities, ..
    } = service::host_view(&mut conn, &actor, id).await?;
    let prices = (Some(listing.nightly_price), listing.cleaning_fee);
    let stored = ListingForm::from_listing(&listing, amenities);
    let form = body.into_inner().over(stored, prices);
    let input = ListingInput::try_from(&form).map_err(ServiceError::Invalid)?;
    service::update(&mut conn, &actor, &state.places, id, &input).await?;
    drop(conn);
    answer(&state, &actor, id, HttpResponse::Ok()).await
}

/// Makes the listing visible to guests (it needs a photo first). Publishing a published
/// listing changes nothing.
#[utoipa::path(
    operation_id = "host_listing_publish",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "Published", body = HostListingAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: the listing has no photo yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/listings/{id}/publish")]
async fn publish(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    service::publish(&mut conn, &actor, id).await?;
    drop(conn);
    answer(&state, &actor, id, HttpResponse::Ok()).await
}

/// Hides the listing from guests; existing bookings stay as they are. Unlisting a listing
/// that is not published changes nothing.
#[utoipa::path(
    operation_id = "host_listing_unlist",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "Unlisted", body = HostListingAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/listings/{id}/unlist")]
async fn unlist(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    service::unlist(&mut conn, &actor, id).await?;
    drop(conn);
    answer(&state, &actor, id, HttpResponse::Ok()).await
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(publish)
        .service(unlist);
}
