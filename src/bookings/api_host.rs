//! The JSON door of the host's side of bookings: the reservations of their listings
//! (`/api/v1/host/reservations…`: a filtered, paginated list, one reservation, and its actions
//! accept, decline, check in, check out and cancel) in [`reservations`], with the shapes they
//! answer in [`answers`]; and the host's earnings by month (`/api/v1/host/earnings`) here. The
//! rules are [`crate::bookings::service`]'s: a reservation of someone else's listing is a 404
//! whoever asks.

mod answers;
mod reservations;

use actix_web::{HttpResponse, get, http::header, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::{
    api::{ApiResult, Money, Problem},
    service::Actor,
    web::AppState,
};

/// One month's payouts in one currency.
#[derive(Serialize, ToSchema)]
pub struct MonthEarnings {
    /// `YYYY-MM` of the stays' check-in.
    pub month: String,
    pub currency: String,
    /// Confirmed, running and completed stays.
    pub stays: i64,
    /// From completed stays.
    pub paid_out: Money,
    /// From confirmed and running stays.
    pub upcoming: Money,
    pub total: Money,
}

#[derive(Serialize, ToSchema)]
pub struct EarningsAnswer {
    /// Newest month first; one entry per month and currency.
    pub months: Vec<MonthEarnings>,
}

/// The signed-in member's payouts from their listings, by month of check-in and currency
/// (none for a member without listings).
#[utoipa::path(
    operation_id = "host_earnings",
    tag = "host",
    security(("session" = [])),
    responses(
        (status = 200, description = "The earnings", body = EarningsAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is suspended", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/earnings")]
async fn earnings(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let months = service::earnings(&mut conn, &actor).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(EarningsAnswer {
            months: months
                .into_iter()
                .map(|month| MonthEarnings {
                    paid_out: Money::new(month.paid_out, &month.currency),
                    upcoming: Money::new(month.upcoming, &month.currency),
                    total: Money::new(month.paid_out + month.upcoming, &month.currency),
                    month: month.month,
                    stays: month.stays,
                    currency: month.currency,
                })
                .collect(),
        }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    reservations::configure(cfg);
    cfg.service(earnings);
}
