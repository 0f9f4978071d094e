//! `/api/v1/host/reservations…`: the reservations of the signed-in member's listings, filtered
//! (status, listing, dates) and paginated with `Link` headers; one reservation; and its actions,
//! one endpoint each, all through [`service::act`] (the state machine decides what is allowed).

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::answers::{ReservationAnswer, ReservationDetail};
use crate::{
    api::{ApiResult, PageInfo, Paging, Problem, paging},
    bookings::{
        forms,
        service::{self, HostAction},
    },
    service::{Actor, BookingId},
    web::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct ReservationsAnswer {
    /// Latest check-in first.
    pub reservations: Vec<ReservationAnswer>,
    pub page: PageInfo,
}

/// A query parameter's value ("" when absent).
fn param(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The reservations of the signed-in member's listings (`per_page` 20 by default, at most 100).
#[utoipa::path(
    operation_id = "host_reservations",
    tag = "host",
    security(("session" = [])),
    params(
        ("status" = Option<String>, Query, description = "Only this status: pending_payment, requested, accepted, confirmed, checked_in, completed, declined, expired, cancelled_by_guest, cancelled_by_host"),
        ("listing" = Option<i64>, Query, description = "Only this listing's"),
        ("from" = Option<String>, Query, description = "Only stays with a night on or after this day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Only stays with a night before this day, YYYY-MM-DD"),
        ("page" = Option<i64>, Query, description = "From 1"),
        ("per_page" = Option<i64>, Query, description = "1 to 100 (default 20)"),
    ),
    responses(
        (status = 200, description = "A page of reservations", body = ReservationsAnswer,
            headers(("Link" = String, description = "RFC 8288 links: next, prev, first"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is suspended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter or paging parameter is wrong: see `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/reservations")]
async fn list(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let filter = forms::reservation_filter(
        &param(&pairs, "status"),
        &param(&pairs, "listing"),
        &param(&pairs, "from"),
        &param(&pairs, "to"),
    )?;
    let paging = Paging::from_query(req.query_string(), 20)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let (reservations, has_next) =
        service::reservations_page(&mut conn, &actor, &filter, paging.offset(), paging.per_page)
            .await?;
    let page = PageInfo {
        page: paging.page,
        per_page: paging.per_page,
        has_next,
    };
    let mut response = HttpResponse::Ok();
    paging::add_links(&mut response, &req, &page);
    Ok(response
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(ReservationsAnswer {
            reservations: reservations.into_iter().map(Into::into).collect(),
            page,
        }))
}

/// The reservation with its history and payments, as an answer.
async fn detail(state: &AppState, actor: &Actor, id: BookingId) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let shown = service::reservation(&mut conn, actor, id, Utc::now()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(ReservationDetail::from(shown)))
}

/// One reservation of the signed-in member's listings, with its history, payments and the
/// actions it allows now.
#[utoipa::path(
    operation_id = "host_reservation_show",
    tag = "host",
    security(("session" = [])),
    params(("id" = i64, Path, description = "The reservation's (booking's) id")),
    responses(
        (status = 200, description = "The reservation", body = ReservationDetail),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reservation of a listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/reservations/{id}")]
async fn show(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
) -> ApiResult<HttpResponse> {
    detail(&state, &actor, id.into_inner()).await
}

/// Applies a host's action to their reservation and answers with it as it is now.
async fn act(
    state: &AppState,
    actor: &Actor,
    id: BookingId,
    action: HostAction,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    service::act(
        &mut conn,
        &state.config.base_url,
        actor,
        id,
        action,
        Utc::now(),
    )
    .await?;
    drop(conn);
    detail(state, actor, id).await
}

/// One endpoint per host action: `POST /host/reservations/{id}/<slug>`.
macro_rules! host_action {
    ($name:ident, $action:expr, $path:literal, $operation:literal, $summary:literal, $conflict:literal, $refused:literal) => {
        #[doc = $summary]
        #[utoipa::path(
            operation_id = $operation,
            tag = "host",
            security(("session" = [], "csrf" = [])),
            params(("id" = i64, Path, description = "The reservation's (booking's) id")),
            responses(
                (status = 200, description = "Done: the reservation now", body = ReservationDetail),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "CSRF token missing or wrong, or the account is suspended", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such reservation of a listing of yours", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = Problem, content_type = "application/problem+json"),
                (status = 422, description = $refused, body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        async fn $name(
            actor: Actor,
            state: web::Data<AppState>,
            id: web::Path<BookingId>,
        ) -> ApiResult<HttpResponse> {
            act(&state, &actor, id.into_inner(), $action).await
        }
    };
}

host_action!(
    accept,
    HostAction::Accept,
    "/host/reservations/{id}/accept",
    "host_reservation_accept",
    "Accepts a request to book: the guest then has 24 hours to pay.",
    "The reservation is not a request any more",
    "Refused by a rule of the booking"
);
host_action!(
    decline,
    HostAction::Decline,
    "/host/reservations/{id}/decline",
    "host_reservation_decline",
    "Declines a request to book; its dates are free again.",
    "The reservation is not a request any more",
    "Refused by a rule of the booking"
);
host_action!(
    check_in,
    HostAction::CheckIn,
    "/host/reservations/{id}/check-in",
    "host_reservation_check_in",
    "Marks the guest of a confirmed stay as arrived, from the check-in date.",
    "The reservation is not confirmed",
    "Before the check-in date, at the listing"
);
host_action!(
    check_out,
    HostAction::CheckOut,
    "/host/reservations/{id}/check-out",
    "host_reservation_check_out",
    "Marks the stay as over: it is completed, and both sides may review it.",
    "The guest is not checked in",
    "Refused by a rule of the booking"
);
host_action!(
    cancel,
    HostAction::Cancel,
    "/host/reservations/{id}/cancel",
    "host_reservation_cancel",
    "Cancels the reservation as the host: the guest is refunded in full.",
    "The reservation can no longer be cancelled (started, over or cancelled)",
    "Refused by a rule of the booking"
);

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(show)
        .service(accept)
        .service(decline)
        .service(check_in)
        .service(check_out)
        .service(cancel);
}
