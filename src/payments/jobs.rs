//! `IssueRefund`: sends a planned refund (a pending ledger row) to its provider.
//! `CaptureCharge` and `VoidAuthorization`: take or release a request to book's authorized
//! charge once its host accepted, or once it died (declined, withdrawn, expired).
//!
//! Refunds are planned in the transaction that decides them (a cancellation, a shorter stay,
//! a late payment of a dead booking) and sent afterwards by this job, so that a provider outage
//! delays a refund instead of failing the cancellation. The idempotency key is derived from the
//! ledger row, so a retried job never refunds (captures, voids) twice. Each job does nothing
//! to a row that has moved on, so a job run twice, or after the provider's event, is harmless.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::{
    checkout,
    gateway::{
        self, AuthorizationRequest, Gateway, GatewayError, PaymentGateway, RefundRequest,
        RefundStatus,
    },
    ledger::{self, AUTHORIZED, FAILED, PENDING, Payment, SUCCEEDED, VOIDED},
    sandbox,
};
use crate::{
    bookings::{
        domain::Status,
        emails::{self, Notice},
        history, model,
    },
    db,
    jobs::{Job, JobContext},
    service::{BookingId, ServiceError},
};

pub use super::ledger::{CaptureCharge, IssueRefund, VoidAuthorization};

impl Job for IssueRefund {
    const KIND: &'static str = "issue_refund";
    // With the 10 s backoff base, about a day of retries through a provider outage.
    const MAX_ATTEMPTS: i32 = 14;

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let Some(refund) = ledger::find(&mut conn, self.payment_id).await? else {
            return Ok(());
        };
        // Sent already (the provider's events settle it) or settled: nothing to do twice.
        if refund.status != PENDING || refund.provider_ref.is_some() {
            return Ok(());
        }
        let charge = match refund.refund_of {
            Some(charge_id) => ledger::find(&mut conn, charge_id).await?,
            None => None,
        };
        let Some(charge_ref) = charge.and_then(|charge| charge.provider_ref) else {
            ledger::settle(
                &mut conn,
                refund.id,
                FAILED,
                Some("The charge to refund has no provider reference."),
            )
            .await?;
            return Ok(());
        };
        let gateway = Gateway::for_provider(&ctx.config, &refund.provider).ok_or_else(|| {
            anyhow::anyhow!("payments provider `{}` is not configured", refund.provider)
        })?;
        let request = RefundRequest {
            booking_id: refund.booking_id,
            payment_id: refund.id,
            charge_ref,
            amount: refund.amount,
            currency: refund.currency.clone(),
            idempotency_key: gateway::refund_key(refund.booking_id, refund.id),
        };
        // No connection is held while the provider answers.
        drop(conn);
        let sent = gateway.refund(&request).await;
        let mut conn = db::connection(&ctx.pool).await?;
        match sent {
            Ok(sent) => {
                ledger::set_provider_ref(&mut conn, refund.id, &sent.provider_ref).await?;
                match sent.status {
                    RefundStatus::Succeeded => {
                        ledger::settle(&mut conn, refund.id, SUCCEEDED, None).await?;
                    }
                    RefundStatus::Failed => {
                        ledger::settle(
                            &mut conn,
                            refund.id,
                            FAILED,
                            Some("Refused by the provider."),
                        )
                        .await?;
                    }
                    RefundStatus::Pending => {}
                }
                tracing::info!(
                    payment = refund.id,
                    booking = refund.booking_id,
                    "refund sent"
                );
                Ok(())
            }
            Err(GatewayError::Refused(reason)) => {
                tracing::error!(payment = refund.id, %reason, "the provider refused a refund");
                ledger::settle(&mut conn, refund.id, FAILED, Some(&reason)).await?;
                Ok(())
            }
            Err(error @ GatewayError::Unavailable(_)) => Err(error.into()),
        }
    }
}

/// The gateway that made `payment`, or an error (retried) when this process cannot reach it.
fn gateway_of(ctx: &JobContext, payment: &Payment) -> anyhow::Result<Gateway> {
    Gateway::for_provider(&ctx.config, &payment.provider).ok_or_else(|| {
        anyhow::anyhow!("payments provider `{}` is not configured", payment.provider)
    })
}

/// The authorized charge `payment_id` with its provider reference, if it is still authorized
/// (taken, released or refused already: nothing to do twice).
async fn still_authorized(
    conn: &mut AsyncPgConnection,
    payment_id: i64,
) -> anyhow::Result<Option<(Payment, String)>> {
    let Some(charge) = ledger::find(conn, payment_id).await? else {
        return Ok(None);
    };
    if charge.status != AUTHORIZED {
        return Ok(None);
    }
    Ok(charge
        .provider_ref
        .clone()
        .map(|reference| (charge, reference)))
}

/// What the provider is asked to take or release of `charge`.
fn authorization_request(
    charge: &Payment,
    charge_ref: String,
    key: String,
) -> AuthorizationRequest {
    AuthorizationRequest {
        booking_id: charge.booking_id,
        payment_id: charge.id,
        charge_ref,
        amount: charge.amount,
        idempotency_key: key,
    }
}

impl Job for CaptureCharge {
    const KIND: &'static str = "capture_charge";
    // As refunds: about a day of retries through a provider outage.
    const MAX_ATTEMPTS: i32 = 14;

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let Some((charge, charge_ref)) = still_authorized(&mut conn, self.payment_id).await? else {
            return Ok(());
        };
        // Only an accepted request is taken; one that died since is released instead (its
        // `VoidAuthorization` was planned when it died).
        let booking = model::find(&mut conn, charge.booking_id).await?;
        if booking.is_none_or(|booking| booking.status() != Status::Accepted) {
            return Ok(());
        }
        let gateway = gateway_of(&ctx, &charge)?;
        let key = gateway::capture_key(charge.booking_id, charge.id);
        let request = authorization_request(&charge, charge_ref, key);
        // No connection is held while the provider answers.
        drop(conn);
        let captured = gateway.capture(&request).await;
        let mut conn = db::connection(&ctx.pool).await?;
        match captured {
            Ok(()) => {
                tracing::info!(
                    payment = charge.id,
                    booking = charge.booking_id,
                    "charge captured"
                );
                // Stripe's `payment_intent.succeeded` confirms the booking; the sandbox sends
                // its own, as it does for a card payment.
                if gateway.provider() == sandbox::PROVIDER {
                    let now = Utc::now();
                    let event = checkout::intent_event(
                        &charge,
                        "payment_intent.succeeded",
                        "succeeded",
                        charge.amount,
                        json!(null),
                        now,
                    );
                    checkout::deliver_sandbox_event(
                        &mut conn,
                        &gateway,
                        &ctx.config.base_url,
                        &event,
                        now,
                    )
                    .await?;
                }
                Ok(())
            }
            Err(GatewayError::Refused(reason)) => {
                tracing::warn!(payment = charge.id, %reason, "the provider refused a capture");
                capture_refused(&mut conn, &ctx.config.base_url, &charge, &reason).await?;
                Ok(())
            }
            Err(error @ GatewayError::Unavailable(_)) => Err(error.into()),
        }
    }
}

/// A capture the provider refused: the charge failed, and the booking stays accepted, not
/// confirmed, with a word in its history; its guest may pay on the trip page until the hold
/// runs out (the authorization no longer counts towards what is due).
async fn capture_refused(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    charge: &Payment,
    reason: &str,
) -> Result<(), ServiceError> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let Some(booking) = model::lock(conn, BookingId::new(charge.booking_id)).await? else {
            return Ok(());
        };
        let failure = format!("{CAPTURE_FAILED} {reason}");
        if ledger::settle(conn, charge.id, FAILED, Some(&failure)).await? {
            let status = booking.status();
            let note = format!("{failure} The guest can pay on the trip page until the hold ends.");
            history::record_event(conn, booking.id, Some(status), status, None, &note).await?;
            emails::notify_booking(conn, base_url, &booking, &Notice::ChargeFailed).await?;
        }
        Ok(())
    })
    .await
}

/// The start of the failure reason of a refused capture.
pub const CAPTURE_FAILED: &str = "The guest's card could not be charged:";

impl Job for VoidAuthorization {
    const KIND: &'static str = "void_authorization";
    const MAX_ATTEMPTS: i32 = 14;

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let Some((charge, charge_ref)) = still_authorized(&mut conn, self.payment_id).await? else {
            return Ok(());
        };
        let gateway = gateway_of(&ctx, &charge)?;
        let key = gateway::void_key(charge.booking_id, charge.id);
        let request = authorization_request(&charge, charge_ref, key);
        drop(conn);
        let voided = gateway.void(&request).await;
        let mut conn = db::connection(&ctx.pool).await?;
        match voided {
            Ok(()) => {
                // The provider released the hold: the ledger says so now (Stripe's
                // `payment_intent.canceled` then finds it voided already).
                ledger::settle(&mut conn, charge.id, VOIDED, None).await?;
                tracing::info!(
                    payment = charge.id,
                    booking = charge.booking_id,
                    "authorization voided"
                );
                Ok(())
            }
            Err(GatewayError::Refused(reason)) => {
                // Not marked voided: the intent may have been captured meanwhile, and its
                // `payment_intent.succeeded` must still find the row (and refund the money of
                // a dead booking).
                tracing::error!(payment = charge.id, %reason, "the provider refused to void an authorization");
                Ok(())
            }
            Err(error @ GatewayError::Unavailable(_)) => Err(error.into()),
        }
    }
}
