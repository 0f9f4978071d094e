//! A booking's admin page and the platform's cancellation of it.

use chrono::Utc;
use diesel::{ExpressionMethods, JoinOnDsl, QueryDsl, SelectableHelper};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::{
    admin::{
        audit::{self, Action, AuditRow, Entry, ObjectType, Reason},
        sudo::Sudo,
    },
    bookings::{
        history::{self, BookingEvent},
        ledger::{self, Payment, Totals},
        model::Booking,
        transitions::{self, Applied, Change},
    },
    schema::{bookings, listings, users},
    service::{Admin, BookingId, ServiceError, ServiceResult, UserId},
};

/// Admin actions shown on the page, at most.
const HISTORY: i64 = 50;

/// One booking with everything around it.
#[derive(Clone, Debug)]
pub struct BookingDetail {
    pub booking: Booking,
    pub listing_title: String,
    pub host_id: UserId,
    pub guest_name: String,
    pub guest_email: String,
    pub events: Vec<BookingEvent>,
    pub payments: Vec<Payment>,
    pub totals: Totals,
    pub history: Vec<AuditRow>,
}

impl BookingDetail {
    /// Whether the platform may cancel it now (the host cancellation's states).
    pub fn can_cancel(&self) -> bool {
        Change::CancelByPlatform
            .allowed_from()
            .contains(&self.booking.status())
    }

    /// What a cancellation now would give back: everything paid and not yet refunded.
    pub fn refundable(&self) -> String {
        self.booking.money(self.totals.net_paid().max(0))
    }

    /// Who made a state change, as the console says it.
    pub fn who(&self, event: &BookingEvent) -> String {
        match event.actor_id {
            None => "Roost".into(),
            Some(id) if id == self.booking.guest_id.get() => format!("Guest #{id}"),
            Some(id) if id == self.host_id.get() => format!("Host #{id}"),
            Some(id) => format!("User #{id}"),
        }
    }
}

/// A booking's admin page: six statements, however long its history.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    admin: &Admin,
    id: BookingId,
) -> ServiceResult<BookingDetail> {
    let (booking, listing_title, host_id, guest_name, guest_email): (
        Booking,
        String,
        UserId,
        String,
        String,
    ) = bookings::table
        .inner_join(listings::table)
        .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
        .filter(bookings::id.eq(id))
        .select((
            Booking::as_select(),
            listings::title,
            listings::host_id,
            users::name,
            users::email,
        ))
        .first(conn)
        .await
        .map_err(ServiceError::from)?;
    let events = history::events(conn, id).await?;
    let payments = ledger::for_booking(conn, id).await?;
    let totals = ledger::totals(conn, id).await?;
    let history = audit::for_object(conn, admin, ObjectType::Booking, id.get(), HISTORY).await?;
    Ok(BookingDetail {
        booking,
        listing_title,
        host_id,
        guest_name,
        guest_email,
        events,
        payments,
        totals,
        history,
    })
}

/// Cancels booking `id` as the platform: the state machine's `CancelByPlatform`, which is
/// the host cancellation's (the same states, `cancelled_by_host`, the dates released,
/// everything paid refunded through the ledger) with emails saying that Roost cancelled,
/// recorded in the state history as Roost's and in the audit log as the admin's, in one
/// transaction. A booking past the states a host may cancel from is a `Conflict`.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    sudo: &Sudo,
    id: BookingId,
    reason: &Reason,
) -> ServiceResult<Applied> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let applied = transitions::apply(
            conn,
            base_url,
            id,
            Change::CancelByPlatform,
            None,
            Utc::now(),
        )
        .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::CancelBooking,
                object_type: ObjectType::Booking,
                object_id: id.get(),
                reason: reason.as_str(),
                before: json!({ "status": applied.from }),
                after: json!({
                    "status": applied.booking.status(),
                    "refunded": applied.refunded,
                    "currency": applied.booking.currency,
                }),
            },
        )
        .await?;
        Ok(applied)
    })
    .await
}
