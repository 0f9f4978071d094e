//! The API door of reviews: a listing's published reviews, paginated
//! (`GET /api/v1/listings/{id}/reviews`), through the same service as the listing page.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::{
    api::{ApiResult, PageInfo, Paging, Problem, paging},
    service::{Actor, ListingId},
    web::AppState,
};

/// A published review of a stay.
#[derive(Serialize, ToSchema)]
pub struct ReviewAnswer {
    pub id: i64,
    pub author: String,
    pub author_avatar_url: Option<String>,
    /// Overall, 1 to 5.
    pub rating: i16,
    pub comment: String,
    pub published_at: DateTime<Utc>,
    /// The host's public reply, if any.
    pub host_reply: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewsAnswer {
    pub listing_id: i64,
    /// Published reviews in all.
    pub count: i32,
    pub reviews: Vec<ReviewAnswer>,
    pub page: PageInfo,
}

/// A listing's published reviews, newest first (`per_page` 10 by default, at most 100).
#[utoipa::path(
    operation_id = "listing_reviews",
    tag = "listings",
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("page" = Option<i64>, Query, description = "From 1 to 10000", minimum = 1, maximum = 10000),
        ("per_page" = Option<i64>, Query, description = "1 to 100 (default 10)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of reviews", body = ReviewsAnswer,
            headers(("Link" = String, description = "RFC 8288 links: next, prev, first"))),
        (status = 404, description = "No such listing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A paging parameter is wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/listings/{id}/reviews")]
async fn listing_reviews(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::from_query(req.query_string(), service::PER_PAGE)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let shown = service::listing_reviews_sized(
        &mut conn,
        &actor,
        ListingId::new(id.into_inner()),
        paging.page,
        paging.per_page,
    )
    .await?;
    let page = PageInfo {
        page: shown.page_number,
        per_page: paging.per_page,
        has_next: shown.has_next,
    };
    let mut response = HttpResponse::Ok();
    paging::add_links(&mut response, &req, &page);
    Ok(response.json(ReviewsAnswer {
        listing_id: shown.listing.id.get(),
        count: shown.summary.count,
        reviews: shown
            .reviews
            .into_iter()
            .map(|review| ReviewAnswer {
                id: review.id,
                author: review.author,
                author_avatar_url: review.author_avatar,
                rating: review.rating,
                comment: review.comment,
                published_at: review.published_at,
                host_reply: review.host_reply,
            })
            .collect(),
        page,
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(listing_reviews);
}
