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
    listings::model::Listing,
    pricing::{self, PricingPolicy},
    schema::bookings,
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
    conn.transaction::<_, BookError, _>(async |conn| {
        let inserted = diesel::insert_into(bookings::table)
            .values((
                bookings::listing_id.eq(listing.id),
                bookings::guest_id.eq(guest.id),
                bookings::check_in.eq(stay.check_in()),
                bookings::check_out.eq(stay.check_out()),
                bookings::guests.eq(guests.get()),
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
                bookings::idempotency_key.eq(&key),
            ))
            .on_conflict((bookings::guest_id, bookings::idempotency_key))
            .do_nothing()
            .returning(Booking::as_returning())
            .get_result(conn)
            .await
            .optional()?;
        let Some(booking) = inserted else {
            // The same form sent again: the booking it made is the answer.
            return Ok(bookings::table
                .filter(bookings::guest_id.eq(guest.id))
                .filter(bookings::idempotency_key.eq(&key))
                .select(Booking::as_select())
                .first(conn)
                .await?);
        };
        hold_dates(conn, listing.id, booking.id, stay).await?;
        history::record_event(conn, booking.id, None, status, Some(guest.id), "").await?;
        let (guest, host) = emails::parties(conn, guest.id, listing.host_id).await?;
        let ctx = Context {
            booking: &booking,
            listing: &listing,
            guest: &guest,
            host: &host,
            base_url,
        };
        emails::notify(conn, &ctx, &Notice::Booked).await?;
        Ok(booking)
    })
    .await
}
