//! `/admin/confirm`: the admin types their password to enter sudo mode for ten minutes, and
//! goes back to where they were.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::client_ip,
    admin::{admin_of, sudo},
    errors::AppResult,
    service::{Actor, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmPage {
    page: PageContext,
    section: &'static str,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

fn next_or_dashboard(next: &str) -> String {
    forms::safe_next(next)
        .filter(|next| next.starts_with("/admin"))
        .unwrap_or("/admin")
        .to_string()
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    admin_of(&actor)?;
    let html = ConfirmPage {
        page,
        section: "",
        next: next_or_dashboard(&query.next),
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let next = next_or_dashboard(&form.next);
    let mut conn = crate::db::connection(&state.pool).await?;
    match sudo::confirm(&mut conn, admin, &form.password, Some(&client_ip(&req))).await {
        Ok(confirmation) => {
            super::remember(&session, confirmation)?;
            flash::push(
                &session,
                FlashKind::Success,
                "Password confirmed: you can make changes for the next ten minutes.",
            );
            Ok(forms::see_other(&next))
        }
        Err(ServiceError::Invalid(errors)) => {
            let html = ConfirmPage {
                page,
                section: "",
                next,
                errors,
            }
            .render()?;
            Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html))
        }
        Err(other) => Err(other.into()),
    }
}
