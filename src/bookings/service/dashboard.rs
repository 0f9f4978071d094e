//! The host dashboard's "what now": the requests to answer before their deadline, the guests
//! arriving and leaving from today to a week ahead (at each listing's clock, and those the
//! host has not marked yet), the stays that wait for the guest's money, the reviews without a
//! reply and this month's earnings. One statement per section, whatever the number of
//! listings or bookings.

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;

use crate::{
    bookings::{
        domain::Status,
        model::{
            self, BookingSummary, ReservationFilter, ReservationOrder,
            dashboard::AwaitingMoney,
            earnings::{self, MonthlyEarnings},
        },
    },
    reviews::service::{self as reviews, ReviewToAnswer},
    service::{Actor, ServiceResult},
};

/// How many days past today the arrivals and departures look.
pub const DAYS_AHEAD: u64 = 7;
/// Most requests listed (the soonest deadlines first); the reservations page has them all.
pub const MAX_REQUESTS: i64 = 20;

/// A guest arriving or leaving.
#[derive(Clone, Debug)]
pub struct Movement {
    pub stay: BookingSummary,
    /// The check-in day of an arrival, the check-out day of a departure.
    pub day: NaiveDate,
    /// Today at the listing.
    pub today: NaiveDate,
}

impl Movement {
    /// "Today", "Tomorrow", "Dec 5", or "Dec 1 (not marked yet)" for a day gone by whose guest
    /// the host has not checked in (or out) yet.
    pub fn when(&self) -> String {
        if self.day < self.today {
            format!("{} (not marked yet)", crate::dates::day(self.day))
        } else if self.day == self.today {
            "Today".into()
        } else if self.today.checked_add_days(Days::new(1)) == Some(self.day) {
            "Tomorrow".into()
        } else {
            crate::dates::day(self.day)
        }
    }

    /// Whether the day is today or gone by: the host acts now.
    pub fn is_due(&self) -> bool {
        self.day <= self.today
    }
}

/// What the acting host has to do, section by section.
pub struct HostDashboard {
    /// Requests to book, the deadline that comes first first.
    pub requests: Vec<BookingSummary>,
    /// Confirmed stays starting by a week from today, soonest first.
    pub arrivals: Vec<Movement>,
    /// Stays under way ending by a week from today, soonest first.
    pub departures: Vec<Movement>,
    /// Unpaid bookings and changes of dates waiting for the difference.
    pub awaiting_money: Vec<AwaitingMoney>,
    /// Published guest reviews without the host's reply, newest first.
    pub reviews: Vec<ReviewToAnswer>,
    /// This month's earnings (by check-in), one row per currency.
    pub this_month: Vec<MonthlyEarnings>,
    /// "December 2026".
    pub month_name: String,
}

/// The acting member's dashboard at `now` (every section empty for a member without
/// listings): five statements.
pub async fn dashboard(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> ServiceResult<HostDashboard> {
    let host = actor.member()?.id;
    let requests = model::reservations(
        conn,
        host.get(),
        &ReservationFilter {
            statuses: &[Status::Requested],
            order: ReservationOrder::SoonestDeadline,
            ..ReservationFilter::default()
        },
        0,
        Some(MAX_REQUESTS),
    )
    .await?;
    // Each listing's today is at most a day from UTC's: the query takes a day more, and the
    // listing's own clock decides below.
    let utc_today = now.date_naive();
    let horizon = utc_today.checked_add_days(Days::new(DAYS_AHEAD + 2));
    let stays = model::reservations(
        conn,
        host.get(),
        &ReservationFilter {
            statuses: &[Status::Confirmed, Status::CheckedIn],
            to: horizon,
            order: ReservationOrder::SoonestCheckIn,
            ..ReservationFilter::default()
        },
        0,
        None,
    )
    .await?;
    let (arrivals, departures) = movements(stays, now);
    let awaiting_money = model::dashboard::awaiting_money(conn, host.get()).await?;
    let reviews = reviews::awaiting_reply(conn, actor).await?;
    let this_month = earnings::of_month(conn, host.get(), utc_today).await?;
    Ok(HostDashboard {
        requests,
        arrivals,
        departures,
        awaiting_money,
        reviews,
        this_month,
        month_name: utc_today.format("%B %Y").to_string(),
    })
}

/// The arrivals (confirmed stays starting by a week from the listing's today, or earlier and
/// not checked in) and departures (stays under way ending by then), each soonest first.
fn movements(stays: Vec<BookingSummary>, now: DateTime<Utc>) -> (Vec<Movement>, Vec<Movement>) {
    let mut arrivals = Vec::new();
    let mut departures = Vec::new();
    for stay in stays {
        let today = crate::dates::today_in(now, &stay.listing_timezone);
        let Some(horizon) = today.checked_add_days(Days::new(DAYS_AHEAD)) else {
            continue;
        };
        let (day, list) = match stay.booking.status() {
            Status::Confirmed => (stay.booking.check_in, &mut arrivals),
            Status::CheckedIn => (stay.booking.check_out, &mut departures),
            _ => continue,
        };
        if day <= horizon {
            list.push(Movement { stay, day, today });
        }
    }
    departures.sort_by_key(|movement: &Movement| (movement.day, movement.stay.booking.id.get()));
    (arrivals, departures)
}
