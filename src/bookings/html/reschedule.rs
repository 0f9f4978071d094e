//! `/trips/{id}/change`: new dates for a confirmed stay. The new dates must be free (the
//! calendar's exclusion constraint decides); the stay is repriced: a surplus is refunded at
//! once, a difference to pay is paid on the trip's pay page before the stay moves.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    bookings::{
        model::BookingSummary,
        service::{self, DatesChanged, ONLY_CONFIRMED, TAKEN},
    },
    db,
    errors::AppResult,
    service::{Actor, BookingId, ServiceError},
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
    actor: &Actor,
    id: BookingId,
    status: StatusCode,
    form: Option<DatesForm>,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let trip = service::own_trip(&mut conn, actor, id).await?;
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
    let id = BookingId::new(path.into_inner());
    let actor = user.actor();
    let mut conn = db::connection(&state.pool).await?;
    let (trip, changeable) = service::change_form(&mut conn, &actor, id).await?;
    drop(conn);
    if !changeable {
        flash::push(&session, FlashKind::Info, ONLY_CONFIRMED);
        return Ok(forms::see_other(&format!("/trips/{id}")));
    }
    let form = DatesForm {
        check_in: trip.booking.check_in.to_string(),
        check_out: trip.booking.check_out.to_string(),
    };
    let html = ChangePage {
        page,
        trip,
        form,
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<DatesForm>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    let actor = user.actor();
    let form = form.into_inner();
    let mut conn = db::connection(&state.pool).await?;
    let changed = service::change_dates(
        &mut conn,
        &state.config.base_url,
        &actor,
        id,
        &form.check_in,
        &form.check_out,
        Utc::now(),
    )
    .await;
    drop(conn);
    let (status, errors) = match changed {
        Ok(DatesChanged::Moved {
            booking, refunded, ..
        }) => {
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
        Err(ServiceError::Conflict(message)) if message == TAKEN => (
            StatusCode::CONFLICT,
            FormErrors::one(
                "form",
                "Those dates were just taken. Please choose other dates.",
            ),
        ),
        Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(error) => return Err(error.into()),
    };
    render(page, &state, &actor, id, status, Some(form), errors).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/change", web::get().to(show))
        .route("/trips/{id}/change", web::post().to(submit));
}
