//! The search itself: ONE SQL statement per page, built from the valid filters with bind
//! parameters only (never user text in the SQL), plus the home page's featured stays.
//!
//! How each filter is served (see README "Benchmark" for the EXPLAIN findings):
//! - location: `search_document @@ to_tsquery('simple', 'amster:*')`, the GIN index;
//! - dates: `NOT EXISTS` an overlapping calendar entry (`stay && [check_in, check_out)`), one
//!   index probe per candidate: the exclusion constraint's GiST index or the cheaper B-tree
//!   `(listing_id, upper(stay))` of migration 000005, plus min/max nights;
//! - amenities: one `EXISTS` per amenity (primary key probe), so a listing needs all of them;
//! - order: the partial indexes on published listings (price, rating, newest) let PostgreSQL
//!   walk in order and stop after `LIMIT 21` (20 shown, the 21st says there is a next page).
//!
//! Price bounds are typed as decimals and compared in each listing's own currency: "80" means
//! 8 000 minor units for EUR/USD listings and ¥80 for yen listings. There is no conversion
//! between currencies.

use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    cards::{self, CARD_COLUMNS, CardRow},
    params::{PAGE_SIZE, SearchFilters, Sort},
};

/// Currencies without a minor unit (as `money::exponent` says).
const ZERO_DECIMAL_CURRENCIES: &str = "('JPY', 'KRW', 'ISK', 'CLP', 'VND')";

/// A bind parameter of the statement being built.
enum Bind {
    Text(String),
    BigInt(i64),
    Int(i32),
    Date(NaiveDate),
}

/// SQL text plus its binds, numbered `$1, $2…` in order.
#[derive(Default)]
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Statement {
    /// Adds a bind and returns its placeholder.
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    async fn load(self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<CardRow>> {
        let mut query = diesel::sql_query(self.sql).into_boxed();
        for bind in self.binds {
            query = match bind {
                Bind::Text(value) => query.bind::<Text, _>(value),
                Bind::BigInt(value) => query.bind::<BigInt, _>(value),
                Bind::Int(value) => query.bind::<Integer, _>(value),
                Bind::Date(value) => query.bind::<Date, _>(value),
            };
        }
        query.load(conn).await
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

/// The WHERE clause of a search (`l` is `listings`).
fn conditions(filters: &SearchFilters, statement: &mut Statement) -> Vec<String> {
    let mut conditions = vec!["l.status = 'published'".to_string()];
    if let Some(query) = &filters.location_query {
        let p = statement.param(Bind::Text(query.clone()));
        conditions.push(format!("l.search_document @@ to_tsquery('simple', {p})"));
    }
    if let Some(guests) = filters.guests {
        let p = statement.param(Bind::Int(guests.get()));
        conditions.push(format!("l.max_guests >= {p}"));
    }
    if let Some(bedrooms) = filters.bedrooms {
        let p = statement.param(Bind::Int(bedrooms));
        conditions.push(format!("l.bedrooms >= {p}"));
    }
    if let Some(kind) = filters.property_type {
        let p = statement.param(Bind::Text(kind.to_string()));
        conditions.push(format!("l.property_type = {p}"));
    }
    // Bounds are in hundredths of a unit: whole units for zero-decimal currencies, rounded so
    // that the bound stays inclusive of what was typed. Written as two plain ranges (not one
    // CASE) so that PostgreSQL estimates them from its histogram and plans well.
    if filters.min_price.is_some() || filters.max_price.is_some() {
        let (low, high) = (
            filters.min_price.map(|b| b.0).unwrap_or(0),
            filters.max_price.map(|b| b.0).unwrap_or(i64::MAX / 2),
        );
        let (c0, c1) = (
            statement.param(Bind::BigInt(low)),
            statement.param(Bind::BigInt(high)),
        );
        let (u0, u1) = (
            statement.param(Bind::BigInt((low + 99) / 100)),
            statement.param(Bind::BigInt(high / 100)),
        );
        conditions.push(format!(
            "((l.currency NOT IN {ZERO_DECIMAL_CURRENCIES} AND l.nightly_price BETWEEN {c0} AND {c1}) \
             OR (l.currency IN {ZERO_DECIMAL_CURRENCIES} AND l.nightly_price BETWEEN {u0} AND {u1}))"
        ));
    }
    if let Some(dates) = &filters.dates {
        let check_in = statement.param(Bind::Date(dates.check_in()));
        let check_out = statement.param(Bind::Date(dates.check_out()));
        let nights = statement.param(Bind::Int(dates.nights()));
        // `upper(stay) > check_in` is implied by the overlap; it lets the B-tree
        // `calendar_entries_listing_end_idx` serve the probe while `&&` keeps PostgreSQL's
        // range statistics for the estimate (see migration 000005).
        conditions.push(format!(
            "l.min_nights <= {nights} AND l.max_nights >= {nights} AND NOT EXISTS \
             (SELECT 1 FROM calendar_entries c WHERE c.listing_id = l.id \
             AND c.stay && daterange({check_in}, {check_out}, '[)') \
             AND upper(c.stay) > {check_in})"
        ));
    }
    for (id, _) in &filters.amenities {
        let p = statement.param(Bind::Int(*id));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM listing_amenities a WHERE a.listing_id = l.id \
             AND a.amenity_id = {p})"
        ));
    }
    conditions
}

/// One page of results.
pub struct SearchPage {
    pub rows: Vec<CardRow>,
    pub has_next: bool,
}

/// Runs the search: one statement, at most `PAGE_SIZE + 1` rows read out.
pub async fn search(
    conn: &mut AsyncPgConnection,
    filters: &SearchFilters,
) -> diesel::QueryResult<SearchPage> {
    let mut statement = Statement::default();
    let conditions = conditions(filters, &mut statement);
    let limit = statement.param(Bind::BigInt(PAGE_SIZE + 1));
    let offset = statement.param(Bind::BigInt(filters.offset()));
    let inner = format!(
        "SELECT {CARD_COLUMNS} FROM listings l WHERE {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        conditions.join(" AND "),
        order_by(filters.sort, "l"),
    );
    statement.sql = cards::with_thumbnails(&inner, &order_by(filters.sort, "p"));
    let mut rows = statement.load(conn).await?;
    let has_next = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(SearchPage { rows, has_next })
}

/// Featured stays for the home page: the best rated among listings with a few reviews, then
/// the newest, `limit` in all (one statement; each half walks its own index).
pub async fn featured(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> diesel::QueryResult<Vec<CardRow>> {
    let mut statement = Statement::default();
    let n = statement.param(Bind::BigInt(limit));
    let inner = format!(
        "(SELECT {CARD_COLUMNS}, 0 AS grp FROM listings l \
           WHERE l.status = 'published' AND l.review_count >= 3 \
           ORDER BY l.rating_avg DESC NULLS LAST, l.id LIMIT {n}) \
         UNION ALL \
         (SELECT {CARD_COLUMNS}, 1 AS grp FROM listings l WHERE l.status = 'published' \
           ORDER BY l.published_at DESC, l.id DESC LIMIT {n})"
    );
    statement.sql = cards::with_thumbnails(
        &inner,
        "p.grp, p.rating_avg DESC NULLS LAST, p.published_at DESC, p.id",
    );
    let rows = statement.load(conn).await?;
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

    #[test]
    fn zero_decimal_currencies_match_the_money_module() {
        for code in ["JPY", "KRW", "ISK", "CLP", "VND"] {
            assert!(ZERO_DECIMAL_CURRENCIES.contains(code));
            assert_eq!(crate::money::exponent(code), 0, "{code}");
        }
    }
}
