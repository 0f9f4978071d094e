//! Login and logout. Answers are the same for unknown addresses and wrong passwords, and take
//! about as long (a dummy hash is verified), so the form cannot tell who has an account.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::{
    client_ip,
    domain::EmailAddress,
    model, passwords, reauth,
    security_log::{self, Event},
};
use crate::{
    errors::{AppError, AppResult},
    throttle,
    web::{
        AppState, csrf,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
        session_store::{IP_KEY, USER_AGENT_KEY},
    },
};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: PageContext,
    notice: &'static str,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    reset: String,
}

async fn show(page: PageContext, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if page.signed_in() {
        return Ok(forms::see_other("/"));
    }
    let next = forms::safe_next(&query.next).unwrap_or("").to_string();
    let notice = if query.reset == "done" {
        "Your password was changed and every device was signed out. Log in with your new password."
    } else if next.starts_with("/listings/") {
        // Sent here by a booking widget or a heart: say why, and that the stay is kept.
        "Log in to book or save this stay; you will be taken back to it."
    } else if !next.is_empty() {
        "Please log in to continue."
    } else {
        ""
    };
    let html = LoginPage {
        page,
        notice,
        email: String::new(),
        next,
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

/// Signs `user_id` in on this request: a new session id (no fixation), a new CSRF token, and
/// the device details shown on the sessions page.
fn start_session(req: &HttpRequest, session: &Session, user_id: i64) -> AppResult<()> {
    Identity::login(&req.extensions(), user_id.to_string())
        .map_err(|error| AppError::internal(anyhow::anyhow!("login failed: {error}")))?;
    csrf::rotate(session)?;
    let agent: String = req
        .headers()
        .get("User-Agent")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    session.insert(USER_AGENT_KEY, agent)?;
    session.insert(IP_KEY, client_ip(req))?;
    Ok(())
}

async fn submit(
    req: HttpRequest,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = forms::safe_next(&form.next).unwrap_or("/").to_string();
    let ip = client_ip(&req);
    let mut errors = FormErrors::new();
    let email = errors.check("email", EmailAddress::parse(&form.email));
    if form.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    let render = |page, errors, status| -> AppResult<HttpResponse> {
        let html = LoginPage {
            page,
            notice: "",
            email: form.email.clone(),
            next: forms::safe_next(&form.next).unwrap_or("").to_string(),
            errors,
        }
        .render()?;
        Ok(forms::html(status, html))
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return render(page, errors, StatusCode::UNPROCESSABLE_ENTITY);
    };

    let mut conn = crate::db::connection(&state.pool).await?;
    let account_key = reauth::account_key(email.as_ref());
    throttle::hit(&mut conn, &format!("login:ip:{ip}"), throttle::LOGIN_PER_IP).await?;
    if let Err(error) = throttle::hit(&mut conn, &account_key, throttle::LOGIN_PER_ACCOUNT).await {
        security_log::record(
            &mut conn,
            Event::LoginThrottled,
            None,
            Some(&ip),
            email.as_ref(),
        )
        .await?;
        return Err(error);
    }
    let user = model::find_by_email(&mut conn, email.as_ref()).await?;
    let matches = passwords::verify(
        &form.password,
        user.as_ref().map(|user| user.password_hash.as_str()),
    )
    .await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            security_log::record(
                &mut conn,
                Event::LoginFailed,
                user.as_ref().map(|u| u.id),
                Some(&ip),
                "",
            )
            .await?;
            let mut errors = FormErrors::new();
            errors.add(
                "form",
                "That email and password don't match. Try again, or reset your password.",
            );
            return render(page, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if user.is_suspended() {
        let mut errors = FormErrors::new();
        errors.add(
            "form",
            "This account is suspended. Contact support if you think this is a mistake.",
        );
        return render(page, errors, StatusCode::FORBIDDEN);
    }
    throttle::reset(&mut conn, &account_key).await?;
    security_log::record(
        &mut conn,
        Event::LoginSucceeded,
        Some(user.id),
        Some(&ip),
        "",
    )
    .await?;
    drop(conn);
    start_session(&req, &session, user.id)?;
    flash::push(
        &session,
        FlashKind::Success,
        format!("Welcome back, {}!", user.name),
    );
    Ok(forms::see_other(&next))
}

async fn logout(
    req: HttpRequest,
    identity: Option<Identity>,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    match identity {
        Some(identity) => {
            if let Some(user_id) = identity.id().ok().and_then(|id| id.parse::<i64>().ok()) {
                let mut conn = crate::db::connection(&state.pool).await?;
                security_log::record(
                    &mut conn,
                    Event::Logout,
                    Some(user_id),
                    Some(&client_ip(&req)),
                    "",
                )
                .await?;
            }
            // Purges the session: its row is deleted, so a copy of the cookie is worthless.
            identity.logout();
        }
        None => session.purge(),
    }
    Ok(forms::see_other("/"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(show))
        .route("/login", web::post().to(submit))
        .route("/logout", web::post().to(logout));
}
