//! Booking a stay and the guest's trips: `POST /api/v1/bookings` (the booking form's service;
//! the `Idempotency-Key` header is the form's `idempotency_key`, so a retry answers with the
//! booking the first request made), `GET /api/v1/bookings` (by tab, paginated) and
//! `GET /api/v1/bookings/{id}`.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{BookingAnswer, BookingFacts, BookingItem};
use crate::{
    api::{ApiError, ApiResult, Json, PageInfo, Paging, Problem, paging},
    bookings::service::{self, BookingInput},
    db,
    service::{Actor, BookingId, ListingId},
    web::AppState,
};

/// A stay to book, as the booking form names its fields.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub listing_id: i64,
    /// YYYY-MM-DD, a day in the listing's time zone, from today there.
    #[schema(value_type = String, format = Date, example = "2027-03-14")]
    pub check_in: String,
    /// YYYY-MM-DD, after `check_in`, within the listing's minimum and maximum nights.
    #[schema(value_type = String, format = Date, example = "2027-03-17")]
    pub check_out: String,
    /// 1 to the listing's maximum.
    #[schema(example = 2)]
    pub guests: i64,
}

/// The `Idempotency-Key` header, if sent (a key that is not text is a 422 naming it).
fn idempotency_key(req: &HttpRequest) -> ApiResult<String> {
    match req.headers().get("Idempotency-Key") {
        None => Ok(String::new()),
        Some(value) => value.to_str().map(str::to_string).map_err(|_| {
            ApiError::field(
                "Idempotency-Key",
                "Send a key of visible ASCII characters, at most 100.",
            )
        }),
    }
}

/// Book a stay. The dates are held while the guest pays (`pending_payment`: pay with
/// `POST /bookings/{id}/payments`). At an instant-book listing that payment confirms the stay;
/// otherwise it is a request to book: the card is only authorized, the host
/// is then asked (`requested`), and their acceptance charges it. The same `Idempotency-Key` sent again answers with the booking the first
/// request made (the body is not compared), so a retry never books twice.
#[utoipa::path(
    operation_id = "booking_create",
    tag = "bookings",
    request_body = BookingRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any text up to 100 characters, new for each booking you mean to make (a UUID)")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Booked (or the booking this key made before)", body = BookingFacts,
            headers(("Location" = String, description = "The booking")),
            links(
                ("show" = (operation_id = "booking_show", parameters(("id" = "$response.body#/id")),
                    description = "The booking")),
                ("pay" = (operation_id = "booking_pay", parameters(("id" = "$response.body#/id")),
                    description = "Pay what is due")),
                ("cancel_preview" = (operation_id = "booking_cancel_preview", parameters(("id" = "$response.body#/id")),
                    description = "The refund if cancelled now")),
                ("cancel" = (operation_id = "booking_cancel", parameters(("id" = "$response.body#/id")),
                    description = "Cancel it")),
            )),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Email address not confirmed, your own listing, or CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing (or not published)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The dates were just taken, or too many bookings await payment", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, missing or unknown (dates, guests, the key)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many bookings in a short time; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/bookings")]
async fn create(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    body: Json<BookingRequest>,
) -> ApiResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let body = body.into_inner();
    let guests = body.guests.to_string();
    let input = BookingInput {
        check_in: &body.check_in,
        check_out: &body.check_out,
        guests: &guests,
        idempotency_key: &key,
    };
    let mut conn = db::connection(&state.pool).await?;
    let booking = service::book(
        &mut conn,
        &state.config.base_url,
        &actor,
        ListingId::new(body.listing_id),
        &input,
        Utc::now(),
    )
    .await?;
    let facts = BookingFacts::from(&booking);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, facts.url.clone()))
        .json(facts))
}

/// A page of trips.
#[derive(Serialize, ToSchema)]
pub struct BookingsAnswer {
    /// `upcoming`, `past` or `cancelled`.
    pub tab: String,
    pub bookings: Vec<BookingItem>,
    pub page: PageInfo,
}

/// The signed-in guest's trips: `upcoming` (awaiting payment or the host, confirmed, under
/// way; soonest first), `past` (completed; newest first) or `cancelled` (cancelled, declined,
/// expired; newest first). 20 a page by default.
#[utoipa::path(
    operation_id = "bookings_list",
    tag = "bookings",
    params(
        ("tab" = Option<String>, Query, description = "`upcoming` (default), `past` or `cancelled`"),
        ("page" = Option<i64>, Query, description = "From 1"),
        ("per_page" = Option<i64>, Query, description = "1 to 100 (default 20)"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "A page of trips", body = BookingsAnswer,
            headers(("Link" = String, description = "RFC 8288 links: next, prev, first"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown tab or a wrong paging parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bookings")]
async fn list(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::from_query(req.query_string(), 20)?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let tab = pairs
        .into_iter()
        .find(|(key, _)| key == "tab")
        .map(|(_, value)| value)
        .unwrap_or_default();
    let mut conn = db::connection(&state.pool).await?;
    let (trips, has_next) =
        service::trips_page(&mut conn, &actor, &tab, paging.page, paging.per_page).await?;
    let page = PageInfo {
        page: paging.page,
        per_page: paging.per_page,
        has_next,
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    paging::add_links(&mut response, &req, &page);
    Ok(response.json(BookingsAnswer {
        tab: trips.tab.to_string(),
        bookings: trips.trips.iter().map(BookingItem::from).collect(),
        page,
    }))
}

/// One of the signed-in guest's trips: price lines, state history, payments, what is due now
/// and what can be done next.
#[utoipa::path(
    operation_id = "booking_show",
    tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The booking", body = BookingAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bookings/{id}")]
async fn show(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let trip = service::trip(
        &mut conn,
        &actor,
        BookingId::new(id.into_inner()),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(BookingAnswer::from(trip)))
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create).service(list).service(show);
}
