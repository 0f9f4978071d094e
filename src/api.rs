//! The JSON REST API's conventions, shared by every feature's `api.rs` door: problem documents
//! ([`problem`]), JSON bodies that refuse unknown fields ([`json`]), pagination with `Link`
//! headers ([`paging`]), empty query parameters refused ([`query`]), 404/405 under `/api/`
//! ([`fallback`]), the OpenAPI document and
//! Swagger UI ([`docs`]), and the value shapes every answer uses ([`Money`]).
//!
//! The session and CSRF are the site's own: the cookie of `POST /api/v1/session` is the login
//! page's, and `web::csrf` checks the `X-CSRF-Token` header of every unsafe request here as it
//! does for htmx. Each feature's endpoints live in its folder (`search/api.rs`,
//! `stays/api.rs`, …) and are thin: parse, call one service, serialise.

pub mod docs;
pub mod fallback;
pub mod json;
pub mod paging;
pub mod problem;
pub mod query;
pub mod responses;

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

pub use json::Json;
pub use paging::{PageInfo, Paging};
pub use problem::{ApiError, ApiResult, Problem};

/// An amount of money: integer minor units of an ISO 4217 currency, and the same formatted.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(example = json!({"amount": 12000, "currency": "EUR", "formatted": "€120.00"}))]
pub struct Money {
    /// Minor units (cents for EUR; yen for JPY).
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// For display.
    pub formatted: String,
}

impl Money {
    pub fn new(amount: i64, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.to_string(),
            formatted: crate::money::format(amount, currency),
        }
    }
}

/// Every endpoint of `/api/v1`, by feature; the OpenAPI document is collected from here.
pub fn configure_v1(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(crate::accounts::configure_api)
        .configure(crate::search::configure_api)
        .configure(crate::stays::configure_api)
        .configure(crate::reviews::configure_api)
        .configure(crate::bookings::configure_api)
        .configure(crate::payments::configure_api)
        .configure(crate::listings::configure_api)
        .configure(crate::bookings::configure_host_api);
}

/// Mounts the API: `/api/v1` (each unmatched request a 404 or 405 problem), the document and
/// the docs.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(
                query::refuse_empty_parameters,
            ))
            .configure(configure_v1)
            .route("/openapi.json", web::get().to(docs::document))
            .default_service(web::to(fallback::answer)),
    )
    .service(
        web::scope("/api")
            .route("/docs", web::get().to(docs::ui))
            .route("/docs/{file}", web::get().to(docs::file))
            .default_service(web::to(fallback::answer)),
    );
}
