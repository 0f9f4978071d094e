//! The GraphQL door of bookings: the `Booking` type (dates, price lines, history, payments,
//! what is due), `booking(id)` and the viewer's trips, the cancellation preview, and the
//! mutations that book, cancel and change dates, each through the same service as the trip
//! pages (paying is `payments/graphql.rs`: bookings never imports payments). Another guest's
//! booking is `null` with `NOT_FOUND`, whatever the path. The host's side: the `Reservation`
//! type and its actions (accept, decline, check in and out, cancel), all through
//! [`service::act`], whose state machine decides.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, dataloader::Loader};
use chrono::Utc;

use super::{
    forms::{self, BookingInput},
    history, ledger,
    model::{Booking, BookingSummary},
    pending_change::PendingChange,
    service::{self, DatesChanged, HostAction, Reservation, Trip, TripRecords},
};
use crate::{
    graphql::{
        context::{Batch, door, loader, on_this_thread},
        errors::{Answer, or_null, service as service_error},
        limits,
        values::{Money, PageInfo, date, instant, offset_after, typed_id},
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

    /// The trip as its page shows it (what is due, what may be done), read once per booking.
    async fn trip(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<Trip>> {
        loader(ctx)
            .load_one(TripOf(self.booking().id))
            .await?
            .ok_or_else(|| service_error(ServiceError::NotFound))
    }
}

impl BookingNode {
    /// The booking's history and ledger, batched with the other bookings of the answer.
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<TripRecords>> {
        loader(ctx)
            .load_one(RecordsOf(self.booking().id))
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

impl PriceLines {
    fn of(booking: &Booking) -> PriceLines {
        let money = |amount: i64| Money::new(amount, &booking.currency);
        PriceLines {
            nights: booking.nights,
            nightly_price: money(booking.nightly_price),
            base: money(booking.base_amount),
            discount: money(booking.discount_amount),
            cleaning_fee: money(booking.cleaning_fee),
            service_fee: money(booking.service_fee),
            taxes: money(booking.tax_amount),
            total: money(booking.total_amount),
        }
    }
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
    /// `pending`, `authorized` (a request's card, held, not charged), `succeeded`, `failed`
    /// or `voided` (released, never charged).
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
        PriceLines::of(self.booking())
    }

    /// What can be paid now, if anything.
    async fn amount_due(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        Ok(self.trip(ctx).await?.due.map(|due| self.money(due)))
    }

    async fn can_cancel(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.trip(ctx).await?.can_cancel)
    }

    /// Every change of status, oldest first (read for all the bookings of the answer at once).
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BookingEvent>> {
        Ok(events_of(&self.records(ctx).await?.events))
    }

    /// Charges and refunds, oldest first (read for all the bookings of the answer at once).
    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payment>> {
        Ok(payments_of(&self.records(ctx).await?.payments))
    }
}

fn events_of(events: &[history::BookingEvent]) -> Vec<BookingEvent> {
    events
        .iter()
        .map(|event| BookingEvent {
            from_status: event.from_status.clone(),
            to_status: event.to_status.clone(),
            note: event.note.clone(),
            at: instant(event.created_at),
        })
        .collect()
}

fn payments_of(payments: &[ledger::Payment]) -> Vec<Payment> {
    payments
        .iter()
        .map(|payment| Payment {
            id: ID(payment.id.to_string()),
            kind: payment.kind.as_str().to_string(),
            status: payment.status.as_str().to_string(),
            amount: Money::new(payment.amount, &payment.currency),
            provider: payment.provider.clone(),
            created_at: instant(payment.created_at),
        })
        .collect()
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

/// A key of the DataLoader: a trip's history and ledger, as its guest sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordsOf(pub BookingId);

impl Loader<RecordsOf> for Batch {
    type Value = Arc<TripRecords>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[RecordsOf],
    ) -> Result<HashMap<RecordsOf, Arc<TripRecords>>, Self::Error> {
        let ids: Vec<BookingId> = keys.iter().map(|key| key.0).collect();
        let mut conn = self.conn().await?;
        let records = service::trip_records(&mut conn, &self.actor, &ids)
            .await
            .answer()?;
        Ok(records
            .into_iter()
            .map(|(id, records)| (RecordsOf(id), Arc::new(records)))
            .collect())
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

    /// One reservation of the viewer's listings, with its history, payments and the actions
    /// open to the host: `null` with `NOT_FOUND` for anyone else's.
    async fn reservation(&self, ctx: &Context<'_>, id: ID) -> Option<ReservationNode> {
        or_null(ctx, reservation(ctx, &id).await)
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
    /// sending it again answers the first booking. The dates are held while the guest pays
    /// (`pending_payment`, `payBooking`): at an instant-book listing that confirms the stay;
    /// at others the card is only authorized, the request waits for the host (`requested`),
    /// and their acceptance charges it.
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

/// New dates waiting for the difference to be paid (the stay keeps its dates until then).
#[derive(SimpleObject)]
pub struct PendingDates {
    /// `YYYY-MM-DD`.
    pub check_in: String,
    pub check_out: String,
    pub nights: i32,
    /// The price of the new dates.
    pub total: Money,
    /// When the held nights are released if the difference is not paid (ISO 8601).
    pub pay_by: String,
}

impl PendingDates {
    fn of(change: &PendingChange, currency: &str) -> PendingDates {
        PendingDates {
            check_in: date(change.check_in),
            check_out: date(change.check_out),
            nights: change.nights,
            total: Money::new(change.total_amount, currency),
            pay_by: instant(change.hold_expires_at),
        }
    }
}

/// What a change of dates did.
#[derive(SimpleObject)]
pub struct DatesChange {
    /// `moved` (the stay has its new dates now) or `awaiting_payment` (it keeps its dates until
    /// `due` is paid with `payBooking`, before `pendingChange.payBy`).
    pub outcome: String,
    /// The booking as it is now.
    pub booking: BookingNode,
    /// The new dates' price less the price before (negative when cheaper).
    pub price_difference: Money,
    /// Given back at once (`moved`).
    pub refunded: Option<Money>,
    /// To pay for the move (`awaiting_payment`).
    pub due: Option<Money>,
    pub pending_change: Option<PendingDates>,
}

#[derive(Default)]
pub struct BookingChangesMutation;

#[Object]
impl BookingChangesMutation {
    /// Moves the viewer's confirmed stay to new dates (`YYYY-MM-DD`), repriced at the
    /// listing's current rates. A cheaper stay moves at once and the surplus is refunded; a
    /// dearer one holds the new nights until the difference is paid. Taken nights are
    /// `CONFLICT`; a wrong date is `VALIDATION` naming `check_in` or `check_out`.
    async fn change_booking_dates(
        &self,
        ctx: &Context<'_>,
        booking_id: ID,
        check_in: String,
        check_out: String,
    ) -> async_graphql::Result<DatesChange> {
        let id = self::booking_id(&booking_id)?;
        let changed = door(ctx)
            .call(move |mut call| async move {
                let base_url = call.config.base_url.clone();
                service::change_dates(
                    &mut call.conn,
                    &base_url,
                    &call.actor,
                    id,
                    &check_in,
                    &check_out,
                    Utc::now(),
                )
                .await
            })
            .await?;
        let difference = changed.price_difference();
        let (refunded, due, pending_change, currency, outcome) = match &changed {
            DatesChanged::Moved {
                booking, refunded, ..
            } => (
                Some(*refunded),
                None,
                None,
                booking.currency.clone(),
                "moved",
            ),
            DatesChanged::AwaitingPayment {
                booking,
                change,
                due,
            } => (
                None,
                Some(*due),
                Some(PendingDates::of(change, &booking.currency)),
                booking.currency.clone(),
                "awaiting_payment",
            ),
        };
        let money = |amount: i64| Money::new(amount, &currency);
        Ok(DatesChange {
            outcome: outcome.into(),
            booking: node(ctx, id).await?,
            price_difference: money(difference),
            refunded: refunded.map(money),
            due: due.map(money),
            pending_change,
        })
    }
}

/// A reservation of one of the viewer's listings, as its host sees it.
pub struct ReservationNode(Reservation);

#[Object(name = "Reservation")]
impl ReservationNode {
    async fn id(&self) -> ID {
        ID(self.0.trip.booking.id.to_string())
    }

    /// As on `Booking`.
    async fn status(&self) -> &'static str {
        self.0.status.as_str()
    }

    /// `YYYY-MM-DD`.
    async fn check_in(&self) -> String {
        date(self.0.trip.booking.check_in)
    }

    async fn check_out(&self) -> String {
        date(self.0.trip.booking.check_out)
    }

    async fn guests(&self) -> i32 {
        self.0.trip.booking.guests
    }

    async fn listing_title(&self) -> &str {
        &self.0.trip.listing_title
    }

    /// The guest's name.
    async fn guest_name(&self) -> &str {
        &self.0.trip.counterpart
    }

    /// Until when the dates are held (ISO 8601), while the booking waits for payment or the
    /// host.
    async fn hold_expires_at(&self) -> Option<String> {
        self.0.trip.booking.hold_expires_at.map(instant)
    }

    async fn price(&self) -> PriceLines {
        PriceLines::of(&self.0.trip.booking)
    }

    /// What the host may do now: `accept`, `decline`, `check-in`, `check-out`, `cancel`.
    async fn actions(&self) -> Vec<&'static str> {
        self.0.actions.iter().map(|action| action.slug()).collect()
    }

    /// The host may write their review of the guest now.
    async fn can_review(&self) -> bool {
        self.0.can_review
    }

    /// Every change of status, oldest first.
    async fn history(&self) -> Vec<BookingEvent> {
        events_of(&self.0.events)
    }

    async fn payments(&self) -> Vec<Payment> {
        payments_of(&self.0.payments)
    }
}

/// Applies a host's action to the viewer's reservation and answers with it as it is now.
async fn act(
    ctx: &Context<'_>,
    reservation_id: &ID,
    action: HostAction,
) -> async_graphql::Result<ReservationNode> {
    let id = booking_id(reservation_id)?;
    let reservation = door(ctx)
        .call(move |mut call| async move {
            let base_url = call.config.base_url.clone();
            let now = Utc::now();
            service::act(&mut call.conn, &base_url, &call.actor, id, action, now).await?;
            service::reservation(&mut call.conn, &call.actor, id, now).await
        })
        .await?;
    Ok(ReservationNode(reservation))
}

#[derive(Default)]
pub struct ReservationsMutation;

#[Object]
impl ReservationsMutation {
    /// Accepts a request to book: the guest then has 24 hours to pay.
    async fn accept_reservation(
        &self,
        ctx: &Context<'_>,
        reservation_id: ID,
    ) -> async_graphql::Result<ReservationNode> {
        act(ctx, &reservation_id, HostAction::Accept).await
    }

    /// Declines a request to book; its dates are free again.
    async fn decline_reservation(
        &self,
        ctx: &Context<'_>,
        reservation_id: ID,
    ) -> async_graphql::Result<ReservationNode> {
        act(ctx, &reservation_id, HostAction::Decline).await
    }

    /// Marks the guest of a confirmed stay as arrived, from the check-in date.
    async fn check_in(
        &self,
        ctx: &Context<'_>,
        reservation_id: ID,
    ) -> async_graphql::Result<ReservationNode> {
        act(ctx, &reservation_id, HostAction::CheckIn).await
    }

    /// Marks the stay as over: it is completed, and both sides may review it.
    async fn check_out(
        &self,
        ctx: &Context<'_>,
        reservation_id: ID,
    ) -> async_graphql::Result<ReservationNode> {
        act(ctx, &reservation_id, HostAction::CheckOut).await
    }

    /// Cancels the reservation as the host: the guest is refunded in full.
    async fn cancel_reservation(
        &self,
        ctx: &Context<'_>,
        reservation_id: ID,
    ) -> async_graphql::Result<ReservationNode> {
        act(ctx, &reservation_id, HostAction::Cancel).await
    }
}

/// A reservation in the host's list, as the reservations page shows it (`reservation(id)` has
/// its history, payments and actions).
#[derive(SimpleObject)]
pub struct ReservationSummary {
    pub id: ID,
    /// As on `Booking`.
    pub status: String,
    pub listing_id: ID,
    pub listing_title: String,
    /// The guest's name.
    pub guest_name: String,
    /// `YYYY-MM-DD`.
    pub check_in: String,
    /// `YYYY-MM-DD`.
    pub check_out: String,
    pub guests: i32,
    /// What the guest pays.
    pub total: Money,
    /// What the host is paid for the stay.
    pub payout: Money,
}

impl From<BookingSummary> for ReservationSummary {
    fn from(summary: BookingSummary) -> ReservationSummary {
        let booking = &summary.booking;
        ReservationSummary {
            id: ID(booking.id.to_string()),
            status: booking.status.as_str().to_string(),
            listing_id: ID(booking.listing_id.to_string()),
            check_in: date(booking.check_in),
            check_out: date(booking.check_out),
            guests: booking.guests,
            total: Money::new(booking.total_amount, &booking.currency),
            payout: Money::new(booking.host_payout, &booking.currency),
            listing_title: summary.listing_title,
            guest_name: summary.counterpart,
        }
    }
}

/// A page of the host's reservations.
#[derive(SimpleObject)]
pub struct ReservationPage {
    pub nodes: Vec<ReservationSummary>,
    pub page_info: PageInfo,
}

/// The filters of `viewer.reservations`, each optional, as `GET /api/v1/host/reservations`
/// takes them.
#[derive(InputObject, Default)]
pub struct ReservationFilterInput {
    /// One status (as on `Booking`).
    pub status: Option<String>,
    pub listing_id: Option<ID>,
    /// Stays with a night on or after this day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Stays with a night before this day, `YYYY-MM-DD`.
    pub to: Option<String>,
}

/// `viewer.reservations`: the reservations of the viewer's listings, latest check-in first,
/// through the host list's service and its filter parser (a filter it cannot read is
/// `VALIDATION` naming it).
pub async fn host_reservations(
    ctx: &Context<'_>,
    filter: ReservationFilterInput,
    first: i32,
    after: Option<String>,
) -> async_graphql::Result<ReservationPage> {
    let size = limits::page_size(first, limits::MAX_PAGE_SIZE)?;
    let offset = offset_after(after.as_deref())?;
    let text = |value: Option<String>| value.unwrap_or_default();
    let filter = forms::reservation_filter(
        &text(filter.status),
        &text(filter.listing_id.map(|id| id.0)),
        &text(filter.from),
        &text(filter.to),
    )
    .answer()?;
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let (reservations, has_next) =
        service::reservations_page(&mut conn, &door.actor, &filter, offset, size)
            .await
            .answer()?;
    Ok(ReservationPage {
        page_info: PageInfo::of(offset, reservations.len(), has_next),
        nodes: reservations.into_iter().map(Into::into).collect(),
    })
}

/// A month of the host's earnings in one currency (by check-in month).
#[derive(SimpleObject)]
pub struct EarningsMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub stays: i32,
    /// Completed stays.
    pub paid_out: Money,
    /// Confirmed and running stays.
    pub upcoming: Money,
}

/// `viewer.earnings`: the host's earnings, newest month first, from the earnings page's service.
pub async fn earnings(ctx: &Context<'_>) -> async_graphql::Result<Vec<EarningsMonth>> {
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let months = service::earnings(&mut conn, &door.actor).await.answer()?;
    Ok(months
        .into_iter()
        .map(|month| EarningsMonth {
            stays: i32::try_from(month.stays).unwrap_or(i32::MAX),
            paid_out: Money::new(month.paid_out, &month.currency),
            upcoming: Money::new(month.upcoming, &month.currency),
            month: month.month,
        })
        .collect())
}

/// One reservation of the viewer's listings (`null` with `NOT_FOUND` for anyone else's).
pub async fn reservation(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<ReservationNode> {
    let id = booking_id(id)?;
    let door = door(ctx);
    let mut conn = door.conn().await?;
    let reservation = service::reservation(&mut conn, &door.actor, id, Utc::now())
        .await
        .answer()?;
    Ok(ReservationNode(reservation))
}
