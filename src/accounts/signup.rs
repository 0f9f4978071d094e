//! Sign-up: name, email and password; the account starts unverified and a confirmation link is
//! emailed (through the job queue).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::{
    client_ip,
    domain::{EmailAddress, NewPassword, PersonName},
    login::start_session,
    passwords,
    service::{self, SignupError},
};
use crate::{
    errors::AppResult,
    throttle,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignupPage {
    page: PageContext,
    form: SignupForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
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
    let mut errors = FormErrors::new();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let password = errors.check("password", NewPassword::parse(&form.password));
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        form.password.clear();
        let html = SignupPage { page, form, errors }.render()?;
        return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
    };
    let ip = client_ip(&req);
    let mut conn = crate::db::connection(&state.pool).await?;
    throttle::hit(
        &mut conn,
        &format!("signup:ip:{ip}"),
        throttle::SIGNUP_PER_IP,
    )
    .await?;
    let hash = passwords::hash(&password).await?;
    let user = match service::sign_up(
        &mut conn,
        &name,
        &email,
        hash,
        &state.config.base_url,
        Some(&ip),
    )
    .await
    {
        Ok(user) => user,
        Err(SignupError::EmailTaken) => {
            errors.add(
                "email",
                "An account with this email already exists. Log in, or reset your password.",
            );
            form.password.clear();
            let html = SignupPage { page, form, errors }.render()?;
            return Ok(forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
        }
        Err(SignupError::Other(error)) => return Err(error),
    };
    drop(conn);
    start_session(&req, &session, user.id)?;
    flash::push(
        &session,
        FlashKind::Success,
        format!(
            "Welcome to Roost, {}! We sent a confirmation link to {}. Confirm your address to book or host.",
            user.name, user.email
        ),
    );
    Ok(forms::see_other("/"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(show))
        .route("/signup", web::post().to(submit));
}
