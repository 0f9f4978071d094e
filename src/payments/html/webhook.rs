//! `POST /payments/webhook/{provider}`: events from the payment provider. No session and no
//! CSRF token (the CSRF middleware exempts this path): the signature authenticates the request.
//! Any verification failure is a 400, after which Stripe retries; a duplicate is a 200.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

use crate::{
    db,
    errors::{AppError, AppResult},
    payments::{
        events::{self, Received, WebhookError},
        gateway::{Gateway, PaymentGateway},
    },
    web::AppState,
};

async fn receive(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    // Only the configured provider has a webhook (and the sandbox none in production).
    let gateway = Gateway::from_config(&state.config).ok_or(AppError::NotFound)?;
    if path.as_str() != gateway.provider() {
        return Err(AppError::NotFound);
    }
    let signature = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|value| value.to_str().ok());
    let mut conn = db::connection(&state.pool).await?;
    let received = events::receive(
        &mut conn,
        &state.config.base_url,
        gateway.provider(),
        gateway.webhook_secret(),
        signature,
        &body,
        Utc::now(),
    )
    .await;
    count_failure(&received);
    match received {
        Ok(Received::Applied) => {
            Ok(HttpResponse::Ok().json(serde_json::json!({ "received": true })))
        }
        Ok(Received::Duplicate) => {
            Ok(HttpResponse::Ok().json(serde_json::json!({ "received": true, "duplicate": true })))
        }
        Err(WebhookError::App(error)) => Err(error.into()),
        Err(error) => {
            tracing::warn!(%error, "webhook refused");
            Err(AppError::BadRequest(format!("Webhook refused: {error}.")))
        }
    }
}

/// Counts a failed delivery for `/metrics` (`roost_payment_webhook_failures_total`).
fn count_failure(received: &Result<Received, WebhookError>) {
    use crate::web::metrics::{WEBHOOK_BAD_PAYLOAD, WEBHOOK_BAD_SIGNATURE, WEBHOOK_ERRORS};
    match received {
        Ok(_) => {}
        Err(WebhookError::Signature(_)) => WEBHOOK_BAD_SIGNATURE.add(1),
        Err(WebhookError::Payload(_)) => WEBHOOK_BAD_PAYLOAD.add(1),
        Err(WebhookError::App(_)) => WEBHOOK_ERRORS.add(1),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/payments/webhook/{provider}", web::post().to(receive));
}
