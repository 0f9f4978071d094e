//! Booking a stay, shared by the HTML form and (later) the APIs. Nothing here knows HTTP.
//!
//! One transaction inserts the booking with its price snapshot, its calendar entry, its first
//! event and its emails. The calendar's exclusion constraint, not a prior check, decides who
//! gets contested dates: of concurrent bookings only one can commit, the others get
//! [`BookError::Taken`]. The guest's idempotency key makes a double submit one booking.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    domain::{self, Status, StayDates},
    emails::{self, Context, Notice},
    history,
    model::Booking,
    transitions::{self, PAYMENT_HOLD, REQUEST_HOLD},
};
use crate::{
    accounts::CurrentUser,
    db::{self, NO_OVERLAP},
    errors::AppError,
    listings::{calendar::lock_listing, model::Listing},
    pricing::{self, PricingPolicy},
    schema::{bookings, users},
    stays::stay::Guests,
};

/// The booking form as typed.
#[derive(Clone, Debug, Default)]
pub struct BookingInput<'a> {
    pub check_in: &'a str,
    pub check_out: &'a str,
    pub guests: &'a str,
    pub idempotency_key: &'a str,
}

/// Why a booking was refused.
#[derive(Debug)]
pub enum BookError {
    /// Bad input: the field and what to say.
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Only verified accounts book.
    Unverified,
    /// Hosts cannot book their own places.
    OwnListing,
    /// Another booking (or a host block) holds some of these dates.
    Taken,
    /// The guest holds too many unpaid bookings already (what to say).
    TooManyHolds(String),
    App(AppError),
}

impl From<diesel::result::Error> for BookError {
    fn from(error: diesel::result::Error) -> Self {
        if db::violates(&error, NO_OVERLAP) {
            BookError::Taken
        } else {
            BookError::App(error.into())
        }
    }
}

impl db::Contention for BookError {
    fn is_contention(&self) -> bool {
        matches!(self, BookError::App(error) if error.is_contention())
    }
}

impl From<AppError> for BookError {
    fn from(error: AppError) -> Self {
        BookError::App(error)
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> BookError {
    BookError::Invalid {
        field,
        message: message.into(),
    }
}

/// Parses the dates of a stay at `listing` as typed, against today where the listing is.
pub fn stay_dates(
    listing: &Listing,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> Result<StayDates, BookError> {
    StayDates::parse(check_in, check_out, transitions::local_today(listing, now))
        .and_then(|stay| stay.within(listing.min_nights, listing.max_nights))
        .map_err(|problem| invalid(problem.field, problem.message))
}

/// Inserts the calendar entry that holds a booking's dates (the exclusion constraint guards it).
pub async fn hold_dates(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    booking_id: i64,
    stay: StayDates,
) -> diesel::QueryResult<usize> {
    use diesel::sql_types::{BigInt, Date};
    diesel::sql_query(
        "INSERT INTO calendar_entries (listing_id, stay, kind, booking_id) \
         VALUES ($1, daterange($2, $3, '[)'), 'booking', $4)",
    )
    .bind::<BigInt, _>(listing_id)
    .bind::<Date, _>(stay.check_in())
    .bind::<Date, _>(stay.check_out())
    .bind::<BigInt, _>(booking_id)
    .execute(conn)
    .await
}

/// Books listing `listing_id` for `guest`; returns the booking (the existing one when the same
/// idempotency key was used before).
pub async fn book(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    guest: &CurrentUser,
    listing_id: i64,
    input: &BookingInput<'_>,
    now: DateTime<Utc>,
) -> Result<Booking, BookError> {
    let listing = crate::listings::model::find_visible(conn, listing_id, Some(guest.id))
        .await?
        .ok_or(AppError::NotFound)?;
    if listing.host_id == guest.id {
        return Err(BookError::OwnListing);
    }
    if !guest.email_verified {
        return Err(BookError::Unverified);
    }
    crate::throttle::hit(
        conn,
        &format!("book:{}", guest.id),
        crate::throttle::BOOKINGS_PER_GUEST,
    )
    .await?;
    let stay = stay_dates(&listing, input.check_in, input.check_out, now)?;
    let guests = Guests::for_stay(input.guests, listing.max_guests)
        .map_err(|problem| invalid("guests", problem.message))?;
    let key = domain::idempotency_key(input.idempotency_key)
        .map_err(|message| invalid("form", message))?;
    let quote = pricing::quote(&listing.rates(), stay.nights(), &PricingPolicy::default());
    let (status, hold) = if listing.instant_book {
        (Status::PendingPayment, now + PAYMENT_HOLD)
    } else {
        (Status::Requested, now + REQUEST_HOLD)
    };
    let new = NewBooking {
        listing: &listing,
        guest_id: guest.id,
        stay,
        guests: guests.get(),
        status,
        hold,
        quote: &quote,
        key: &key,
    };
    db::retry_on_contention(async || {
        conn.transaction::<_, BookError, _>(async |conn| insert_booking(conn, base_url, &new).await)
            .await
    })
    .await
}

/// A booking about to be made, checked and priced.
struct NewBooking<'a> {
    listing: &'a Listing,
    guest_id: i64,
    stay: StayDates,
    guests: i32,
    status: Status,
    hold: DateTime<Utc>,
    quote: &'a pricing::Quote,
    key: &'a str,
}

/// How many bookings a guest may hold unpaid at once (instant bookings waiting for payment,
/// requests waiting for the host, accepted requests waiting for payment): each hides its
/// nights from everyone else, for free, until it is paid or expires.
pub const MAX_UNPAID_HOLDS: i64 = 3;
/// How many nights those holds may cover in all.
pub const MAX_UNPAID_NIGHTS: i64 = 60;

#[derive(diesel::QueryableByName)]
struct Holds {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    holds: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    nights: i64,
}

/// The guest's unpaid holds so far (the caller holds the guest's row lock, so two bookings of
/// one guest are counted one after the other).
async fn unpaid_holds(conn: &mut AsyncPgConnection, guest_id: i64) -> diesel::QueryResult<Holds> {
    diesel::sql_query(
        "SELECT count(*) AS holds, coalesce(sum(nights), 0)::bigint AS nights FROM bookings \
         WHERE guest_id = $1 AND status IN ('pending_payment', 'requested', 'accepted')",
    )
    .bind::<diesel::sql_types::BigInt, _>(guest_id)
    .get_result(conn)
    .await
}

/// One attempt at inserting the booking (see [`book`]). Locks, in the one order used
/// everywhere: the guest's user row (their holds are counted), then the listing's row (its
/// calendar changes), then the new booking.
async fn insert_booking(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    new: &NewBooking<'_>,
) -> Result<Booking, BookError> {
    let NewBooking {
        listing,
        guest_id,
        stay,
        guests,
        status,
        hold,
        quote,
        key,
    } = *new;
    let existing = bookings::table
        .filter(bookings::guest_id.eq(guest_id))
        .filter(bookings::idempotency_key.eq(key))
        .select(Booking::as_select())
        .first(conn)
        .await
        .optional()?;
    if let Some(booking) = existing {
        // The same form sent again: the booking it made is the answer.
        return Ok(booking);
    }
    users::table
        .find(guest_id)
        .select(users::id)
        .for_no_key_update()
        .first::<i64>(conn)
        .await?;
    let holds = unpaid_holds(conn, guest_id).await?;
    if holds.holds >= MAX_UNPAID_HOLDS {
        return Err(BookError::TooManyHolds(format!(
            "You already have {} bookings waiting for payment or for a host's answer. Pay for \
             one, or cancel one you no longer want, before you book another stay.",
            holds.holds
        )));
    }
    if holds.nights + i64::from(stay.nights()) > MAX_UNPAID_NIGHTS {
        return Err(BookError::TooManyHolds(format!(
            "Bookings waiting for payment or for a host's answer may hold at most \
             {MAX_UNPAID_NIGHTS} nights in all; yours already hold {}. Pay for or cancel one \
             first.",
            holds.nights
        )));
    }
    lock_listing(conn, listing.id).await?;
    let inserted = diesel::insert_into(bookings::table)
        .values((
            bookings::listing_id.eq(listing.id),
            bookings::guest_id.eq(guest_id),
            bookings::check_in.eq(stay.check_in()),
            bookings::check_out.eq(stay.check_out()),
            bookings::guests.eq(guests),
            bookings::status.eq(status.as_str()),
            bookings::hold_expires_at.eq(Some(hold)),
            bookings::currency.eq(&quote.currency),
            bookings::nightly_price.eq(quote.nightly_price),
            bookings::nights.eq(quote.nights),
            bookings::base_amount.eq(quote.base_amount),
            bookings::discount_amount.eq(quote.discount_amount),
            bookings::cleaning_fee.eq(quote.cleaning_fee),
            bookings::service_fee.eq(quote.service_fee),
            bookings::tax_amount.eq(quote.tax_amount),
            bookings::total_amount.eq(quote.total_amount),
            bookings::host_fee.eq(quote.host_fee),
            bookings::host_payout.eq(quote.host_payout),
            bookings::cancellation_policy.eq(&listing.cancellation_policy),
            bookings::idempotency_key.eq(key),
        ))
        .on_conflict((bookings::guest_id, bookings::idempotency_key))
        .do_nothing()
        .returning(Booking::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    let Some(booking) = inserted else {
        // The same form, sent twice at once: the other request's booking is the answer.
        return Ok(bookings::table
            .filter(bookings::guest_id.eq(guest_id))
            .filter(bookings::idempotency_key.eq(key))
            .select(Booking::as_select())
            .first(conn)
            .await?);
    };
    hold_dates(conn, listing.id, booking.id, stay).await?;
    history::record_event(conn, booking.id, None, status, Some(guest_id), "").await?;
    let (guest, host) = emails::parties(conn, guest_id, listing.host_id).await?;
    let ctx = Context {
        booking: &booking,
        listing,
        guest: &guest,
        host: &host,
        base_url,
    };
    emails::notify(conn, &ctx, &Notice::Booked).await?;
    Ok(booking)
}
