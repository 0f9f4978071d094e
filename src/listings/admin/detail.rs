//! `/admin/listings/{id}`: every field of the listing, its photos, the calendar ahead, its
//! bookings and admin history, with the unlist / relist forms (sudo mode; unlisting needs a
//! reason, which the host is emailed). A refused or invalid action comes back as the page.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{admin_of, audit::Reason, html as shell},
    errors::AppResult,
    listings::service::admin::{self as service, ListingDetail},
    service::{Actor, Admin, ListingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "admin/listing.html")]
struct ListingPage {
    page: PageContext,
    section: &'static str,
    detail: ListingDetail,
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
    failed_form: &'static str,
    reason: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    id: ListingId,
    status: StatusCode,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail = service::detail(&mut conn, admin, id).await?;
    let html = ListingPage {
        page,
        section: "listings",
        detail,
        problem: outcome.problem,
        errors: outcome.errors,
        failed_form: outcome.failed_form,
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
    id: web::Path<ListingId>,
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

async fn set_listed(
    listed: bool,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: ListingId,
    form: &ReasonForm,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let here = format!("/admin/listings/{id}");
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first(&here));
    };
    let kept = |problem: Option<String>, errors: FormErrors| Outcome {
        problem,
        errors,
        failed_form: if listed { "relist" } else { "unlist" },
        reason: form.reason.clone(),
    };
    let reason = match Reason::parse(&form.reason, !listed) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(page, &state, &admin, id, status, kept(None, errors)).await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let base_url = &state.config.base_url;
    match service::set_listed(&mut conn, base_url, &sudo, id, listed, &reason).await {
        Ok(()) => {
            let done = if listed {
                "Listing back on the site; the host was emailed."
            } else {
                "Listing taken off the site; the host was emailed."
            };
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

pub async fn unlist(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_listed(false, actor, page, session, state, id.into_inner(), &form).await
}

pub async fn relist(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_listed(true, actor, page, session, state, id.into_inner(), &form).await
}
