//! The guest side's rules, the same for every door: which listings the actor may see (published
//! ones, and a host's own drafts and unlisted listings — anyone else gets `NotFound`, so ids
//! cannot be probed), what the listing page and the quote show, and the actor's wishlist.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;

use super::{
    model::{self, Details},
    quote::{self, QuoteView, StayQuery},
    stay::{StayDates, earliest_today},
};
use crate::{
    listings::{
        calendar,
        model::{self as listings_model, Listing},
        month_grid::{self, Month},
    },
    search::cards::ListingCard,
    service::{Actor, ListingId, ServiceError, ServiceResult, UserId},
};

/// The listing if the actor may see it: published, or their own.
pub async fn visible(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<Listing> {
    let listing = listings_model::find(conn, listing_id.get())
        .await?
        .ok_or(ServiceError::NotFound)?;
    if listing.is_published() || actor.owner(UserId::new(listing.host_id)).is_ok() {
        Ok(listing)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Everything the listing page shows.
pub struct ListingPage {
    pub listing: Listing,
    pub details: Details,
    /// The availability calendar, the quoted stay marked.
    pub months: Vec<Month>,
    pub quote: QuoteView,
    /// The actor is the listing's host.
    pub own: bool,
    /// Today where the listing is.
    pub today: NaiveDate,
}

/// The listing page for the actor, with the stay they typed quoted (four queries).
pub async fn listing_page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    stay: &StayQuery,
) -> ServiceResult<ListingPage> {
    let listing = visible(conn, actor, listing_id).await?;
    let today = listing.today();
    let (from, to) = month_grid::guest_window(today);
    let viewer = actor.user_id().map(UserId::get);
    let details = model::around(conn, &listing, viewer).await?;
    let occupied = calendar::entries_between(conn, listing.id, from, to).await?;
    let quote = quote::answer(conn, &listing, stay).await?;
    let selected = StayDates::parse(&stay.check_in, &stay.check_out, earliest_today())
        .ok()
        .flatten()
        .map(|dates| dates.check_in()..dates.check_out());
    let own = viewer == Some(listing.host_id);
    Ok(ListingPage {
        months: month_grid::guest_months(today, &occupied, selected),
        own,
        today,
        details,
        quote,
        listing,
    })
}

/// The quote of the stay the actor typed, for a listing they may see.
pub async fn quote(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    stay: &StayQuery,
) -> ServiceResult<QuoteView> {
    let listing = visible(conn, actor, listing_id).await?;
    Ok(quote::answer(conn, &listing, stay).await?)
}

/// Saves a listing the actor may see to their wishlist, or removes it when it was saved.
/// Returns the listing and whether it is saved now.
pub async fn toggle_saved(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<(Listing, bool)> {
    let member = actor.member()?;
    let listing = visible(conn, actor, listing_id).await?;
    let saved = model::toggle(conn, member.id.get(), listing.id).await?;
    Ok((listing, saved))
}

/// The actor's saved stays that guests can see, newest first.
pub async fn saved(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<Vec<ListingCard>> {
    let member = actor.member()?;
    Ok(model::saved_cards(conn, member.id.get()).await?)
}

/// Whether the actor saved the listing (a visitor has saved nothing).
pub async fn is_saved(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<bool> {
    match actor.member() {
        Ok(member) => Ok(model::is_saved(conn, member.id.get(), listing_id.get()).await?),
        Err(_) => Ok(false),
    }
}
