//! `POST /listings/{id}/book`: the booking widget of the listing page posts here. Success is a
//! 303 to the trip; a refusal is a page (or, for htmx, a fragment) saying why, with the status
//! that fits: 409 when the dates were just taken, 422 for bad input, 403 when this user may
//! not book it.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::Utc;
use serde::Deserialize;

use crate::{
    bookings::service::{self, BookingInput, OWN_LISTING, TAKEN},
    db,
    errors::{AppError, AppResult},
    service::{Actor, ListingId, ServiceError, actor::UNVERIFIED},
    stays::quote::StayQuery,
    web::{
        AppState, forms, is_htmx,
        page::PageContext,
        refused::{self, Refusal},
    },
};

#[derive(Deserialize, Default)]
pub struct BookingForm {
    #[serde(default)]
    check_in: String,
    #[serde(default)]
    check_out: String,
    #[serde(default)]
    guests: String,
    #[serde(default)]
    idempotency_key: String,
}

/// Sends the browser to `location` (htmx follows `HX-Redirect` with a full page load).
fn redirect(req: &HttpRequest, location: &str) -> HttpResponse {
    if is_htmx(req) {
        HttpResponse::Ok()
            .insert_header(("HX-Redirect", location))
            .finish()
    } else {
        forms::see_other(location)
    }
}

async fn book(
    req: HttpRequest,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<BookingForm>,
) -> AppResult<HttpResponse> {
    let listing_id = path.into_inner();
    // Back to the listing with what was typed, so nothing has to be typed again.
    let typed = serde_urlencoded::to_string([
        ("check_in", form.check_in.as_str()),
        ("check_out", form.check_out.as_str()),
        ("guests", form.guests.as_str()),
    ])
    .unwrap_or_default();
    let back = format!("/listings/{listing_id}?{typed}");
    let actor = page
        .user
        .as_ref()
        .map_or(Actor::Visitor, |user| user.actor());
    let input = BookingInput {
        check_in: &form.check_in,
        check_out: &form.check_out,
        guests: &form.guests,
        idempotency_key: &form.idempotency_key,
    };
    let mut conn = db::connection(&state.pool).await?;
    let booked = service::book(
        &mut conn,
        &state.config.base_url,
        &actor,
        ListingId::new(listing_id),
        &input,
        Utc::now(),
    )
    .await;
    drop(conn);
    let (status, title, message, action) = match booked {
        Ok(booking) => return Ok(redirect(&req, &format!("/trips/{}", booking.id))),
        Err(ServiceError::SignInRequired) => {
            let login = format!("/login?next={}", crate::errors::url_encode(&back));
            return Ok(redirect(&req, &login));
        }
        Err(ServiceError::Conflict(message)) if message == TAKEN => (
            StatusCode::CONFLICT,
            "Those dates were just taken",
            "Someone booked some of these dates a moment ago. Please choose other dates."
                .to_string(),
            None,
        ),
        Err(ServiceError::Invalid(fields)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Please check your booking",
            fields
                .iter()
                .map(|(_, message)| message)
                .next()
                .unwrap_or_default()
                .to_string(),
            None,
        ),
        Err(ServiceError::Conflict(message)) => (
            StatusCode::CONFLICT,
            "You have bookings waiting already",
            message,
            Some(("/trips", "See your trips")),
        ),
        Err(ServiceError::NotAllowed(message)) if message == UNVERIFIED => (
            StatusCode::FORBIDDEN,
            "Please confirm your email address",
            "Only confirmed accounts can book. Open the link we emailed you, \
             or send a new one from your account page."
                .to_string(),
            Some(("/account", "Go to your account")),
        ),
        Err(ServiceError::NotAllowed(message)) if message == OWN_LISTING => (
            StatusCode::FORBIDDEN,
            "This is your own listing",
            message,
            None,
        ),
        Err(error) => return Err(error.into()),
    };
    refused::respond(
        page,
        &Refusal {
            status,
            title,
            message: &message,
            back: (&back, "Back to the listing"),
            action,
        },
    )
}

/// `GET /listings/{id}/book`: where the booking widget of a visitor who is not logged in
/// goes. Off to the login page, then back to the listing with the stay they chose (a visitor
/// who logged in meanwhile goes straight back to it).
async fn log_in_to_book(
    page: PageContext,
    path: web::Path<i64>,
    stay: web::Query<StayQuery>,
) -> AppResult<HttpResponse> {
    let back = stay.listing_url(path.into_inner());
    if page.user.is_none() {
        return Err(AppError::SignInRequired { next: back });
    }
    Ok(forms::see_other(&back))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}/book", web::post().to(book))
        .route("/listings/{id}/book", web::get().to(log_in_to_book));
}
