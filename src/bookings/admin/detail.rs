//! `/admin/bookings/{id}`: the booking's price lines, state history, ledger and admin history,
//! with the platform's cancellation form (sudo mode and a reason). A refused or invalid
//! cancellation comes back as the page with its message and the reason kept.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{admin_of, audit::Reason, html as shell},
    bookings::service::admin::{self as service, BookingDetail},
    errors::AppResult,
    service::{Actor, Admin, BookingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "admin/booking.html")]
struct BookingPage {
    page: PageContext,
    section: &'static str,
    detail: BookingDetail,
    problem: Option<String>,
    errors: FormErrors,
    failed_form: &'static str,
    reason: String,
    reason_max: usize,
}

/// What a refused or invalid action brings back to the page.
#[derive(Default)]
struct Outcome {
    problem: Option<String>,
    errors: FormErrors,
    reason: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    id: BookingId,
    status: StatusCode,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail = service::detail(&mut conn, admin, id).await?;
    let html = BookingPage {
        page,
        section: "bookings",
        detail,
        problem: outcome.problem,
        errors: outcome.errors,
        failed_form: "cancel",
        reason: outcome.reason,
        reason_max: Reason::MAX,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let id = id.into_inner();
    render(page, &state, &admin, id, StatusCode::OK, Outcome::default()).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let id = id.into_inner();
    let here = format!("/admin/bookings/{id}");
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first(&here));
    };
    let kept = |problem: Option<String>, errors: FormErrors| Outcome {
        problem,
        errors,
        reason: form.reason.clone(),
    };
    let reason = match Reason::parse(&form.reason, true) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let outcome = kept(None, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(page, &state, &admin, id, status, outcome).await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::cancel(&mut conn, &state.config.base_url, &sudo, id, &reason).await {
        Ok(applied) => {
            let done = format!(
                "Booking cancelled; {} goes back to the guest.",
                applied.booking.money(applied.refunded)
            );
            flash::push(&session, FlashKind::Success, done);
            Ok(forms::see_other(&here))
        }
        Err(error) => match shell::refusal_status(&error) {
            Some(status) => {
                let outcome = kept(Some(error.to_string()), FormErrors::new());
                render(page, &state, &admin, id, status, outcome).await
            }
            None => Err(error.into()),
        },
    }
}
