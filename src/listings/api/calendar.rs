//! `/api/v1/host/listings/{id}/blocks…`: the nights a host closed on their listing's calendar
//! (list the upcoming ones, block dates, read and release a block), through the calendar page's
//! service ([`crate::listings::service::calendar`]): the same date rules and the same refusal
//! of nights a booking or another block holds.

use actix_web::{HttpResponse, delete, get, http::header, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{listing_url, private};
use crate::{
    api::{ApiResult, Json, Problem, responses::BodyProblems},
    listings::{calendar::CalendarEntry, service::calendar as calendar_service},
    service::{Actor, CalendarEntryId, ListingId},
    web::AppState,
};

/// Nights a host closed, `[start, end)`: `end` is the first night open again.
#[derive(Serialize, ToSchema)]
pub struct HostBlock {
    pub id: i64,
    pub listing_id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub nights: i64,
    pub note: String,
    /// This block in the API.
    pub url: String,
}

impl From<CalendarEntry> for HostBlock {
    fn from(entry: CalendarEntry) -> Self {
        HostBlock {
            url: format!("{}/blocks/{}", listing_url(entry.listing_id), entry.id),
            nights: entry.nights(),
            id: entry.id,
            listing_id: entry.listing_id,
            start: entry.start,
            end: entry.end,
            note: entry.note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HostBlocksAnswer {
    pub listing_id: i64,
    /// Stay dates are days in this IANA time zone.
    pub timezone: String,
    /// Those ending after today at the listing, soonest first (at most 100).
    pub blocks: Vec<HostBlock>,
}

/// Dates to block, as the calendar page's form names them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start": "2027-03-14", "end": "2027-03-21", "note": "Painting"}))]
pub struct HostBlockRequest {
    /// The first night closed, `YYYY-MM-DD`, from today at the listing to two years ahead.
    pub start: String,
    /// The first night open again, after `start`, at most a year later.
    pub end: String,
    /// For the host only, at most 200 characters on one line.
    #[serde(default)]
    pub note: String,
}

/// The upcoming blocks of one of the signed-in host's listings.
#[utoipa::path(
    operation_id = "host_blocks",
    tag = "host",
    security(("session" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The upcoming blocks", body = HostBlocksAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your own listing, but you are not a host with a confirmed address, or you are suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/listings/{id}/blocks")]
async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let (listing, blocks) = calendar_service::blocks(&mut conn, &actor, id.into_inner()).await?;
    Ok(private(
        HttpResponse::Ok(),
        &HostBlocksAnswer {
            listing_id: listing.id.get(),
            timezone: listing.timezone,
            blocks: blocks.into_iter().map(HostBlock::from).collect(),
        },
    ))
}

/// Closes nights of the listing, so that nobody can book them.
#[utoipa::path(
    operation_id = "host_block_create",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    request_body = HostBlockRequest,
    responses(
        BodyProblems,
        (status = 201, description = "Blocked", body = HostBlock,
            headers(("Location" = String, description = "The new block")),
            links(
                ("read" = (operation_id = "host_block_show", parameters(("id" = "$response.body#/listing_id"), ("block_id" = "$response.body#/id")))),
                ("release" = (operation_id = "host_block_delete", parameters(("id" = "$response.body#/listing_id"), ("block_id" = "$response.body#/id")))),
            )),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A booking or another block holds some of the nights", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date or the note is wrong, or a field is unknown: see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/listings/{id}/blocks")]
async fn create(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    body: Json<HostBlockRequest>,
) -> ApiResult<HttpResponse> {
    let HostBlockRequest { start, end, note } = body.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let blocked =
        calendar_service::block(&mut conn, &actor, id.into_inner(), &start, &end, &note).await?;
    let block = HostBlock {
        url: format!("{}/blocks/{}", listing_url(blocked.listing.id), blocked.id),
        id: blocked.id.get(),
        listing_id: blocked.listing.id.get(),
        start: blocked.request.dates.start,
        end: blocked.request.dates.end,
        nights: (blocked.request.dates.end - blocked.request.dates.start).num_days(),
        note: blocked.request.note,
    };
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, block.url.clone()));
    Ok(private(created, &block))
}

/// One block of the listing.
#[utoipa::path(
    operation_id = "host_block_show",
    tag = "host",
    security(("session" = [])),
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("block_id" = i64, Path, description = "The block's id"),
    ),
    responses(
        (status = 200, description = "The block", body = HostBlock),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your own listing, but you are not a host with a confirmed address, or you are suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such block of a listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/listings/{id}/blocks/{block_id}")]
async fn show(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, CalendarEntryId)>,
) -> ApiResult<HttpResponse> {
    let (listing_id, block_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let block = calendar_service::find_block(&mut conn, &actor, listing_id, block_id).await?;
    Ok(private(HttpResponse::Ok(), &HostBlock::from(block)))
}

/// Opens the nights of a block again.
#[utoipa::path(
    operation_id = "host_block_delete",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("block_id" = i64, Path, description = "The block's id"),
    ),
    responses(
        (status = 204, description = "Released"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such block of a listing of yours (a booking's nights are not a block)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/host/listings/{id}/blocks/{block_id}")]
async fn remove(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, CalendarEntryId)>,
) -> ApiResult<HttpResponse> {
    let (listing_id, block_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    calendar_service::unblock(&mut conn, &actor, listing_id, block_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(remove);
}
