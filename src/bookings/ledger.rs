//! The ledger of a booking's money: one row per charge and per refund (the `payments` table).
//! Bookings decides what is due and what goes back, and records it here in the transaction
//! that decides it; [`crate::payments`] moves the money at the provider and settles these rows.
//!
//! One row per charge and per refund. A row's amount never changes; its
//! status moves forward (pending → succeeded | failed) and its provider reference is filled in
//! once, when the provider answers (a database trigger refuses anything else). A request to
//! book's charge is first `authorized` (held on the card), then taken when the host accepts
//! (`succeeded`, by the [`CaptureCharge`] job) or released when the request dies (`voided`, by
//! the [`VoidAuthorization`] job, final like `succeeded`).
//!
//! Refunds are allocated to the charges they return money from (newest first), never more
//! than what is left of a charge. Callers hold the booking's row lock while allocating, so two
//! refunds of one booking cannot both spend the same money.

use crate::service::BookingId;
use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, QueryResult, Queryable, QueryableByName,
    Selectable, SelectableHelper,
    sql_types::{BigInt, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use serde::{Deserialize, Serialize};

use crate::{jobs, money, schema::payments};

crate::text_enum! {
    /// What a ledger row is (`payments.kind`).
    pub enum PaymentKind {
        Charge = "charge",
        Refund = "refund",
    }
}

crate::text_enum! {
    /// Where a ledger row is (`payments.status`): it only moves forward from pending.
    /// `authorized` and `voided` are a request to book's charge: held on the card, then taken
    /// (`succeeded`) when the host accepts, or released (`voided`, never charged).
    pub enum PaymentStatus {
        Pending = "pending",
        Authorized = "authorized",
        Succeeded = "succeeded",
        Failed = "failed",
        Voided = "voided",
    }
}

crate::text_enum! {
    /// Who moves the money of a ledger row (`payments.provider`).
    pub enum Provider {
        Sandbox = "sandbox",
        Stripe = "stripe",
    }
}

// Short names for the match arms and filters of the payment code.
pub use PaymentKind::{Charge as CHARGE, Refund as REFUND};
pub use PaymentStatus::{
    Authorized as AUTHORIZED, Failed as FAILED, Pending as PENDING, Succeeded as SUCCEEDED,
    Voided as VOIDED,
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = payments, check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub id: i64,
    pub booking_id: i64,
    pub kind: PaymentKind,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub refund_of: Option<i64>,
}

impl Payment {
    pub fn is_refund(&self) -> bool {
        self.kind == REFUND
    }

    pub fn label(&self) -> &'static str {
        match (self.kind, self.status) {
            (CHARGE, SUCCEEDED) => "Payment",
            (CHARGE, FAILED) => "Payment failed",
            (CHARGE, AUTHORIZED) => "Card authorized, not charged",
            (CHARGE, VOIDED) => "Authorization released, never charged",
            (CHARGE, _) => "Payment in progress",
            (_, SUCCEEDED) => "Refund",
            (_, FAILED) => "Refund failed",
            _ => "Refund in progress",
        }
    }

    pub fn display_amount(&self) -> String {
        let amount = money::format(self.amount, &self.currency);
        if self.is_refund() {
            format!("−{amount}")
        } else {
            amount
        }
    }

    /// When, in UTC (the admin pages).
    pub fn when(&self) -> String {
        self.when_in("UTC")
    }

    /// When, as the clock read at the listing (its IANA `timezone`), named.
    pub fn when_in(&self, timezone: &str) -> String {
        crate::dates::moment_in(self.created_at, timezone)
    }
}

/// The money of a booking so far (minor units), as [`totals`] sums it in the database: the one
/// computation of what was paid, and [`Totals::due`] the one of what is left to pay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, QueryableByName)]
pub struct Totals {
    /// Charges that succeeded.
    #[diesel(sql_type = BigInt)]
    pub charged: i64,
    /// Charges still in progress.
    #[diesel(sql_type = BigInt)]
    pub pending_charges: i64,
    /// Refunds that succeeded or are on their way (a failed refund gives nothing back).
    #[diesel(sql_type = BigInt)]
    pub refunded: i64,
    /// Charges authorized on the card and not taken yet (a request waiting for its host, or
    /// accepted and being captured): promised, so not due again, but not paid.
    #[diesel(sql_type = BigInt)]
    pub authorized: i64,
}

impl Totals {
    /// What the guest has paid and keeps paid.
    pub fn net_paid(&self) -> i64 {
        self.charged - self.refunded
    }

    /// What is still to pay on a booking whose price is `total` (an authorization counts: the
    /// host's acceptance takes it).
    pub fn due(&self, total: i64) -> i64 {
        (total - self.net_paid() - self.authorized).max(0)
    }
}

pub async fn totals(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> diesel::QueryResult<Totals> {
    diesel::sql_query(
        "SELECT \
           coalesce(sum(amount) FILTER (WHERE kind = 'charge' AND status = 'succeeded'), 0)::bigint AS charged, \
           coalesce(sum(amount) FILTER (WHERE kind = 'charge' AND status = 'pending'), 0)::bigint AS pending_charges, \
           coalesce(sum(amount) FILTER (WHERE kind = 'refund' AND status <> 'failed'), 0)::bigint AS refunded, \
           coalesce(sum(amount) FILTER (WHERE kind = 'charge' AND status = 'authorized'), 0)::bigint AS authorized \
         FROM payments WHERE booking_id = $1",
    )
    .bind::<BigInt, _>(booking_id)
    .get_result(conn)
    .await
}

/// A booking's ledger, oldest first.
pub async fn for_booking(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> diesel::QueryResult<Vec<Payment>> {
    payments::table
        .filter(payments::booking_id.eq(booking_id))
        .order(payments::id.asc())
        .select(Payment::as_select())
        .load(conn)
        .await
}

/// The ledgers of several bookings in one statement, each oldest first.
pub async fn for_bookings(
    conn: &mut AsyncPgConnection,
    booking_ids: &[BookingId],
) -> diesel::QueryResult<Vec<Payment>> {
    payments::table
        .filter(payments::booking_id.eq_any(booking_ids.iter().map(|id| id.get())))
        .order((payments::booking_id, payments::id.asc()))
        .select(Payment::as_select())
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<Option<Payment>> {
    payments::table
        .find(id)
        .select(Payment::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_ref(
    conn: &mut AsyncPgConnection,
    provider: &str,
    provider_ref: &str,
) -> diesel::QueryResult<Option<Payment>> {
    payments::table
        .filter(payments::provider.eq(provider))
        .filter(payments::provider_ref.eq(provider_ref))
        .select(Payment::as_select())
        .first(conn)
        .await
        .optional()
}

/// What a new ledger row records.
pub struct NewRow<'a> {
    pub booking_id: i64,
    pub kind: PaymentKind,
    pub provider: &'a str,
    pub provider_ref: Option<&'a str>,
    pub amount: i64,
    pub currency: &'a str,
    pub status: PaymentStatus,
    pub refund_of: Option<i64>,
}

/// Inserts a row; `None` when a row with the same provider reference exists already.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: NewRow<'_>,
) -> diesel::QueryResult<Option<Payment>> {
    diesel::insert_into(payments::table)
        .values((
            payments::booking_id.eq(row.booking_id),
            payments::kind.eq(row.kind),
            payments::provider.eq(row.provider),
            payments::provider_ref.eq(row.provider_ref),
            payments::amount.eq(row.amount),
            payments::currency.eq(row.currency),
            payments::status.eq(row.status),
            payments::refund_of.eq(row.refund_of),
        ))
        .on_conflict_do_nothing()
        .returning(Payment::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Fills in the provider's reference of a row that has none yet.
pub async fn set_provider_ref(
    conn: &mut AsyncPgConnection,
    id: i64,
    provider_ref: &str,
) -> diesel::QueryResult<usize> {
    diesel::update(
        payments::table
            .find(id)
            .filter(payments::provider_ref.is_null()),
    )
    .set((
        payments::provider_ref.eq(provider_ref),
        payments::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
}

/// Moves a row forward: to `succeeded` (from pending or authorized, or from failed: a payment
/// intent may be retried with another card), to `authorized` (from pending or failed, the same
/// way), to `failed` (from pending, or from authorized when the capture was refused) or to
/// `voided` (an authorization released; never from succeeded). Returns whether it moved, so
/// that what follows a change happens once.
pub async fn settle(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: PaymentStatus,
    failure_reason: Option<&str>,
) -> diesel::QueryResult<bool> {
    let from: Vec<PaymentStatus> = match status {
        SUCCEEDED => vec![PENDING, AUTHORIZED, FAILED],
        AUTHORIZED => vec![PENDING, FAILED],
        FAILED => vec![PENDING, AUTHORIZED],
        VOIDED => vec![PENDING, AUTHORIZED, FAILED],
        PENDING => Vec::new(),
    };
    let moved = diesel::update(
        payments::table
            .find(id)
            .filter(payments::status.eq_any(from)),
    )
    .set((
        payments::status.eq(status),
        payments::failure_reason.eq(failure_reason),
        payments::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    Ok(moved == 1)
}

#[derive(QueryableByName)]
struct Refundable {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    provider: String,
    #[diesel(sql_type = BigInt)]
    left: i64,
}

#[derive(QueryableByName)]
struct Left {
    #[diesel(sql_type = BigInt)]
    left: i64,
}

/// What can still be refunded of charge `charge_id`: its amount less its refunds that did not
/// fail (the database refuses any refund beyond it: `payments_refund_within_charge`).
pub async fn left_to_refund(
    conn: &mut AsyncPgConnection,
    charge_id: i64,
) -> diesel::QueryResult<i64> {
    let row: Left = diesel::sql_query(
        "SELECT (c.amount - coalesce((SELECT sum(r.amount) FROM payments r \
             WHERE r.refund_of = c.id AND r.status <> 'failed'), 0))::bigint AS left \
         FROM payments c WHERE c.id = $1",
    )
    .bind::<BigInt, _>(charge_id)
    .get_result(conn)
    .await?;
    Ok(row.left)
}

/// The job that sends a planned refund (a pending row) to its provider. Its data lives here,
/// beside the rows it sends, so that planning a refund needs nothing of payments; what it does
/// (`impl Job`) is in `crate::payments`, which talks to the provider.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct IssueRefund {
    /// The refund's ledger row.
    pub payment_id: i64,
}

/// Plans and records refunds worth up to `amount` of a booking's successful charges (newest
/// first); each refund row is pending and an [`IssueRefund`] job sends it to
/// the provider. `only_charge` limits the refund to one charge. Only charges in `currency` (the
/// booking's: the database keeps every row of a booking in its currency) are refunded from.
/// Returns the amount refunded (less than `amount` when less was paid).
pub async fn refund(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    currency: &str,
    amount: i64,
    only_charge: Option<i64>,
) -> diesel::QueryResult<i64> {
    if amount <= 0 {
        return Ok(0);
    }
    let charges: Vec<Refundable> = diesel::sql_query(
        "SELECT c.id, c.provider, (c.amount - coalesce((SELECT sum(r.amount) FROM payments r \
             WHERE r.refund_of = c.id AND r.status <> 'failed'), 0))::bigint AS left \
         FROM payments c \
         WHERE c.booking_id = $1 AND c.kind = 'charge' AND c.status = 'succeeded' \
           AND c.currency = $2 \
         ORDER BY c.id DESC",
    )
    .bind::<BigInt, _>(booking_id)
    .bind::<Text, _>(currency)
    .load(conn)
    .await?;
    let mut remaining = amount;
    for charge in charges {
        if remaining == 0 {
            break;
        }
        if only_charge.is_some_and(|only| only != charge.id) || charge.left <= 0 {
            continue;
        }
        let part = remaining.min(charge.left);
        let row = insert(
            conn,
            NewRow {
                booking_id: booking_id.get(),
                kind: REFUND,
                provider: &charge.provider,
                provider_ref: None,
                amount: part,
                currency,
                status: PENDING,
                refund_of: Some(charge.id),
            },
        )
        .await?;
        if let Some(row) = row {
            jobs::enqueue(conn, &IssueRefund { payment_id: row.id }).await?;
            remaining -= part;
        }
    }
    Ok(amount - remaining)
}

/// The job that takes (captures) an authorized charge at its provider once the host accepted.
/// Planned in the transaction that accepts; sent afterwards, so that a provider outage delays
/// the charge instead of failing the host's answer.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct CaptureCharge {
    /// The authorized charge's ledger row.
    pub payment_id: i64,
}

/// The job that releases (voids) an authorized charge at its provider: the request was
/// declined, withdrawn or expired, so the card is never charged.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct VoidAuthorization {
    /// The authorized charge's ledger row.
    pub payment_id: i64,
}

/// The authorized charges of a booking (ids).
async fn authorized(conn: &mut AsyncPgConnection, booking_id: BookingId) -> QueryResult<Vec<i64>> {
    payments::table
        .filter(payments::booking_id.eq(booking_id))
        .filter(payments::kind.eq(CHARGE))
        .filter(payments::status.eq(AUTHORIZED))
        .order(payments::id.asc())
        .select(payments::id)
        .load(conn)
        .await
}

/// Plans the capture of a booking's authorized charges (the host accepted): one
/// [`CaptureCharge`] job each. Returns how many.
pub async fn plan_captures(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> QueryResult<usize> {
    let ids = authorized(conn, booking_id).await?;
    for payment_id in &ids {
        jobs::enqueue(
            conn,
            &CaptureCharge {
                payment_id: *payment_id,
            },
        )
        .await?;
    }
    Ok(ids.len())
}

/// Plans the release of a booking's authorized charges (the booking died before they were
/// taken): one [`VoidAuthorization`] job each. Returns how many.
pub async fn plan_voids(conn: &mut AsyncPgConnection, booking_id: BookingId) -> QueryResult<usize> {
    let ids = authorized(conn, booking_id).await?;
    for payment_id in &ids {
        jobs::enqueue(
            conn,
            &VoidAuthorization {
                payment_id: *payment_id,
            },
        )
        .await?;
    }
    Ok(ids.len())
}
