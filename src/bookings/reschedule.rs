//! `/trips/{id}/change`: new dates for a confirmed stay. The new dates must be free (the
//! calendar's exclusion constraint decides); the stay is repriced: a surplus is refunded at
//! once, a difference to pay is paid on the trip's pay page before the stay moves.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{
    changes::{self, DatesChanged},
    domain::Status,
    model::{self, BookingSummary},
    service::BookError,
};
use crate::{
    accounts::SignedIn,
    db,
    errors::{AppError, AppResult},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "bookings/change.html")]
struct ChangePage {
    page: PageContext,
    trip: BookingSummary,
    form: DatesForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct DatesForm {
    #[serde(default)]
    check_in: String,
    #[serde(default)]
    check_out: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    guest_id: i64,
    id: i64,
    status: StatusCode,
    form: Option<DatesForm>,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let trip = model::find_trip(&mut conn, id, guest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form.unwrap_or_else(|| DatesForm {
        check_in: trip.booking.check_in.to_string(),
        check_out: trip.booking.check_out.to_string(),
    });
    let html = ChangePage {
        page,
        trip,
        form,
        errors,
    }
    .render()?;
    Ok(forms::html(status, html))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = db::connection(&state.pool).await?;
    let trip = model::find_trip(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if trip.booking.status() != Status::Confirmed {
        flash::push(
            &session,
            FlashKind::Info,
            "Only confirmed stays can move to other dates.",
        );
        return Ok(forms::see_other(&format!("/trips/{id}")));
    }
    render(
        page,
        &state,
        user.id,
        id,
        StatusCode::OK,
        None,
        FormErrors::new(),
    )
    .await
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<DatesForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let mut conn = db::connection(&state.pool).await?;
    let changed = changes::change_dates(
        &mut conn,
        &state.config.base_url,
        user.id,
        id,
        &form.check_in,
        &form.check_out,
        Utc::now(),
    )
    .await;
    drop(conn);
    let mut errors = FormErrors::new();
    let status = match changed {
        Ok(DatesChanged::Moved { booking, refunded }) => {
            let message = if refunded > 0 {
                format!(
                    "Your stay now runs {}; {} will be refunded.",
                    booking.dates(),
                    booking.money(refunded)
                )
            } else {
                format!("Your stay now runs {}.", booking.dates())
            };
            flash::push(&session, FlashKind::Success, message);
            return Ok(forms::see_other(&format!("/trips/{id}")));
        }
        Ok(DatesChanged::AwaitingPayment {
            booking,
            change,
            due,
        }) => {
            let message = format!(
                "The new dates cost {} more. Pay it by {} to move your stay to {}; \
                 until then your stay keeps its dates.",
                booking.money(due),
                change.deadline(),
                change.dates()
            );
            flash::push(&session, FlashKind::Info, message);
            return Ok(forms::see_other(&format!("/trips/{id}/pay")));
        }
        Err(BookError::App(error)) => return Err(error),
        Err(BookError::Taken) => {
            errors.add(
                "form",
                "Those dates were just taken. Please choose other dates.",
            );
            StatusCode::CONFLICT
        }
        Err(BookError::Invalid { field, message }) => {
            errors.add(field, message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(BookError::Unverified | BookError::OwnListing | BookError::TooManyHolds(_)) => {
            return Err(AppError::NotFound);
        }
    };
    render(page, &state, user.id, id, status, Some(form), errors).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/change", web::get().to(show))
        .route("/trips/{id}/change", web::post().to(submit));
}
