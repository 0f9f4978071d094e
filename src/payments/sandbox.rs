//! The sandbox provider (the default): no network, no real money. Guests pay with test cards
//! on Roost's own form; `4242 4242 4242 4242` succeeds and `4000 0000 0000 0002` is declined;
//! `4000 0000 0000 0341` is authorized but refused when charged (a request's capture fails).
//!
//! The outcome is not applied directly: the sandbox builds the event Stripe would send
//! (`payment_intent.succeeded` / `payment_intent.payment_failed`), signs it with its webhook
//! secret and hands it to the same verification and processing as a Stripe webhook.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::gateway::{
    AuthorizationRequest, Charge, ChargeRequest, ClientStep, GatewayError, PaymentGateway, Refund,
    RefundRequest, RefundStatus,
};
use crate::config::Config;

pub const PROVIDER: &str = super::ledger::Provider::Sandbox.as_str();

/// The test card that pays.
pub const CARD_SUCCEEDS: &str = "4242424242424242";
/// The test card that is declined.
pub const CARD_DECLINED: &str = "4000000000000002";
/// The test card that is authorized but whose capture is refused (Stripe's test card of the
/// same number behaves alike).
pub const CARD_CAPTURE_FAILS: &str = "4000000000000341";
/// What the sandbox says when a capture is refused.
pub const CAPTURE_REFUSED: &str = "The card was declined when it was charged.";

/// The prefix of the references of charges made with [`CARD_CAPTURE_FAILS`].
const CAPTURE_FAILS_PREFIX: &str = "sbx_pi_nocapture";

pub struct Sandbox {
    secret: Vec<u8>,
}

/// A random key for processes without a configured secret (development): sandbox events are
/// produced and checked in the same process, so it only has to be unguessable.
fn process_key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        key
    })
}

impl Sandbox {
    pub fn new(config: &Config) -> Sandbox {
        let key: &[u8] = match &config.secret_key {
            Some(secret) => secret.as_bytes(),
            None => process_key(),
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"roost sandbox webhook secret");
        Sandbox {
            secret: mac.finalize().into_bytes().to_vec(),
        }
    }
}

/// A provider reference derived from the idempotency key: the same request gives the same
/// reference, as Stripe does for a replayed idempotency key.
fn reference(prefix: &str, idempotency_key: &str) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    format!("{prefix}_{}", &hex::encode(digest)[..24])
}

impl PaymentGateway for Sandbox {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn webhook_secret(&self) -> &[u8] {
        &self.secret
    }

    async fn create_charge(&self, request: &ChargeRequest) -> Result<Charge, GatewayError> {
        // The sandbox keeps no state: the reference remembers what a capture will do.
        let prefix = match request.test_card {
            Some(TestCard::CaptureFails) => CAPTURE_FAILS_PREFIX,
            _ => "sbx_pi",
        };
        Ok(Charge {
            provider_ref: reference(prefix, &request.idempotency_key),
            step: ClientStep::SandboxCard,
        })
    }

    async fn capture(&self, request: &AuthorizationRequest) -> Result<(), GatewayError> {
        if request.charge_ref.starts_with(CAPTURE_FAILS_PREFIX) {
            return Err(GatewayError::Refused(CAPTURE_REFUSED.into()));
        }
        Ok(())
    }

    async fn void(&self, _request: &AuthorizationRequest) -> Result<(), GatewayError> {
        Ok(())
    }

    async fn refund(&self, request: &RefundRequest) -> Result<Refund, GatewayError> {
        Ok(Refund {
            provider_ref: reference("sbx_re", &request.idempotency_key),
            status: RefundStatus::Succeeded,
        })
    }
}

/// What a test card does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestCard {
    Succeeds,
    Declined,
    /// Authorized, then refused when captured (pays like [`TestCard::Succeeds`] otherwise).
    CaptureFails,
}

/// A test card as typed on the sandbox form, checked field by field: (field, message) on error.
pub fn parse_card(
    number: &str,
    expiry: &str,
    cvc: &str,
    today: NaiveDate,
) -> Result<TestCard, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let digits: String = number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let card = match digits.as_str() {
        CARD_SUCCEEDS => Some(TestCard::Succeeds),
        CARD_DECLINED => Some(TestCard::Declined),
        CARD_CAPTURE_FAILS => Some(TestCard::CaptureFails),
        "" => {
            errors.push(("card_number", "Enter a card number.".to_string()));
            None
        }
        _ => {
            errors.push((
                "card_number",
                "This is a sandbox: use a test card, 4242 4242 4242 4242 (pays) or \
                 4000 0000 0000 0002 (declined)."
                    .to_string(),
            ));
            None
        }
    };
    if let Err(message) = check_expiry(expiry, today) {
        errors.push(("expiry", message));
    }
    let cvc = cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
        errors.push((
            "cvc",
            "Enter the 3 or 4 digits on the back of the card.".into(),
        ));
    }
    match card {
        Some(card) if errors.is_empty() => Ok(card),
        _ => Err(errors),
    }
}

/// `MM/YY` (or `MM / YYYY`), not before this month.
fn check_expiry(raw: &str, today: NaiveDate) -> Result<(), String> {
    let bad = || "Enter the expiry date as MM/YY.".to_string();
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = compact.split_once('/').ok_or_else(bad)?;
    let month: u32 = month.parse().map_err(|_| bad())?;
    let year: i32 = match year.len() {
        2 => 2000 + year.parse::<i32>().map_err(|_| bad())?,
        4 => year.parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    if (year, month) < (today.year(), today.month()) {
        return Err("This card has expired.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn the_two_test_cards_are_recognised_however_typed() {
        assert_eq!(
            parse_card("4242 4242 4242 4242", "12/30", "123", today()),
            Ok(TestCard::Succeeds)
        );
        assert_eq!(
            parse_card("4000-0000-0000-0002", "11/2026", "1234", today()),
            Ok(TestCard::Declined)
        );
    }

    #[test]
    fn other_cards_and_bad_fields_are_refused_with_a_message_each() {
        let errors = parse_card("5555 5555 5555 4444", "13/30", "12", today()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["card_number", "expiry", "cvc"]);
        assert!(errors[0].1.contains("test card"));
        let expired = parse_card(CARD_SUCCEEDS, "10/26", "123", today()).unwrap_err();
        assert_eq!(expired[0].1, "This card has expired.");
    }

    #[tokio::test]
    async fn the_capture_card_is_authorized_and_then_refused_when_captured() {
        assert_eq!(
            parse_card("4000 0000 0000 0341", "12/30", "123", today()),
            Ok(TestCard::CaptureFails)
        );
        let config = Config::from_lookup(|name| match name {
            "ROOST_ENV" => Some("development".into()),
            "ROOST_SECRET_KEY" => Some("k".repeat(64)),
            "ROOST_METRICS_BIND" => Some("127.0.0.1:9464".into()),
            _ => None,
        })
        .expect("configuration");
        let sandbox = Sandbox::new(&config);
        let charge = |test_card| ChargeRequest {
            booking_id: 1,
            payment_id: 2,
            amount: 10_000,
            currency: "EUR".into(),
            idempotency_key: "booking-1-charge-2".into(),
            capture: super::super::gateway::Capture::Manual,
            test_card: Some(test_card),
        };
        for (card, captured) in [(TestCard::Succeeds, true), (TestCard::CaptureFails, false)] {
            let created = sandbox.create_charge(&charge(card)).await.expect("created");
            let request = AuthorizationRequest {
                booking_id: 1,
                payment_id: 2,
                charge_ref: created.provider_ref,
                amount: 10_000,
                idempotency_key: "booking-1-capture-2".into(),
            };
            assert_eq!(
                sandbox.capture(&request).await.is_ok(),
                captured,
                "{card:?}"
            );
            assert!(
                sandbox.void(&request).await.is_ok(),
                "a hold is always released"
            );
        }
    }

    #[test]
    fn references_are_stable_for_one_idempotency_key() {
        assert_eq!(reference("sbx_pi", "k1"), reference("sbx_pi", "k1"));
        assert_ne!(reference("sbx_pi", "k1"), reference("sbx_pi", "k2"));
    }
}
