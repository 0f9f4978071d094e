//! The page behind the undo link sent to the old address when the email address changes. The
//! link only shows a confirmation; the change is undone by the button (a POST), so that a mail
//! scanner that opens every link does not lock the account.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{client_ip, email_change},
    errors::AppResult,
    service::{ServiceError, ServiceResult},
    web::{AppState, forms, page::PageContext},
};

#[derive(Template)]
#[template(path = "accounts/undo_email_change.html")]
struct UndoPage {
    page: PageContext,
    token: String,
    /// The address the account goes back to.
    address: String,
    /// Set once undone.
    done: bool,
    problem: Option<String>,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
}

/// A link that cannot be used (dead, or its address taken since) is said on the page; any
/// other error is an error page.
fn link_problem<T>(outcome: ServiceResult<T>) -> AppResult<Result<T, String>> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(ServiceError::Refused(message) | ServiceError::Conflict(message)) => Ok(Err(message)),
        Err(other) => Err(other.into()),
    }
}

fn render(page: UndoPage, status: StatusCode) -> AppResult<HttpResponse> {
    Ok(forms::html(status, page.render()?))
}

async fn show(
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<TokenForm>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let (address, problem) =
        match link_problem(email_change::check_undo(&mut conn, &query.token).await)? {
            Ok(address) => (address, None),
            Err(problem) => (String::new(), Some(problem)),
        };
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = UndoPage {
        page,
        token: query.token.clone(),
        address,
        done: false,
        problem,
    };
    render(page, status)
}

async fn submit(
    req: HttpRequest,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let outcome = email_change::undo(
        &mut conn,
        &form.token,
        &state.config.base_url,
        Some(&client_ip(&req)),
    )
    .await;
    match link_problem(outcome)? {
        Ok(address) => {
            // Every session of the account ended; this browser's too, if it had one.
            let mut page = page;
            if page.user.take().is_some() {
                session.purge();
            }
            let page = UndoPage {
                page,
                token: String::new(),
                address,
                done: true,
                problem: None,
            };
            render(page, StatusCode::OK)
        }
        Err(problem) => {
            let page = UndoPage {
                page,
                token: String::new(),
                address: String::new(),
                done: false,
                problem: Some(problem),
            };
            render(page, StatusCode::BAD_REQUEST)
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/email/undo", web::get().to(show))
        .route("/account/email/undo", web::post().to(submit));
}
