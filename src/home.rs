//! The home page: the search bar and featured stays (best rated, then newest).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    errors::AppResult,
    search::{
        cards::{self, ListingCard},
        query,
    },
    web::{AppState, forms, page::PageContext},
};

/// Featured stays shown.
const FEATURED: i64 = 8;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageContext,
    featured: Vec<ListingCard>,
}

async fn home(page: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let mut featured: Vec<ListingCard> = query::featured(&mut conn, FEATURED)
        .await?
        .into_iter()
        .map(|row| ListingCard::from_row(row, None))
        .collect();
    if let Some(user) = &page.user {
        cards::mark_saved(&mut conn, user.id, &mut featured).await?;
    }
    drop(conn);
    let html = HomePage { page, featured }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}
