//! The API door of payments: `POST /api/v1/bookings/{id}/payments` pays what is due on the
//! guest's trip, through the pay page's service. With the sandbox the body is a test card
//! (the page's `card_number`, `expiry`, `cvc`) and the booking is confirmed by the sandbox's
//! event before the answer; with Stripe the answer is a payment intent's client secret for
//! Stripe.js, and the booking is confirmed by Stripe's webhook.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, CardInput, Paid};
use crate::{
    api::{ApiResult, Json, Problem},
    bookings::api::answers::BookingFacts,
    service::{Actor, BookingId},
    web::AppState,
};

/// The sandbox's test card, as the pay page names its fields (send `{}` with Stripe).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// `4242 4242 4242 4242` pays, `4000 0000 0000 0002` is declined.
    #[serde(default)]
    #[schema(example = "4242 4242 4242 4242")]
    pub card_number: String,
    /// MM/YY, not in the past.
    #[serde(default)]
    #[schema(example = "12/30")]
    pub expiry: String,
    #[serde(default)]
    #[schema(example = "123")]
    pub cvc: String,
}

/// What paying did.
#[derive(Serialize, ToSchema)]
pub struct PaymentAnswer {
    /// `sandbox` or `stripe`.
    pub provider: String,
    /// The booking after the payment (sandbox): `confirmed` once its price is paid.
    pub booking: Option<BookingFacts>,
    /// Stripe: confirm this payment intent with Stripe.js; the booking follows by webhook.
    pub client_secret: Option<String>,
}

/// Pay what is due on the trip (see `balance_due` of `GET /bookings/{id}`): the booking's price
/// while it awaits payment, or the difference of a change of dates.
#[utoipa::path(
    operation_id = "booking_pay",
    tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    request_body = PaymentRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Paid with the sandbox", body = PaymentAnswer),
        (status = 202, description = "Stripe: a payment intent waits for the card", body = PaymentAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The booking changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A card field is wrong, the card was declined, nothing is due, or the hold on the dates ran out", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider did not answer (nothing was charged), or this site takes no payments", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/bookings/{id}/payments")]
async fn pay(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<PaymentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let card = CardInput {
        card_number: &body.card_number,
        expiry: &body.expiry,
        cvc: &body.cvc,
    };
    let id = BookingId::new(id.into_inner());
    let paid = service::pay(&state.pool, &state.config, &actor, id, &card, Utc::now()).await?;
    Ok(match paid {
        Paid::Sandbox(booking) => HttpResponse::Ok().json(PaymentAnswer {
            provider: super::sandbox::PROVIDER.to_string(),
            booking: Some(BookingFacts::from(booking.as_ref())),
            client_secret: None,
        }),
        Paid::Intent { client_secret } => HttpResponse::Accepted().json(PaymentAnswer {
            provider: super::ledger::Provider::Stripe.as_str().to_string(),
            booking: None,
            client_secret,
        }),
    })
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(pay);
}
