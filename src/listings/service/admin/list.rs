//! The admin's listing list: search (title), filters (status, city, host), sorting, pages; and
//! the same filters in chunks for the CSV export. A page costs two statements (the count and
//! the rows), whatever its size.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, PgTextExpressionMethods, QueryDsl, pg::Pg};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    admin::paging::{Direction, Page, Paged, contains_pattern, literal_pattern, ordered},
    listings::model::ListingStatus,
    money,
    schema::{listings, users},
    service::{Admin, ListingId, ServiceResult, UserId},
};

/// Longest search accepted (longer is cut).
const MAX_SEARCH: usize = 200;

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct ListingFilters {
    /// Part of the title.
    pub search: String,
    pub status: Option<ListingStatus>,
    /// The city, whatever its case.
    pub city: String,
    pub host: Option<UserId>,
}

impl ListingFilters {
    /// The search and the city as typed, trimmed and cut to a sane length.
    pub fn with_text(mut self, search: &str, city: &str) -> Self {
        self.search = search.trim().chars().take(MAX_SEARCH).collect();
        self.city = city.trim().chars().take(MAX_SEARCH).collect();
        self
    }
}

crate::text_enum! {
    /// The columns the list sorts by.
    #[derive(Default)]
    pub enum ListingSort {
        #[default]
        Id = "id",
        Title = "title",
        City = "city",
        Created = "created_at",
    }
}

/// A listing as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct ListingRow {
    pub id: ListingId,
    pub title: String,
    pub host_id: UserId,
    pub host_email: String,
    pub city: String,
    pub country: String,
    pub status: ListingStatus,
    pub nightly_price: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
}

impl ListingRow {
    pub fn price(&self) -> String {
        money::format(self.nightly_price, &self.currency)
    }

    pub fn created(&self) -> String {
        self.created_at.format("%Y-%m-%d").to_string()
    }
}

/// The listings matching `$filters`, joined with their host, boxed: one definition for the
/// count, the page and the export.
macro_rules! filtered {
    ($filters:expr) => {{
        let filters: &ListingFilters = $filters;
        let mut query = listings::table.inner_join(users::table).into_boxed::<Pg>();
        if !filters.search.is_empty() {
            query = query.filter(listings::title.ilike(contains_pattern(&filters.search)));
        }
        if let Some(status) = filters.status {
            query = query.filter(listings::status.eq(status));
        }
        if !filters.city.is_empty() {
            // The whole city, whatever its case.
            query = query.filter(listings::city.ilike(literal_pattern(&filters.city)));
        }
        if let Some(host) = filters.host {
            query = query.filter(listings::host_id.eq(host));
        }
        query
    }};
}

macro_rules! columns {
    () => {
        (
            listings::id,
            listings::title,
            listings::host_id,
            users::email,
            listings::city,
            listings::country,
            listings::status,
            listings::nightly_price,
            listings::currency,
            listings::created_at,
        )
    };
}

/// A page of listings: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &ListingFilters,
    sort: ListingSort,
    direction: Direction,
    page: Page,
) -> ServiceResult<Paged<ListingRow>> {
    let total: i64 = filtered!(filters).count().get_result(conn).await?;
    let query = filtered!(filters).select(columns!());
    // The id breaks ties, so that pages neither repeat nor skip a listing.
    let query = match sort {
        ListingSort::Id => ordered!(query, direction, listings::id),
        ListingSort::Title => ordered!(query, direction, listings::title, listings::id),
        ListingSort::City => ordered!(query, direction, listings::city, listings::id),
        ListingSort::Created => ordered!(query, direction, listings::created_at, listings::id),
    };
    let rows: Vec<ListingRow> = query
        .limit(page.limit())
        .offset(page.offset())
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The next `limit` listings matching `filters` after id `after`, in id order (the CSV
/// export's chunks).
pub async fn export_chunk(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &ListingFilters,
    after: i64,
    limit: i64,
) -> ServiceResult<Vec<ListingRow>> {
    Ok(filtered!(filters)
        .filter(listings::id.gt(after))
        .order(listings::id.asc())
        .limit(limit)
        .select(columns!())
        .load(conn)
        .await?)
}
