//! The review list, a review's page and its hide / restore forms.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of,
        audit::Reason,
        html as shell,
        paging::{Page, Paged},
    },
    errors::AppResult,
    reviews::service::admin::{self as service, ReviewDetail, ReviewLine, Visibility},
    service::{Actor, Admin, ReviewId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Deserialize, Default)]
pub struct ReviewsQuery {
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    listing: String,
    page: Option<String>,
    per_page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/reviews.html")]
struct ReviewsPage {
    page: PageContext,
    section: &'static str,
    query: ReviewsQuery,
    paged: Paged<ReviewLine>,
    page_link: String,
}

pub async fn list(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<ReviewsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let listing = query.listing.trim().parse().ok();
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = service::list(
        &mut conn,
        &admin,
        Visibility::parse(&query.visibility),
        listing,
        paging,
    )
    .await?;
    let base = shell::query_string(&[
        ("visibility", query.visibility.clone()),
        ("listing", query.listing.trim().to_string()),
        ("per_page", paging.size.to_string()),
    ]);
    let page_link = format!("/admin/reviews{base}&page=");
    let html = ReviewsPage {
        page,
        section: "reviews",
        query,
        paged,
        page_link,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Template)]
#[template(path = "admin/review.html")]
struct ReviewPage {
    page: PageContext,
    section: &'static str,
    detail: ReviewDetail,
    problem: Option<String>,
    errors: FormErrors,
    reason: String,
    reason_max: usize,
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    id: ReviewId,
    status: StatusCode,
    (problem, errors, reason): (Option<String>, FormErrors, String),
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail = service::detail(&mut conn, admin, id).await?;
    let html = ReviewPage {
        page,
        section: "reviews",
        detail,
        problem,
        errors,
        reason,
        reason_max: Reason::MAX,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<ReviewId>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let nothing = (None, FormErrors::new(), String::new());
    render(
        page,
        &state,
        &admin,
        id.into_inner(),
        StatusCode::OK,
        nothing,
    )
    .await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn set_hidden(
    hide: bool,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: ReviewId,
    form: &ReasonForm,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let here = format!("/admin/reviews/{id}");
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first(&here));
    };
    let reason = match Reason::parse(&form.reason, hide) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let kept = (None, errors, form.reason.clone());
            return render(
                page,
                &state,
                &admin,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                kept,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::set_hidden(&mut conn, &sudo, id, hide, &reason).await {
        Ok(()) => {
            let done = if hide {
                "Review hidden; the listing's average no longer counts it."
            } else {
                "Review restored."
            };
            flash::push(&session, FlashKind::Success, done);
            Ok(forms::see_other(&here))
        }
        Err(error @ (ServiceError::Refused(_) | ServiceError::Conflict(_))) => {
            let status = if matches!(error, ServiceError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let kept = (
                Some(error.to_string()),
                FormErrors::new(),
                form.reason.clone(),
            );
            render(page, &state, &admin, id, status, kept).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn hide(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<ReviewId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_hidden(true, actor, page, session, state, id.into_inner(), &form).await
}

pub async fn restore(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<ReviewId>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    set_hidden(false, actor, page, session, state, id.into_inner(), &form).await
}
