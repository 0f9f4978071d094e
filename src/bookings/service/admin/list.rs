//! The admin's booking list: search (guest email or name, listing title), filters (state,
//! check-in dates, listing, guest), sorting, pages; and the same filters in chunks for the CSV
//! export. A page costs two statements (the count and the rows), whatever its size.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, JoinOnDsl, PgTextExpressionMethods, QueryDsl, dsl,
    pg::Pg,
    sql_types::{Bool, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    admin::paging::{Direction, Page, Paged, contains_pattern, ordered},
    bookings::domain::Status,
    money,
    schema::{bookings, listings, users},
    service::{Admin, BookingId, ListingId, ServiceResult, UserId},
};

/// Longest search accepted (longer is cut).
const MAX_SEARCH: usize = 200;

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct BookingFilters {
    /// Part of the guest's email address or name, or of the listing's title.
    pub search: String,
    pub status: Option<Status>,
    /// Check-in on or after.
    pub from: Option<NaiveDate>,
    /// Check-in on or before.
    pub to: Option<NaiveDate>,
    pub listing: Option<ListingId>,
    pub guest: Option<UserId>,
}

impl BookingFilters {
    /// The search as typed, trimmed and cut to a sane length.
    pub fn with_search(mut self, search: &str) -> Self {
        self.search = search.trim().chars().take(MAX_SEARCH).collect();
        self
    }
}

crate::text_enum! {
    /// The columns the list sorts by.
    #[derive(Default)]
    pub enum BookingSort {
        #[default]
        Id = "id",
        CheckIn = "check_in",
        Created = "created_at",
        Total = "total",
    }
}

/// A booking as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct BookingRow {
    pub id: BookingId,
    pub listing_id: ListingId,
    pub listing_title: String,
    pub guest_id: UserId,
    pub guest_email: String,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub status: Status,
    pub total_amount: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
}

impl BookingRow {
    pub fn total(&self) -> String {
        money::format(self.total_amount, &self.currency)
    }

    pub fn made(&self) -> String {
        self.created_at.format("%Y-%m-%d").to_string()
    }
}

/// The bookings matching `$filters`, joined with their listing and guest, boxed: one
/// definition for the count, the page and the export (a join's boxed type cannot be named).
macro_rules! filtered {
    ($filters:expr) => {{
        let filters: &BookingFilters = $filters;
        let mut query = bookings::table
            .inner_join(listings::table)
            .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
            .into_boxed::<Pg>();
        if !filters.search.is_empty() {
            let pattern = contains_pattern(&filters.search);
            // `email` is citext, which Diesel's ILIKE does not take: compared as text.
            let email =
                dsl::sql::<Bool>("users.email::text ILIKE ").bind::<Text, _>(pattern.clone());
            query = query.filter(
                email
                    .or(users::name.ilike(pattern.clone()))
                    .or(listings::title.ilike(pattern)),
            );
        }
        if let Some(status) = filters.status {
            query = query.filter(bookings::status.eq(status));
        }
        if let Some(from) = filters.from {
            query = query.filter(bookings::check_in.ge(from));
        }
        if let Some(to) = filters.to {
            query = query.filter(bookings::check_in.le(to));
        }
        if let Some(listing) = filters.listing {
            query = query.filter(bookings::listing_id.eq(listing));
        }
        if let Some(guest) = filters.guest {
            query = query.filter(bookings::guest_id.eq(guest));
        }
        query
    }};
}

macro_rules! columns {
    () => {
        (
            bookings::id,
            bookings::listing_id,
            listings::title,
            bookings::guest_id,
            users::email,
            bookings::check_in,
            bookings::check_out,
            bookings::status,
            bookings::total_amount,
            bookings::currency,
            bookings::created_at,
        )
    };
}

/// A page of bookings: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &BookingFilters,
    sort: BookingSort,
    direction: Direction,
    page: Page,
) -> ServiceResult<Paged<BookingRow>> {
    let total: i64 = filtered!(filters).count().get_result(conn).await?;
    let query = filtered!(filters).select(columns!());
    // The id breaks ties, so that pages neither repeat nor skip a booking.
    let query = match sort {
        BookingSort::Id => ordered!(query, direction, bookings::id),
        BookingSort::CheckIn => ordered!(query, direction, bookings::check_in, bookings::id),
        BookingSort::Created => ordered!(query, direction, bookings::created_at, bookings::id),
        BookingSort::Total => ordered!(query, direction, bookings::total_amount, bookings::id),
    };
    let rows: Vec<BookingRow> = query
        .limit(page.limit())
        .offset(page.offset())
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The next `limit` bookings matching `filters` after id `after`, in id order: the CSV export
/// walks the whole list this way, a chunk at a time, without holding it.
pub async fn export_chunk(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &BookingFilters,
    after: i64,
    limit: i64,
) -> ServiceResult<Vec<BookingRow>> {
    Ok(filtered!(filters)
        .filter(bookings::id.gt(after))
        .order(bookings::id.asc())
        .limit(limit)
        .select(columns!())
        .load(conn)
        .await?)
}
