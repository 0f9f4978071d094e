//! `IssueRefund`: sends a planned refund (a pending ledger row) to its provider.
//!
//! Refunds are planned in the transaction that decides them (a cancellation, a shorter stay,
//! a late payment of a dead booking) and sent afterwards by this job, so that a provider outage
//! delays a refund instead of failing the cancellation. The idempotency key is derived from the
//! ledger row, so a retried job never refunds twice.

use super::{
    gateway::{self, Gateway, GatewayError, PaymentGateway, RefundRequest, RefundStatus},
    ledger::{self, FAILED, PENDING, SUCCEEDED},
};
use crate::{
    db,
    jobs::{Job, JobContext},
};

pub use super::ledger::IssueRefund;

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
