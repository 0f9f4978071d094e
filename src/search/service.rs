//! Search and the home page's featured stays, the same for every door. Both are public; what
//! is the actor's own is only the wishlist heart on each card, marked with one query for the
//! whole list (never one per card).

use std::sync::Arc;

use diesel_async::AsyncPgConnection;

use super::{
    amenities::{Amenity, AmenityCatalog},
    cards::{self, ListingCard},
    forms::{RawSearch, SearchFilters},
    query,
};
use crate::{
    db::DbPool,
    search::places::PlaceDirectory,
    service::{Actor, FieldErrors, ServiceError, ServiceResult},
    stays::stay::earliest_today,
};

/// Where searches run: the search pool, the primary (searches of words in titles) and the
/// places searched by name.
pub struct Sources<'a> {
    pub search_pool: &'a DbPool,
    pub pool: &'a DbPool,
    pub places: &'a PlaceDirectory,
    pub catalog: &'a AmenityCatalog,
}

/// A page of results with the filters as understood.
pub struct Results {
    pub filters: SearchFilters,
    /// Filters that could not be understood (the search runs without them).
    pub errors: FieldErrors,
    pub cards: Vec<ListingCard>,
    pub has_next: bool,
    pub amenities: Arc<Vec<Amenity>>,
}

/// Runs a search as typed: one statement for the page (see [`query::search`]), and one more
/// for the hearts when the actor is signed in. A parameter that cannot be understood is
/// dropped, with its message in [`Results::errors`] (the page shows it beside its field).
pub async fn search(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
) -> ServiceResult<Results> {
    run(sources, actor, raw, false).await
}

/// The same search, for clients that must not get results for a question they did not ask
/// (the JSON API): a parameter that cannot be understood is `Invalid`, naming it, and
/// nothing runs.
pub async fn search_exactly(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
) -> ServiceResult<Results> {
    run(sources, actor, raw, true).await
}

async fn run(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
    exactly: bool,
) -> ServiceResult<Results> {
    let amenities = sources.catalog.get(sources.pool).await?;
    let mut errors = FieldErrors::new();
    let filters = SearchFilters::parse(raw, &amenities, earliest_today(), &mut errors);
    if exactly && !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let page = query::search(sources.search_pool, sources.pool, sources.places, &filters).await?;
    let mut cards: Vec<ListingCard> = page
        .rows
        .into_iter()
        .map(|row| ListingCard::from_row(row, filters.dates.as_ref()))
        .collect();
    if let Ok(member) = actor.member() {
        let mut conn = crate::db::connection(sources.pool).await?;
        cards::mark_saved(&mut conn, member.id.get(), &mut cards).await?;
    }
    Ok(Results {
        filters,
        errors,
        cards,
        has_next: page.has_next,
        amenities,
    })
}

/// Featured stays for the home page (best rated, then newest), the actor's hearts marked.
pub async fn featured(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    limit: i64,
) -> ServiceResult<Vec<ListingCard>> {
    let mut featured: Vec<ListingCard> = query::featured(conn, limit)
        .await?
        .into_iter()
        .map(|row| ListingCard::from_row(row, None))
        .collect();
    if let Ok(member) = actor.member() {
        cards::mark_saved(conn, member.id.get(), &mut featured).await?;
    }
    Ok(featured)
}
