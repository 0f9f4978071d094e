//! Sign-up: name, email and password; the account starts unverified and a confirmation link is
//! emailed (through the job queue). The visitor is not signed in: the answer must not differ
//! when the address already has an account (see `service::sign_up`), so both are sent to the
//! login page with "check your inbox". A `next` path (the stay a visitor was booking) goes
//! through the confirmation link and the login page, back to where they were.

use crate::{
    accounts::{client_ip, forms::SignupForm, service},
    errors::AppResult,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignupPage {
    page: PageContext,
    form: SignupForm,
    errors: FormErrors,
    /// Where to go once confirmed and logged in: a path of this site, or empty.
    next: String,
}

impl SignupPage {
    /// The login link, keeping `next`.
    fn login_href(&self) -> String {
        forms::with_next("/login", &self.next)
    }
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The sign-up form and where to go afterwards.
#[derive(Deserialize)]
struct Submission {
    #[serde(flatten)]
    form: SignupForm,
    #[serde(default)]
    next: String,
}

async fn show(page: PageContext, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if page.signed_in() {
        return Ok(forms::see_other("/"));
    }
    let html = SignupPage {
        page,
        form: SignupForm::default(),
        errors: FormErrors::new(),
        next: forms::safe_next(&query.next).unwrap_or("").to_string(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn submit(
    req: HttpRequest,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    submission: web::Form<Submission>,
) -> AppResult<HttpResponse> {
    let Submission { mut form, next } = submission.into_inner();
    // Only a path of this site is kept (never another site: no open redirect).
    let next = forms::safe_next(&next).map(str::to_string);
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            form.password.clear();
            let html = SignupPage {
                page,
                form,
                errors,
                next: next.unwrap_or_default(),
            }
            .render()?;
            return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
        }
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    service::sign_up_returning_to(
        &mut conn,
        &input,
        &state.config.base_url,
        &client_ip(&req),
        next.as_deref(),
    )
    .await?;
    let email = &input.email;
    // The same answer for a new address and a known one (whose owner was emailed instead):
    // nobody is signed in, and the visitor is asked to check their inbox.
    flash::push(
        &session,
        FlashKind::Success,
        format!(
            "Check your inbox: we sent a message to {email}. Open its link to confirm your \
             address, then log in."
        ),
    );
    Ok(forms::see_other(&forms::with_next(
        "/login",
        next.as_deref().unwrap_or(""),
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(show))
        .route("/signup", web::post().to(submit));
}
