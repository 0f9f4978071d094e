//! The API door of reviews: a listing's published reviews, paginated
//! (`GET /api/v1/listings/{id}/reviews`), through the same service as the listing page; and
//! writing them, through the review pages' services: the guest's review of a stay
//! (`POST /api/v1/bookings/{id}/review`), the host's review of the guest
//! (`POST /api/v1/host/reservations/{id}/review`) and the host's reply to a published review
//! (`POST /api/v1/reviews/{id}/reply`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, NewReview, Side};
use crate::{
    api::{ApiResult, Json, PageInfo, Paging, Problem, paging, responses::BodyProblems},
    service::{Actor, BookingId, ListingId, ReviewId},
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

/// The guest's review of a stay, as the review form names its fields: ratings from 1 to 5.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "rating": 5, "cleanliness": 5, "accuracy": 4, "check_in": 5, "communication": 5,
    "location": 4, "value": 5, "comment": "Quiet, bright and exactly as shown."
}))]
pub struct GuestReviewRequest {
    /// Overall.
    pub rating: i64,
    pub cleanliness: i64,
    pub accuracy: i64,
    pub check_in: i64,
    pub communication: i64,
    pub location: i64,
    pub value: i64,
    /// 1 to 5000 characters.
    pub comment: String,
}

/// The host's review of a guest: one rating from 1 to 5 and a comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rating": 5, "comment": "Left the place spotless."}))]
pub struct HostReviewRequest {
    pub rating: i64,
    /// 1 to 5000 characters.
    pub comment: String,
}

/// A review written.
#[derive(Serialize, ToSchema)]
pub struct ReviewWritten {
    pub booking_id: i64,
    /// `guest` (of the stay) or `host` (of the guest).
    pub side: String,
    /// Both sides have written theirs, so both are published now; otherwise the review is
    /// published when the other side has written too, or when the 14-day window closes.
    pub published: bool,
}

/// A star rating as the service reads it (anything out of `i16` is out of 1 to 5 anyway).
pub(super) fn stars(value: i64) -> i16 {
    i16::try_from(value).unwrap_or(0)
}

async fn write(
    state: &AppState,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
    review: NewReview,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let published = service::submit(&mut conn, actor, booking_id, side, &review).await?;
    Ok(HttpResponse::Created().json(ReviewWritten {
        booking_id: booking_id.get(),
        side: side.as_str().into(),
        published,
    }))
}

/// The guest's review of their stay (the listing and its host), after check-out and within
/// 14 days; double blind.
#[utoipa::path(
    operation_id = "review_of_stay_create",
    tag = "reviews",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The booking's id")),
    request_body = GuestReviewRequest,
    responses(
        BodyProblems,
        (status = 201, description = "Written", body = ReviewWritten),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; you are the host of this stay, not its guest; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rating or the comment is wrong, a field is unknown, or the stay cannot be reviewed now (cancelled, before check-out, after the window)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/review")]
async fn review_stay(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
    body: Json<GuestReviewRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let review = NewReview {
        rating: stars(body.rating),
        categories: Some(
            [
                body.cleanliness,
                body.accuracy,
                body.check_in,
                body.communication,
                body.location,
                body.value,
            ]
            .map(stars),
        ),
        comment: body.comment,
    };
    write(&state, &actor, id.into_inner(), Side::Guest, review).await
}

/// The host's review of the guest of a stay at their listing, after check-out and within 14
/// days; double blind.
#[utoipa::path(
    operation_id = "review_of_guest_create",
    tag = "reviews",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The reservation's (booking's) id")),
    request_body = HostReviewRequest,
    responses(
        BodyProblems,
        (status = 201, description = "Written", body = ReviewWritten),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; you are the guest of this stay, not its host; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The rating or the comment is wrong, a field is unknown, or the stay cannot be reviewed now (cancelled, before check-out, after the window)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/reservations/{id}/review")]
async fn review_guest(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
    body: Json<HostReviewRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let review = NewReview {
        rating: stars(body.rating),
        categories: None,
        comment: body.comment,
    };
    write(&state, &actor, id.into_inner(), Side::Host, review).await
}

/// The host's public reply to a review.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reply": "Thank you, come back soon!"}))]
pub struct ReplyRequest {
    /// 1 to 2000 characters.
    pub reply: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReplyAnswer {
    pub review_id: i64,
    pub listing_id: i64,
    pub reply: String,
    /// Where the review and its reply are shown.
    pub reviews_url: String,
}

/// The host's one public reply to a published guest review of their listing.
#[utoipa::path(
    operation_id = "review_reply",
    tag = "reviews",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The review's id")),
    request_body = ReplyRequest,
    responses(
        BodyProblems,
        (status = 200, description = "The reply is published", body = ReplyAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong, or the account is suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such review of a listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already replied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reply is empty or too long, a field is unknown, or the review is not published yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/{id}/reply")]
async fn reply(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ReviewId>,
    body: Json<ReplyRequest>,
) -> ApiResult<HttpResponse> {
    let review_id = id.into_inner();
    let text = body.into_inner().reply;
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing_id = service::reply(&mut conn, &actor, review_id, &text).await?;
    Ok(HttpResponse::Ok().json(ReplyAnswer {
        review_id: review_id.get(),
        listing_id: listing_id.get(),
        reply: text.trim().to_string(),
        reviews_url: format!("/api/v1/listings/{listing_id}/reviews"),
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(listing_reviews)
        .service(review_stay)
        .service(review_guest)
        .service(reply);
}
