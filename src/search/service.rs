//! Search and the home page's featured stays, the same for every door. Both are public; what
//! is the actor's own is only the wishlist heart on each card, marked with one query for the
//! whole list (never one per card).

use std::sync::Arc;

use diesel_async::AsyncPgConnection;

use super::{
    amenities::{Amenity, AmenityCatalog},
    cards::{self, ListingCard},
    forms::{MAX_PAGE, PAGE_SIZE, RawSearch, SearchFilters, Window},
    query,
};
use crate::{
    currency::model::Display,
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
    /// How many listings match, up to [`query::COUNT_LIMIT`] and one more; `None` past the
    /// last page.
    pub matches: Option<i64>,
    pub amenities: Arc<Vec<Amenity>>,
}

/// A search's filters as understood, without running it (the filters step of a phone
/// without JavaScript shows the form alone).
pub struct Understood {
    pub filters: SearchFilters,
    pub errors: FieldErrors,
    pub amenities: Arc<Vec<Amenity>>,
}

/// Reads `raw` as a search would (the amenity catalogue is cached: no statement after the
/// first), dropping what cannot be understood with a message.
pub async fn understand(sources: &Sources<'_>, raw: &RawSearch) -> ServiceResult<Understood> {
    let amenities = sources.catalog.get(sources.pool).await?;
    let mut errors = FieldErrors::new();
    let filters = SearchFilters::parse(raw, &amenities, earliest_today(), &mut errors);
    Ok(Understood {
        filters,
        errors,
        amenities,
    })
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

/// [`search`] for a viewer who sees prices as `display` says: the price bounds are in the
/// display currency, and the cards' prices are shown converted (marked approximate).
pub async fn search_shown_in(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
    display: &Display,
) -> ServiceResult<Results> {
    run_in(sources, actor, raw, false, None, display).await
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

/// Most results one window holds ([`search_window`]).
pub const MAX_WINDOW: i64 = 50;
/// Results beyond this offset are not served (deep OFFSETs cost; the pages stop at the same
/// depth).
pub const MAX_OFFSET: i64 = MAX_PAGE * PAGE_SIZE;

/// The same search exactly, for clients that page with cursors (GraphQL): `size` results
/// (1 to [`MAX_WINDOW`]) from result `offset` (0 to [`MAX_OFFSET`]); `page` is ignored. A
/// size or offset out of range is `Invalid` on `first` or `after`.
pub async fn search_window(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
    offset: i64,
    size: i64,
) -> ServiceResult<Results> {
    let mut errors = FieldErrors::new();
    if !(1..=MAX_WINDOW).contains(&size) {
        errors.add(
            "first",
            format!("Ask for 1 to {MAX_WINDOW} listings at a time."),
        );
    }
    if !(0..=MAX_OFFSET).contains(&offset) {
        errors.add(
            "after",
            format!("Only the first {MAX_OFFSET} results are served; narrow your search."),
        );
    }
    errors.into_result()?;
    let raw = RawSearch {
        page: String::new(),
        ..raw.clone()
    };
    let window = Window { offset, size };
    run_in(sources, actor, &raw, true, Some(window), &Display::none()).await
}

async fn run(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
    exactly: bool,
) -> ServiceResult<Results> {
    run_in(sources, actor, raw, exactly, None, &Display::none()).await
}

async fn run_in(
    sources: &Sources<'_>,
    actor: &Actor,
    raw: &RawSearch,
    exactly: bool,
    window: Option<Window>,
    display: &Display,
) -> ServiceResult<Results> {
    let Understood {
        mut filters,
        errors,
        amenities,
    } = understand(sources, raw).await?;
    if exactly && !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    filters.window = window;
    if filters.min_price.is_some() || filters.max_price.is_some() {
        let low = filters.min_price.map_or(0, |bound| bound.0);
        let high = filters.max_price.map_or(i64::MAX / 2, |bound| bound.0);
        filters.price_ranges = display.price_ranges(low, high);
    }
    let page = query::search(sources.search_pool, sources.pool, sources.places, &filters).await?;
    let mut cards: Vec<ListingCard> = page
        .rows
        .into_iter()
        .map(|row| ListingCard::from_row(row, filters.dates.as_ref()))
        .collect();
    for card in &mut cards {
        card.show_in(display);
    }
    if let Ok(member) = actor.member() {
        let mut conn = crate::db::connection(sources.pool).await?;
        cards::mark_saved(&mut conn, member.id.get(), &mut cards).await?;
    }
    Ok(Results {
        filters,
        errors,
        cards,
        has_next: page.has_next,
        matches: page.matches,
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
