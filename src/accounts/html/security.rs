//! Password change and the list of signed-in sessions ("sign out everywhere else").

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{
        SignedIn, client_ip,
        domain::NewPassword,
        service::{self, SessionInfo},
    },
    errors::AppResult,
    service::ServiceError,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
        session_store::PUBLIC_ID_KEY,
    },
};

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    page: PageContext,
    errors: FormErrors,
}

async fn show_password(_user: SignedIn, page: PageContext) -> AppResult<HttpResponse> {
    let html = PasswordPage {
        page,
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
}

fn current_session(session: &Session) -> Option<String> {
    session.get::<String>(PUBLIC_ID_KEY).ok().flatten()
}

async fn change_password(
    req: HttpRequest,
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    let Some(password) = errors.check("password", NewPassword::parse(&form.password)) else {
        let html = PasswordPage { page, errors }.render()?;
        return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let keep = current_session(&session);
    let changed = service::change_password(
        &mut conn,
        &current.actor(),
        &form.current_password,
        &password,
        keep.as_deref(),
        Some(&client_ip(&req)),
    )
    .await;
    match changed {
        Ok(()) => {}
        Err(ServiceError::Invalid(errors)) => {
            let html = PasswordPage { page, errors }.render()?;
            return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
        }
        Err(other) => return Err(other.into()),
    }
    // A new session id for this browser too.
    session.renew();
    flash::push(
        &session,
        FlashKind::Success,
        "Your password was changed. Your other devices were signed out.",
    );
    Ok(forms::see_other("/account"))
}

#[derive(Template)]
#[template(path = "accounts/sessions.html")]
struct SessionsPage {
    page: PageContext,
    sessions: Vec<SessionInfo>,
}

async fn show_sessions(
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mine = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    let sessions = service::sessions(&mut conn, &current.actor(), mine.as_deref()).await?;
    let html = SessionsPage { page, sessions }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn end_other_sessions(
    req: HttpRequest,
    SignedIn(current): SignedIn,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let keep = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    let ended = service::end_other_sessions(
        &mut conn,
        &current.actor(),
        keep.as_deref(),
        Some(&client_ip(&req)),
    )
    .await?;
    flash::push(
        &session,
        FlashKind::Success,
        format!("Signed out of {ended} other session(s)."),
    );
    Ok(forms::see_other("/account/sessions"))
}

async fn end_session(
    req: HttpRequest,
    SignedIn(current): SignedIn,
    session: Session,
    state: web::Data<AppState>,
    public_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let ended = service::end_one_session(
        &mut conn,
        &current.actor(),
        &public_id,
        Some(&client_ip(&req)),
    )
    .await;
    // Unchanged from before the service said so: an id that is not one of the actor's
    // sessions (already ended, or someone else's) gets the same answer.
    match ended {
        Ok(()) | Err(ServiceError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    flash::push(&session, FlashKind::Success, "That session was signed out.");
    Ok(forms::see_other("/account/sessions"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/password", web::get().to(show_password))
        .route("/account/password", web::post().to(change_password))
        .route("/account/sessions", web::get().to(show_sessions))
        .route(
            "/account/sessions/others",
            web::post().to(end_other_sessions),
        )
        .route(
            "/account/sessions/{public_id}/end",
            web::post().to(end_session),
        );
}
