//! The guest's side: `/trips` (upcoming, past and cancelled tabs) and `/trips/{id}` (receipt,
//! status history, payments, and what can be done next). A guest sees only their own trips:
//! any other id is a 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{
    domain::Status,
    history::{self, BookingEvent},
    model::{self, BookingSummary},
    pending_change::{self, PendingChange},
};
use crate::{
    accounts::SignedIn,
    db,
    errors::{AppError, AppResult},
    payments::{checkout, ledger},
    reviews::service::{self as reviews, Side},
    web::{AppState, forms, page::PageContext},
};

/// The tabs of `/trips`: (value, label, statuses, soonest first).
const TABS: [(&str, &str, &[Status], bool); 3] = [
    (
        "upcoming",
        "Upcoming",
        &[
            Status::PendingPayment,
            Status::Requested,
            Status::Accepted,
            Status::Confirmed,
            Status::CheckedIn,
        ],
        true,
    ),
    ("past", "Past", &[Status::Completed], false),
    (
        "cancelled",
        "Cancelled",
        &[
            Status::CancelledByGuest,
            Status::CancelledByHost,
            Status::Declined,
            Status::Expired,
        ],
        false,
    ),
];

#[derive(Template)]
#[template(path = "bookings/trips.html")]
struct TripsPage {
    page: PageContext,
    tab: &'static str,
    tabs: Vec<(&'static str, &'static str)>,
    trips: Vec<BookingSummary>,
}

#[derive(Template)]
#[template(path = "bookings/trip.html")]
struct TripPage {
    page: PageContext,
    trip: BookingSummary,
    status: Status,
    events: Vec<BookingEvent>,
    payments: Vec<ledger::Payment>,
    /// What is due now, when it can be paid.
    due: Option<String>,
    /// A change of dates waiting for its payment.
    change: Option<PendingChange>,
    can_cancel: bool,
    can_change: bool,
    /// The guest may write their review now (the link would otherwise lead to a refusal).
    can_review: bool,
}

#[derive(Deserialize)]
struct TabQuery {
    #[serde(default)]
    tab: String,
}

async fn list(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<TabQuery>,
) -> AppResult<HttpResponse> {
    let (tab, _, statuses, soonest_first) = TABS
        .iter()
        .find(|(value, ..)| *value == query.tab)
        .copied()
        .unwrap_or(TABS[0]);
    let mut conn = db::connection(&state.pool).await?;
    let trips = model::trips(&mut conn, user.id, statuses, soonest_first).await?;
    let html = TripsPage {
        page,
        tab,
        tabs: TABS
            .iter()
            .map(|(value, label, ..)| (*value, *label))
            .collect(),
        trips,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = db::connection(&state.pool).await?;
    let trip = model::find_trip(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = history::events(&mut conn, id).await?;
    let payments = ledger::for_booking(&mut conn, id).await?;
    let status = trip.booking.status();
    let change = pending_change::find_pending(&mut conn, id).await?;
    let totals = ledger::Totals::of(&payments);
    let due = checkout::payable(&trip.booking, change.as_ref(), &totals, Utc::now())
        .ok()
        .map(|due| trip.booking.money(due));
    let can_review = review_open(&mut conn, id, user.id, Side::Guest, status).await?;
    let html = TripPage {
        page,
        status,
        events,
        payments,
        due,
        change,
        can_cancel: super::transitions::Change::CancelByGuest
            .allowed_from()
            .contains(&status),
        can_change: status == Status::Confirmed,
        can_review,
        trip,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

/// Whether the review of a stay that is over can be written now by `user_id` (only asked of
/// the database for such stays). Shared with the host's reservation page.
pub(super) async fn review_open(
    conn: &mut diesel_async::AsyncPgConnection,
    booking_id: i64,
    user_id: i64,
    side: Side,
    status: Status,
) -> AppResult<bool> {
    if !matches!(status, Status::CheckedIn | Status::Completed) {
        return Ok(false);
    }
    let open = reviews::open_review(conn, booking_id, user_id, side, Utc::now()).await?;
    Ok(matches!(open, Some(Ok(_))))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips", web::get().to(list))
        .route("/trips/{id}", web::get().to(show));
}
