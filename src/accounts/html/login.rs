//! Login and logout pages. The rules (throttling, the password check, suspension, the security
//! log) are `service::log_in`'s; this door starts and ends the session.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{client_ip, forms::LoginForm, service, signin::start_session},
    errors::AppResult,
    service::{ServiceError, UserId},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
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

impl LoginPage {
    /// The sign-up link, keeping `next`: a visitor who was booking comes back to the stay
    /// whichever way they take.
    fn signup_href(&self) -> String {
        forms::with_next("/signup", &self.next)
    }
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
        "Log in to book or save this stay (or create an account below); either way you will be taken back to it."
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

async fn submit(
    req: HttpRequest,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = forms::safe_next(&form.next).unwrap_or("/").to_string();
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
    let email = match form.parse() {
        Ok(email) => email,
        Err(errors) => return render(page, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let logged_in = match service::log_in(&mut conn, &email, &form.password, &client_ip(&req)).await
    {
        Ok(logged_in) => logged_in,
        Err(ServiceError::Invalid(errors)) => {
            return render(page, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(ServiceError::NotAllowed(message)) => {
            let mut errors = FormErrors::new();
            errors.add("form", message);
            return render(page, errors, StatusCode::FORBIDDEN);
        }
        Err(other) => return Err(other.into()),
    };
    drop(conn);
    start_session(&req, &session, logged_in.user_id)?;
    flash::push(
        &session,
        FlashKind::Success,
        format!("Welcome back, {}!", logged_in.name),
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
            if let Some(user_id) = identity.id().ok().and_then(|id| id.parse::<UserId>().ok()) {
                let mut conn = crate::db::connection(&state.pool).await?;
                service::log_out(&mut conn, user_id, &client_ip(&req)).await?;
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
