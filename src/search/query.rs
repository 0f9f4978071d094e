//! The search itself: the location resolved to places, then ONE statement for the page, built
//! from the valid filters with bind parameters only (never user text in the SQL), plus the
//! home page's featured stays.
//!
//! How a search is served (README "Benchmark" has the measurements):
//! - location: the words are matched against `places` (city, region, country) with full-text
//!   search (`places_search_idx`), once per query text (`places::PlaceDirectory` keeps the
//!   answers); a search for "Paris", "Italy" or "amster" becomes a few place ids. A place's
//!   listings are read from its own ordered index (`listings_place_{rating,price,new}_idx`)
//!   in result order, stopping after a page; the pages of two or three places are merged, and
//!   more places (a country) are kept from one walk of the global order. Words that name no
//!   place ("loft", "garden by the sea") search the listings' own documents
//!   (`listings_search_idx`: place and title).
//! - dates: none of the stay's nights is set in the listing's `booked_nights` bits (kept from
//!   `calendar_entries` by triggers, migration 000008; read from the same index as the rest),
//!   plus min/max nights;
//! - amenities: the listing's `amenity_bits` (kept from `listing_amenities` by triggers,
//!   migration 000009) has the bit of each amenity asked for;
//! - the filters are written as per-row checks (sub-plans, not joins) so the plan stays a walk
//!   of one ordered index whatever the values: the statements of one shape are prepared once
//!   per connection and keep one plan (`db::search_pool`).
//!
//! Price bounds are typed as decimals and compared in each listing's own currency: "80" means
//! 8 000 minor units for EUR/USD listings and ¥80 for yen listings. There is no conversion
//! between currencies, unless the visitor chose a display currency: the bounds are then in
//! that currency, and each listing is compared in its own currency with the bounds converted
//! by the currency model (`SearchFilters::price_ranges`).

use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    cards::{CardRow, CardSql, card_columns},
    forms::{MAX_PAGE, PAGE_SIZE, SearchFilters, Sort},
    places::{self, Named, PlaceDirectory},
};
use crate::{
    db::{
        self, DbPool,
        sql::{Bind, SqlBuilder},
    },
    listings::booked_nights,
    service::ServiceResult,
};

/// Currencies without a minor unit (as `money::exponent` says).
const ZERO_DECIMAL_CURRENCIES: &str = "('JPY', 'KRW', 'ISK', 'CLP', 'VND')";

/// Up to this many places, each place's index is walked on its own and the pages merged;
/// beyond, one walk of the global order keeps the listings of those places. A merge costs a
/// page per place; the global walk costs in proportion to how rare the places are, and words
/// naming many places are mostly countries with a large share of all listings. Measured at
/// 100 000 listings: "United States" (10 places, 16 % of listings) 2.4 ms merged, 0.5 ms by
/// the global walk; one city 0.3 ms either way.
const MAX_WALKED_PLACES: usize = 3;

/// The bits of `listings.amenity_bits` for these amenities (ids 1 to 63, a check of
/// migration 000009).
fn amenity_mask(amenities: &[(i32, String)]) -> i64 {
    amenities
        .iter()
        .filter(|(id, _)| (1..=63).contains(id))
        .fold(0, |mask, (id, _)| mask | (1i64 << (id - 1)))
}

/// What the location box narrows the search to.
#[derive(Debug, PartialEq)]
enum Scope {
    /// No location given.
    Anywhere,
    /// One place (a city): a walk of its own index, the cheapest statement there is.
    Place(i64),
    /// Two to [`MAX_WALKED_PLACES`] places: each place's index is walked and the pages merged.
    FewPlaces(Vec<i64>),
    /// Many places (a country, or a short prefix such as "sa"): one walk of the global order.
    ManyPlaces(Vec<i64>),
    /// Words that name no place, or too many: full-text search of the listings (place and
    /// title).
    Words(String),
}

impl Scope {
    /// The scope of the location `words`, given the places they name.
    fn of(words: &str, named: &Named) -> Scope {
        match named {
            Named::Places(ids) => match &ids[..] {
                [] => Scope::Words(words.to_string()),
                [id] => Scope::Place(*id),
                few if few.len() <= MAX_WALKED_PLACES => Scope::FewPlaces(few.to_vec()),
                many => Scope::ManyPlaces(many.to_vec()),
            },
            Named::TooMany => Scope::Words(words.to_string()),
        }
    }
}

fn order_by(sort: Sort, alias: &str) -> String {
    match sort {
        Sort::Rating => format!("{alias}.rating_avg DESC NULLS LAST, {alias}.id"),
        Sort::PriceAsc => format!("{alias}.nightly_price, {alias}.id"),
        Sort::PriceDesc => format!("{alias}.nightly_price DESC, {alias}.id DESC"),
        Sort::Newest => format!("{alias}.published_at DESC, {alias}.id DESC"),
    }
}

/// The filters as conditions on `l` (`listings`), each joined with AND.
fn conditions(filters: &SearchFilters, sql: &mut SqlBuilder) -> Vec<String> {
    let mut conditions = vec!["l.status = 'published'".to_string()];
    if let Some(guests) = filters.guests {
        let p = sql.param(Bind::Int(guests.get()));
        conditions.push(format!("l.max_guests >= {p}"));
    }
    if let Some(bedrooms) = filters.bedrooms {
        let p = sql.param(Bind::Int(bedrooms));
        conditions.push(format!("l.bedrooms >= {p}"));
    }
    if let Some(kind) = filters.property_type {
        let p = sql.param(Bind::Text(kind.to_string()));
        conditions.push(format!("l.property_type = {p}"));
    }
    // Bounds are in hundredths of a unit: whole units for zero-decimal currencies, rounded so
    // that the bound stays inclusive of what was typed.
    if let Some(ranges) = &filters.price_ranges {
        // Bounds typed in the display currency, turned into each currency's own range by the
        // currency model (exact: a listing is kept when its price shown converted lies within
        // what was typed). A per-row check against three arrays, like the other filters, so
        // the plan stays the walk of one ordered index and the text never holds values.
        // A currency without a rate matches nothing (its prices cannot be compared).
        let codes = sql.param(Bind::Texts(ranges.iter().map(|r| r.0.clone()).collect()));
        let lows = sql.param(Bind::BigInts(ranges.iter().map(|r| r.1).collect()));
        let highs = sql.param(Bind::BigInts(ranges.iter().map(|r| r.2).collect()));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM unnest({codes}::text[], {lows}::bigint[], {highs}::bigint[]) \
             AS range(currency, low, high) WHERE range.currency = l.currency \
             AND l.nightly_price BETWEEN range.low AND range.high)"
        ));
    } else if filters.min_price.is_some() || filters.max_price.is_some() {
        let (low, high) = (
            filters.min_price.map(|b| b.0).unwrap_or(0),
            filters.max_price.map(|b| b.0).unwrap_or(i64::MAX / 2),
        );
        let (c0, c1) = (sql.param(Bind::BigInt(low)), sql.param(Bind::BigInt(high)));
        let (u0, u1) = (
            sql.param(Bind::BigInt((low + 99) / 100)),
            sql.param(Bind::BigInt(high / 100)),
        );
        conditions.push(format!(
            "((l.currency NOT IN {ZERO_DECIMAL_CURRENCIES} AND l.nightly_price BETWEEN {c0} AND {c1}) \
             OR (l.currency IN {ZERO_DECIMAL_CURRENCIES} AND l.nightly_price BETWEEN {u0} AND {u1}))"
        ));
    }
    if let Some(dates) = &filters.dates {
        let nights = sql.param(Bind::Int(dates.nights()));
        // `booked_nights` has one bit per night from 2026-01-01 (migration 000008, kept by
        // triggers on `calendar_entries`); the stay is free when none of its nights is set.
        let first_night = sql.param(Bind::Int(booked_nights::bit_of(dates.check_in())));
        conditions.push(format!(
            "l.min_nights <= {nights} AND l.max_nights >= {nights} \
             AND bit_count(substring(l.booked_nights FROM {first_night} FOR {nights})) = 0"
        ));
    }
    if !filters.amenities.is_empty() {
        // `amenity_bits` has bit `id - 1` per amenity (migration 000009, kept by triggers on
        // `listing_amenities`): all asked for means all their bits are set.
        let wanted = sql.param(Bind::BigInt(amenity_mask(&filters.amenities)));
        conditions.push(format!("l.amenity_bits & {wanted} = {wanted}"));
    }
    conditions
}

/// Matches counted beyond the page: the count stops here (deeper results are not served,
/// `service::MAX_OFFSET`), so that counting costs at most this many rows of the walk.
pub const COUNT_LIMIT: i64 = MAX_PAGE * PAGE_SIZE;

/// The statement for one page of `filters` within `scope`, each row with the number of
/// matches up to [`COUNT_LIMIT`] (and one more, to tell "more than"): the walk in result
/// order stops there, and `count(*) OVER ()` counts what it kept before the page is cut
/// from it. No second statement, and no count of a whole country's listings.
fn statement(scope: &Scope, filters: &SearchFilters) -> SqlBuilder {
    let mut sql = SqlBuilder::default();
    let mut conditions = conditions(filters, &mut sql);
    let limit = sql.param(Bind::BigInt(filters.page_size() + 1));
    let offset = sql.param(Bind::BigInt(filters.offset()));
    // The walk keeps enough rows for the count and for the page (a GraphQL window may reach
    // past the count's limit).
    let walked = sql.param(Bind::BigInt(
        (COUNT_LIMIT + 1).max(filters.offset() + filters.page_size() + 1),
    ));
    let text = if let Scope::FewPlaces(places) = scope {
        // Each place gives its first rows in order (a walk of its own index that stops
        // there); the merge keeps the page.
        let places = sql.param(Bind::BigInts(places.clone()));
        conditions.insert(0, "l.place_id = place.id".to_string());
        format!(
            "SELECT {}, count(*) OVER () FROM unnest({places}) AS place(id) CROSS JOIN LATERAL \
             (SELECT {} FROM listings l WHERE {} ORDER BY {} LIMIT {walked}) r \
             ORDER BY {} LIMIT {limit} OFFSET {offset}",
            card_columns("r"),
            card_columns("l"),
            conditions.join(" AND "),
            order_by(filters.sort, "l"),
            order_by(filters.sort, "r"),
        )
    } else {
        match scope {
            Scope::Place(place) => {
                let place = sql.param(Bind::BigInt(*place));
                conditions.insert(0, format!("l.place_id = {place}"));
            }
            Scope::ManyPlaces(places) => {
                let places = sql.param(Bind::BigInts(places.clone()));
                conditions.push(format!("l.place_id = ANY({places})"));
            }
            Scope::Words(words) => {
                let words = sql.param(Bind::Text(words.clone()));
                conditions.push(format!(
                    "l.search_document @@ to_tsquery('simple', {words})"
                ));
            }
            Scope::Anywhere | Scope::FewPlaces(_) => {}
        }
        format!(
            "SELECT {}, count(*) OVER () FROM \
             (SELECT {} FROM listings l WHERE {} ORDER BY {} LIMIT {walked}) r \
             ORDER BY {} LIMIT {limit} OFFSET {offset}",
            card_columns("r"),
            card_columns("l"),
            conditions.join(" AND "),
            order_by(filters.sort, "l"),
            order_by(filters.sort, "r"),
        )
    };
    sql.text(text);
    sql
}

/// The scope of a search by `filters`, the places looked up with `look_up`.
async fn scope<F>(filters: &SearchFilters, look_up: F) -> diesel::QueryResult<Scope>
where
    F: AsyncFnOnce(&str) -> diesel::QueryResult<Named>,
{
    Ok(match &filters.location_query {
        None => Scope::Anywhere,
        Some(words) => Scope::of(words, &look_up(words).await?),
    })
}

/// `EXPLAIN` of the statement a search by `filters` runs, for tests and benchmarks: run on
/// a connection of the search pool, it shows the plan searches get.
pub async fn explain(
    conn: &mut AsyncPgConnection,
    filters: &SearchFilters,
) -> diesel::QueryResult<Vec<String>> {
    let scope = scope(filters, async |words| places::look_up(conn, words).await).await?;
    statement(&scope, filters).explain().load(conn).await
}

/// One page of results.
pub struct SearchPage {
    pub rows: Vec<CardRow>,
    pub has_next: bool,
    /// How many listings match, up to [`COUNT_LIMIT`] and one more (then: more than the
    /// limit); `None` for a page past the last one (no row came back to carry it).
    pub matches: Option<i64>,
}

/// Runs the search: one statement for the page, at most a page and one rows read out,
/// after one lookup of the places the location names when `places` does not know them yet.
/// Searches by place or without a location run on the search pool; searches of words in
/// titles keep PostgreSQL's per-value planning (how many listings a word matches decides
/// between the word's index and a walk in order).
pub async fn search(
    search_pool: &DbPool,
    pool: &DbPool,
    places: &PlaceDirectory,
    filters: &SearchFilters,
) -> ServiceResult<SearchPage> {
    let mut conn = db::connection(search_pool).await?;
    let scope = scope(filters, async |words| places.named(&mut conn, words).await).await?;
    let statement = statement(&scope, filters).build::<(CardSql, BigInt)>();
    let counted: Vec<(CardRow, i64)> = if let Scope::Words(_) = scope {
        drop(conn);
        let mut conn = db::connection(pool).await?;
        statement.load(&mut conn).await?
    } else {
        statement.load(&mut conn).await?
    };
    let matches = match counted.as_slice().first() {
        Some((_, matches)) => Some(*matches),
        None if filters.offset() == 0 => Some(0),
        None => None,
    };
    let mut rows: Vec<CardRow> = counted.into_iter().map(|(row, _)| row).collect();
    let size = filters.page_size();
    let has_next = rows.len() as i64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(0));
    Ok(SearchPage {
        rows,
        has_next,
        matches,
    })
}

/// The statement of [`featured`]: each half walks its own index and stops after `limit`
/// entries (the best rated with three reviews or more: `listings_featured_rating_idx`,
/// migration 000040, whose predicate repeats `review_count >= 3`; the newest:
/// `listings_published_new_idx`); only the at most `2 × limit` rows found are sorted.
fn featured_statement(limit: i64) -> SqlBuilder {
    let mut sql = SqlBuilder::default();
    let n = sql.param(Bind::BigInt(limit));
    sql.text(format!(
        "SELECT {} FROM (\
           (SELECT {columns}, 0 AS grp FROM listings l \
             WHERE l.status = 'published' AND l.review_count >= 3 \
             ORDER BY l.rating_avg DESC NULLS LAST, l.id LIMIT {n}) \
           UNION ALL \
           (SELECT {columns}, 1 AS grp FROM listings l WHERE l.status = 'published' \
             ORDER BY l.published_at DESC, l.id DESC LIMIT {n})) f \
         ORDER BY f.grp, f.rating_avg DESC NULLS LAST, f.published_at DESC, f.id",
        card_columns("f"),
        columns = card_columns("l"),
    ));
    sql
}

/// The plan of [`featured`]'s statement, one line per row (tests check it walks indexes).
pub async fn explain_featured(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> diesel::QueryResult<Vec<String>> {
    featured_statement(limit).explain().load(conn).await
}

/// Featured stays for the home page: the best rated among listings with a few reviews, then
/// the newest, `limit` in all (one statement; each half walks its own index).
pub async fn featured(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> diesel::QueryResult<Vec<CardRow>> {
    let rows: Vec<CardRow> = featured_statement(limit)
        .build::<CardSql>()
        .load(conn)
        .await?;
    let mut seen = Vec::new();
    Ok(rows
        .into_iter()
        .filter(|row| {
            let fresh = !seen.contains(&row.id);
            seen.push(row.id);
            fresh
        })
        .take(usize::try_from(limit).unwrap_or(0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{amenities::Amenity, forms::RawSearch};

    #[test]
    fn zero_decimal_currencies_match_the_money_module() {
        for code in ["JPY", "KRW", "ISK", "CLP", "VND"] {
            assert!(ZERO_DECIMAL_CURRENCIES.contains(code));
            assert_eq!(crate::money::exponent(code), 0, "{code}");
        }
    }

    fn filters(query: &str) -> SearchFilters {
        let raw = RawSearch::from_query(query);
        let amenities: Vec<Amenity> = Vec::new();
        let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
        let mut errors = crate::web::forms::FormErrors::new();
        SearchFilters::parse(&raw, &amenities, today, &mut errors)
    }

    #[test]
    fn statement_texts_depend_on_the_filters_used_not_on_their_values() {
        // The statement cache keys on the text: values must never reach it.
        let a = statement(
            &Scope::Place(987_654),
            &filters("check_in=2030-02-01&check_out=2030-02-05&guests=2&min_price=50"),
        );
        let b = statement(
            &Scope::Place(42),
            &filters("check_in=2030-03-10&check_out=2030-03-12&guests=5&min_price=90&page=3"),
        );
        let (a, b) = (a.build::<CardSql>(), b.build::<CardSql>());
        assert_eq!(a.text(), b.text());
        // (A place id no placeholder number can look like.)
        assert!(!a.text().contains("2030") && !a.text().contains("987654"));
        let few = |ids: Vec<i64>| {
            statement(&Scope::FewPlaces(ids), &filters(""))
                .build::<CardSql>()
                .text()
                .to_string()
        };
        assert_eq!(few(vec![1, 2]), few(vec![5, 6, 7]));
    }

    #[test]
    fn amenities_become_one_bit_each() {
        let amenities = |ids: &[i32]| -> Vec<(i32, String)> {
            ids.iter().map(|id| (*id, format!("a{id}"))).collect()
        };
        assert_eq!(amenity_mask(&amenities(&[])), 0);
        assert_eq!(amenity_mask(&amenities(&[1, 2])), 0b11);
        assert_eq!(amenity_mask(&amenities(&[24])), 1 << 23);
        assert_eq!(amenity_mask(&amenities(&[63])), 1 << 62);
        assert_eq!(amenity_mask(&amenities(&[0, 64])), 0);
    }

    #[test]
    fn the_places_named_decide_the_scope() {
        let places = |ids: &[i64]| Named::Places(ids.into());
        assert_eq!(Scope::of("zz:*", &places(&[])), Scope::Words("zz:*".into()));
        assert_eq!(Scope::of("rome:*", &places(&[4])), Scope::Place(4));
        assert_eq!(
            Scope::of("san:*", &places(&[4, 9, 12])),
            Scope::FewPlaces(vec![4, 9, 12])
        );
        assert_eq!(
            Scope::of("italy:*", &places(&[1, 2, 3, 4])),
            Scope::ManyPlaces(vec![1, 2, 3, 4])
        );
        assert_eq!(
            Scope::of("s:*", &Named::TooMany),
            Scope::Words("s:*".into())
        );
    }

    #[test]
    fn one_place_walks_its_index_and_several_merge_their_walks() {
        let text = |scope: Scope| {
            statement(&scope, &filters("sort=price_asc"))
                .build::<CardSql>()
                .text()
                .to_string()
        };
        let one = text(Scope::Place(3));
        assert!(one.contains("l.place_id = $"), "{one}");
        assert!(!one.contains("LATERAL"), "{one}");
        let few = text(Scope::FewPlaces(vec![3, 4]));
        assert!(few.contains("CROSS JOIN LATERAL"), "{few}");
        assert!(few.contains("l.place_id = place.id"), "{few}");
        assert!(
            few.contains("ORDER BY l.nightly_price, l.id LIMIT"),
            "{few}"
        );
        let words = text(Scope::Words("loft:*".into()));
        assert!(words.contains("search_document @@"), "{words}");
        assert!(!words.contains("LATERAL"), "{words}");
    }
}
