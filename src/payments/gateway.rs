//! The payment gateway: what Roost asks of a payment provider, and the provider chosen by the
//! configuration (`ROOST_PAYMENTS`).
//!
//! Creating a charge never confirms a booking: the provider reports the outcome later as a
//! signed event (see [`super::events`]), for the sandbox too.

use std::future::Future;

use super::{
    sandbox::{Sandbox, TestCard},
    stripe::Stripe,
};
use crate::config::{Config, PaymentsProvider};

/// When the money of a charge is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// As soon as the card pays (an instant booking, a balance).
    Automatic,
    /// Only authorized (held on the card) now, taken by a later [`PaymentGateway::capture`]:
    /// a request to book, taken when the host accepts (Stripe's `capture_method=manual`).
    Manual,
}

/// A charge to create: `amount` minor units of `currency` for a booking.
#[derive(Clone, Debug)]
pub struct ChargeRequest {
    pub booking_id: i64,
    /// Our ledger row of the charge.
    pub payment_id: i64,
    pub amount: i64,
    pub currency: String,
    /// Sent as `Idempotency-Key`: a retry never charges twice.
    pub idempotency_key: String,
    pub capture: Capture,
    /// The sandbox's test card, when the guest typed one (real providers ignore it): the
    /// sandbox decides by it what a later capture does.
    pub test_card: Option<TestCard>,
}

/// Taking, or releasing, an authorized charge.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    pub booking_id: i64,
    /// Our ledger row of the authorized charge.
    pub payment_id: i64,
    /// The provider's reference of the charge (the payment intent).
    pub charge_ref: String,
    pub amount: i64,
    pub idempotency_key: String,
}

/// What the guest does next to pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientStep {
    /// Enter a test card on Roost's own form (the sandbox).
    SandboxCard,
    /// Confirm the payment intent in the browser with Stripe.js.
    ClientSecret(String),
}

/// A charge the provider created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub provider_ref: String,
    pub step: ClientStep,
}

/// A refund of part or all of a charge.
#[derive(Clone, Debug)]
pub struct RefundRequest {
    pub booking_id: i64,
    pub payment_id: i64,
    /// The provider's reference of the charge.
    pub charge_ref: String,
    pub amount: i64,
    pub currency: String,
    pub idempotency_key: String,
}

/// Where a refund stands, as the provider says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
}

impl RefundStatus {
    /// Stripe's refund statuses (`pending`, `requires_action`, `succeeded`, `failed`, `canceled`).
    pub fn from_provider(status: Option<&str>) -> RefundStatus {
        match status {
            Some("succeeded") => RefundStatus::Succeeded,
            Some("failed" | "canceled") => RefundStatus::Failed,
            _ => RefundStatus::Pending,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub provider_ref: String,
    pub status: RefundStatus,
}

/// Why the provider did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Worth retrying later (network, 5xx, rate limit): the idempotency key makes it safe.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// Refused for good (4xx): retrying the same request would fail again.
    #[error("the payment provider refused: {0}")]
    Refused(String),
}

/// A payment provider.
pub trait PaymentGateway: Send + Sync {
    /// The name stored in `payments.provider` and used in the webhook URL.
    fn provider(&self) -> &'static str;
    /// The secret webhook events are signed with.
    fn webhook_secret(&self) -> &[u8];
    fn create_charge(
        &self,
        request: &ChargeRequest,
    ) -> impl Future<Output = Result<Charge, GatewayError>> + Send;
    fn refund(
        &self,
        request: &RefundRequest,
    ) -> impl Future<Output = Result<Refund, GatewayError>> + Send;
    /// Takes an authorized charge (Stripe: capture the payment intent). The outcome arrives
    /// as the provider's `payment_intent.succeeded` event.
    fn capture(
        &self,
        request: &AuthorizationRequest,
    ) -> impl Future<Output = Result<(), GatewayError>> + Send;
    /// Releases an authorized charge (Stripe: cancel the payment intent): nothing is taken.
    fn void(
        &self,
        request: &AuthorizationRequest,
    ) -> impl Future<Output = Result<(), GatewayError>> + Send;
}

/// The configured provider.
pub enum Gateway {
    Sandbox(Sandbox),
    Stripe(Stripe),
}

impl Gateway {
    /// The provider `ROOST_PAYMENTS` chose, or `None` when there is none: in production the
    /// sandbox does not exist, since its test cards and self-signed events would confirm
    /// bookings that nobody paid for (production refuses to start with it unless
    /// `ROOST_ALLOW_UNSAFE_DEPLOY` is set, and then takes no payments at all).
    pub fn from_config(config: &Config) -> Option<Gateway> {
        match (config.payments, &config.stripe) {
            (PaymentsProvider::Stripe, Some(stripe)) => Some(Gateway::Stripe(Stripe::new(stripe))),
            _ if config.is_production() => None,
            _ => Some(Gateway::Sandbox(Sandbox::new(config))),
        }
    }

    /// The gateway of `provider` (refunds go back through the provider that charged), if this
    /// process can reach it (never the sandbox in production).
    pub fn for_provider(config: &Config, provider: &str) -> Option<Gateway> {
        match provider {
            "sandbox" if config.is_production() => None,
            "sandbox" => Some(Gateway::Sandbox(Sandbox::new(config))),
            "stripe" => config
                .stripe
                .as_ref()
                .map(|stripe| Gateway::Stripe(Stripe::new(stripe))),
            _ => None,
        }
    }
}

impl PaymentGateway for Gateway {
    fn provider(&self) -> &'static str {
        match self {
            Gateway::Sandbox(gateway) => gateway.provider(),
            Gateway::Stripe(gateway) => gateway.provider(),
        }
    }

    fn webhook_secret(&self) -> &[u8] {
        match self {
            Gateway::Sandbox(gateway) => gateway.webhook_secret(),
            Gateway::Stripe(gateway) => gateway.webhook_secret(),
        }
    }

    async fn create_charge(&self, request: &ChargeRequest) -> Result<Charge, GatewayError> {
        match self {
            Gateway::Sandbox(gateway) => gateway.create_charge(request).await,
            Gateway::Stripe(gateway) => gateway.create_charge(request).await,
        }
    }

    async fn refund(&self, request: &RefundRequest) -> Result<Refund, GatewayError> {
        match self {
            Gateway::Sandbox(gateway) => gateway.refund(request).await,
            Gateway::Stripe(gateway) => gateway.refund(request).await,
        }
    }

    async fn capture(&self, request: &AuthorizationRequest) -> Result<(), GatewayError> {
        match self {
            Gateway::Sandbox(gateway) => gateway.capture(request).await,
            Gateway::Stripe(gateway) => gateway.capture(request).await,
        }
    }

    async fn void(&self, request: &AuthorizationRequest) -> Result<(), GatewayError> {
        match self {
            Gateway::Sandbox(gateway) => gateway.void(request).await,
            Gateway::Stripe(gateway) => gateway.void(request).await,
        }
    }
}

/// The idempotency key of a charge: derived from our ids, so a retry reuses it.
pub fn charge_key(booking_id: i64, payment_id: i64) -> String {
    format!("booking-{booking_id}-charge-{payment_id}")
}

/// The idempotency key of a refund.
pub fn refund_key(booking_id: i64, payment_id: i64) -> String {
    format!("booking-{booking_id}-refund-{payment_id}")
}

/// The idempotency key of the capture of an authorized charge.
pub fn capture_key(booking_id: i64, payment_id: i64) -> String {
    format!("booking-{booking_id}-capture-{payment_id}")
}

/// The idempotency key of the release of an authorized charge.
pub fn void_key(booking_id: i64, payment_id: i64) -> String {
    format!("booking-{booking_id}-void-{payment_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(environment: &str) -> Config {
        let environment = environment.to_string();
        Config::from_lookup(move |name| match name {
            "ROOST_ENV" => Some(environment.clone()),
            "ROOST_SECRET_KEY" => Some("k".repeat(64)),
            "ROOST_METRICS_BIND" => Some("127.0.0.1:9464".into()),
            _ => None,
        })
        .expect("configuration")
    }

    #[test]
    fn the_sandbox_exists_in_development_only() {
        let development = config("development");
        assert_eq!(
            Gateway::from_config(&development).map(|g| g.provider()),
            Some("sandbox")
        );
        assert!(Gateway::for_provider(&development, "sandbox").is_some());
        let production = config("production");
        assert!(Gateway::from_config(&production).is_none(), "no pay form");
        assert!(Gateway::for_provider(&production, "sandbox").is_none());
    }
}
