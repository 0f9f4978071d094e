//! Booking rows, their state history, and the queries pages need (nothing HTTP here). Every
//! lookup by id takes the viewer, so that nobody reaches another person's booking.

pub mod dashboard;
pub mod earnings;

use std::borrow::Borrow;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    ExpressionMethods, JoinOnDsl, OptionalExtension, QueryDsl, Queryable, Selectable,
    SelectableHelper,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    domain::{self, Status},
    policy::LineItems,
};
use crate::{
    money,
    schema::{bookings, listings, users},
    service::{BookingId, ListingId, UserId},
};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = bookings, check_for_backend(diesel::pg::Pg))]
pub struct Booking {
    pub id: BookingId,
    pub listing_id: ListingId,
    pub guest_id: UserId,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub guests: i32,
    pub status: Status,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub currency: String,
    pub nightly_price: i64,
    pub nights: i32,
    pub base_amount: i64,
    pub discount_amount: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax_amount: i64,
    pub total_amount: i64,
    pub host_fee: i64,
    pub host_payout: i64,
    pub cancellation_policy: String,
    pub idempotency_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reminder_sent_at: Option<DateTime<Utc>>,
    /// A request to book: its card is authorized first, and charged when the host accepts.
    pub request_to_book: bool,
}

impl Booking {
    pub fn status(&self) -> Status {
        self.status
    }

    pub fn line_items(&self) -> LineItems {
        LineItems {
            base_amount: self.base_amount,
            discount_amount: self.discount_amount,
            cleaning_fee: self.cleaning_fee,
            service_fee: self.service_fee,
            tax_amount: self.tax_amount,
            total_amount: self.total_amount,
        }
    }

    /// Minor units of the booking's currency, for people.
    pub fn money(&self, amount: impl Borrow<i64>) -> String {
        money::format(*amount.borrow(), &self.currency)
    }

    /// "Dec 24 – Dec 27" (with the year when it is not this one: [`crate::dates::stay`]).
    pub fn dates(&self) -> String {
        crate::dates::stay(self.check_in, self.check_out)
    }

    /// "3 nights".
    pub fn nights_label(&self) -> String {
        if self.nights == 1 {
            "1 night".into()
        } else {
            format!("{} nights", self.nights)
        }
    }

    /// "2 guests".
    pub fn guests_label(&self) -> String {
        if self.guests == 1 {
            "1 guest".into()
        } else {
            format!("{} guests", self.guests)
        }
    }

    /// The receipt, line by line: (label, amount), then the total.
    pub fn receipt(&self) -> Vec<(String, String)> {
        let mut lines = vec![(
            format!(
                "{} × {}",
                self.money(self.nightly_price),
                self.nights_label()
            ),
            self.money(self.base_amount),
        )];
        if self.discount_amount > 0 {
            lines.push((
                "Long-stay discount".into(),
                format!("−{}", self.money(self.discount_amount)),
            ));
        }
        if self.cleaning_fee > 0 {
            lines.push(("Cleaning fee".into(), self.money(self.cleaning_fee)));
        }
        lines.push(("Service fee".into(), self.money(self.service_fee)));
        if self.tax_amount > 0 {
            lines.push(("Occupancy taxes".into(), self.money(self.tax_amount)));
        }
        lines
    }

    pub fn policy_label(&self) -> &'static str {
        crate::listings::model::policy_label(&self.cancellation_policy)
    }

    pub fn policy_explanation(&self) -> &'static str {
        crate::listings::model::policy_explanation(&self.cancellation_policy)
    }

    pub fn total(&self) -> String {
        self.money(self.total_amount)
    }

    /// The total with its currency named ("$270.00 USD"), for what is charged.
    pub fn total_charged(&self) -> String {
        money::format_with_code(self.total_amount, &self.currency)
    }

    /// When the hold ends, for people ("Dec 24, 2026 14:05 UTC").
    pub fn hold_deadline(&self) -> Option<String> {
        self.hold_deadline_in("UTC")
    }

    /// When the hold ends, as the clock reads at the listing (its IANA `timezone`), named.
    pub fn hold_deadline_in(&self, timezone: &str) -> Option<String> {
        self.hold_expires_at
            .map(|at| crate::dates::moment_in(at, timezone))
    }
}

/// The price snapshot of a stay (minor units of the booking's currency): the one writer of a
/// booking's price columns, when it is made ([`crate::bookings::service`]) and when its dates
/// move ([`crate::bookings::pending_change::move_booking`]).
#[derive(Clone, Copy, Debug, diesel::Insertable, diesel::AsChangeset)]
#[diesel(table_name = bookings, check_for_backend(diesel::pg::Pg))]
pub struct PriceLines {
    pub nightly_price: i64,
    pub nights: i32,
    pub base_amount: i64,
    pub discount_amount: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax_amount: i64,
    pub total_amount: i64,
    pub host_fee: i64,
    pub host_payout: i64,
}

impl From<&crate::pricing::Quote> for PriceLines {
    fn from(quote: &crate::pricing::Quote) -> Self {
        PriceLines {
            nightly_price: quote.nightly_price,
            nights: quote.nights,
            base_amount: quote.base_amount,
            discount_amount: quote.discount_amount,
            cleaning_fee: quote.cleaning_fee,
            service_fee: quote.service_fee,
            tax_amount: quote.tax_amount,
            total_amount: quote.total_amount,
            host_fee: quote.host_fee,
            host_payout: quote.host_payout,
        }
    }
}

/// A booking with what lists and pages show beside it.
#[derive(Clone, Debug, Queryable)]
pub struct BookingSummary {
    pub booking: Booking,
    pub listing_title: String,
    pub listing_city: String,
    /// The listing's IANA time zone: the stay's dates are days there.
    pub listing_timezone: String,
    /// The other party: the host on a trip, the guest on a reservation.
    pub counterpart: String,
}

/// A [`BookingSummary`]'s columns as a query answers them, in its field order.
pub type SummaryRow = (Booking, String, String, String, String);

impl From<SummaryRow> for BookingSummary {
    fn from(
        (booking, listing_title, listing_city, listing_timezone, counterpart): SummaryRow,
    ) -> Self {
        BookingSummary {
            booking,
            listing_title,
            listing_city,
            listing_timezone,
            counterpart,
        }
    }
}

pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> diesel::QueryResult<Option<Booking>> {
    bookings::table
        .find(id)
        .select(Booking::as_select())
        .first(conn)
        .await
        .optional()
}

/// The row, locked until the transaction ends (every state change starts here).
pub async fn lock(
    conn: &mut AsyncPgConnection,
    id: BookingId,
) -> diesel::QueryResult<Option<Booking>> {
    bookings::table
        .find(id)
        .select(Booking::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Which of `ids` are bookings of `guest_id`.
pub async fn owned_by_guest(
    conn: &mut AsyncPgConnection,
    guest_id: UserId,
    ids: &[BookingId],
) -> diesel::QueryResult<Vec<i64>> {
    bookings::table
        .filter(bookings::id.eq_any(ids.iter().map(|id| id.get())))
        .filter(bookings::guest_id.eq(guest_id))
        .select(bookings::id)
        .load(conn)
        .await
}

/// A booking with its listing and host, as its guest sees it (the services check that the
/// viewer is its guest: `booking.guest_id`).
pub async fn find_trip(
    conn: &mut AsyncPgConnection,
    id: BookingId,
) -> diesel::QueryResult<Option<BookingSummary>> {
    bookings::table
        .inner_join(listings::table.inner_join(users::table))
        .filter(bookings::id.eq(id))
        .select((
            Booking::as_select(),
            listings::title,
            listings::city,
            listings::timezone,
            users::name,
        ))
        .first(conn)
        .await
        .optional()
}

/// A booking with its guest, as the host of its listing sees it, with that host's id (the
/// services check that the viewer is that host).
pub async fn find_reservation(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> diesel::QueryResult<Option<(BookingSummary, i64)>> {
    let row: Option<(Booking, String, String, String, String, i64)> = bookings::table
        .inner_join(listings::table)
        .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
        .filter(bookings::id.eq(id))
        .select((
            Booking::as_select(),
            listings::title,
            listings::city,
            listings::timezone,
            users::name,
            listings::host_id,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(|(booking, title, city, timezone, guest, host_id)| {
        ((booking, title, city, timezone, guest).into(), host_id)
    }))
}

/// Longest lists shown at once.
pub const LIST_LIMIT: i64 = 200;

/// A guest's trips in the given states, `limit` of them after skipping `offset`; upcoming
/// ones first by date, others newest first.
pub async fn trips(
    conn: &mut AsyncPgConnection,
    guest_id: i64,
    statuses: &[Status],
    soonest_first: bool,
    (offset, limit): (i64, i64),
) -> diesel::QueryResult<Vec<BookingSummary>> {
    let query = bookings::table
        .inner_join(listings::table.inner_join(users::table))
        .filter(bookings::guest_id.eq(guest_id))
        .filter(bookings::status.eq_any(domain::names(statuses)))
        .select((
            Booking::as_select(),
            listings::title,
            listings::city,
            listings::timezone,
            users::name,
        ))
        .offset(offset)
        .limit(limit);
    if soonest_first {
        query
            .order((bookings::check_in.asc(), bookings::id.asc()))
            .load(conn)
            .await
    } else {
        query
            .order((bookings::check_in.desc(), bookings::id.desc()))
            .load(conn)
            .await
    }
}

/// Which of a host's reservations to list: each filter left `None` (or empty) lets all
/// through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReservationFilter {
    pub status: Option<Status>,
    /// Only these statuses (a tab of `/host/reservations`); empty lets all through.
    pub statuses: &'static [Status],
    pub listing: Option<ListingId>,
    /// Stays with a night on or after this day (check-out after it).
    pub from: Option<NaiveDate>,
    /// Stays with a night before this day (check-in before it).
    pub to: Option<NaiveDate>,
    pub order: ReservationOrder,
}

/// The order of a list of reservations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReservationOrder {
    /// Latest check-in first (the API's order).
    #[default]
    LatestCheckIn,
    /// Stays still ahead or under way first, soonest check-in first; then the others, latest
    /// check-in first.
    UpcomingFirst,
    /// Soonest check-in first.
    SoonestCheckIn,
    /// Soonest check-out first.
    SoonestCheckOut,
    /// Latest check-out first.
    LatestCheckOut,
    /// The hold that ends first first (a request's answer is due by then).
    SoonestDeadline,
    /// Most recently changed first.
    LatestChange,
}

/// The reservations of a host's listings that pass `filter`, in its order: at most
/// `limit` from `offset` (at most the pages' longest list when `limit` is `None`).
pub async fn reservations(
    conn: &mut AsyncPgConnection,
    host_id: i64,
    filter: &ReservationFilter,
    offset: i64,
    limit: Option<i64>,
) -> diesel::QueryResult<Vec<BookingSummary>> {
    let mut query = bookings::table
        .inner_join(listings::table)
        .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
        .filter(listings::host_id.eq(host_id))
        .select((
            Booking::as_select(),
            listings::title,
            listings::city,
            listings::timezone,
            users::name,
        ))
        .offset(offset)
        .limit(limit.unwrap_or(LIST_LIMIT))
        .into_boxed();
    query = match filter.order {
        ReservationOrder::LatestCheckIn => {
            query.order((bookings::check_in.desc(), bookings::id.desc()))
        }
        ReservationOrder::UpcomingFirst => {
            let live = domain::names(&Status::LIVE)
                .iter()
                .map(|name| format!("'{name}'"))
                .collect::<Vec<_>>()
                .join(", ");
            // Live stays get their check-in as the first key (NULL for the others, which
            // PostgreSQL sorts last when ascending);
            // the others then follow newest first.
            query.order((
                diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Date>>(&format!(
                    "CASE WHEN bookings.status IN ({live}) THEN bookings.check_in END"
                ))
                .asc(),
                bookings::check_in.desc(),
                bookings::id.desc(),
            ))
        }
        ReservationOrder::SoonestCheckIn => {
            query.order((bookings::check_in.asc(), bookings::id.asc()))
        }
        ReservationOrder::SoonestCheckOut => {
            query.order((bookings::check_out.asc(), bookings::id.asc()))
        }
        ReservationOrder::LatestCheckOut => {
            query.order((bookings::check_out.desc(), bookings::id.desc()))
        }
        // PostgreSQL sorts NULLs (no hold) last when ascending.
        ReservationOrder::SoonestDeadline => {
            query.order((bookings::hold_expires_at.asc(), bookings::id.asc()))
        }
        ReservationOrder::LatestChange => {
            query.order((bookings::updated_at.desc(), bookings::id.desc()))
        }
    };
    if let Some(status) = filter.status {
        query = query.filter(bookings::status.eq(status.as_str()));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(bookings::status.eq_any(domain::names(filter.statuses)));
    }
    if let Some(listing_id) = filter.listing {
        query = query.filter(bookings::listing_id.eq(listing_id));
    }
    if let Some(from) = filter.from {
        query = query.filter(bookings::check_out.gt(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(bookings::check_in.lt(to));
    }
    query.load(conn).await
}

/// Frees the booking's dates on the listing's calendar.
pub async fn release_dates(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> diesel::QueryResult<usize> {
    diesel::sql_query("DELETE FROM calendar_entries WHERE booking_id = $1")
        .bind::<diesel::sql_types::BigInt, _>(booking_id.get())
        .execute(conn)
        .await
}

/// The host's listings, as (id, title), for the reservation filter.
pub async fn host_listings(
    conn: &mut AsyncPgConnection,
    host_id: i64,
) -> diesel::QueryResult<Vec<(i64, String)>> {
    listings::table
        .filter(listings::host_id.eq(host_id))
        .order(listings::title.asc())
        .select((listings::id, listings::title))
        .load(conn)
        .await
}

/// How many bookings guest `guest_id` let lapse or cancelled before they started in the last 30
/// days (expired holds and requests, guest cancellations): shown to a host deciding on a
/// request, since each such booking hid some host's nights for free.
pub async fn recently_dropped(
    conn: &mut AsyncPgConnection,
    guest_id: UserId,
) -> diesel::QueryResult<i64> {
    bookings::table
        .filter(bookings::guest_id.eq(guest_id))
        .filter(
            bookings::status.eq_any([Status::Expired.as_str(), Status::CancelledByGuest.as_str()]),
        )
        .filter(bookings::created_at.gt(Utc::now() - chrono::Duration::days(30)))
        .count()
        .get_result(conn)
        .await
}
