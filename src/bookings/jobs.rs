//! The periodic jobs of the booking lifecycle: holds (and unpaid changes of dates) expire,
//! stays start and end by the date where the listing is, and guests get a reminder the day
//! before check-in.
//!
//! Each job looks for the bookings due and moves them one by one through the state machine,
//! whose conditional updates make a second run (or a concurrent one) change nothing twice.

use crate::service::BookingId;
use chrono::{Duration, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, QueryResult, SelectableHelper,
    dsl::{now, sql},
    sql_types::Date,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::{
    domain::{self, Status},
    emails::{self, Context, Notice},
    history,
    model::{self, Booking},
    pending_change,
    transitions::{self, Change},
};
use crate::{
    db,
    jobs::{Job, JobContext},
    listings::model::Listing,
    schema::{bookings, listings},
    service::ServiceError,
};

/// Bookings handled per run; the next run takes the rest.
const BATCH: i64 = 500;

/// Expires unpaid holds and unanswered requests whose `hold_expires_at` has passed.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct ExpireHolds;

impl Job for ExpireHolds {
    const KIND: &'static str = "expire_booking_holds";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let due: Vec<BookingId> = bookings::table
            .filter(bookings::status.eq_any(domain::names(Change::Expire.allowed_from())))
            .filter(bookings::hold_expires_at.lt(now))
            .order(bookings::hold_expires_at.asc())
            .select(bookings::id)
            .limit(BATCH)
            .load(&mut conn)
            .await?;
        for id in due {
            let outcome = transitions::apply(
                &mut conn,
                &ctx.config.base_url,
                id,
                Change::Expire,
                None,
                Utc::now(),
            )
            .await;
            match outcome {
                Ok(_) => tracing::info!(booking = id.get(), "booking hold expired"),
                Err(error) if transitions::is_refusal(&error) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let moment = Utc::now();
        for (change_id, booking_id) in pending_change::overdue(&mut conn, moment, BATCH).await? {
            expire_change(&mut conn, change_id, booking_id, moment).await?;
        }
        Ok(())
    }
}

/// Ends a change of dates whose payment window closed: its held nights are released and the
/// stay keeps its dates (a payment arriving later is refunded by the payments feature's reconciling).
async fn expire_change(
    conn: &mut AsyncPgConnection,
    change_id: i64,
    booking_id: BookingId,
    moment: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let Some(booking) = model::lock(conn, booking_id).await? else {
            return Ok(());
        };
        if pending_change::close(
            conn,
            change_id,
            pending_change::ChangeStatus::Expired,
            moment,
        )
        .await?
        {
            let status = booking.status();
            let note = "The change of dates was not paid in time; the stay keeps its dates";
            history::record_event(conn, booking_id, Some(status), status, None, note).await?;
            tracing::info!(
                booking = booking_id.get(),
                change = change_id,
                "date change expired"
            );
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// Bookings in `status` whose `date_column` is at most a day after today in UTC (every time
/// zone is within a day of it), with their listings; the caller decides by local time.
async fn candidates(
    conn: &mut AsyncPgConnection,
    status: Status,
    date_column: &str,
) -> QueryResult<Vec<(Booking, Listing)>> {
    let near = sql::<diesel::sql_types::Bool>(&format!(
        "bookings.{date_column} <= (now() AT TIME ZONE 'UTC')::date + 1"
    ));
    bookings::table
        .inner_join(listings::table)
        .filter(bookings::status.eq(status.as_str()))
        .filter(near)
        .order(bookings::id.asc())
        .select((Booking::as_select(), Listing::as_select()))
        .limit(BATCH)
        .load(conn)
        .await
}

/// Checks guests in on their check-in date and completes stays once the check-out time has
/// passed, both in the listing's time zone.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct AdvanceStays;

impl Job for AdvanceStays {
    const KIND: &'static str = "advance_stays";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let base_url = &ctx.config.base_url;
        for (booking, listing) in candidates(&mut conn, Status::Confirmed, "check_in").await? {
            let at = Utc::now();
            if listing.local_date(at) >= booking.check_in {
                let outcome =
                    transitions::apply(&mut conn, base_url, booking.id, Change::CheckIn, None, at)
                        .await;
                if let Err(error) = outcome
                    && !transitions::is_refusal(&error)
                {
                    return Err(error.into());
                }
            }
        }
        for (booking, listing) in candidates(&mut conn, Status::CheckedIn, "check_out").await? {
            let at = Utc::now();
            let local = at.with_timezone(&listing.tz()).naive_local();
            if local >= booking.check_out.and_time(listing.check_out_time) {
                let outcome =
                    transitions::apply(&mut conn, base_url, booking.id, Change::Complete, None, at)
                        .await;
                if let Err(error) = outcome
                    && !transitions::is_refusal(&error)
                {
                    return Err(error.into());
                }
            }
        }
        Ok(())
    }
}

/// Emails guests whose confirmed stay starts tomorrow (local date), once per booking: the
/// booking's `reminder_sent_at` is set in the transaction that queues the email.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct SendCheckInReminders;

impl Job for SendCheckInReminders {
    const KIND: &'static str = "send_check_in_reminders";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let soon = sql::<diesel::sql_types::Bool>(
            "bookings.check_in <= (now() AT TIME ZONE 'UTC')::date + 2",
        );
        let due: Vec<(Booking, Listing)> = bookings::table
            .inner_join(listings::table)
            .filter(bookings::status.eq(Status::Confirmed.as_str()))
            .filter(bookings::reminder_sent_at.is_null())
            .filter(bookings::check_in.ge(sql::<Date>("(now() AT TIME ZONE 'UTC')::date - 1")))
            .filter(soon)
            .select((Booking::as_select(), Listing::as_select()))
            .limit(BATCH)
            .load(&mut conn)
            .await?;
        for (booking, listing) in due {
            let tomorrow = listing.today() + Duration::days(1);
            if booking.check_in == tomorrow {
                remind(&mut conn, &ctx.config.base_url, &booking, &listing).await?;
            }
        }
        Ok(())
    }
}

async fn remind(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    booking: &Booking,
    listing: &Listing,
) -> Result<(), ServiceError> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let claimed = diesel::update(
            bookings::table
                .find(booking.id)
                .filter(bookings::reminder_sent_at.is_null())
                .filter(bookings::status.eq(Status::Confirmed.as_str())),
        )
        .set(bookings::reminder_sent_at.eq(now))
        .execute(conn)
        .await?;
        if claimed == 0 {
            return Ok(());
        }
        let (guest, host) = emails::parties(conn, booking.guest_id, listing.host_id).await?;
        let ctx = Context {
            booking,
            listing,
            guest: &guest,
            host: &host,
            base_url,
        };
        emails::notify(conn, &ctx, &Notice::Reminder).await
    })
    .await
}
