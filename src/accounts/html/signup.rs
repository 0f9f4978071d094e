//! Sign-up: name, email and password; the account starts unverified and a confirmation link is
//! emailed (through the job queue). The visitor is not signed in: the answer must not differ
//! when the address already has an account (see `service::sign_up`), so both are sent to the
//! login page with "check your inbox".

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

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignupPage {
    page: PageContext,
    form: SignupForm,
    errors: FormErrors,
}

async fn show(page: PageContext) -> AppResult<HttpResponse> {
    if page.signed_in() {
        return Ok(forms::see_other("/"));
    }
    let html = SignupPage {
        page,
        form: SignupForm::default(),
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
    form: web::Form<SignupForm>,
) -> AppResult<HttpResponse> {
    let mut form = form.into_inner();
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            form.password.clear();
            let html = SignupPage { page, form, errors }.render()?;
            return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
        }
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    service::sign_up(&mut conn, &input, &state.config.base_url, &client_ip(&req)).await?;
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
    Ok(forms::see_other("/login"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(show))
        .route("/signup", web::post().to(submit));
}
