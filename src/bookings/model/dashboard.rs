//! The host dashboard's one query that the reservation list cannot answer: the stays that wait
//! for money, either an unpaid booking (instant or accepted, its dates held until the guest
//! pays) or a paid stay whose guest moved it to dates that cost more and owes the difference.

use diesel::{
    BoolExpressionMethods, ExpressionMethods, JoinOnDsl, NullableExpressionMethods, QueryDsl,
    SelectableHelper,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Booking, BookingSummary, LIST_LIMIT};
use crate::{
    bookings::{domain::Status, pending_change::PendingChange},
    schema::{booking_changes, bookings, listings, users},
};

/// A stay of the host that waits for the guest's money, with its change of dates when that is
/// what waits.
#[derive(Clone, Debug)]
pub struct AwaitingMoney {
    pub stay: BookingSummary,
    pub change: Option<PendingChange>,
}

/// The host's stays awaiting a payment (unpaid bookings, changes of dates waiting for the
/// difference), the hold that ends first first: one statement.
pub async fn awaiting_money(
    conn: &mut AsyncPgConnection,
    host_id: i64,
) -> diesel::QueryResult<Vec<AwaitingMoney>> {
    let unpaid = [Status::PendingPayment.as_str(), Status::Accepted.as_str()];
    let pending = crate::bookings::pending_change::ChangeStatus::Pending.as_str();
    let rows: Vec<(
        Booking,
        String,
        String,
        String,
        String,
        Option<PendingChange>,
    )> = bookings::table
        .inner_join(listings::table)
        .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
        .left_join(
            booking_changes::table.on(booking_changes::booking_id
                .eq(bookings::id)
                .and(booking_changes::status.eq(pending))),
        )
        .filter(listings::host_id.eq(host_id))
        .filter(
            bookings::status
                .eq_any(unpaid)
                .or(booking_changes::id.nullable().is_not_null()),
        )
        .select((
            Booking::as_select(),
            listings::title,
            listings::city,
            listings::timezone,
            users::name,
            Option::<PendingChange>::as_select(),
        ))
        .order((
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>>(
                "coalesce(booking_changes.hold_expires_at, bookings.hold_expires_at)",
            )
            .asc(),
            bookings::id.asc(),
        ))
        .limit(LIST_LIMIT)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(booking, title, city, timezone, guest, change)| AwaitingMoney {
                stay: (booking, title, city, timezone, guest).into(),
                change,
            },
        )
        .collect())
}
