//! The home page: the search bar and featured stays.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::{
    errors::AppResult,
    web::{AppState, page::PageContext},
};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
    featured_count: i64,
}

async fn home(page: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    // Until listings exist the page still asks the database, so an outage shows the 503 page
    // rather than a home page whose every link then fails.
    crate::db::ping(&state.pool).await?;
    let html = HomePage {
        page,
        featured_count: 0,
    }
    .render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}
