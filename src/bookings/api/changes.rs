//! What a guest changes after booking, over the cancel and change pages' services:
//! `GET /api/v1/bookings/{id}/cancel` (the refund the policy gives now),
//! `POST /api/v1/bookings/{id}/cancel` (with the previewed refund, so a deadline passing in
//! between is a 409 rather than a surprise) and `POST /api/v1/bookings/{id}/change` (new dates,
//! repriced: a surplus is refunded at once, a difference is paid before the stay moves).

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{BookingFacts, PendingChangeAnswer};
use crate::{
    api::{ApiResult, Json, Money, Problem},
    bookings::service::{self, CancelPreview, DatesChanged},
    db,
    service::{Actor, BookingId},
    web::AppState,
};

/// The policy's refund, line by line.
#[derive(Serialize, ToSchema)]
pub struct RefundLines {
    /// Of the nights (base less discount).
    pub nights: Money,
    pub cleaning_fee: Money,
    pub service_fee: Money,
    pub taxes: Money,
    /// The policy's total (before the cap at what was paid).
    pub total: Money,
}

/// What cancelling now would give back.
#[derive(Serialize, ToSchema)]
pub struct CancelPreviewAnswer {
    pub booking_id: i64,
    /// Whether the booking can still be cancelled.
    pub cancellable: bool,
    /// `flexible`, `moderate` or `strict`.
    pub cancellation_policy: String,
    /// Which rule applies now, in words.
    pub rule: String,
    pub policy_refund: RefundLines,
    /// What actually goes back: the policy's refund, capped at what was paid. Send its
    /// `amount` as `expected_refund` to cancel.
    pub refund: Money,
}

/// The refund that cancelling the trip now would give (it changes as deadlines pass).
#[utoipa::path(
    operation_id = "booking_cancel_preview",
    tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The refund now", body = CancelPreviewAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/bookings/{id}/cancel")]
async fn preview(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let CancelPreview {
        booking,
        refund,
        refund_total,
        cancellable,
    } = service::cancel_preview(
        &mut conn,
        &actor,
        BookingId::new(id.into_inner()),
        Utc::now(),
    )
    .await?;
    let money = |amount: i64| Money::new(amount, &booking.currency);
    Ok(HttpResponse::Ok().json(CancelPreviewAnswer {
        booking_id: booking.id.get(),
        cancellable,
        rule: refund.rule.to_string(),
        policy_refund: RefundLines {
            nights: money(refund.nights),
            cleaning_fee: money(refund.cleaning_fee),
            service_fee: money(refund.service_fee),
            taxes: money(refund.tax),
            total: money(refund.total),
        },
        refund: money(refund_total),
        cancellation_policy: booking.cancellation_policy.clone(),
    }))
}

/// The cancellation, as the cancel form names it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// The `refund.amount` of the preview (minor units): if the refund is no longer that, nothing
    /// happens and the answer is 409. Leave it out to accept whatever the policy gives now.
    pub expected_refund: Option<i64>,
}

/// A cancelled booking and what goes back.
#[derive(Serialize, ToSchema)]
pub struct CancelledAnswer {
    pub booking: BookingFacts,
    /// Refunded to the card (sent by a job; see the booking's payments).
    pub refunded: Money,
}

/// Cancel the trip, at the refund the policy gives now.
#[utoipa::path(
    operation_id = "booking_cancel",
    tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    request_body = CancelRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Cancelled", body = CancelledAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The refund changed since the preview, or the booking can no longer be cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong or unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/cancel")]
async fn cancel(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<CancelRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let applied = service::cancel(
        &mut conn,
        &state.config.base_url,
        &actor,
        BookingId::new(id.into_inner()),
        body.0.expected_refund,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(CancelledAnswer {
        refunded: Money::new(applied.refunded, &applied.booking.currency),
        booking: BookingFacts::from(&applied.booking),
    }))
}

/// New dates, as the change form names them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    #[schema(value_type = String, format = Date, example = "2027-03-15")]
    pub check_in: String,
    #[schema(value_type = String, format = Date, example = "2027-03-19")]
    pub check_out: String,
}

/// What a change of dates did.
#[derive(Serialize, ToSchema)]
pub struct ChangeAnswer {
    /// `moved` (the stay has its new dates now) or `awaiting_payment` (it keeps its dates until
    /// `due` is paid with `POST /bookings/{id}/payments`, before `pending_change.pay_by`).
    pub outcome: String,
    /// The booking as it is now.
    pub booking: BookingFacts,
    /// The new dates' price less the booking's price before (negative when cheaper).
    pub price_difference: Money,
    /// Given back at once (`moved`).
    pub refunded: Option<Money>,
    /// To pay for the move (`awaiting_payment`).
    pub due: Option<Money>,
    pub pending_change: Option<PendingChangeAnswer>,
}

/// Move a confirmed stay to new dates, repriced at the listing's current rates. A cheaper
/// stay moves at once and the surplus is refunded; a dearer one holds the new nights until the
/// difference is paid. A newer change replaces one still waiting for payment.
#[utoipa::path(
    operation_id = "booking_change_dates",
    tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    request_body = ChangeRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Moved, or waiting for the difference", body = ChangeAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Some of the new nights are taken", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date is wrong, the stay is not confirmed, or a field is unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/bookings/{id}/change")]
async fn change_dates(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<ChangeRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let changed = service::change_dates(
        &mut conn,
        &state.config.base_url,
        &actor,
        BookingId::new(id.into_inner()),
        &body.0.check_in,
        &body.0.check_out,
        Utc::now(),
    )
    .await?;
    let difference = changed.price_difference();
    let answer = match changed {
        DatesChanged::Moved {
            booking, refunded, ..
        } => ChangeAnswer {
            outcome: "moved".into(),
            price_difference: Money::new(difference, &booking.currency),
            refunded: Some(Money::new(refunded, &booking.currency)),
            due: None,
            pending_change: None,
            booking: BookingFacts::from(&booking),
        },
        DatesChanged::AwaitingPayment {
            booking,
            change,
            due,
        } => ChangeAnswer {
            outcome: "awaiting_payment".into(),
            price_difference: Money::new(difference, &booking.currency),
            refunded: None,
            due: Some(Money::new(due, &booking.currency)),
            pending_change: Some(PendingChangeAnswer::new(&change, &booking.currency)),
            booking: BookingFacts::from(&booking),
        },
    };
    Ok(HttpResponse::Ok().json(answer))
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(preview).service(cancel).service(change_dates);
}
