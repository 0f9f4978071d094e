//! `/admin/users/{id}`: the account, their listings, bookings, sessions and history, with the
//! action forms. Also rendered again by a refused action, with its message.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    accounts::service::admin::{self, UserDetail, actions::RoleChange},
    admin::{admin_of, audit::Reason},
    errors::AppResult,
    service::{Actor, Admin, UserId},
    web::{
        AppState,
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: PageContext,
    section: &'static str,
    detail: UserDetail,
    /// The admin looking (their own page hides what they cannot do to themselves).
    me: i64,
    /// A refusal of the action just tried.
    problem: Option<String>,
    /// Field messages of the form just sent, and which form it was (`suspend`, `roles`, …).
    errors: FormErrors,
    failed_form: &'static str,
    reason: String,
    reason_max: usize,
    roles: [RoleChange; 4],
}

/// What a refused or invalid action brings back to the page.
#[derive(Default)]
pub struct Outcome {
    pub problem: Option<String>,
    pub errors: FormErrors,
    pub failed_form: &'static str,
    pub reason: String,
}

pub async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    id: UserId,
    status: StatusCode,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail = admin::detail(&mut conn, admin, id).await?;
    let html = UserPage {
        page,
        section: "users",
        detail,
        me: admin.id().get(),
        problem: outcome.problem,
        errors: outcome.errors,
        failed_form: outcome.failed_form,
        reason: outcome.reason,
        reason_max: Reason::MAX,
        roles: RoleChange::ALL,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    render(
        page,
        &state,
        &admin,
        id.into_inner(),
        StatusCode::OK,
        Outcome::default(),
    )
    .await
}
