//! The host's calendar of their own listing (see [`super::owned`]): the months on show with
//! the upcoming blocks and the export address, blocking dates and releasing a block. Which dates may be blocked is
//! [`crate::listings::block_dates`]; overlaps are refused by the database's exclusion
//! constraint and answered with [`OVERLAP`].

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;

use super::owned;
use crate::{
    listings::{
        block_dates::BlockRequest,
        calendar::{self, BlockError, CalendarEntry},
        model::Listing,
        month_grid::{self, Month},
    },
    service::{Actor, CalendarEntryId, FieldErrors, ListingId, ServiceError, ServiceResult},
};

/// Months shown at once.
pub const MONTHS_SHOWN: u32 = 3;
/// Most upcoming blocks listed for release.
pub const BLOCKS_LISTED: i64 = 100;
/// Why dates could not be blocked (on the form as a whole).
pub const OVERLAP: &str = "Those dates overlap a booking or another block. Choose other dates, or unblock the other dates first.";

/// The months on show and the blocks the host may release.
pub struct CalendarWindow {
    pub listing: Listing,
    /// The first day of the first month shown.
    pub first: NaiveDate,
    pub months: Vec<Month>,
    /// Upcoming blocks, soonest first.
    pub blocks: Vec<CalendarEntry>,
    /// The calendar's export token, once the host made one (see `calendar_sync`).
    pub export_token: Option<String>,
}

/// The actor's listing's calendar from the month `month` (`YYYY-MM`; the current month when
/// empty or out of range): the window's entries and the upcoming blocks (two queries).
pub async fn window(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    month: &str,
) -> ServiceResult<CalendarWindow> {
    let listing = owned(conn, actor, listing_id).await?;
    let today = listing.today();
    let first = month_grid::first_shown(month, today);
    let (from, to) = month_grid::window(first, MONTHS_SHOWN);
    let entries = calendar::entries_between(conn, listing.id, from, to).await?;
    let blocks = calendar::blocks_from(conn, listing.id, today, BLOCKS_LISTED).await?;
    let export_token = crate::calendar_sync::service::export_token(conn, actor, &listing).await?;
    Ok(CalendarWindow {
        export_token,
        months: month_grid::months(first, MONTHS_SHOWN, today, &entries),
        listing,
        first,
        blocks,
    })
}

/// Dates blocked: the listing, the request as checked and the block's id.
pub struct Blocked {
    pub listing: Listing,
    pub request: BlockRequest,
    pub id: CalendarEntryId,
}

/// Closes nights of the actor's listing, from the form as typed (dates `YYYY-MM-DD`, checked
/// against today where the listing is). `Invalid` with a message per field, or `Conflict`
/// with [`OVERLAP`] when a booking or another block holds some of the nights.
pub async fn block(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    start: &str,
    end: &str,
    note: &str,
) -> ServiceResult<Blocked> {
    let listing = owned(conn, actor, listing_id).await?;
    let request = BlockRequest::parse(start, end, note, listing.today()).map_err(|problems| {
        let mut errors = FieldErrors::new();
        for problem in problems {
            errors.add(problem.field, problem.message);
        }
        ServiceError::Invalid(errors)
    })?;
    match calendar::block(conn, listing.id, request.dates.clone(), &request.note).await {
        Ok(id) => Ok(Blocked {
            listing,
            request,
            id: CalendarEntryId::new(id),
        }),
        Err(BlockError::Overlap) => Err(ServiceError::conflict(OVERLAP)),
        Err(BlockError::Database(error)) => Err(error.into()),
    }
}

/// The upcoming blocks of the actor's listing (ending after today where the listing is),
/// soonest first, at most [`BLOCKS_LISTED`].
pub async fn blocks(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<(Listing, Vec<CalendarEntry>)> {
    let listing = owned(conn, actor, listing_id).await?;
    let blocks = calendar::blocks_from(conn, listing.id, listing.today(), BLOCKS_LISTED).await?;
    Ok((listing, blocks))
}

/// One block of the actor's listing, past or upcoming (`NotFound` for a booking's nights,
/// another listing's entry or none).
pub async fn find_block(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    entry_id: CalendarEntryId,
) -> ServiceResult<CalendarEntry> {
    let listing = owned(conn, actor, listing_id).await?;
    calendar::find_block(conn, listing.id, entry_id.get())
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Releases a block of the actor's listing (`NotFound` for a booking, another listing's entry
/// or none); returns the listing.
pub async fn unblock(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    entry_id: CalendarEntryId,
) -> ServiceResult<Listing> {
    let listing = owned(conn, actor, listing_id).await?;
    if calendar::unblock(conn, listing.id, entry_id.get()).await? {
        Ok(listing)
    } else {
        Err(ServiceError::NotFound)
    }
}
