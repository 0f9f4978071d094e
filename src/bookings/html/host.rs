//! The host's side: `/host/reservations` (filtered by status and listing) and
//! `/host/reservations/{id}` with its actions (accept, decline, check in, check out, cancel
//! with a full refund). A host acts only on reservations of their own listings: any other id
//! is a 404.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    bookings::ledger,
    bookings::{
        domain::Status,
        forms,
        history::BookingEvent,
        model::BookingSummary,
        service::{self, HostAction, Reservation},
    },
    db,
    errors::{AppError, AppResult},
    service::{BookingId, ListingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms as web_forms,
        page::PageContext,
    },
};

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
    let (status, listing) = forms::reservation_filters(&query.status, &query.listing);
    let mut conn = db::connection(&state.pool).await?;
    let found = service::reservations(&mut conn, &user.actor(), status, listing).await?;
    let html = ReservationsPage {
        page,
        reservations: found.reservations,
        statuses: Status::ALL
            .iter()
            .map(|status| (status.as_str(), status.label()))
            .collect(),
        listings: found.listings,
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        listing: listing.map(ListingId::get),
    }
    .render()?;
    Ok(web_forms::html(StatusCode::OK, html))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    let mut conn = db::connection(&state.pool).await?;
    let Reservation {
        trip,
        status,
        events,
        payments,
        actions,
        guest_dropped,
        can_review,
    } = service::reservation(&mut conn, &user.actor(), id, Utc::now()).await?;
    let html = ReservationPage {
        page,
        trip,
        status,
        events,
        payments,
        actions: actions
            .into_iter()
            .map(|action| (action.slug(), action.label(), action.css()))
            .collect(),
        guest_dropped,
        can_review,
    }
    .render()?;
    Ok(web_forms::html(StatusCode::OK, html))
}

async fn act(
    SignedIn(user): SignedIn,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let id = BookingId::new(id);
    let action = HostAction::from_slug(&action).ok_or(AppError::NotFound)?;
    let mut conn = db::connection(&state.pool).await?;
    let outcome = service::act(
        &mut conn,
        &state.config.base_url,
        &user.actor(),
        id,
        action,
        Utc::now(),
    )
    .await;
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
        Err(ServiceError::Conflict(message) | ServiceError::Refused(message)) => {
            tracing::info!(
                booking = %id,
                action = action.label(),
                refusal = %message,
                "host action refused"
            );
            flash::push(&session, FlashKind::Error, message);
        }
        Err(error) => return Err(error.into()),
    }
    Ok(web_forms::see_other(&format!("/host/reservations/{id}")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/reservations", web::get().to(list))
        .route("/host/reservations/{id}", web::get().to(show))
        .route("/host/reservations/{id}/{action}", web::post().to(act));
}
