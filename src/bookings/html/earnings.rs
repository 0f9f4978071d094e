//! `/host/earnings`: the host's payouts by month of check-in and currency, with their totals
//! per currency; and `/host/earnings.csv`, the same months as a spreadsheet download.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    accounts::SignedIn,
    admin::csv,
    bookings::{
        model::earnings::{MonthlyEarnings, Payouts as _},
        service::{self, Earnings},
    },
    db,
    errors::AppResult,
    money,
    web::{AppState, forms, page::PageContext},
};

#[derive(Template)]
#[template(path = "bookings/earnings.html")]
struct EarningsPage {
    page: PageContext,
    earnings: Earnings,
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let earnings = service::earnings_with_totals(&mut conn, &user.actor()).await?;
    drop(conn);
    let html = EarningsPage { page, earnings }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

/// The CSV's columns: amounts as decimals in the currency's unit ("261.90", "12000" for yen).
const HEADER: [&str; 6] = [
    "month", "currency", "stays", "paid_out", "upcoming", "total",
];

fn record(out: &mut String, month: &MonthlyEarnings) {
    let amount = |minor: i64| money::to_input(minor, &month.currency);
    let (stays, paid_out, upcoming, total) = (
        month.stays.to_string(),
        amount(month.paid_out),
        amount(month.upcoming),
        amount(month.paid_out + month.upcoming),
    );
    csv::write_record(
        out,
        [
            month.month.as_str(),
            &month.currency,
            &stays,
            &paid_out,
            &upcoming,
            &total,
        ],
    );
}

/// The host's months as CSV (a few rows a month: written at once, not streamed).
async fn download(SignedIn(user): SignedIn, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let months = service::earnings(&mut conn, &user.actor()).await?;
    drop(conn);
    let mut body = String::new();
    csv::write_record(&mut body, HEADER);
    for month in &months {
        record(&mut body, month);
    }
    Ok(csv::attachment("earnings.csv").body(body))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/earnings", web::get().to(show))
        .route("/host/earnings.csv", web::get().to(download));
}
