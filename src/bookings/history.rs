//! The state history of a booking: every change of status, who made it (`None`: Roost itself,
//! a job or a payment event) and when, plus notes such as the refund it caused.

use crate::service::{BookingId, UserId};
use std::borrow::Borrow;

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::domain::Status;
use crate::schema::booking_events;

/// One state change.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = booking_events, check_for_backend(diesel::pg::Pg))]
pub struct BookingEvent {
    pub id: i64,
    pub booking_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: Option<i64>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl BookingEvent {
    pub fn label(&self) -> &'static str {
        Status::parse(&self.to_status).map_or("Updated", Status::label)
    }

    /// When, in UTC (the admin pages).
    pub fn when(&self) -> String {
        self.when_in("UTC")
    }

    /// When, as the clock read at the listing (its IANA `timezone`), named.
    pub fn when_in(&self, timezone: &str) -> String {
        crate::dates::moment_in(self.created_at, timezone)
    }

    /// Who acted, as the guest or host sees it.
    pub fn who(&self, guest_id: impl Borrow<UserId>) -> &'static str {
        match self.actor_id {
            None => "Roost",
            Some(id) if id == guest_id.borrow().get() => "Guest",
            Some(_) => "Host",
        }
    }
}

/// The state history of a booking, oldest first.
pub async fn events(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
) -> diesel::QueryResult<Vec<BookingEvent>> {
    booking_events::table
        .filter(booking_events::booking_id.eq(booking_id))
        .order(booking_events::id.asc())
        .select(BookingEvent::as_select())
        .load(conn)
        .await
}

/// The state histories of several bookings in one statement, each oldest first.
pub async fn events_of(
    conn: &mut AsyncPgConnection,
    booking_ids: &[BookingId],
) -> diesel::QueryResult<Vec<BookingEvent>> {
    booking_events::table
        .filter(booking_events::booking_id.eq_any(booking_ids.iter().map(|id| id.get())))
        .order((booking_events::booking_id, booking_events::id.asc()))
        .select(BookingEvent::as_select())
        .load(conn)
        .await
}

/// Records a state change; returns its id.
pub async fn record_event(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    from: Option<Status>,
    to: Status,
    actor: Option<UserId>,
    note: &str,
) -> diesel::QueryResult<i64> {
    diesel::insert_into(booking_events::table)
        .values((
            booking_events::booking_id.eq(booking_id),
            booking_events::from_status.eq(from.map(Status::as_str)),
            booking_events::to_status.eq(to.as_str()),
            booking_events::actor_id.eq(actor),
            booking_events::note.eq(note),
        ))
        .returning(booking_events::id)
        .get_result(conn)
        .await
}
