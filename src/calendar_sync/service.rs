//! What the calendar-sync doors may do: a host sees and renews their listing's export address;
//! anyone holding the address reads the feed (the token is the permission, as with the other
//! sites' calendar links), which names no guest and shows no host note.

use chrono::{Days, NaiveDate};
use diesel_async::AsyncPgConnection;

use super::model;
use crate::{
    listings::{
        calendar::{self, CalendarEntry},
        model::{self as listings_model, Listing},
        service::owned,
    },
    service::{Actor, ListingId, ServiceError, ServiceResult},
};

/// A feed covers the nights from this many days ago ...
pub const DAYS_BEFORE: u64 = 30;
/// ... to this many days ahead: what the other sites take bookings for. It bounds the feed
/// (at most one event per night).
pub const DAYS_AHEAD: u64 = 730;

/// The path of a listing's feed, for the token `token`.
pub fn feed_path(token: &str) -> String {
    format!("/calendars/{token}.ics")
}

/// The export token of the actor's `listing` (loaded by the caller), if they made one: one
/// statement, for the host's calendar page.
pub async fn export_token(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing: &Listing,
) -> ServiceResult<Option<String>> {
    actor.owner(listing.host_id)?;
    Ok(model::token_of(conn, listing.id).await?)
}

/// Gives the actor's listing a new export address; the old one stops working at once.
pub async fn renew_export(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<String> {
    let listing = owned(conn, actor, listing_id).await?;
    Ok(model::renew(conn, listing.id).await?)
}

/// What a feed holds: the listing's title and the entries that take nights in its window.
pub struct Feed {
    pub listing_id: ListingId,
    pub title: String,
    pub entries: Vec<CalendarEntry>,
}

/// The feed a token opens (three statements), or `NotFound` for a token nobody holds (a
/// renewed one included). The window is around today at the listing.
pub async fn feed(conn: &mut AsyncPgConnection, token: &str) -> ServiceResult<Feed> {
    if !is_well_formed(token) {
        return Err(ServiceError::NotFound);
    }
    let listing_id = model::listing_of(conn, token)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let listing = listings_model::find(conn, listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (from, to) = window(listing.today());
    let entries = calendar::entries_between(conn, listing_id, from, to).await?;
    Ok(Feed {
        listing_id: listing.id,
        title: listing.title,
        entries,
    })
}

/// `[today − DAYS_BEFORE, today + DAYS_AHEAD)`.
fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        today
            .checked_sub_days(Days::new(DAYS_BEFORE))
            .unwrap_or(today),
        today
            .checked_add_days(Days::new(DAYS_AHEAD))
            .unwrap_or(today),
    )
}

/// A token as `model` makes them, so that nothing else reaches the database.
fn is_well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
