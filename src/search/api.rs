//! The API door of search: `GET /api/v1/listings`, the parameters of `/search` read by the same
//! parser ([`RawSearch`]) and run by the same service; a parameter it cannot understand is a
//! 422 naming it (the page drops it with a message instead).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    amenities::AmenityCatalog,
    cards::ListingCard,
    forms::{PAGE_SIZE, RawSearch},
    service::{self, Sources},
};
use crate::{
    api::{ApiResult, Money, PageInfo, Problem, paging},
    service::Actor,
    web::AppState,
};

/// A listing as lists show it.
#[derive(Serialize, ToSchema)]
pub struct ListingSummary {
    pub id: i64,
    pub title: String,
    pub city: String,
    pub country: String,
    /// `apartment`, `house`, `loft`, …
    pub property_type: String,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub nightly_price: Money,
    /// The whole stay (nights, fees, discounts) when the search gave dates.
    pub total_price: Option<Money>,
    pub nights: Option<i32>,
    /// Average overall rating, 1 to 5; `null` before the first review.
    pub rating: Option<f64>,
    pub review_count: i32,
    pub thumbnail_url: Option<String>,
    /// In the signed-in user's wishlist.
    pub saved: bool,
    /// This listing in the API.
    pub url: String,
}

impl From<ListingCard> for ListingSummary {
    fn from(card: ListingCard) -> Self {
        let facts = card.facts;
        ListingSummary {
            id: card.id,
            url: format!("/api/v1/listings/{}", card.id),
            title: card.title,
            nightly_price: Money::new(facts.nightly_price, &facts.currency),
            total_price: facts
                .total_amount
                .map(|amount| Money::new(amount, &facts.currency)),
            nights: (card.nights > 0).then_some(card.nights),
            city: facts.city,
            country: facts.country,
            property_type: facts.property_type,
            max_guests: facts.max_guests,
            bedrooms: facts.bedrooms,
            rating: facts.rating_avg,
            review_count: card.review_count,
            thumbnail_url: card.thumb_url,
            saved: card.saved,
        }
    }
}

/// A page of search results.
#[derive(Serialize, ToSchema)]
pub struct SearchAnswer {
    pub listings: Vec<ListingSummary>,
    pub page: PageInfo,
}

/// Search published listings with the filters of `/search`. Twenty results a page; the `Link`
/// header gives the next and previous pages.
#[utoipa::path(
    operation_id = "listings_search",
    tag = "listings",
    params(
        ("location" = Option<String>, Query, description = "A city, region or country, or words of a title"),
        ("check_in" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD, with check_out"),
        ("check_out" = Option<chrono::NaiveDate>, Query, description = "YYYY-MM-DD, after check_in"),
        ("guests" = Option<i32>, Query, description = "1 to 50", minimum = 1, maximum = 50),
        ("min_price" = Option<String>, Query, description = "Nightly price, a decimal like 80 or 80.50"),
        ("max_price" = Option<String>, Query, description = "Nightly price, a decimal like 150"),
        ("property_type" = Option<String>, Query, description = "apartment, house, loft, …"),
        ("amenities" = Option<Vec<String>>, Query, description = "Amenity slugs, repeated (wifi, pool, …); a listing must have all"),
        ("bedrooms" = Option<i32>, Query, description = "At least this many (1 to 50; 0 is any)", minimum = 0, maximum = 50),
        ("sort" = Option<String>, Query, description = "rating (default), price_asc, price_desc or newest"),
        ("page" = Option<i64>, Query, description = "From 1 to 50", minimum = 1, maximum = 50),
    ),
    responses(
        (status = 200, description = "A page of results", body = SearchAnswer,
            headers(("Link" = String, description = "RFC 8288 links: next, prev, first"))),
        (status = 422, description = "A parameter is not valid (named in `errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/listings")]
async fn search(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
) -> ApiResult<HttpResponse> {
    let raw = RawSearch::from_query(req.query_string());
    let sources = Sources {
        search_pool: &state.search_pool,
        pool: &state.pool,
        places: &state.places,
        catalog: &catalog,
    };
    let results = service::search_exactly(&sources, &actor, &raw).await?;
    let page = PageInfo {
        page: results.filters.page,
        per_page: PAGE_SIZE,
        has_next: results.has_next,
    };
    let mut response = HttpResponse::Ok();
    paging::add_links(&mut response, &req, &page);
    // Hearts differ per user: a shared cache must not keep one user's page for another.
    response.insert_header((header::VARY, "Cookie"));
    Ok(response.json(SearchAnswer {
        listings: results
            .cards
            .into_iter()
            .map(ListingSummary::from)
            .collect(),
        page,
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(search);
}
