//! The host's side: `/host/reservations` (filtered by status and listing) and
//! `/host/reservations/{id}` with its actions (accept, decline, check in, check out, cancel
//! with a full refund). A host acts only on reservations of their own listings: any other id
//! is a 404.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{
    domain::Status,
    history::{self, BookingEvent},
    model::{self, BookingSummary},
    transitions::{self, Change},
};
use crate::{
    accounts::SignedIn,
    db,
    errors::{AppError, AppResult},
    payments::ledger,
    reviews::service::Side,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms,
        page::PageContext,
    },
};

/// The host's buttons: (path segment, label, change, css modifier).
const ACTIONS: [(&str, &str, Change, &str); 5] = [
    ("accept", "Accept", Change::Accept, "primary"),
    ("decline", "Decline", Change::Decline, "secondary"),
    ("check-in", "Mark as checked in", Change::CheckIn, "primary"),
    (
        "check-out",
        "Mark as checked out",
        Change::Complete,
        "primary",
    ),
    (
        "cancel",
        "Cancel and refund in full",
        Change::CancelByHost,
        "danger",
    ),
];

#[derive(Template)]
#[template(path = "bookings/reservations.html")]
struct ReservationsPage {
    page: PageContext,
    reservations: Vec<BookingSummary>,
    statuses: Vec<(&'static str, &'static str)>,
    listings: Vec<(i64, String)>,
    status: String,
    listing: Option<i64>,
}

impl ReservationsPage {
    fn is_selected(&self, id: &i64) -> bool {
        self.listing == Some(*id)
    }
}

#[derive(Template)]
#[template(path = "bookings/reservation.html")]
struct ReservationPage {
    page: PageContext,
    trip: BookingSummary,
    status: Status,
    events: Vec<BookingEvent>,
    payments: Vec<ledger::Payment>,
    /// (path segment, label, css modifier) of what can be done now.
    actions: Vec<(&'static str, &'static str, &'static str)>,
    /// For a booking not yet paid: how many bookings this guest let lapse or cancelled in the
    /// last 30 days (see `model::recently_dropped`).
    guest_dropped: Option<i64>,
    /// The host may write their review of the guest now.
    can_review: bool,
}

#[derive(Deserialize)]
struct Filters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    listing: String,
}

async fn list(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<Filters>,
) -> AppResult<HttpResponse> {
    let status = Status::parse(&query.status);
    let listing = query.listing.trim().parse::<i64>().ok();
    let mut conn = db::connection(&state.pool).await?;
    let reservations = model::reservations(&mut conn, user.id, status, listing).await?;
    let listings = model::host_listings(&mut conn, user.id).await?;
    let html = ReservationsPage {
        page,
        reservations,
        statuses: Status::ALL
            .iter()
            .map(|status| (status.as_str(), status.label()))
            .collect(),
        listings,
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        listing,
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
    let trip = model::find_reservation(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = history::events(&mut conn, id).await?;
    let payments = ledger::for_booking(&mut conn, id).await?;
    let status = trip.booking.status();
    let actions = ACTIONS
        .iter()
        .filter(|(_, _, change, _)| change.allowed_from().contains(&status))
        .map(|(segment, label, _, css)| (*segment, *label, *css))
        .collect();
    let guest_dropped = if status.awaits_payment() || status == Status::Requested {
        Some(model::recently_dropped(&mut conn, trip.booking.guest_id).await?)
    } else {
        None
    };
    let can_review = super::trips::review_open(&mut conn, id, user.id, Side::Host, status).await?;
    let html = ReservationPage {
        page,
        trip,
        status,
        events,
        payments,
        actions,
        guest_dropped,
        can_review,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn act(
    SignedIn(user): SignedIn,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let (_, label, change, _) = ACTIONS
        .iter()
        .find(|(segment, ..)| *segment == action)
        .copied()
        .ok_or(AppError::NotFound)?;
    let mut conn = db::connection(&state.pool).await?;
    let outcome = transitions::apply_as_host(
        &mut conn,
        &state.config.base_url,
        user.id,
        id,
        change,
        Utc::now(),
    )
    .await?;
    match outcome {
        Ok(applied) => {
            let message = match applied.booking.status() {
                Status::CancelledByHost if applied.refunded > 0 => format!(
                    "The reservation was cancelled; {} will be refunded to the guest.",
                    applied.booking.money(applied.refunded)
                ),
                status => format!("Done: the reservation is now “{}”.", status.label()),
            };
            flash::push(&session, FlashKind::Success, message);
        }
        Err(refusal) => {
            tracing::info!(
                booking = id,
                action = label,
                ?refusal,
                "host action refused"
            );
            flash::push(&session, FlashKind::Error, refusal.message());
        }
    }
    Ok(forms::see_other(&format!("/host/reservations/{id}")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/reservations", web::get().to(list))
        .route("/host/reservations/{id}", web::get().to(show))
        .route("/host/reservations/{id}/{action}", web::post().to(act));
}
