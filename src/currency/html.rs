//! The HTML door of display currencies: `GET /currency`, the picker (linked from every page's
//! footer, so that browsing sets no cookie and carries no form token), and `POST /currency`,
//! which keeps the choice in a cookie and goes back to the page the visitor came from.

use actix_web::{
    HttpResponse,
    cookie::{Cookie, SameSite, time::Duration},
    http::StatusCode,
    web,
};
use askama::Template;
use serde::Deserialize;

use super::{COOKIE, model::Display, service};
use crate::{
    errors::{AppError, AppResult},
    service::ServiceError,
    web::{
        AppState,
        forms::{self, FormErrors},
        page::PageContext,
    },
};

/// How a page's viewer sees prices (no statement unless a currency was chosen, and then at
/// most one a minute: see [`service::RateCache`]).
pub async fn display_of(page: &PageContext, state: &AppState) -> AppResult<Display> {
    Ok(service::display(&state.rates, &state.pool, page.display_currency.as_deref()).await?)
}

#[derive(Deserialize, Default)]
struct Back {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    currency: String,
    #[serde(default)]
    next: String,
}

#[derive(Template)]
#[template(path = "currency/picker.html")]
struct PickerPage {
    page: PageContext,
    codes: Vec<String>,
    chosen: String,
    next: String,
    errors: FormErrors,
}

async fn render(
    page: PageContext,
    state: &AppState,
    chosen: String,
    next: String,
    errors: FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let codes = service::offered(&state.rates, &state.pool).await?;
    let html = PickerPage {
        page,
        codes,
        chosen,
        next,
        errors,
    }
    .render()?;
    Ok(forms::html(status, html))
}

async fn picker(
    page: PageContext,
    state: web::Data<AppState>,
    back: web::Query<Back>,
) -> AppResult<HttpResponse> {
    let chosen = page.display_currency.clone().unwrap_or_default();
    let next = forms::safe_next(&back.next).unwrap_or("/").to_string();
    render(
        page,
        &state,
        chosen,
        next,
        FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// One year: a display currency is a preference, not a session.
const COOKIE_DAYS: i64 = 365;

async fn choose(
    page: PageContext,
    state: web::Data<AppState>,
    form: web::Form<Choice>,
) -> AppResult<HttpResponse> {
    let next = forms::safe_next(&form.next).unwrap_or("/").to_string();
    let chosen = match service::choose(&state.rates, &state.pool, &form.currency).await {
        Ok(chosen) => chosen,
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(page, &state, form.currency.clone(), next, errors, status).await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut response = forms::see_other(&next);
    let cookie = match chosen {
        Some(code) => Cookie::build(COOKIE, code)
            .max_age(Duration::days(COOKIE_DAYS))
            .finish(),
        // "Each listing's own currency": the cookie is removed.
        None => {
            let mut removal = Cookie::build(COOKIE, "").finish();
            removal.make_removal();
            removal
        }
    };
    let mut cookie = cookie;
    cookie.set_path("/");
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(state.config.is_production());
    response.add_cookie(&cookie).map_err(AppError::internal)?;
    Ok(response)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/currency", web::get().to(picker))
        .route("/currency", web::post().to(choose));
}
