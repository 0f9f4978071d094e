//! The API door of the guest side of a listing: `GET /api/v1/listings/{id}` (with `ETag`),
//! its availability and a price quote; the signed-in user's wishlist (`/api/v1/me/wishlist`). Who may see a listing (published ones, and a host's own
//! drafts) is [`service::visible`]'s rule: anyone else gets the same 404 as for no listing.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    forms::StayQuery,
    service::{self, ListingDetails},
};
use crate::{
    api::{ApiError, ApiResult, Money, Problem},
    search::api::ListingSummary,
    service::{Actor, ListingId},
    web::{AppState, conditional},
};

#[derive(Serialize, ToSchema)]
pub struct PhotoAnswer {
    pub id: i64,
    pub url: String,
    pub thumbnail_url: String,
    pub width: i32,
    pub height: i32,
    pub caption: String,
}

/// The host as guests see them.
#[derive(Serialize, ToSchema)]
pub struct HostProfile {
    pub id: i64,
    pub name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub member_since: DateTime<Utc>,
}

/// Averages of the published reviews (1 to 5), `null` before the first review.
#[derive(Serialize, ToSchema)]
pub struct RatingSummary {
    pub count: i32,
    pub overall: Option<f64>,
    pub cleanliness: Option<f64>,
    pub accuracy: Option<f64>,
    pub check_in: Option<f64>,
    pub communication: Option<f64>,
    pub location: Option<f64>,
    pub value: Option<f64>,
}

/// One listing, as its page shows it.
#[derive(Serialize, ToSchema)]
pub struct ListingAnswer {
    pub id: i64,
    /// `published` for everyone but the host, who also sees `draft` and `unlisted`.
    pub status: String,
    pub title: String,
    pub description: String,
    pub property_type: String,
    pub city: String,
    pub region: String,
    pub country: String,
    /// IANA time zone: stay dates are days there.
    pub timezone: String,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub beds: i32,
    pub bathrooms: f64,
    pub house_rules: String,
    /// Local time, `HH:MM`.
    pub check_in_time: String,
    pub check_out_time: String,
    pub nightly_price: Money,
    pub cleaning_fee: Money,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub min_nights: i32,
    pub max_nights: i32,
    pub instant_book: bool,
    /// `flexible`, `moderate` or `strict`.
    pub cancellation_policy: String,
    /// Cover first.
    pub photos: Vec<PhotoAnswer>,
    /// Names, in the catalogue's order.
    pub amenities: Vec<String>,
    pub host: HostProfile,
    pub rating: RatingSummary,
    /// In the signed-in user's wishlist.
    pub saved: bool,
    pub published_at: Option<DateTime<Utc>>,
}

fn average(sum: i32, count: i32) -> Option<f64> {
    (count > 0).then(|| (f64::from(sum) / f64::from(count) * 100.0).round() / 100.0)
}

fn media_url(key: &str) -> String {
    format!("/media/{key}")
}

impl From<ListingDetails> for ListingAnswer {
    fn from(ListingDetails { listing, details }: ListingDetails) -> Self {
        let n = listing.review_count;
        let currency = listing.currency.clone();
        ListingAnswer {
            id: listing.id.get(),
            status: listing.status.as_str().to_string(),
            property_type: listing.property_type.as_str().to_string(),
            cancellation_policy: listing.cancellation_policy.as_str().to_string(),
            bathrooms: f64::from(listing.bathrooms_tenths) / 10.0,
            check_in_time: listing.check_in_time.format("%H:%M").to_string(),
            check_out_time: listing.check_out_time.format("%H:%M").to_string(),
            nightly_price: Money::new(listing.nightly_price, &currency),
            cleaning_fee: Money::new(listing.cleaning_fee, &currency),
            photos: details
                .photos
                .into_iter()
                .map(|photo| PhotoAnswer {
                    id: photo.id,
                    url: media_url(&photo.image_key),
                    thumbnail_url: media_url(&photo.thumb_key),
                    width: photo.width,
                    height: photo.height,
                    caption: photo.caption,
                })
                .collect(),
            amenities: details.amenities,
            host: HostProfile {
                avatar_url: details.host.avatar_url(),
                id: details.host.id,
                name: details.host.name,
                bio: details.host.bio,
                member_since: details.host.created_at,
            },
            rating: RatingSummary {
                count: n,
                overall: average(listing.rating_sum, n),
                cleanliness: average(listing.cleanliness_sum, n),
                accuracy: average(listing.accuracy_sum, n),
                check_in: average(listing.check_in_sum, n),
                communication: average(listing.communication_sum, n),
                location: average(listing.location_sum, n),
                value: average(listing.value_sum, n),
            },
            saved: details.saved,
            title: listing.title,
            description: listing.description,
            city: listing.city,
            region: listing.region,
            country: listing.country,
            timezone: listing.timezone,
            max_guests: listing.max_guests,
            bedrooms: listing.bedrooms,
            beds: listing.beds,
            house_rules: listing.house_rules,
            weekly_discount_pct: listing.weekly_discount_pct,
            monthly_discount_pct: listing.monthly_discount_pct,
            min_nights: listing.min_nights,
            max_nights: listing.max_nights,
            instant_book: listing.instant_book,
            published_at: listing.published_at,
        }
    }
}

/// One listing: details, photos with URLs, amenities, the host's public profile and the
/// rating summary. `ETag` is the answer's own hash: send it back in `If-None-Match` for a
/// 304 when nothing changed.
#[utoipa::path(
    operation_id = "listing_show",
    tag = "listings",
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The listing", body = ListingAnswer,
            headers(("ETag" = String, description = "Changes whenever the answer does"))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 404, description = "No such listing, or a draft of someone else", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/listings/{id}")]
async fn show(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let details = service::details(&mut conn, &actor, ListingId::new(id.into_inner())).await?;
    drop(conn);
    let body = serde_json::to_vec(&ListingAnswer::from(details))
        .map_err(|error| ApiError::from(crate::service::ServiceError::internal(error)))?;
    Ok(conditional::respond(&req, "application/json", body))
}

/// Nights taken as `[start, end)`: `end` is a check-out day, free for the next arrival.
#[derive(Serialize, ToSchema)]
pub struct TakenRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct AvailabilityAnswer {
    pub listing_id: i64,
    pub timezone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every night of `[from, to)` not in these ranges is free.
    pub taken: Vec<TakenRange>,
}

/// A date of the query string, if given; a wrong one is a 422 naming `field`.
fn date_param(query: &str, field: &'static str) -> ApiResult<Option<NaiveDate>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    match pairs.into_iter().find(|(key, _)| key == field) {
        None => Ok(None),
        Some((_, value)) if value.trim().is_empty() => Ok(None),
        Some((_, value)) => NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::field(field, "Enter a date like 2027-03-14.")),
    }
}

/// Which nights of `[from, to)` are taken (at most 366 days; from today at the listing for
/// 90 days by default), in the listing's time zone.
#[utoipa::path(
    operation_id = "listing_availability",
    tag = "listings",
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("from" = Option<NaiveDate>, Query, description = "First night, YYYY-MM-DD (default: today at the listing)"),
        ("to" = Option<NaiveDate>, Query, description = "Day after the last night (default: from + 90 days)"),
    ),
    responses(
        (status = 200, description = "The taken nights", body = AvailabilityAnswer),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date is wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/listings/{id}/availability")]
async fn availability(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let from = date_param(req.query_string(), "from")?;
    let to = date_param(req.query_string(), "to")?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let shown =
        service::availability(&mut conn, &actor, ListingId::new(id.into_inner()), from, to).await?;
    Ok(HttpResponse::Ok().json(AvailabilityAnswer {
        listing_id: shown.listing.id.get(),
        timezone: shown.listing.timezone,
        from: shown.from,
        to: shown.to,
        taken: shown
            .taken
            .into_iter()
            .map(|(start, end)| TakenRange { start, end })
            .collect(),
    }))
}

/// The price of a stay, line by line.
#[derive(Serialize, ToSchema)]
pub struct QuoteAnswer {
    pub listing_id: i64,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
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
}

/// The price of a stay (computed on the server; a booking snapshots the same lines).
#[utoipa::path(
    operation_id = "listing_quote",
    tag = "listings",
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("check_in" = NaiveDate, Query, description = "YYYY-MM-DD"),
        ("check_out" = NaiveDate, Query, description = "YYYY-MM-DD, after check_in"),
        ("guests" = Option<i32>, Query, description = "1 to 50 (default 1)", minimum = 1, maximum = 50),
    ),
    responses(
        (status = 200, description = "The price", body = QuoteAnswer),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the listing's rules refuse the stay (taken, too short, too many guests)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/listings/{id}/quote")]
async fn quote(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let stay = StayQuery::from_query(req.query_string());
    let mut conn = crate::db::connection(&state.pool).await?;
    let service::Priced {
        listing,
        dates,
        guests,
        quote,
    } = service::price(&mut conn, &actor, ListingId::new(id.into_inner()), &stay).await?;
    let money = |amount: i64| Money::new(amount, &quote.currency);
    Ok(HttpResponse::Ok().json(QuoteAnswer {
        listing_id: listing.id.get(),
        check_in: dates.check_in(),
        check_out: dates.check_out(),
        guests: guests.get(),
        nights: quote.nights,
        nightly_price: money(quote.nightly_price),
        base: money(quote.base_amount),
        discount_pct: quote.discount_pct,
        discount: money(quote.discount_amount),
        cleaning_fee: money(quote.cleaning_fee),
        service_fee: money(quote.service_fee),
        taxes: money(quote.tax_amount),
        total: money(quote.total_amount),
    }))
}

/// The signed-in user's wishlist.
#[derive(Serialize, ToSchema)]
pub struct WishlistAnswer {
    /// Newest first; listings no longer published are left out.
    pub listings: Vec<ListingSummary>,
}

/// The signed-in user's saved stays.
#[utoipa::path(
    operation_id = "wishlist_show",
    tag = "wishlist",
    security(("session" = [])),
    responses(
        (status = 200, description = "The wishlist", body = WishlistAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/wishlist")]
async fn wishlist(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let cards = service::saved(&mut conn, &actor).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(WishlistAnswer {
            listings: cards.into_iter().map(ListingSummary::from).collect(),
        }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(show)
        .service(availability)
        .service(quote)
        .service(wishlist);
}
