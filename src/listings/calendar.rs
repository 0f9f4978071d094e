//! A listing's calendar: the `calendar_entries` rows that occupy its nights (host blocks and
//! bookings), as plain functions over a connection so that the host's calendar, the public
//! listing page and bookings share them.
//!
//! Every range is a half-open `[start, end)` of dates: `end` is the check-out day, which stays
//! free for the next arrival. PostgreSQL's exclusion constraint `calendar_entries_no_overlap`
//! is what keeps entries of a listing from overlapping; [`block`] reports it as
//! [`BlockError::Overlap`].

use crate::service::ListingId;
use std::ops::{Bound, Range};

use chrono::{Days, NaiveDate};
use diesel::{ExpressionMethods, OptionalExtension, PgRangeExpressionMethods, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::schema::{calendar_entries, listings};

crate::text_enum! {
    /// `calendar_entries.kind`: who holds the nights.
    pub enum CalendarEntryKind {
        /// The host closed the dates.
        Blocked = "blocked",
        /// A booking's stay.
        Booking = "booking",
        /// The nights a pending change of a booking's dates adds, until the difference is paid
        /// (see `bookings::pending_change`).
        ChangeHold = "change_hold",
    }
}

/// The spellings, for SQL written as text.
pub const BLOCKED: &str = CalendarEntryKind::Blocked.as_str();
pub const BOOKING: &str = CalendarEntryKind::Booking.as_str();
pub const CHANGE_HOLD: &str = CalendarEntryKind::ChangeHold.as_str();

/// One entry of the calendar, with its dates as `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEntry {
    pub id: i64,
    pub listing_id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub kind: CalendarEntryKind,
    pub booking_id: Option<i64>,
    pub note: String,
}

impl CalendarEntry {
    pub fn is_blocked(&self) -> bool {
        self.kind == CalendarEntryKind::Blocked
    }

    /// Nights a booking holds: its stay, or the nights a pending change of its dates adds.
    pub fn is_booking(&self) -> bool {
        matches!(
            self.kind,
            CalendarEntryKind::Booking | CalendarEntryKind::ChangeHold
        )
    }

    /// Whether the night of `date` is taken by this entry.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    pub fn nights(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The last night taken ("until and including"), for people.
    pub fn last_night(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }
}

type EntryRow = (
    i64,
    i64,
    (Bound<NaiveDate>, Bound<NaiveDate>),
    CalendarEntryKind,
    Option<i64>,
    String,
);

/// Turns a stored range into `[start, end)` (PostgreSQL stores date ranges that way already;
/// the other bounds are handled so that a hand-written row cannot break the page).
fn entry((id, listing_id, (lower, upper), kind, booking_id, note): EntryRow) -> CalendarEntry {
    let start = match lower {
        Bound::Included(date) => date,
        Bound::Excluded(date) => date.checked_add_days(Days::new(1)).unwrap_or(date),
        Bound::Unbounded => NaiveDate::MIN,
    };
    let end = match upper {
        Bound::Excluded(date) => date,
        Bound::Included(date) => date.checked_add_days(Days::new(1)).unwrap_or(date),
        Bound::Unbounded => NaiveDate::MAX,
    };
    CalendarEntry {
        id,
        listing_id,
        start,
        end,
        kind,
        booking_id,
        note,
    }
}

macro_rules! entry_columns {
    () => {
        (
            calendar_entries::id,
            calendar_entries::listing_id,
            calendar_entries::stay,
            calendar_entries::kind,
            calendar_entries::booking_id,
            calendar_entries::note,
        )
    };
}

/// The entries of a listing that take any night in `[from, to)`, by start date (one query).
pub async fn entries_between(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    from: NaiveDate,
    to: NaiveDate,
) -> diesel::QueryResult<Vec<CalendarEntry>> {
    if from >= to {
        return Ok(Vec::new());
    }
    let rows: Vec<EntryRow> = calendar_entries::table
        .filter(calendar_entries::listing_id.eq(listing_id))
        .filter(calendar_entries::stay.overlaps_with(from..to))
        .order((calendar_entries::stay, calendar_entries::id))
        .select(entry_columns!())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// The host's blocks that end after `from`, soonest first, at most `limit` (one query).
pub async fn blocks_from(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    from: NaiveDate,
    limit: i64,
) -> diesel::QueryResult<Vec<CalendarEntry>> {
    let rows: Vec<EntryRow> = calendar_entries::table
        .filter(calendar_entries::listing_id.eq(listing_id))
        .filter(calendar_entries::kind.eq(BLOCKED))
        .filter(calendar_entries::stay.overlaps_with(from..))
        .order((calendar_entries::stay, calendar_entries::id))
        .limit(limit)
        .select(entry_columns!())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(entry).collect())
}

/// A host's block of that listing (`None` for a booking's entry or another listing's).
pub async fn find_block(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    entry_id: i64,
) -> diesel::QueryResult<Option<CalendarEntry>> {
    let row: Option<EntryRow> = calendar_entries::table
        .filter(calendar_entries::id.eq(entry_id))
        .filter(calendar_entries::listing_id.eq(listing_id))
        .filter(calendar_entries::kind.eq(BLOCKED))
        .select(entry_columns!())
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(entry))
}

#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    /// The dates overlap a booking or another block.
    #[error("those dates overlap a booking or another block")]
    Overlap,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Locks a listing's row (`FOR NO KEY UPDATE`) for the rest of the transaction. Everything that
/// adds or moves calendar entries takes this lock first, so that two such transactions on one
/// listing run one after the other: without it, two overlapping inserts can each wait for the
/// other inside the exclusion constraint's check (a deadlock, SQLSTATE 40P01) instead of one
/// of them failing cleanly with 23P01. NO KEY UPDATE leaves the key-share locks of foreign keys
/// (bookings, photos, wishlists referencing the listing) free. The lock order everywhere is:
/// the guest's user row, then the booking row, then the listing row.
pub async fn lock_listing(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> diesel::QueryResult<()> {
    listings::table
        .find(listing_id)
        .select(listings::id)
        .for_no_key_update()
        .first::<i64>(conn)
        .await
        .map(|_| ())
}

/// Closes the nights `[dates.start, dates.end)` of a listing; returns the entry's id. The
/// caller has checked the dates (see [`super::forms::block_dates`]) and that the listing is the host's.
pub async fn block(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    dates: Range<NaiveDate>,
    note: &str,
) -> Result<i64, BlockError> {
    let inserted = crate::db::retry_on_contention(async || {
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            lock_listing(conn, listing_id).await?;
            diesel::insert_into(calendar_entries::table)
                .values((
                    calendar_entries::listing_id.eq(listing_id),
                    calendar_entries::stay.eq(dates.clone()),
                    calendar_entries::kind.eq(CalendarEntryKind::Blocked),
                    calendar_entries::note.eq(note),
                ))
                .returning(calendar_entries::id)
                .get_result(conn)
                .await
        })
        .await
    })
    .await;
    inserted.map_err(|error| {
        if crate::db::violates(&error, crate::db::NO_OVERLAP) {
            BlockError::Overlap
        } else {
            BlockError::Database(error)
        }
    })
}

/// Removes a block of that listing; `false` when there is no such block (another listing's
/// entry, or a booking, which only the bookings feature may release).
pub async fn unblock(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    entry_id: i64,
) -> diesel::QueryResult<bool> {
    let deleted = diesel::delete(
        calendar_entries::table
            .filter(calendar_entries::id.eq(entry_id))
            .filter(calendar_entries::listing_id.eq(listing_id))
            .filter(calendar_entries::kind.eq(CalendarEntryKind::Blocked)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_entry_covers_its_nights_but_not_its_check_out_day() {
        let e = entry((
            1,
            1,
            (
                Bound::Included(d("2027-01-10")),
                Bound::Excluded(d("2027-01-12")),
            ),
            CalendarEntryKind::Blocked,
            None,
            String::new(),
        ));
        assert!(e.covers(d("2027-01-10")) && e.covers(d("2027-01-11")));
        assert!(!e.covers(d("2027-01-12")));
        assert_eq!(e.nights(), 2);
        assert_eq!(e.last_night(), d("2027-01-11"));
    }
}
