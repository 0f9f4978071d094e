//! The guest side's rules, the same for every door: which listings the actor may see (published
//! ones, and a host's own drafts and unlisted listings — anyone else gets `NotFound`, so ids
//! cannot be probed), what the listing page and the quote show, and the actor's wishlist.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;

use super::{
    model::{self, Details, ListingWithDetails},
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
    let listing = listings_model::find(conn, listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if may_see(actor, &listing) {
        Ok(listing)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The rule of [`visible`]: published, or the actor's own.
fn may_see(actor: &Actor, listing: &Listing) -> bool {
    listing.is_published() || actor.owner(listing.host_id).is_ok()
}

/// The listings among `ids` that the actor may see (the rule of [`visible`]), by id: one
/// query for all of them (GraphQL's loaders). The others are simply absent.
pub async fn visible_many(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    ids: &[ListingId],
) -> ServiceResult<HashMap<ListingId, Listing>> {
    Ok(listings_model::find_many(conn, ids)
        .await?
        .into_iter()
        .filter(|listing| may_see(actor, listing))
        .map(|listing| (listing.id, listing))
        .collect())
}

/// What is around several listings that the caller obtained from this service or search (so
/// that the actor may see them): their photos in gallery order, by listing (one query).
pub async fn photos_of(
    conn: &mut AsyncPgConnection,
    ids: &[ListingId],
) -> ServiceResult<HashMap<ListingId, Vec<model::Photo>>> {
    let mut photos: HashMap<ListingId, Vec<model::Photo>> = HashMap::new();
    for (listing_id, photo) in model::photos_of(conn, ids).await? {
        photos.entry(listing_id).or_default().push(photo);
    }
    Ok(photos)
}

/// The amenities of several listings the actor may see, by listing (one query).
pub async fn amenities_of(
    conn: &mut AsyncPgConnection,
    ids: &[ListingId],
) -> ServiceResult<HashMap<ListingId, Vec<model::ListedAmenity>>> {
    let mut amenities: HashMap<ListingId, Vec<model::ListedAmenity>> = HashMap::new();
    for (listing_id, amenity) in model::amenities_of(conn, ids).await? {
        amenities.entry(listing_id).or_default().push(amenity);
    }
    Ok(amenities)
}

/// Public profiles (hosts, review authors), by user: what a listing page shows of a person,
/// never an address or a phone (one query).
pub async fn profiles(
    conn: &mut AsyncPgConnection,
    ids: &[UserId],
) -> ServiceResult<HashMap<UserId, model::Host>> {
    Ok(model::profiles(conn, ids)
        .await?
        .into_iter()
        .map(|host| (UserId::new(host.id), host))
        .collect())
}

/// Which of `ids` the actor saved (a visitor saved nothing; one query otherwise).
pub async fn saved_among(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    ids: &[ListingId],
) -> ServiceResult<HashSet<ListingId>> {
    match actor.member() {
        Ok(member) => Ok(model::saved_among(conn, member.id, ids)
            .await?
            .into_iter()
            .collect()),
        Err(_) => Ok(HashSet::new()),
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

/// The listing page for the actor, with the stay they typed quoted: one statement (the
/// listing with what is around it and its taken nights, which draw the calendar and answer
/// the quote), whatever the stay.
pub async fn listing_page(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    stay: &StayQuery,
) -> ServiceResult<ListingPage> {
    let ListingWithDetails {
        listing,
        details,
        taken,
    } = visible_with_details(conn, actor, listing_id).await?;
    let today = listing.today();
    let quote = quote::answer(conn, &listing, stay, Some(&taken)).await?;
    let selected = StayDates::parse(&stay.check_in, &stay.check_out, earliest_today())
        .ok()
        .flatten()
        .map(|dates| dates.check_in()..dates.check_out());
    let own = actor.user_id() == Some(listing.host_id);
    Ok(ListingPage {
        months: month_grid::guest_months(today, &taken, selected),
        own,
        today,
        details,
        quote,
        listing,
    })
}

/// The listing with what is around it and its taken nights from the earliest "today" on earth
/// (so from today at the listing, wherever it is), if the actor may see it (one statement).
async fn visible_with_details(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<ListingWithDetails> {
    let viewer = actor.user_id().map(UserId::get);
    model::with_details(conn, listing_id, viewer, earliest_today())
        .await?
        .filter(|found| may_see(actor, &found.listing))
        .ok_or(ServiceError::NotFound)
}

/// The quote of the stay the actor typed, for a listing they may see.
pub async fn quote(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    stay: &StayQuery,
) -> ServiceResult<QuoteView> {
    let listing = visible(conn, actor, listing_id).await?;
    Ok(quote::answer(conn, &listing, stay, None).await?)
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
    let saved = model::toggle(conn, member.id, listing.id).await?;
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

/// A listing as the API shows it: the listing and what is around it (one statement).
pub struct ListingDetails {
    pub listing: Listing,
    pub details: Details,
}

/// The listing with its photos, amenities, host and the actor's heart, if the actor may see it.
pub async fn details(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
) -> ServiceResult<ListingDetails> {
    let ListingWithDetails {
        listing, details, ..
    } = visible_with_details(conn, actor, listing_id).await?;
    Ok(ListingDetails { listing, details })
}

/// Longest span of days whose availability one request may ask for.
pub const MAX_AVAILABILITY_DAYS: i64 = 366;
/// The span given when none is asked for.
const DEFAULT_AVAILABILITY_DAYS: u64 = 90;

/// Which nights of a span are taken, for a listing the actor may see.
pub struct Availability {
    pub listing: Listing,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Taken nights as `[start, end)` ranges, merged and clipped to `[from, to)`; why they are
    /// taken (a booking, a host's block and its note) is nobody else's business.
    pub taken: Vec<(NaiveDate, NaiveDate)>,
}

/// The availability of `[from, to)` (from today at the listing for 90 days when not given).
pub async fn availability(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ServiceResult<Availability> {
    let listing = visible(conn, actor, listing_id).await?;
    let from = from.unwrap_or_else(|| listing.today());
    let to = to.unwrap_or_else(|| {
        from.checked_add_days(chrono::Days::new(DEFAULT_AVAILABILITY_DAYS))
            .unwrap_or(from)
    });
    if to <= from {
        return Err(ServiceError::invalid(
            "to",
            "The end must be after the start.",
        ));
    }
    if (to - from).num_days() > MAX_AVAILABILITY_DAYS {
        return Err(ServiceError::invalid(
            "to",
            format!("Ask for at most {MAX_AVAILABILITY_DAYS} days at a time."),
        ));
    }
    let entries = calendar::entries_between(conn, listing.id, from, to).await?;
    let mut taken: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for entry in entries {
        let (start, end) = (entry.start.max(from), entry.end.min(to));
        match taken.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => taken.push((start, end)),
        }
    }
    Ok(Availability {
        listing,
        from,
        to,
        taken,
    })
}

/// A stay and its price.
pub struct Priced {
    pub listing: Listing,
    pub dates: StayDates,
    pub guests: super::stay::Guests,
    pub quote: crate::pricing::Quote,
}

/// The price of a stay at a listing the actor may see: both dates are required, guests
/// default to one; a stay the listing's rules refuse (too short, taken, too many guests) is
/// `Refused` with the quote's own sentence.
pub async fn price(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    listing_id: ListingId,
    stay: &StayQuery,
) -> ServiceResult<Priced> {
    let listing = visible(conn, actor, listing_id).await?;
    let mut errors = crate::service::FieldErrors::new();
    let dates = StayDates::parse_required(&stay.check_in, &stay.check_out, earliest_today())
        .map_err(|problem| errors.add(problem.field, problem.message))
        .ok();
    let guests = super::stay::Guests::parse(&stay.guests)
        .map_err(|problem| errors.add(problem.field, problem.message))
        .ok()
        .flatten()
        .unwrap_or(super::stay::Guests::ONE);
    errors.into_result()?;
    let Some(dates) = dates else {
        return Err(ServiceError::internal(anyhow::anyhow!(
            "dates parsed without errors"
        )));
    };
    match quote::quote_stay(conn, &listing, &dates, guests, None).await? {
        Ok(quote) => Ok(Priced {
            listing,
            dates,
            guests,
            quote,
        }),
        Err(message) => Err(ServiceError::refused(message)),
    }
}
