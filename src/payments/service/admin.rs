//! The ledger as an admin sees it: every charge and refund ([`list`], filtered by status,
//! provider and kind, with its CSV chunks), one payment with its booking's ledger and the
//! provider's events about it ([`detail`]), and the manual refund ([`refund`]): never more
//! than what remains refundable of the charge, which the ledger decides under the booking's
//! row lock, in the transaction that plans the refund and writes its audit row.

use chrono::{DateTime, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, QueryDsl, SelectableHelper, dsl,
    pg::Pg,
    sql_types::{Bool, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::{
    admin::{
        audit::{self, Action, AuditRow, Entry, ObjectType, Reason},
        paging::{Page, Paged},
        sudo::Sudo,
    },
    bookings::{
        ledger::{self, CHARGE, Payment, PaymentKind, PaymentStatus, Provider, SUCCEEDED},
        model::{self, Booking},
    },
    money,
    schema::{payment_events, payments},
    service::{Admin, BookingId, ServiceError, ServiceResult},
};

/// Events and admin actions shown on a payment's page, at most.
const SHOWN: i64 = 50;

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct PaymentFilters {
    pub status: Option<PaymentStatus>,
    pub provider: Option<Provider>,
    pub kind: Option<PaymentKind>,
    pub booking: Option<BookingId>,
}

fn filtered(filters: &PaymentFilters) -> payments::BoxedQuery<'static, Pg> {
    let mut query = payments::table.into_boxed();
    if let Some(status) = filters.status {
        query = query.filter(payments::status.eq(status));
    }
    if let Some(provider) = filters.provider {
        query = query.filter(payments::provider.eq(provider.as_str()));
    }
    if let Some(kind) = filters.kind {
        query = query.filter(payments::kind.eq(kind));
    }
    if let Some(booking) = filters.booking {
        query = query.filter(payments::booking_id.eq(booking));
    }
    query
}

/// A page of ledger rows, newest first: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &PaymentFilters,
    page: Page,
) -> ServiceResult<Paged<Payment>> {
    let total: i64 = filtered(filters).count().get_result(conn).await?;
    let rows: Vec<Payment> = filtered(filters)
        .order(payments::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select(Payment::as_select())
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The next `limit` rows matching `filters` after id `after`, in id order (the CSV chunks).
pub async fn export_chunk(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &PaymentFilters,
    after: i64,
    limit: i64,
) -> ServiceResult<Vec<Payment>> {
    Ok(filtered(filters)
        .filter(payments::id.gt(after))
        .order(payments::id.asc())
        .limit(limit)
        .select(Payment::as_select())
        .load(conn)
        .await?)
}

/// An event the provider sent about a payment.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct EventLine {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
    pub refusal: Option<String>,
}

impl EventLine {
    pub fn received(&self) -> String {
        self.received_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// One ledger row with its booking's whole ledger, the events about it and what can still be
/// refunded of it.
#[derive(Clone, Debug)]
pub struct PaymentDetail {
    pub payment: Payment,
    pub booking: Booking,
    pub ledger: Vec<Payment>,
    pub events: Vec<EventLine>,
    /// What a manual refund may still give back from it (0 for anything but a successful
    /// charge).
    pub refundable: i64,
    pub history: Vec<AuditRow>,
}

impl PaymentDetail {
    pub fn money(&self, amount: impl std::borrow::Borrow<i64>) -> String {
        money::format(*amount.borrow(), &self.payment.currency)
    }

    pub fn refundable_input(&self) -> String {
        money::to_input(self.refundable, &self.payment.currency)
    }
}

/// A payment's admin page: six statements at most.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    admin: &Admin,
    id: i64,
) -> ServiceResult<PaymentDetail> {
    let payment = ledger::find(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let booking_id = BookingId::new(payment.booking_id);
    let booking = model::find(conn, payment.booking_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let ledger = ledger::for_booking(conn, booking_id).await?;
    // The provider's events name a row by its reference, or by the id Roost gave it.
    let by_reference = dsl::sql::<Bool>("payment_events.payload #>> '{data,object,id}' = ")
        .bind::<Text, _>(payment.provider_ref.clone().unwrap_or_default());
    let by_metadata =
        dsl::sql::<Bool>("payment_events.payload #>> '{data,object,metadata,payment_id}' = ")
            .bind::<Text, _>(id.to_string());
    let events: Vec<EventLine> = payment_events::table
        .filter(payment_events::provider.eq(&payment.provider))
        .filter(by_reference.or(by_metadata))
        .order(payment_events::id.desc())
        .limit(SHOWN)
        .select((
            payment_events::id,
            payment_events::event_id,
            payment_events::event_type,
            payment_events::received_at,
            payment_events::processed_at,
            payment_events::refusal,
        ))
        .load(conn)
        .await?;
    let refundable = if payment.kind == CHARGE && payment.status == SUCCEEDED {
        ledger::left_to_refund(conn, id).await?
    } else {
        0
    };
    let history = audit::for_object(conn, admin, ObjectType::Payment, id, SHOWN).await?;
    Ok(PaymentDetail {
        payment,
        booking,
        ledger,
        events,
        refundable,
        history,
    })
}

/// The amount field of the refund form.
pub const AMOUNT: &str = "amount";

/// Refunds `amount` (as typed, in the charge's currency) of successful charge `id`, without
/// changing the booking's state: a pending refund row, sent to the provider by its job. More
/// than what remains refundable of the charge is `Invalid` on [`AMOUNT`], decided under the
/// booking's row lock (every refund of a booking takes it), so two refunds at once cannot
/// both spend the same money. Answers the amount refunded, in minor units.
pub async fn refund(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    id: i64,
    amount: &str,
    reason: &Reason,
) -> ServiceResult<i64> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let charge = ledger::find(conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if charge.kind != CHARGE || charge.status != SUCCEEDED {
            return Err(ServiceError::refused(
                "Only a successful charge can be refunded.",
            ));
        }
        let booking_id = BookingId::new(charge.booking_id);
        model::lock(conn, booking_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let amount = money::parse(amount, &charge.currency)
            .map_err(|message| ServiceError::invalid(AMOUNT, message))?;
        if amount <= 0 {
            return Err(ServiceError::invalid(AMOUNT, "Enter an amount above zero."));
        }
        let left = ledger::left_to_refund(conn, id).await?;
        if amount > left {
            return Err(ServiceError::invalid(
                AMOUNT,
                format!(
                    "At most {} can still be refunded from this payment.",
                    money::format(left, &charge.currency)
                ),
            ));
        }
        let refunded = ledger::refund(conn, booking_id, &charge.currency, amount, Some(id)).await?;
        if refunded != amount {
            return Err(ServiceError::conflict(
                "The ledger changed meanwhile: nothing was refunded. Look again and retry.",
            ));
        }
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::RefundPayment,
                object_type: ObjectType::Payment,
                object_id: id,
                reason: reason.as_str(),
                before: json!({ "refundable": left }),
                after: json!({
                    "refunded": refunded,
                    "refundable": left - refunded,
                    "currency": charge.currency,
                    "booking_id": charge.booking_id,
                }),
            },
        )
        .await?;
        Ok(refunded)
    })
    .await
}
