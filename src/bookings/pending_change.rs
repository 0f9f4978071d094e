//! A guest's move of a paid stay to dates that cost more than what was paid: it waits for the
//! difference. Until it is paid the booking keeps its dates and its price, which is what the
//! host is shown and paid on, and the nights the new dates add are held on the calendar
//! (`change_hold` entries, under the same exclusion constraint as bookings). A payment that
//! covers the new price applies the change; when the payment window closes first, the held
//! nights are released and the stay stays as it was.
//!
//! Every function here runs inside the caller's transaction, which holds the booking's row
//! lock (and takes the listing's before touching the calendar: one lock order).

use crate::service::BookingId;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, Selectable, SelectableHelper,
    sql_types::{BigInt, Date},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::model::Booking;
pub use super::model::PriceLines;
use crate::stays::stay::StayDates;
use crate::{
    listings::calendar::lock_listing,
    money,
    pricing::Quote,
    schema::{booking_changes, bookings},
};

crate::text_enum! {
    /// Where a change of dates is (`booking_changes.status`, kept in step with its CHECK by
    /// tests/it/vocabularies_bookings.rs).
    pub enum ChangeStatus {
        /// Waiting for the difference to be paid (the new nights are held).
        Pending = "pending_payment",
        Applied = "applied",
        /// The payment window closed first.
        Expired = "expired",
        /// Replaced by a newer change, or ended with the stay.
        Withdrawn = "withdrawn",
    }
}

use ChangeStatus::{Applied as APPLIED, Pending as PENDING, Withdrawn as WITHDRAWN};

/// A change of dates waiting for its payment, with the price of the new dates (in the
/// booking's currency).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = booking_changes, check_for_backend(diesel::pg::Pg))]
pub struct PendingChange {
    pub id: i64,
    pub booking_id: i64,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub nightly_price: i64,
    pub nights: i32,
    pub base_amount: i64,
    pub discount_amount: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax_amount: i64,
    pub total_amount: i64,
    pub host_fee: i64,
    pub host_payout: i64,
    pub status: ChangeStatus,
    pub hold_expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PendingChange {
    /// "Dec 24 – Dec 27" (with the year when it is not this one: [`crate::dates::stay`]).
    pub fn dates(&self) -> String {
        crate::dates::stay(self.check_in, self.check_out)
    }

    /// When the held nights are released, for people.
    pub fn deadline(&self) -> String {
        self.deadline_in("UTC")
    }

    /// When the held nights are released, as the clock reads at the listing, named.
    pub fn deadline_in(&self, timezone: &str) -> String {
        crate::dates::moment_in(self.hold_expires_at, timezone)
    }

    pub fn total(&self, currency: &str) -> String {
        money::format(self.total_amount, currency)
    }
}

/// The booking's change that waits for payment, if any.
pub async fn find_pending(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> diesel::QueryResult<Option<PendingChange>> {
    booking_changes::table
        .filter(booking_changes::booking_id.eq(booking_id))
        .filter(booking_changes::status.eq(PENDING))
        .select(PendingChange::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records a change of `booking` to `stay` at the price `quote`, and holds the nights it adds
/// until `hold_expires_at`. Fails with the calendar's exclusion violation when one of those
/// nights is taken.
pub async fn open(
    conn: &mut AsyncPgConnection,
    booking: &Booking,
    stay: &StayDates,
    quote: &Quote,
    hold_expires_at: DateTime<Utc>,
) -> diesel::QueryResult<PendingChange> {
    lock_listing(conn, booking.listing_id).await?;
    let change: PendingChange = diesel::insert_into(booking_changes::table)
        .values((
            booking_changes::booking_id.eq(booking.id),
            booking_changes::check_in.eq(stay.check_in()),
            booking_changes::check_out.eq(stay.check_out()),
            booking_changes::nightly_price.eq(quote.nightly_price),
            booking_changes::nights.eq(quote.nights),
            booking_changes::base_amount.eq(quote.base_amount),
            booking_changes::discount_amount.eq(quote.discount_amount),
            booking_changes::cleaning_fee.eq(quote.cleaning_fee),
            booking_changes::service_fee.eq(quote.service_fee),
            booking_changes::tax_amount.eq(quote.tax_amount),
            booking_changes::total_amount.eq(quote.total_amount),
            booking_changes::host_fee.eq(quote.host_fee),
            booking_changes::host_payout.eq(quote.host_payout),
            booking_changes::hold_expires_at.eq(hold_expires_at),
        ))
        .returning(PendingChange::as_returning())
        .get_result(conn)
        .await?;
    // The nights of the new stay that the booking does not hold yet: one range, or two when
    // the stay grows at both ends (multirange difference).
    diesel::sql_query(
        "INSERT INTO calendar_entries (listing_id, stay, kind, change_id) \
         SELECT $1, nights, 'change_hold', $2 \
           FROM unnest(datemultirange(daterange($3, $4, '[)')) \
                       - datemultirange(daterange($5, $6, '[)'))) AS nights",
    )
    .bind::<BigInt, _>(booking.listing_id)
    .bind::<BigInt, _>(change.id)
    .bind::<Date, _>(stay.check_in())
    .bind::<Date, _>(stay.check_out())
    .bind::<Date, _>(booking.check_in)
    .bind::<Date, _>(booking.check_out)
    .execute(conn)
    .await?;
    Ok(change)
}

/// Ends a pending change without applying it (`Expired` or `Withdrawn`) and releases its held
/// nights; `false` when it was no longer pending.
pub async fn close(
    conn: &mut AsyncPgConnection,
    change_id: i64,
    status: ChangeStatus,
    now: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    let closed = diesel::update(
        booking_changes::table
            .find(change_id)
            .filter(booking_changes::status.eq(PENDING)),
    )
    .set((
        booking_changes::status.eq(status),
        booking_changes::updated_at.eq(now),
    ))
    .execute(conn)
    .await?;
    diesel::sql_query("DELETE FROM calendar_entries WHERE change_id = $1")
        .bind::<BigInt, _>(change_id)
        .execute(conn)
        .await?;
    Ok(closed == 1)
}

/// Withdraws the booking's pending change, if any (a new change replaces it; a cancelled
/// booking has none).
pub async fn withdraw_any(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<PendingChange>> {
    let pending = find_pending(conn, booking_id).await?;
    if let Some(change) = &pending {
        close(conn, change.id, WITHDRAWN, now).await?;
    }
    Ok(pending)
}

/// Applies a paid change: the booking takes the new dates and the new price. The caller has
/// checked that the ledger covers `change.total_amount` (the database checks it again at
/// commit: `bookings_paid_in_full`).
pub async fn apply(
    conn: &mut AsyncPgConnection,
    booking: &Booking,
    change: &PendingChange,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Booking> {
    lock_listing(conn, booking.listing_id).await?;
    diesel::update(
        booking_changes::table
            .find(change.id)
            .filter(booking_changes::status.eq(PENDING)),
    )
    .set((
        booking_changes::status.eq(APPLIED),
        booking_changes::updated_at.eq(now),
    ))
    .execute(conn)
    .await?;
    // The holds go first: the booking's entry then grows over their nights.
    diesel::sql_query("DELETE FROM calendar_entries WHERE change_id = $1")
        .bind::<BigInt, _>(change.id)
        .execute(conn)
        .await?;
    let price = PriceLines {
        nightly_price: change.nightly_price,
        nights: change.nights,
        base_amount: change.base_amount,
        discount_amount: change.discount_amount,
        cleaning_fee: change.cleaning_fee,
        service_fee: change.service_fee,
        tax_amount: change.tax_amount,
        total_amount: change.total_amount,
        host_fee: change.host_fee,
        host_payout: change.host_payout,
    };
    move_booking(
        conn,
        booking.id,
        change.check_in,
        change.check_out,
        &price,
        now,
    )
    .await
}

/// Moves booking `booking_id` (its calendar entry and its row) to `[check_in, check_out)` at
/// `price`. The caller holds the booking's and the listing's locks, and has made sure the
/// ledger covers the new price (the database checks it at commit).
pub async fn move_booking(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    check_in: NaiveDate,
    check_out: NaiveDate,
    price: &PriceLines,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Booking> {
    // The exclusion constraint checks the new range against every other entry.
    diesel::sql_query(
        "UPDATE calendar_entries SET stay = daterange($2, $3, '[)') WHERE booking_id = $1",
    )
    .bind::<BigInt, _>(booking_id)
    .bind::<Date, _>(check_in)
    .bind::<Date, _>(check_out)
    .execute(conn)
    .await?;
    diesel::update(bookings::table.find(booking_id))
        .set((
            bookings::check_in.eq(check_in),
            bookings::check_out.eq(check_out),
            *price,
            bookings::reminder_sent_at.eq(None::<DateTime<Utc>>),
            bookings::updated_at.eq(now),
        ))
        .returning(Booking::as_returning())
        .get_result(conn)
        .await
}

/// Changes whose payment window has closed, oldest first (at most `limit`).
pub async fn overdue(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> diesel::QueryResult<Vec<(i64, BookingId)>> {
    booking_changes::table
        .filter(booking_changes::status.eq(PENDING))
        .filter(booking_changes::hold_expires_at.le(now))
        .order(booking_changes::hold_expires_at.asc())
        .select((booking_changes::id, booking_changes::booking_id))
        .limit(limit)
        .load(conn)
        .await
}

/// The price the guest's payments must cover now: that of the booking's pending change when it
/// has one, else the booking's own. With the change.
pub async fn price_to_cover(
    conn: &mut AsyncPgConnection,
    booking: &Booking,
) -> diesel::QueryResult<(i64, Option<PendingChange>)> {
    let pending = find_pending(conn, booking.id).await?;
    let price = pending
        .as_ref()
        .map_or(booking.total_amount, |change| change.total_amount);
    Ok((price, pending))
}
