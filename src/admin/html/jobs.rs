//! `/admin/jobs`: counts by kind and state, the jobs (filtered by state and kind) with their
//! last error, and the retry / discard forms of dead jobs (sudo mode; discarding needs a
//! reason). A refused action comes back as the page with its message.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of,
        audit::Reason,
        jobs::{self as service, JobFilters, JobRow, JobState, KindCount},
        paging::{Page, Paged},
    },
    errors::AppResult,
    service::{Actor, Admin, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Deserialize, Default)]
pub struct JobsQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
    page: Option<String>,
    per_page: Option<String>,
}

impl JobsQuery {
    fn filters(&self) -> JobFilters {
        let kind = self.kind.trim();
        JobFilters {
            state: JobState::parse(self.state.trim()),
            kind: (!kind.is_empty()).then(|| kind.chars().take(100).collect()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    page: PageContext,
    section: &'static str,
    query: JobsQuery,
    states: &'static [JobState],
    counts: Vec<KindCount>,
    paged: Paged<JobRow>,
    page_link: String,
    problem: Option<String>,
    errors: FormErrors,
    /// The form that was sent (`retry-7`): its reason and message come back to it alone.
    failed_form: String,
    reason: String,
    reason_max: usize,
}

/// What a refused or invalid action brings back to the page.
#[derive(Default)]
struct Outcome {
    problem: Option<String>,
    errors: FormErrors,
    failed_form: String,
    reason: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    query: JobsQuery,
    status: StatusCode,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let mut conn = crate::db::connection(&state.pool).await?;
    let counts = service::counts(&mut conn, admin).await?;
    let paged = service::list(&mut conn, admin, &query.filters(), paging).await?;
    let base = super::query_string(&[
        ("state", query.state.trim().to_string()),
        ("kind", query.kind.trim().to_string()),
        ("per_page", paging.size.to_string()),
    ]);
    let page_link = format!("/admin/jobs{base}&page=");
    let html = JobsPage {
        page,
        section: "jobs",
        query,
        states: JobState::ALL,
        counts,
        paged,
        page_link,
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
    query: web::Query<JobsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    render(
        page,
        &state,
        &admin,
        query,
        StatusCode::OK,
        Outcome::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Where the forms send the admin back to: the dead jobs.
const BACK: &str = "/admin/jobs?state=dead";

async fn act(
    discard: bool,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: i64,
    form: &ReasonForm,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let Some(sudo) = super::sudo(&session, admin) else {
        return Ok(super::confirm_first(BACK));
    };
    let dead = JobsQuery {
        state: JobState::Dead.as_str().into(),
        ..JobsQuery::default()
    };
    let kept = |problem: Option<String>, errors: FormErrors| Outcome {
        problem,
        errors,
        failed_form: JobRow::form_name(discard, id),
        reason: form.reason.clone(),
    };
    let reason = match Reason::parse(&form.reason, discard) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(page, &state, &admin, dead, status, kept(None, errors)).await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let done = if discard {
        service::discard(&mut conn, &sudo, id, &reason).await
    } else {
        service::retry(&mut conn, &sudo, id, &reason).await
    };
    match done {
        Ok(()) => {
            let message = if discard {
                format!("Job #{id} discarded.")
            } else {
                format!("Job #{id} queued again.")
            };
            flash::push(&session, FlashKind::Success, message);
            Ok(forms::see_other(BACK))
        }
        Err(error @ ServiceError::Conflict(_)) => {
            let outcome = kept(Some(error.to_string()), FormErrors::new());
            render(page, &state, &admin, dead, StatusCode::CONFLICT, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn retry(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    act(false, actor, page, session, state, id.into_inner(), &form).await
}

pub async fn discard(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    act(true, actor, page, session, state, id.into_inner(), &form).await
}
