//! Booking a stay, for every door: the acting member books a listing that is not theirs, with
//! a confirmed address, within their allowance of unpaid holds. Nothing here knows HTTP.
//!
//! One transaction inserts the booking with its price snapshot, its calendar entry, its first
//! event and its emails. The calendar's exclusion constraint, not a prior check, decides who
//! gets contested dates: of concurrent bookings only one can commit, the others get
//! `Conflict(`[`TAKEN`]`)`. The guest's idempotency key makes a double submit one booking.

use crate::service::BookingId;
use crate::service::UserId;
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::{
    bookings::{
        domain::{self, Status},
        emails::{self, Context, Notice},
        forms::BookingInput,
        history,
        model::{Booking, PriceLines},
        transitions::PAYMENT_HOLD,
    },
    db::{self, NO_OVERLAP},
    listings::{calendar::lock_listing, model::Listing},
    pricing::{self, PricingPolicy},
    schema::{bookings, users},
    service::{Actor, ListingId, ServiceError, ServiceResult},
    stays::stay::{Guests, StayDates},
};

/// What a guest is told when another booking (or a host block) took some of the dates first.
pub const TAKEN: &str = "Those dates were just taken.";
/// Hosts do not book their own places.
pub const OWN_LISTING: &str = "Hosts cannot book their own places.";

/// The calendar's exclusion constraint said no: the dates were just taken. Any other database
/// error is what it is.
pub(crate) fn taken(error: diesel::result::Error) -> ServiceError {
    if db::violates(&error, NO_OVERLAP) {
        ServiceError::conflict(TAKEN)
    } else {
        error.into()
    }
}

/// Parses the dates of a stay at `listing` as typed, against today where the listing is.
pub fn stay_dates(
    listing: &Listing,
    check_in: &str,
    check_out: &str,
    now: DateTime<Utc>,
) -> ServiceResult<StayDates> {
    StayDates::parse_required(check_in, check_out, listing.local_date(now))
        .and_then(|stay| stay.within(listing.min_nights, listing.max_nights))
        .map_err(|problem| ServiceError::invalid(problem.field, problem.message))
}

/// Inserts the calendar entry that holds a booking's dates (the exclusion constraint guards it).
pub async fn hold_dates(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
    booking_id: BookingId,
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

/// Books listing `listing_id` for the acting member; returns the booking (the existing one
/// when the same idempotency key was used before). Visitors must sign in, suspended accounts
/// are refused, a listing the member cannot see is not found, hosts cannot book their own
/// (`NotAllowed(`[`OWN_LISTING`]`)`), unconfirmed accounts cannot book.
pub async fn book(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    actor: &Actor,
    listing_id: ListingId,
    input: &BookingInput<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<Booking> {
    let member = actor.member()?;
    let guest_id = member.id;
    let listing = crate::listings::model::find_visible(conn, listing_id, Some(guest_id))
        .await?
        .ok_or(ServiceError::NotFound)?;
    if listing.host_id == guest_id {
        return Err(ServiceError::not_allowed(OWN_LISTING));
    }
    actor.verified()?;
    crate::throttle::hit(
        conn,
        &format!("book:{guest_id}"),
        crate::throttle::BOOKINGS_PER_GUEST,
    )
    .await?;
    let stay = stay_dates(&listing, input.check_in, input.check_out, now)?;
    let guests = Guests::for_stay(input.guests, listing.max_guests)
        .map_err(|problem| ServiceError::invalid("guests", problem.message))?;
    let key = domain::idempotency_key(input.idempotency_key)
        .map_err(|message| ServiceError::invalid("form", message))?;
    let quote = pricing::quote(&listing.rates(), stay.nights(), &PricingPolicy::default());
    // Both start waiting for the guest's card: an instant booking is charged, a request to
    // book is authorized and becomes `requested` once the hold on the card is in place.
    let (status, hold) = (Status::PendingPayment, now + PAYMENT_HOLD);
    let new = NewBooking {
        listing: &listing,
        guest_id,
        stay,
        guests: guests.get(),
        status,
        hold,
        quote: &quote,
        key: &key,
    };
    db::retry_on_contention(async || {
        conn.transaction::<_, ServiceError, _>(async |conn| {
            insert_booking(conn, base_url, &new).await
        })
        .await
    })
    .await
}

/// A booking about to be made, checked and priced.
struct NewBooking<'a> {
    listing: &'a Listing,
    guest_id: UserId,
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
async fn unpaid_holds(
    conn: &mut AsyncPgConnection,
    guest_id: UserId,
) -> diesel::QueryResult<Holds> {
    diesel::sql_query(
        "SELECT count(*) AS holds, coalesce(sum(nights), 0)::bigint AS nights FROM bookings \
         WHERE guest_id = $1 AND status IN ('pending_payment', 'requested', 'accepted')",
    )
    .bind::<diesel::sql_types::BigInt, _>(guest_id.get())
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
) -> ServiceResult<Booking> {
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
        return Err(ServiceError::Conflict(format!(
            "You already have {} bookings waiting for payment or for a host's answer. Pay for \
             one, or cancel one you no longer want, before you book another stay.",
            holds.holds
        )));
    }
    if holds.nights + i64::from(stay.nights()) > MAX_UNPAID_NIGHTS {
        return Err(ServiceError::Conflict(format!(
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
            bookings::status.eq(status),
            bookings::hold_expires_at.eq(Some(hold)),
            bookings::currency.eq(&quote.currency),
            PriceLines::from(quote),
            bookings::cancellation_policy.eq(&listing.cancellation_policy),
            bookings::idempotency_key.eq(key),
            bookings::request_to_book.eq(!listing.instant_book),
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
    hold_dates(conn, listing.id, booking.id, stay)
        .await
        .map_err(taken)?;
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
