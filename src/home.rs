//! The home page: the search bar and featured stays (best rated, then newest).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    errors::AppResult,
    search::{cards::ListingCard, service},
    service::Actor,
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
    let actor = page
        .user
        .as_ref()
        .map_or(Actor::Visitor, |user| user.actor());
    let mut conn = crate::db::connection(&state.pool).await?;
    let mut featured = service::featured(&mut conn, &actor, FEATURED).await?;
    drop(conn);
    let display = crate::currency::display_of(&page, &state).await?;
    for card in &mut featured {
        card.show_in(&display);
    }
    let html = HomePage { page, featured }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}
