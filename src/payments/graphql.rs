//! The GraphQL door of payments: `payBooking`, through the same service as the pay page
//! ([`service::pay`]): the sandbox's test card, or a Stripe payment intent for Stripe.js.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::Utc;

use super::service::{self, CardInput, Paid};
use crate::{
    bookings::graphql::{BookingNode, booking_id, node},
    graphql::{
        context::{door, on_this_thread},
        errors::Answer,
    },
};

/// What paying did.
#[derive(SimpleObject)]
pub struct PaymentResult {
    pub booking: BookingNode,
    /// With Stripe: the payment intent's client secret for Stripe.js (the booking is
    /// confirmed by Stripe's event, not by this answer). `null` with the sandbox.
    pub client_secret: Option<String>,
}

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Pays what is due on the viewer's trip. With the sandbox, card 4242 4242 4242 4242
    /// succeeds and 4000 0000 0000 0002 is declined (`VALIDATION`); either way the booking is
    /// confirmed by the provider's verified event.
    async fn pay_booking(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
        card_number: String,
        expiry: String,
        cvc: String,
    ) -> async_graphql::Result<PaymentResult> {
        let id = self::booking_id(&booking_id)?;
        let door = door(ctx);
        let (pool, config, actor) = (door.pool.clone(), door.config.clone(), door.actor.clone());
        let paid = on_this_thread(async move {
            let card = CardInput {
                card_number: &card_number,
                expiry: &expiry,
                cvc: &cvc,
            };
            service::pay(&pool, &config, &actor, id, &card, Utc::now())
                .await
                .answer()
        })
        .await?;
        let client_secret = match paid {
            Paid::Sandbox(_) => None,
            Paid::Intent { client_secret } => client_secret,
        };
        Ok(PaymentResult {
            booking: node(ctx, id).await?,
            client_secret,
        })
    }
}
