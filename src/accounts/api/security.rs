//! The signed-in user's password, address and sessions, over the account and security pages'
//! services: `PUT /api/v1/me/password`, `POST /api/v1/me/email` (a change of address, confirmed
//! from the new address), `GET /api/v1/me/sessions`, `DELETE /api/v1/me/sessions` (every
//! other session) and `DELETE /api/v1/me/sessions/{id}` (one). Another person's session is
//! never found.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Notice;
use crate::{
    accounts::{
        client_ip,
        domain::{EmailAddress, NewPassword},
        email_change, service,
    },
    api::{ApiResult, Json, Problem},
    service::{Actor, ServiceError},
    web::{AppState, session_store::PUBLIC_ID_KEY},
};

/// The public id of the asking session.
fn current_session(session: &Session) -> Option<String> {
    session.get::<String>(PUBLIC_ID_KEY).ok().flatten()
}

/// The current password and the new one, as the password page names them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    pub current_password: String,
    /// 8 to 128 characters, not a common password.
    pub password: String,
}

/// Change the password, given the current one (throttled like signing in). Every other session
/// ends; this one continues under a new session id (same cookie name, new value).
#[utoipa::path(
    operation_id = "me_password_update",
    tag = "account",
    request_body = PasswordRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Changed; the other sessions ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password, or a new one that is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[put("/me/password")]
async fn change_password(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
    body: Json<PasswordRequest>,
) -> ApiResult<HttpResponse> {
    let PasswordRequest {
        current_password,
        password,
    } = body.into_inner();
    let password = NewPassword::parse(&password)
        .map_err(|message| ServiceError::invalid("password", message))?;
    let keep = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    service::change_password(
        &mut conn,
        &actor,
        &current_password,
        &password,
        keep.as_deref(),
        Some(&client_ip(&req)),
    )
    .await?;
    // A new session id for this client too, as on the page.
    session.renew();
    Ok(HttpResponse::NoContent().finish())
}

/// The new address and the current password, as the account page names them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChangeRequest {
    #[schema(example = "ana.lima@example.com")]
    pub new_email: String,
    pub email_password: String,
}

/// Move the account to a new address, given the current password (throttled like signing in).
/// A link goes to the new address and the account moves once it is opened (or its token posted
/// to `POST /email-verification`); the old address is told, with an undo link. The answer is
/// the same whether or not another account has the new address.
#[utoipa::path(
    operation_id = "me_email_change",
    tag = "account",
    request_body = EmailChangeRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "A confirmation link is on its way to the new address", body = Notice),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password, an address that is not one or is already yours, or an unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/me/email")]
async fn change_email(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    body: Json<EmailChangeRequest>,
) -> ApiResult<HttpResponse> {
    let EmailChangeRequest {
        new_email,
        email_password,
    } = body.into_inner();
    let new_email = EmailAddress::parse(&new_email)
        .map_err(|message| ServiceError::invalid("new_email", message))?;
    let mut conn = crate::db::connection(&state.pool).await?;
    email_change::request(
        &mut conn,
        &actor,
        &email_password,
        &new_email,
        &state.config.base_url,
        Some(&client_ip(&req)),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(Notice {
        detail: format!(
            "We sent a confirmation link to {new_email}. Your address changes once you open it."
        ),
    }))
}

/// A signed-in session of the user.
#[derive(Serialize, ToSchema)]
pub struct SessionEntry {
    /// Its id in `DELETE /me/sessions/{id}` (not the cookie's value).
    pub id: String,
    /// The browser or program, in short ("Firefox on Linux").
    pub device: String,
    pub user_agent: String,
    pub ip_address: String,
    pub started_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// The session asking.
    pub current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SessionsAnswer {
    /// Most recently active first (at most 100).
    pub sessions: Vec<SessionEntry>,
}

/// The user's live sessions.
#[utoipa::path(
    operation_id = "me_sessions",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The sessions", body = SessionsAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/sessions")]
async fn sessions(
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mine = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    let sessions = service::sessions(&mut conn, &actor, mine.as_deref()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(SessionsAnswer {
            sessions: sessions
                .into_iter()
                .map(|info| SessionEntry {
                    device: info.device(),
                    id: info.public_id,
                    user_agent: info.user_agent,
                    ip_address: info.ip_address,
                    started_at: info.created_at,
                    last_active_at: info.updated_at,
                    current: info.current,
                })
                .collect(),
        }))
}

/// How many sessions ended.
#[derive(Serialize, ToSchema)]
pub struct EndedAnswer {
    pub ended: usize,
}

/// Sign out everywhere else: every session but this one ends (and pending address links).
#[utoipa::path(
    operation_id = "me_sessions_end_others",
    tag = "account",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The other sessions ended", body = EndedAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/sessions")]
async fn end_other_sessions(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let keep = current_session(&session);
    let mut conn = crate::db::connection(&state.pool).await?;
    let ended =
        service::end_other_sessions(&mut conn, &actor, keep.as_deref(), Some(&client_ip(&req)))
            .await?;
    Ok(HttpResponse::Ok().json(EndedAnswer { ended }))
}

/// End one of the user's sessions (this one too, if named: it is then signed out).
#[utoipa::path(
    operation_id = "me_session_end",
    tag = "account",
    params(("id" = String, Path, description = "The session's id, from GET /me/sessions")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "That session ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session of yours (ended already, or someone else's)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/sessions/{id}")]
async fn end_session(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    service::end_one_session(&mut conn, &actor, &id, Some(&client_ip(&req))).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(change_password)
        .service(change_email)
        .service(sessions)
        .service(end_other_sessions)
        .service(end_session);
}
