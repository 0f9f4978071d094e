//! `/host/earnings`: the host's payouts by month of check-in and currency.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    accounts::SignedIn,
    bookings::{model::earnings::MonthlyEarnings, service},
    db,
    errors::AppResult,
    web::{AppState, forms, page::PageContext},
};

#[derive(Template)]
#[template(path = "bookings/earnings.html")]
struct EarningsPage {
    page: PageContext,
    months: Vec<MonthlyEarnings>,
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let months = service::earnings(&mut conn, &user.actor()).await?;
    let html = EarningsPage { page, months }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/earnings", web::get().to(show));
}
