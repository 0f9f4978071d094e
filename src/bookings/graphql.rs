//! The GraphQL door of bookings: the `Booking` type (dates, price lines, history, payments,
//! what is due), `booking(id)` and the viewer's trips, the cancellation preview, and the
//! mutations that book and cancel, each through the same service as the trip pages (paying is
//! `payments/graphql.rs`: bookings never imports payments). Another guest's booking is `null` with `NOT_FOUND`, whatever the path.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, Object, SimpleObject, dataloader::Loader};
use chrono::Utc;

use super::{
    forms::BookingInput,
    model::{Booking, BookingSummary},
    service::{self, Trip},
};
use crate::{
    graphql::{
        context::{Batch, door, loader, on_this_thread},
        errors::{Answer, or_null, service as service_error},
        values::{Money, date, instant, typed_id},
    },
    service::{BookingId, ServiceError},
    stays::graphql::{ListingNode, listing_id},
};

/// A booking as its guest sees it.
#[derive(Clone)]
pub struct BookingNode {
    summary: Arc<BookingSummary>,
}

impl BookingNode {
    pub fn new(summary: BookingSummary) -> BookingNode {
        BookingNode {
            summary: Arc::new(summary),
        }
    }

    fn booking(&self) -> &Booking {
        &self.summary.booking
    }

    fn money(&self, amount: i64) -> Money {
        Money::new(amount, &self.booking().currency)
    }

    /// The trip with its history and payments (read once per booking of the answer).
    async fn trip(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<Trip>> {
        loader(ctx)
            .load_one(TripOf(self.booking().id))
            .await?
            .ok_or_else(|| service_error(ServiceError::NotFound))
    }
}

/// The price a booking snapshotted, line by line.
#[derive(SimpleObject)]
pub struct PriceLines {
    pub nights: i32,
    pub nightly_price: Money,
    pub base: Money,
    pub discount: Money,
    pub cleaning_fee: Money,
    pub service_fee: Money,
    pub taxes: Money,
    pub total: Money,
}

/// One step of a booking's history.
#[derive(SimpleObject)]
pub struct BookingEvent {
    /// The status before, if any (`pending_payment`, …).
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    /// ISO 8601.
    pub at: String,
}

/// A ledger row: a charge or a refund.
#[derive(SimpleObject)]
pub struct Payment {
    pub id: ID,
    /// `charge` or `refund`.
    pub kind: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub amount: Money,
    pub provider: String,
    /// ISO 8601.
    pub created_at: String,
}

#[Object(name = "Booking")]
impl BookingNode {
    async fn id(&self) -> ID {
        ID(self.booking().id.to_string())
    }

    /// `pending_payment`, `requested`, `accepted`, `confirmed`, `checked_in`, `completed`,
    /// `declined`, `expired`, `cancelled_by_guest` or `cancelled_by_host`.
    async fn status(&self) -> &'static str {
        self.booking().status().as_str()
    }

    /// `YYYY-MM-DD`.
    async fn check_in(&self) -> String {
        date(self.booking().check_in)
    }

    async fn check_out(&self) -> String {
        date(self.booking().check_out)
    }

    async fn guests(&self) -> i32 {
        self.booking().guests
    }

    async fn listing_title(&self) -> &str {
        &self.summary.listing_title
    }

    /// The host's name.
    async fn host_name(&self) -> &str {
        &self.summary.counterpart
    }

    /// The listing, while the guest may see it (`null` once it is no longer published).
    async fn listing(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ListingNode>> {
        Ok(loader(ctx)
            .load_one(self.booking().listing_id)
            .await?
            .map(|row| ListingNode::from_row(row.as_ref().clone())))
    }

    /// Until when the dates are held (ISO 8601), while the booking waits for payment or the
    /// host.
    async fn hold_expires_at(&self) -> Option<String> {
        self.booking().hold_expires_at.map(instant)
    }

    async fn created_at(&self) -> String {
        instant(self.booking().created_at)
    }

    async fn price(&self) -> PriceLines {
        let booking = self.booking();
        PriceLines {
            nights: booking.nights,
            nightly_price: self.money(booking.nightly_price),
            base: self.money(booking.base_amount),
            discount: self.money(booking.discount_amount),
            cleaning_fee: self.money(booking.cleaning_fee),
            service_fee: self.money(booking.service_fee),
            taxes: self.money(booking.tax_amount),
            total: self.money(booking.total_amount),
        }
    }

    /// What can be paid now, if anything.
    async fn amount_due(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        Ok(self.trip(ctx).await?.due.map(|due| self.money(due)))
    }

    async fn can_cancel(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.trip(ctx).await?.can_cancel)
    }

    /// Every change of status, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BookingEvent>> {
        Ok(self
            .trip(ctx)
            .await?
            .events
            .iter()
            .map(|event| BookingEvent {
                from_status: event.from_status.clone(),
                to_status: event.to_status.clone(),
                note: event.note.clone(),
                at: instant(event.created_at),
            })
            .collect())
    }

    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payment>> {
        Ok(self
            .trip(ctx)
            .await?
            .payments
            .iter()
            .map(|payment| Payment {
                id: ID(payment.id.to_string()),
                kind: payment.kind.as_str().to_string(),
                status: payment.status.as_str().to_string(),
                amount: Money::new(payment.amount, &payment.currency),
                provider: payment.provider.clone(),
                created_at: instant(payment.created_at),
            })
            .collect())
    }
}

/// A key of the DataLoader: a trip with its history and payments, as its guest sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TripOf(pub BookingId);

impl Loader<TripOf> for Batch {
    type Value = Arc<Trip>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TripOf]) -> Result<HashMap<TripOf, Arc<Trip>>, Self::Error> {
        let mut conn = self.conn().await?;
        let now = Utc::now();
        let mut trips = HashMap::new();
        for key in keys {
            match service::trip(&mut conn, &self.actor, key.0, now).await {
                Ok(trip) => {
                    trips.insert(*key, Arc::new(trip));
                }
                Err(ServiceError::NotFound) => {}
                Err(error) => return Err(service_error(error)),
            }
        }
        Ok(trips)
    }
}

/// What cancelling a trip now would give back.
#[derive(SimpleObject)]
pub struct CancellationPreview {
    pub booking: BookingNode,
    /// What would go back (the policy's refund, capped at what was paid).
    pub refund: Money,
    /// Which rule of the policy applies, in words.
    pub rule: String,
    /// Whether the trip can still be cancelled.
    pub cancellable: bool,
}

/// What cancelling did.
#[derive(SimpleObject)]
pub struct Cancellation {
    pub booking: BookingNode,
    /// What goes back to the card (refunds are sent by a job, shortly).
    pub refunded: Money,
}

/// A booking id sent by a client.
pub fn booking_id(id: &ID) -> async_graphql::Result<BookingId> {
    typed_id(id)
}

/// The node of the acting guest's booking `id`.
pub async fn node(ctx: &Context<'_>, id: BookingId) -> async_graphql::Result<BookingNode> {
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let summary = service::own_trip(&mut conn, &door.actor, id)
        .await
        .answer()?;
    Ok(BookingNode::new(summary))
}

/// The viewer's trips in one tab: `upcoming`, `past` or `cancelled`.
pub async fn trips(ctx: &Context<'_>, state: &str) -> async_graphql::Result<Vec<BookingNode>> {
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let trips = service::trips(&mut conn, &door.actor, state)
        .await
        .answer()?;
    Ok(trips.trips.into_iter().map(BookingNode::new).collect())
}

#[derive(Default)]
pub struct BookingsQuery;

#[Object]
impl BookingsQuery {
    /// One of the viewer's trips: `null` with `NOT_FOUND` for anyone else's.
    async fn booking(&self, ctx: &Context<'_>, id: ID) -> Option<BookingNode> {
        let answer = async { node(ctx, booking_id(&id)?).await };
        or_null(ctx, answer.await)
    }

    /// The refund the viewer would get by cancelling their trip now.
    async fn cancellation_preview(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
    ) -> Option<CancellationPreview> {
        or_null(ctx, preview(ctx, &booking_id).await)
    }
}

/// The refund preview of the acting guest's trip.
async fn preview(ctx: &Context<'_>, booking_id: &ID) -> async_graphql::Result<CancellationPreview> {
    let id = self::booking_id(booking_id)?;
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let preview = service::cancel_preview(&mut conn, &door.actor, id, Utc::now())
        .await
        .answer()?;
    let summary = service::own_trip(&mut conn, &door.actor, id)
        .await
        .answer()?;
    let currency = preview.booking.currency.clone();
    Ok(CancellationPreview {
        booking: BookingNode::new(summary),
        refund: Money::new(preview.refund_total, &currency),
        rule: preview.refund.rule.to_string(),
        cancellable: preview.cancellable,
    })
}

#[derive(Default)]
pub struct BookingsMutation;

#[Object]
impl BookingsMutation {
    /// Books a stay. The same `idempotencyKey` (from the client, e.g. a UUID) books once:
    /// sending it again answers the first booking. An instant-book listing holds the dates
    /// while the guest pays (`pending_payment`); others wait for the host (`requested`).
    async fn book(
        &self,
        ctx: &Context<'_>,
        listing_id: ID,
        check_in: String,
        check_out: String,
        guests: i32,
        idempotency_key: String,
    ) -> async_graphql::Result<BookingNode> {
        let id = self::listing_id(&listing_id)?;
        let door = door(ctx);
        let (pool, base_url, actor) = (
            door.pool.clone(),
            door.config.base_url.clone(),
            door.actor.clone(),
        );
        let booking = on_this_thread(async move {
            let guests = guests.to_string();
            let input = BookingInput {
                check_in: &check_in,
                check_out: &check_out,
                guests: &guests,
                idempotency_key: &idempotency_key,
            };
            let mut conn = crate::db::connection(&pool).await.answer()?;
            service::book(&mut conn, &base_url, &actor, id, &input, Utc::now())
                .await
                .answer()
        })
        .await?;
        node(ctx, booking.id).await
    }

    /// Cancels the viewer's trip. With `expectedRefundMinor` (from `cancellationPreview`),
    /// nothing happens if the policy now gives a different amount (`CONFLICT`).
    async fn cancel_booking(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
        expected_refund_minor: Option<i64>,
    ) -> async_graphql::Result<Cancellation> {
        let id = self::booking_id(&booking_id)?;
        let door = door(ctx);
        let (pool, base_url, actor) = (
            door.pool.clone(),
            door.config.base_url.clone(),
            door.actor.clone(),
        );
        let applied = on_this_thread(async move {
            let mut conn = crate::db::connection(&pool).await.answer()?;
            service::cancel(
                &mut conn,
                &base_url,
                &actor,
                id,
                expected_refund_minor,
                Utc::now(),
            )
            .await
            .answer()
        })
        .await?;
        let refunded = Money::new(applied.refunded, &applied.booking.currency);
        Ok(Cancellation {
            booking: node(ctx, id).await?,
            refunded,
        })
    }
}
