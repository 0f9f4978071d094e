//! The guest's side: `/trips` (upcoming, past and cancelled tabs) and `/trips/{id}` (receipt,
//! status history, payments, and what can be done next). A guest sees only their own trips:
//! any other id is a 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    bookings::ledger,
    bookings::{
        arrival::Arrival,
        domain::Status,
        history::BookingEvent,
        model::BookingSummary,
        pending_change::PendingChange,
        service::{self, Trip},
    },
    db,
    errors::AppResult,
    service::BookingId,
    web::{AppState, forms, page::PageContext},
};

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
    /// Where and how to arrive, once the stay is confirmed.
    arrival: Option<Arrival>,
    /// "Dec 5, 15:00 Amsterdam time", while a full refund is still possible.
    free_cancellation_until: Option<String>,
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
    let mut conn = db::connection(&state.pool).await?;
    let trips = service::trips(&mut conn, &user.actor(), &query.tab).await?;
    let html = TripsPage {
        page,
        tab: trips.tab,
        tabs: trips.tabs,
        trips: trips.trips,
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
    let id = BookingId::new(path.into_inner());
    let mut conn = db::connection(&state.pool).await?;
    let Trip {
        trip,
        status,
        events,
        payments,
        due,
        change,
        can_cancel,
        can_change,
        can_review,
        arrival,
        free_cancellation_until,
    } = service::trip(&mut conn, &user.actor(), id, Utc::now()).await?;
    let html = TripPage {
        page,
        due: due.map(|due| trip.booking.money(due)),
        status,
        events,
        payments,
        change,
        can_cancel,
        can_change,
        can_review,
        arrival,
        free_cancellation_until: free_cancellation_until
            .map(|until| crate::dates::moment_in(until, &trip.listing_timezone)),
        trip,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips", web::get().to(list))
        .route("/trips/{id}", web::get().to(show));
}
