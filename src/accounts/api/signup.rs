//! Signing up and the emailed links, over the sign-up and recovery pages' services:
//! `POST /api/v1/users` (sign up), `POST /api/v1/email-verification` (the token of the
//! confirmation email), `POST /api/v1/me/email-verification` (send a new link),
//! `POST /api/v1/password-reset-requests` (forgot password) and `POST /api/v1/password-resets`
//! (the token of the reset email with the new password). The answers never say whether an
//! address has an account.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{Notice, ProfileAnswer};
use crate::{
    accounts::{
        client_ip,
        domain::{EmailAddress, NewPassword},
        forms::SignupForm,
        service::{self, Resent},
    },
    api::{ApiResult, Json, Problem},
    service::{Actor, ServiceError},
    web::AppState,
};

fn no_store(mut builder: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// A new account, as the sign-up form names its fields.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(example = "Ana Lima")]
    pub name: String,
    #[schema(example = "ana@example.com")]
    pub email: String,
    /// 8 to 128 characters, not a common password.
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

/// Sign up: the account starts unverified and a confirmation link is emailed; nobody is signed
/// in (log in with `POST /session`). The answer is the same when the address already has an
/// account (its owner is told by email instead), so it is a 202, not a 201 with a location.
#[utoipa::path(
    operation_id = "user_create",
    tag = "account",
    request_body = SignupRequest,
    security(("csrf" = [])),
    responses(
        (status = 202, description = "A message is on its way to the address", body = Notice),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, missing or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this address; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/users")]
async fn sign_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<SignupRequest>,
) -> ApiResult<HttpResponse> {
    let SignupRequest {
        name,
        email,
        password,
    } = body.into_inner();
    let input = SignupForm {
        name,
        email,
        password,
    }
    .parse()
    .map_err(ServiceError::Invalid)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    service::sign_up(&mut conn, &input, &state.config.base_url, &client_ip(&req)).await?;
    Ok(no_store(HttpResponse::Accepted()).json(Notice {
        detail: format!(
            "Check your inbox: we sent a message to {}. Open its link (or post its token to \
             /api/v1/email-verification) to confirm the address, then sign in.",
            input.email
        ),
    }))
}

/// The token of an emailed link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The `token` parameter of the link.
    pub token: String,
}

/// Confirm an email address with the token of the confirmation email (the link is the
/// authority: no session needed). Also completes a change of address.
#[utoipa::path(
    operation_id = "email_verify",
    tag = "account",
    request_body = TokenRequest,
    security(("csrf" = [])),
    responses(
        (status = 200, description = "Confirmed: the account as it is now", body = ProfileAnswer),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The link cannot be used (unknown, used, expired or replaced): the detail says which", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/email-verification")]
async fn verify_email(
    state: web::Data<AppState>,
    body: Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let user = service::verify_email(&mut conn, &body.0.token, &state.config.base_url).await?;
    Ok(no_store(HttpResponse::Ok()).json(ProfileAnswer::from(user)))
}

/// Send the signed-in user a new confirmation link (throttled per user). A confirmed address
/// gets nothing and says so.
#[utoipa::path(
    operation_id = "email_verification_resend",
    tag = "account",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "A new link is on its way (or the address is confirmed already: see detail)", body = Notice),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many links asked for; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/me/email-verification")]
async fn resend_verification(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail =
        match service::resend_verification(&mut conn, &actor, &state.config.base_url).await? {
            Resent::AlreadyVerified => "Your email address is already confirmed.".to_string(),
            Resent::SentTo(address) => format!("We sent a new confirmation link to {address}."),
        };
    Ok(no_store(HttpResponse::Accepted()).json(Notice { detail }))
}

/// The address to send a reset link to.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(example = "ana@example.com")]
    pub email: String,
}

/// Forgot password: a reset link is emailed if an account has this address. The answer is the
/// same either way.
#[utoipa::path(
    operation_id = "password_reset_request",
    tag = "account",
    request_body = ResetRequest,
    security(("csrf" = [])),
    responses(
        (status = 202, description = "If the address has an account, a link is on its way", body = Notice),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address is not one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/password-reset-requests")]
async fn request_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<ResetRequest>,
) -> ApiResult<HttpResponse> {
    let email = EmailAddress::parse(&body.0.email)
        .map_err(|message| ServiceError::invalid("email", message))?;
    let mut conn = crate::db::connection(&state.pool).await?;
    service::request_password_reset(&mut conn, &email, &state.config.base_url, &client_ip(&req))
        .await?;
    Ok(no_store(HttpResponse::Accepted()).json(Notice {
        detail: format!(
            "If {email} has a Roost account, a link to choose a new password is on its way."
        ),
    }))
}

/// A new password with the token of the reset email.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordRequest {
    /// The `token` parameter of the reset link.
    pub token: String,
    #[schema(example = "a new and long passphrase")]
    pub password: String,
}

/// Reset the password with the token of the reset email: every session of the account ends
/// (this one too), and the address counts as confirmed. Sign in again after.
#[utoipa::path(
    operation_id = "password_reset",
    tag = "account",
    request_body = NewPasswordRequest,
    security(("csrf" = [])),
    responses(
        (status = 204, description = "The password was changed; every session ended"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is not acceptable, or the link cannot be used", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/password-resets")]
async fn reset_password(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
    body: Json<NewPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let NewPasswordRequest { token, password } = body.into_inner();
    let password = NewPassword::parse(&password)
        .map_err(|message| ServiceError::invalid("password", message))?;
    let mut conn = crate::db::connection(&state.pool).await?;
    service::reset_password(&mut conn, &token, &password, Some(&client_ip(&req))).await?;
    // Every session of the account ended, this one included (as on the page).
    session.purge();
    Ok(HttpResponse::NoContent().finish())
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(sign_up)
        .service(verify_email)
        .service(resend_verification)
        .service(request_reset)
        .service(reset_password);
}
