//! The session (`/api/v1/session`). Logging in is
//! [`service::log_in`], the login page's own rules (throttling, the security log, suspension),
//! and the session it starts is the page's ([`start_session`]): the same cookie, timeouts and
//! CSRF token.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, http::header, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    accounts::{
        client_ip, current_user,
        forms::LoginForm,
        service,
        signin::{end_session, start_session},
    },
    api::{ApiResult, Json, Problem},
    service::{ServiceError, UserId},
    web::{AppState, csrf},
};

/// Credentials, as the login form names them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "guest@example.com")]
    pub email: String,
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub is_host: bool,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
}

/// Who is signed in on this session, and the token for its unsafe requests.
#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    /// `null` for a visitor.
    pub user: Option<SessionUser>,
    /// Send it as the `X-CSRF-Token` header with every POST, PUT, PATCH and DELETE.
    pub csrf_token: String,
}

fn answer(body: &SessionAnswer) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Log in: sets the session cookie (`roost_session`) and returns the user with the session's
/// CSRF token. Needs a visitor's CSRF token (from `GET /session`) in `X-CSRF-Token`.
#[utoipa::path(
    operation_id = "session_create",
    tag = "session",
    request_body = LoginRequest,
    security(("csrf" = [])),
    responses(
        (status = 200, description = "Signed in", body = SessionAnswer),
        (status = 403, description = "CSRF token missing or wrong, or the account is suspended", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong email or password, or a field is missing or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/session")]
async fn log_in(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let form = LoginForm {
        email: body.email,
        password: body.password,
        next: String::new(),
    };
    let email = form.parse().map_err(ServiceError::Invalid)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let user = service::log_in(&mut conn, &email, &form.password, &client_ip(&req)).await?;
    drop(conn);
    let csrf_token = start_session(&req, &session, user.user_id)?;
    Ok(answer(&SessionAnswer {
        user: Some(SessionUser {
            id: user.user_id.get(),
            name: user.name,
            is_host: user.is_host,
            email_verified: user.email_verified,
            avatar_url: user.avatar_url,
        }),
        csrf_token,
    }))
}

/// Who is signed in (`user` is `null` for a visitor), and the CSRF token to send with unsafe
/// requests: the session's, or a visitor's (then also set as the `roost_csrf` cookie).
#[utoipa::path(
    operation_id = "session_show",
    tag = "session",
    security((), ("session" = [])),
    responses((status = 200, description = "The session", body = SessionAnswer))
)]
#[get("/session")]
async fn show(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let user = current_user(&req, &state).await?;
    let anonymous = req.extensions().get::<csrf::AnonymousToken>().cloned();
    let csrf_token = csrf::form_token(&session, anonymous.as_ref())?;
    Ok(answer(&SessionAnswer {
        user: user.map(|user| SessionUser {
            id: user.id,
            name: user.name,
            is_host: user.is_host,
            email_verified: user.email_verified,
            avatar_url: user.avatar_url,
        }),
        csrf_token,
    }))
}

/// Log out: the session is ended on the server (a copy of the cookie is worthless after).
#[utoipa::path(
    operation_id = "session_delete",
    tag = "session",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/session")]
async fn log_out(
    req: HttpRequest,
    identity: Option<Identity>,
    session: Session,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let user_id = identity
        .as_ref()
        .and_then(|identity| identity.id().ok())
        .and_then(|id| id.parse::<UserId>().ok());
    if let Some(user_id) = user_id {
        let mut conn = crate::db::connection(&state.pool).await?;
        service::log_out(&mut conn, user_id, &client_ip(&req)).await?;
    }
    end_session(identity, &session);
    Ok(HttpResponse::NoContent().finish())
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(log_in).service(show).service(log_out);
}
