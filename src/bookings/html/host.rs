//! The host's side: `/host/reservations` (in tabs, each also one listing's) and
//! `/host/reservations/{id}` with its actions (accept, decline, check in, check out, cancel
//! with a full refund). A host acts only on reservations of their own listings: any other id
//! is a 404.

use actix_session::Session;
use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
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
        service::{self, HostAction, Reservation, ReservationTab},
    },
    db,
    errors::{AppError, AppResult},
    service::{BookingId, ListingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms as web_forms, is_htmx,
        page::PageContext,
    },
};

/// One tab of the reservations, as the page and its htmx fragment show it.
struct ReservationsView {
    reservations: Vec<BookingSummary>,
    /// Every tab: (slug, label).
    tabs: Vec<(&'static str, &'static str)>,
    tab: ReservationTab,
    listings: Vec<(i64, String)>,
    listing: Option<i64>,
}

impl ReservationsView {
    fn is_selected(&self, id: &i64) -> bool {
        self.listing == Some(*id)
    }

    /// The address of tab `slug`, keeping the listing chosen.
    fn tab_url(&self, slug: &str) -> String {
        match self.listing {
            Some(listing) => format!("/host/reservations?tab={slug}&listing={listing}"),
            None => format!("/host/reservations?tab={slug}"),
        }
    }
}

#[derive(Template)]
#[template(path = "bookings/reservations.html")]
struct ReservationsPage {
    page: PageContext,
    view: ReservationsView,
}

/// The tabs and the list alone, for an htmx request (`#reservations` swapped).
#[derive(Template)]
#[template(path = "bookings/reservations_list.html")]
struct ReservationsFragment {
    view: ReservationsView,
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
    tab: String,
    #[serde(default)]
    listing: String,
}

async fn list(
    req: HttpRequest,
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<Filters>,
) -> AppResult<HttpResponse> {
    let tab = ReservationTab::from_slug(&query.tab);
    let listing = forms::listing_filter(&query.listing);
    let mut conn = db::connection(&state.pool).await?;
    let found = service::reservations(&mut conn, &user.actor(), tab, listing).await?;
    drop(conn);
    let view = ReservationsView {
        reservations: found.reservations,
        tabs: ReservationTab::ALL
            .into_iter()
            .map(|tab| (tab.slug(), tab.label()))
            .collect(),
        tab,
        listings: found.listings,
        listing: listing.map(ListingId::get),
    };
    let html = if is_htmx(&req) {
        ReservationsFragment { view }.render()?
    } else {
        ReservationsPage { page, view }.render()?
    };
    let mut response = web_forms::html(StatusCode::OK, html);
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("HX-Request"));
    Ok(response)
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
