//! The Stripe provider: PaymentIntents and refunds over HTTPS (form-encoded, as Stripe's API
//! wants), each request with an `Idempotency-Key` derived from our ids, so that a retry, ours
//! or a job's, never charges or refunds twice. Answers are read tolerantly: only the object's
//! `id` is required (test doubles such as localstripe leave fields out).

use std::{sync::OnceLock, time::Duration};

use super::gateway::{
    AuthorizationRequest, Capture, Charge, ChargeRequest, ClientStep, GatewayError, PaymentGateway,
    Refund, RefundRequest, RefundStatus,
};
use crate::config::StripeConfig;

pub const PROVIDER: &str = super::ledger::Provider::Stripe.as_str();

/// Attempts of one request before giving up (same idempotency key each time).
const ATTEMPTS: u32 = 3;
const TIMEOUT: Duration = Duration::from_secs(15);

pub struct Stripe {
    secret_key: String,
    webhook_secret: String,
    api_base: String,
}

/// One HTTP client (connection pool, TLS set-up) for the process.
fn client() -> Result<&'static reqwest::Client, GatewayError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|error| GatewayError::Unavailable(format!("HTTP client: {error}")))?;
    Ok(CLIENT.get_or_init(|| client))
}

impl Stripe {
    pub fn new(config: &StripeConfig) -> Stripe {
        Stripe {
            secret_key: config.secret_key.clone(),
            webhook_secret: config.webhook_secret.clone(),
            api_base: config.api_base.trim_end_matches('/').to_string(),
        }
    }

    /// POSTs `form` to `path`, retrying transient failures with the same idempotency key.
    async fn post(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, String)],
    ) -> Result<serde_json::Value, GatewayError> {
        let client = client()?;
        let url = format!("{}{path}", self.api_base);
        let mut last_error = GatewayError::Unavailable("no attempt was made".into());
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let sent = client
                .post(&url)
                .bearer_auth(&self.secret_key)
                .header("Idempotency-Key", idempotency_key)
                .form(form)
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    last_error = GatewayError::Unavailable(error.to_string());
                    continue;
                }
            };
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            if status.is_success() {
                return Ok(body);
            }
            let message = body
                .pointer("/error/message")
                .and_then(|m| m.as_str())
                .unwrap_or("no message")
                .to_string();
            let message = format!("{path}: {status}: {message}");
            // 409: the same key is still being processed; 429 and 5xx: try again.
            if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 409 {
                last_error = GatewayError::Unavailable(message);
                continue;
            }
            return Err(GatewayError::Refused(message));
        }
        Err(last_error)
    }
}

fn id_of(object: &serde_json::Value) -> Result<String, GatewayError> {
    object
        .get("id")
        .and_then(|id| id.as_str())
        .map(str::to_string)
        .ok_or_else(|| GatewayError::Unavailable("Stripe answered without an id".into()))
}

impl PaymentGateway for Stripe {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn webhook_secret(&self) -> &[u8] {
        self.webhook_secret.as_bytes()
    }

    async fn create_charge(&self, request: &ChargeRequest) -> Result<Charge, GatewayError> {
        let mut form = vec![
            ("amount", request.amount.to_string()),
            ("currency", request.currency.to_lowercase()),
            ("metadata[booking_id]", request.booking_id.to_string()),
            ("metadata[payment_id]", request.payment_id.to_string()),
        ];
        if request.capture == Capture::Manual {
            // Authorized only: Stripe holds the amount on the card until we capture or
            // cancel the intent (`payment_intent.amount_capturable_updated` says it is held).
            form.push(("capture_method", "manual".into()));
        }
        let intent = self
            .post("/v1/payment_intents", &request.idempotency_key, &form)
            .await?;
        let provider_ref = id_of(&intent)?;
        let client_secret = intent
            .get("client_secret")
            .and_then(|secret| secret.as_str())
            .unwrap_or_default()
            .to_string();
        Ok(Charge {
            provider_ref,
            step: ClientStep::ClientSecret(client_secret),
        })
    }

    async fn refund(&self, request: &RefundRequest) -> Result<Refund, GatewayError> {
        let form = [
            ("payment_intent", request.charge_ref.clone()),
            ("amount", request.amount.to_string()),
            ("metadata[booking_id]", request.booking_id.to_string()),
            ("metadata[payment_id]", request.payment_id.to_string()),
        ];
        let refund = self
            .post("/v1/refunds", &request.idempotency_key, &form)
            .await?;
        Ok(Refund {
            provider_ref: id_of(&refund)?,
            status: RefundStatus::from_provider(refund.get("status").and_then(|s| s.as_str())),
        })
    }

    async fn capture(&self, request: &AuthorizationRequest) -> Result<(), GatewayError> {
        let path = format!("/v1/payment_intents/{}/capture", request.charge_ref);
        let form = [("amount_to_capture", request.amount.to_string())];
        self.post(&path, &request.idempotency_key, &form).await?;
        Ok(())
    }

    async fn void(&self, request: &AuthorizationRequest) -> Result<(), GatewayError> {
        let path = format!("/v1/payment_intents/{}/cancel", request.charge_ref);
        let form = [("cancellation_reason", "abandoned".to_string())];
        self.post(&path, &request.idempotency_key, &form).await?;
        Ok(())
    }
}
