//! Email verification and password recovery: the pages behind the emailed links.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{
        SignedIn, client_ip,
        domain::{EmailAddress, NewPassword},
        service::{self, Resent},
    },
    errors::AppResult,
    service::ServiceError,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "accounts/link_problem.html")]
struct LinkProblemPage<'a> {
    page: PageContext,
    title: &'a str,
    message: String,
    retry_href: &'a str,
    retry_label: &'a str,
}

#[derive(Template)]
#[template(path = "accounts/forgot_password.html")]
struct ForgotPage {
    page: PageContext,
    email: String,
    errors: FormErrors,
    sent_to: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/reset_password.html")]
struct ResetPage {
    page: PageContext,
    token: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
    /// Where the new member was going (kept from sign-up); only a path of this site is followed.
    #[serde(default)]
    next: String,
}

async fn verify_email(
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::verify_email(&mut conn, &query.token, &state.config.base_url).await {
        Ok(user) => {
            flash::push(
                &session,
                FlashKind::Success,
                format!("Thank you! {} is confirmed.", user.email),
            );
            let next = forms::safe_next(&query.next);
            Ok(forms::see_other(&match (page.signed_in(), next) {
                (true, Some(next)) => next.to_string(),
                (true, None) => "/account".to_string(),
                (false, next) => forms::with_next("/login", next.unwrap_or("")),
            }))
        }
        Err(ServiceError::Refused(message)) => {
            let html = LinkProblemPage {
                page,
                title: "We couldn't confirm your email",
                message,
                retry_href: "/account",
                retry_label: "Send a new link from your account",
            }
            .render()?;
            Ok(forms::html(StatusCode::BAD_REQUEST, html))
        }
        Err(other) => Err(other.into()),
    }
}

async fn resend_verification(
    SignedIn(current): SignedIn,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let (kind, message) =
        match service::resend_verification(&mut conn, &current.actor(), &state.config.base_url)
            .await?
        {
            Resent::AlreadyVerified => (
                FlashKind::Info,
                "Your email address is already confirmed.".to_string(),
            ),
            Resent::SentTo(address) => (
                FlashKind::Success,
                format!("We sent a new confirmation link to {address}."),
            ),
        };
    flash::push(&session, kind, message);
    Ok(forms::see_other("/account"))
}

async fn show_forgot(page: PageContext) -> AppResult<HttpResponse> {
    let html = ForgotPage {
        page,
        email: String::new(),
        errors: FormErrors::new(),
        sent_to: None,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn submit_forgot(
    req: HttpRequest,
    page: PageContext,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    let Some(email) = errors.check("email", EmailAddress::parse(&form.email)) else {
        let html = ForgotPage {
            page,
            email: form.email.clone(),
            errors,
            sent_to: None,
        }
        .render()?;
        return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
    };
    let ip = client_ip(&req);
    let mut conn = crate::db::connection(&state.pool).await?;
    // The same answer whether or not an account exists.
    service::request_password_reset(&mut conn, &email, &state.config.base_url, &ip).await?;
    let html = ForgotPage {
        page,
        email: String::new(),
        errors: FormErrors::new(),
        sent_to: Some(email.to_string()),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn link_problem(page: PageContext, message: String) -> AppResult<HttpResponse> {
    let html = LinkProblemPage {
        page,
        title: "This reset link can't be used",
        message,
        retry_href: "/password/forgot",
        retry_label: "Ask for a new link",
    }
    .render()?;
    Ok(forms::html(StatusCode::BAD_REQUEST, html))
}

async fn show_reset(
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::check_reset_token(&mut conn, &query.token).await {
        Ok(()) => {}
        Err(ServiceError::Refused(message)) => return link_problem(page, message).await,
        Err(other) => return Err(other.into()),
    }
    let html = ResetPage {
        page,
        token: query.token.clone(),
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn submit_reset(
    req: HttpRequest,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<ResetForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    let Some(password) = errors.check("password", NewPassword::parse(&form.password)) else {
        let html = ResetPage {
            page,
            token: form.token.clone(),
            errors,
        }
        .render()?;
        return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let ip = client_ip(&req);
    match service::reset_password(&mut conn, &form.token, &password, Some(&ip)).await {
        Ok(_) => {
            // Every session of the account ended, this one included.
            session.purge();
            Ok(forms::see_other("/login?reset=done"))
        }
        Err(ServiceError::Refused(message)) => link_problem(page, message).await,
        Err(other) => Err(other.into()),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/verify-email", web::get().to(verify_email))
        .route("/account/verify-email", web::post().to(resend_verification))
        .route("/password/forgot", web::get().to(show_forgot))
        .route("/password/forgot", web::post().to(submit_forgot))
        .route("/password/reset", web::get().to(show_reset))
        .route("/password/reset", web::post().to(submit_reset));
}
