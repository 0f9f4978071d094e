//! What a guest changes after booking: new dates for a confirmed stay (repriced; the
//! difference is charged or refunded) and cancellation at the refund the policy gives now.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    domain::Status,
    emails::{self, Context, Notice},
    history,
    model::{self, Booking},
    service::{self, BookError},
    transitions::{self, Applied, Change, Refusal},
};
use crate::{
    errors::AppError,
    payments::ledger,
    pricing::{self, PricingPolicy},
    schema::bookings,
};

/// A change of dates that happened.
#[derive(Debug)]
pub struct DatesChanged {
    pub booking: Booking,
    /// New price − old price: charged when positive, refunded when negative.
    pub difference: i64,
}

/// Moves the guest's confirmed stay `id` to new dates, repriced at the listing's current rates.
pub async fn change_dates(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest_id: i64,
    id: i64,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> Result<DatesChanged, BookError> {
    conn.transaction::<_, BookError, _>(async |conn| {
        let booking = model::lock(conn, id)
            .await?
            .filter(|booking| booking.guest_id == guest_id)
            .ok_or(AppError::NotFound)?;
        if booking.status() != Status::Confirmed {
            return Err(BookError::Invalid {
                field: "form",
                message: "Only confirmed stays can move to other dates.".into(),
            });
        }
        let listing = crate::listings::model::find(conn, booking.listing_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let stay = service::stay_dates(&listing, check_in, check_out, now)?;
        if stay.check_in() == booking.check_in && stay.check_out() == booking.check_out {
            return Err(BookError::Invalid {
                field: "check_in",
                message: "These are already the dates of your stay.".into(),
            });
        }
        // The exclusion constraint checks the new range against every other entry.
        diesel::sql_query(
            "UPDATE calendar_entries SET stay = daterange($2, $3, '[)') WHERE booking_id = $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(id)
        .bind::<diesel::sql_types::Date, _>(stay.check_in())
        .bind::<diesel::sql_types::Date, _>(stay.check_out())
        .execute(conn)
        .await?;
        let quote = pricing::quote(&listing.rates(), stay.nights(), &PricingPolicy::default());
        let updated: Booking = diesel::update(bookings::table.find(id))
            .set((
                bookings::check_in.eq(stay.check_in()),
                bookings::check_out.eq(stay.check_out()),
                bookings::nightly_price.eq(quote.nightly_price),
                bookings::nights.eq(quote.nights),
                bookings::base_amount.eq(quote.base_amount),
                bookings::discount_amount.eq(quote.discount_amount),
                bookings::cleaning_fee.eq(quote.cleaning_fee),
                bookings::service_fee.eq(quote.service_fee),
                bookings::tax_amount.eq(quote.tax_amount),
                bookings::total_amount.eq(quote.total_amount),
                bookings::host_fee.eq(quote.host_fee),
                bookings::host_payout.eq(quote.host_payout),
                bookings::reminder_sent_at.eq(None::<DateTime<Utc>>),
                bookings::updated_at.eq(now),
            ))
            .returning(Booking::as_returning())
            .get_result(conn)
            .await?;
        let difference = updated.total_amount - booking.total_amount;
        let totals = ledger::totals(conn, id).await?;
        let overpaid = totals.net_paid() - updated.total_amount;
        if overpaid > 0 {
            ledger::refund(conn, id, &updated.currency, overpaid, None).await?;
        }
        let note = format!(
            "Dates changed from {} to {}; new total {}",
            booking.dates(),
            updated.dates(),
            updated.total()
        );
        let status = Status::Confirmed;
        history::record_event(conn, id, Some(status), status, Some(guest_id), &note).await?;
        let (guest, host) = emails::parties(conn, guest_id, listing.host_id).await?;
        let ctx = Context {
            booking: &updated,
            listing: &listing,
            guest: &guest,
            host: &host,
            base_url,
        };
        let notice = Notice::DatesChanged {
            previous: booking.dates(),
            difference,
        };
        emails::notify(conn, &ctx, &notice).await?;
        Ok(DatesChanged {
            booking: updated,
            difference,
        })
    })
    .await
}

/// Why a guest's cancellation did not happen.
#[derive(Debug)]
pub enum CancelError {
    Refused(Refusal),
    /// The refund is no longer what the guest was shown (a deadline passed): the new amount.
    RefundChanged(i64),
    App(AppError),
}

impl<E: Into<AppError>> From<E> for CancelError {
    fn from(error: E) -> Self {
        CancelError::App(error.into())
    }
}

/// The refund the guest would get by cancelling trip `id` now (capped at what was paid), with
/// the booking and the policy's breakdown; `None` if it is not the guest's trip.
pub async fn refund_preview(
    conn: &mut AsyncPgConnection,
    guest_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(Booking, super::policy::Refund, i64)>, AppError> {
    let Some(booking) = model::find(conn, id)
        .await?
        .filter(|booking| booking.guest_id == guest_id)
    else {
        return Ok(None);
    };
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let refund = transitions::guest_refund(&booking, &listing, now);
    let paid = ledger::totals(conn, id).await?.net_paid();
    let capped = refund.total.min(paid).max(0);
    Ok(Some((booking, refund, capped)))
}

/// Cancels the guest's trip `id`; when `expected_refund` is given and the policy now gives a
/// different amount, nothing happens and the new amount is returned to show.
pub async fn cancel_as_guest(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest_id: i64,
    id: i64,
    expected_refund: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Applied, CancelError> {
    conn.transaction::<_, CancelError, _>(async |conn| {
        model::lock(conn, id).await?;
        let (_, _, refund) = refund_preview(conn, guest_id, id, now)
            .await?
            .ok_or(AppError::NotFound)?;
        if expected_refund.is_some_and(|expected| expected != refund) {
            return Err(CancelError::RefundChanged(refund));
        }
        transitions::apply(
            conn,
            base_url,
            id,
            Change::CancelByGuest,
            Some(guest_id),
            now,
        )
        .await?
        .map_err(CancelError::Refused)
    })
    .await
}
