//! The payments services, for every door: the pay page's data and paying. They decide which
//! provider takes the payment (a sandbox test card, or a Stripe payment intent whose client
//! secret the page hands to Stripe.js) and only the booking's guest may pay: anyone else gets
//! `NotFound`. Either way the booking is confirmed by the provider's verified event, never
//! here. Nothing here knows HTTP. [`admin`]: the ledger as the admin console sees it, and the
//! manual refund.

pub mod admin;

use chrono::{DateTime, Utc};

pub use super::forms::CardInput;
use super::{
    checkout,
    gateway::{Capture, ClientStep, Gateway, PaymentGateway},
    sandbox,
};
use crate::{
    bookings::{
        model::Booking,
        service::{self as bookings, Balance},
    },
    config::Config,
    db::{self, DbPool},
    service::{Actor, BookingId, ServiceError, ServiceResult},
};

/// The reason of the `Unavailable` answered when this site takes no payments (production
/// configured with the sandbox).
pub const NO_PAYMENTS: &str = "payments are not configured";

fn gateway(config: &Config) -> ServiceResult<Gateway> {
    Gateway::from_config(config).ok_or_else(|| ServiceError::Unavailable {
        reason: NO_PAYMENTS.into(),
        retry_after_secs: 0,
    })
}

/// What the pay page shows: what is due on the trip, and which form takes the payment.
#[derive(Debug)]
pub struct PayPage {
    pub balance: Balance,
    /// The sandbox's test-card form (else Stripe's).
    pub sandbox: bool,
    /// A request to book: the card is authorized, not charged, until the host accepts.
    pub authorize_only: bool,
}

/// The pay page of the acting guest's trip `id`: `Refused` with
/// [`bookings::NOTHING_DUE`] or [`bookings::HOLD_EXPIRED`] when nothing can be paid now,
/// `Unavailable(`[`NO_PAYMENTS`]`)` when this site takes no payments.
pub async fn pay_page(
    pool: &DbPool,
    config: &Config,
    actor: &Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> ServiceResult<PayPage> {
    let mut conn = db::connection(pool).await?;
    let balance = bookings::balance(&mut conn, actor, id, now).await?;
    drop(conn);
    let gateway = gateway(config)?;
    Ok(PayPage {
        authorize_only: checkout::capture_of(&balance.trip.booking) == Capture::Manual,
        balance,
        sandbox: gateway.provider() == sandbox::PROVIDER,
    })
}

/// What paying did.
#[derive(Debug)]
pub enum Paid {
    /// The sandbox's event was applied: the booking as it is now.
    Sandbox(Box<Booking>),
    /// A Stripe payment intent waits for the card: its client secret for Stripe.js.
    Intent { client_secret: Option<String> },
}

/// Pays what is due on the acting guest's trip `id`. With the sandbox, `card` is checked
/// field by field (`Invalid`) and a declined card is `Refused(`[`checkout::DECLINED`]`)`; a
/// provider that cannot be reached is `Unavailable` with a reason starting with
/// [`checkout::PROVIDER_TROUBLE`].
pub async fn pay(
    pool: &DbPool,
    config: &Config,
    actor: &Actor,
    id: BookingId,
    card: &CardInput<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<Paid> {
    actor.member()?;
    let gateway = gateway(config)?;
    let mut conn = db::connection(pool).await?;
    bookings::balance(&mut conn, actor, id, now).await?;
    drop(conn);
    if gateway.provider() != sandbox::PROVIDER {
        let started = checkout::start(pool, &gateway, actor, id, None, now).await?;
        let client_secret = match started.charge.step {
            ClientStep::ClientSecret(secret) => Some(secret),
            ClientStep::SandboxCard => None,
        };
        return Ok(Paid::Intent { client_secret });
    }
    let card = card.test_card(now.date_naive())?;
    let booking =
        checkout::pay_with_test_card(pool, &gateway, &config.base_url, actor, id, card, now)
            .await?;
    Ok(Paid::Sandbox(Box::new(booking)))
}
