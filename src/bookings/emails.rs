//! The booking emails: one HTML and one plain-text template, a message per transition and
//! party, queued in the transaction of the change that causes it.

use askama::Template;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

mod texts;

use self::texts::{To, messages};
use super::{arrival::Arrival, domain::Status, model::Booking};
use crate::{
    email,
    listings::model::Listing,
    schema::users,
    service::{ServiceError, UserId},
};

#[derive(Template)]
#[template(path = "emails/booking_update.txt")]
struct UpdateText<'a> {
    name: &'a str,
    message: &'a str,
    listing_title: &'a str,
    dates: &'a str,
    arrival: &'a [(String, String)],
    lines: &'a [(String, String)],
    link: &'a str,
}

#[derive(Template)]
#[template(path = "emails/booking_update.html")]
struct UpdateHtml<'a> {
    name: &'a str,
    headline: &'a str,
    message: &'a str,
    listing_title: &'a str,
    dates: &'a str,
    arrival: &'a [(String, String)],
    lines: &'a [(String, String)],
    link: &'a str,
    action: &'a str,
}

/// A person an email goes to.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// Everything a booking email needs to know.
pub struct Context<'a> {
    pub booking: &'a Booking,
    pub listing: &'a Listing,
    pub guest: &'a Person,
    pub host: &'a Person,
    pub base_url: &'a str,
}

/// Loads the guest and the host of a booking (one query).
pub async fn parties(
    conn: &mut AsyncPgConnection,
    guest_id: UserId,
    host_id: UserId,
) -> Result<(Person, Person), ServiceError> {
    let rows: Vec<(i64, String, String)> = users::table
        .filter(users::id.eq_any(vec![guest_id.get(), host_id.get()]))
        .select((users::id, users::name, users::email))
        .load(conn)
        .await?;
    let person = |id: UserId| {
        rows.iter()
            .find(|(row_id, _, _)| *row_id == id.get())
            .map(|(id, name, email)| Person {
                id: *id,
                name: name.clone(),
                email: email.clone(),
            })
            .ok_or(ServiceError::NotFound)
    };
    Ok((person(guest_id)?, person(host_id)?))
}

/// What happened, for the emails.
#[derive(Clone, Debug)]
pub enum Notice {
    /// A new booking entered `status`.
    Booked,
    /// The booking moved from `from` into `status`; `refund` is what goes back to the guest.
    Entered {
        from: Status,
        status: Status,
        refund: i64,
    },
    /// New dates; `difference` is what the guest owes (positive) or gets back (negative).
    DatesChanged { previous: String, difference: i64 },
    /// The stay starts tomorrow.
    Reminder,
    /// Roost cancelled the booking (`cancelled_by_host`, refunded in full: `refund`).
    CancelledByRoost { refund: i64 },
    /// The host accepted a request, but the card authorized with it was refused when charged:
    /// the guest may pay another way until the hold ends.
    ChargeFailed,
}

/// Queues the emails of `notice` about `booking`, loading its listing and its parties (for
/// callers that have only the booking at hand).
pub async fn notify_booking(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    booking: &Booking,
    notice: &Notice,
) -> Result<(), ServiceError> {
    let listing = crate::listings::model::find(conn, booking.listing_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (guest, host) = parties(conn, booking.guest_id, listing.host_id).await?;
    let ctx = Context {
        booking,
        listing: &listing,
        guest: &guest,
        host: &host,
        base_url,
    };
    notify(conn, &ctx, notice).await
}

/// Queues the emails of `notice` to the people concerned.
pub async fn notify(
    conn: &mut AsyncPgConnection,
    ctx: &Context<'_>,
    notice: &Notice,
) -> Result<(), ServiceError> {
    let b = ctx.booking;
    let dates = format!(
        "{} · {} · {}",
        b.dates(),
        b.nights_label(),
        b.guests_label()
    );
    for message in messages(ctx, notice) {
        let (person, link, action) = match message.to {
            To::Guest => (
                ctx.guest,
                format!("{}/trips/{}", ctx.base_url, b.id),
                "View your trip",
            ),
            To::Host => (
                ctx.host,
                format!("{}/host/reservations/{}", ctx.base_url, b.id),
                "View the reservation",
            ),
        };
        let mut lines = if message.receipt {
            b.receipt()
        } else {
            Vec::new()
        };
        if message.receipt {
            lines.push(("Total".into(), b.total()));
        }
        let arrival = if message.arrival {
            Arrival::of(ctx.listing, &ctx.host.name, &ctx.host.email).lines()
        } else {
            Vec::new()
        };
        let composed = email::compose(
            &person.email,
            &message.subject,
            &UpdateText {
                name: &person.name,
                message: &message.message,
                listing_title: &ctx.listing.title,
                dates: &dates,
                arrival: &arrival,
                lines: &lines,
                link: &link,
            },
            &UpdateHtml {
                name: &person.name,
                headline: &message.subject,
                message: &message.message,
                listing_title: &ctx.listing.title,
                dates: &dates,
                arrival: &arrival,
                lines: &lines,
                link: &link,
                action,
            },
        )
        .map_err(ServiceError::internal)?;
        email::send_later(conn, &composed).await?;
    }
    Ok(())
}
