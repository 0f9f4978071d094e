//! Password change and the list of signed-in sessions ("sign out everywhere else").

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use serde::Deserialize;

use super::{SignedIn, client_ip, domain::NewPassword, model, reauth::WrongPassword, service};
use crate::{
    errors::{AppError, AppResult},
    schema::sessions,
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
    let user = model::find(&mut conn, current.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let keep = current_session(&session);
    let changed = service::change_password(
        &mut conn,
        &user,
        &form.current_password,
        &password,
        keep.as_deref(),
        Some(&client_ip(&req)),
    )
    .await?;
    if changed.is_err() {
        errors.add("current_password", WrongPassword::MESSAGE);
        let html = PasswordPage { page, errors }.render()?;
        return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
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

/// A session as listed on the page.
struct SessionRow {
    public_id: String,
    user_agent: String,
    ip_address: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    current: bool,
}

impl SessionRow {
    fn started(&self) -> String {
        self.created_at.format("%e %b %Y, %H:%M UTC").to_string()
    }

    fn last_active(&self) -> String {
        self.updated_at.format("%e %b %Y, %H:%M UTC").to_string()
    }

    /// A short description of the browser from its user agent.
    fn device(&self) -> String {
        let agent = self.user_agent.as_str();
        let browser = ["Firefox", "Edg", "Chrome", "Safari", "curl", "reqwest"]
            .into_iter()
            .find(|name| agent.contains(name))
            .map(|name| if name == "Edg" { "Edge" } else { name })
            .unwrap_or("Unknown browser");
        let system = ["Windows", "Android", "iPhone", "Mac OS", "Linux"]
            .into_iter()
            .find(|name| agent.contains(name))
            .unwrap_or("");
        if system.is_empty() {
            browser.to_string()
        } else {
            format!("{browser} on {system}")
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/sessions.html")]
struct SessionsPage {
    page: PageContext,
    sessions: Vec<SessionRow>,
}

async fn show_sessions(
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mine = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = sessions::table
        .filter(sessions::user_id.eq(current.id))
        .filter(sessions::expires_at.gt(Utc::now()))
        .order(sessions::updated_at.desc())
        .limit(100)
        .select((
            sessions::public_id,
            sessions::user_agent,
            sessions::ip_address,
            sessions::created_at,
            sessions::updated_at,
        ))
        .load(&mut conn)
        .await?;
    let sessions = rows
        .into_iter()
        .map(
            |(public_id, agent, ip, created_at, updated_at)| SessionRow {
                current: mine.as_deref() == Some(public_id.as_str()),
                public_id,
                user_agent: agent.unwrap_or_default(),
                ip_address: ip.unwrap_or_default(),
                created_at,
                updated_at,
            },
        )
        .collect();
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
        current.id,
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
    service::end_one_session(&mut conn, current.id, &public_id, Some(&client_ip(&req))).await?;
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
