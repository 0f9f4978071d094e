//! `GET /search`: the full page, or (for htmx) only the results fragment.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{
    amenities::AmenityCatalog,
    cards::{self, ListingCard},
    params::{RawSearch, SearchFilters},
    query,
    view::SearchView,
};
use crate::{
    errors::AppResult,
    stays::stay::earliest_today,
    web::{AppState, forms, forms::FormErrors, is_htmx, page::PageContext},
};

#[derive(Template)]
#[template(path = "search/page.html")]
struct SearchPage {
    page: PageContext,
    view: SearchView,
    fragment: bool,
}

#[derive(Template)]
#[template(path = "search/results.html")]
struct ResultsFragment {
    page: PageContext,
    view: SearchView,
    fragment: bool,
}

/// htmx asks for the whole page when it restores history it did not cache.
fn wants_fragment(req: &HttpRequest) -> bool {
    is_htmx(req) && !req.headers().contains_key("HX-History-Restore-Request")
}

async fn search(
    req: HttpRequest,
    page: PageContext,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
) -> AppResult<HttpResponse> {
    let raw = RawSearch::from_query(req.query_string());
    let amenities = catalog.get(&state.pool).await?;
    let mut errors = FormErrors::new();
    let filters = SearchFilters::parse(&raw, &amenities, earliest_today(), &mut errors);
    let mut conn = crate::db::connection(&state.pool).await?;
    let results = query::search(&mut conn, &filters).await?;
    let mut cards: Vec<ListingCard> = results
        .rows
        .into_iter()
        .map(|row| ListingCard::from_row(row, filters.dates.as_ref()))
        .collect();
    if let Some(user) = &page.user {
        cards::mark_saved(&mut conn, user.id, &mut cards).await?;
    }
    drop(conn);
    let current_url = match req.query_string() {
        "" => "/search".to_string(),
        query => format!("/search?{query}"),
    };
    let view = SearchView {
        raw,
        filters,
        errors,
        cards,
        has_next: results.has_next,
        amenities,
        current_url,
    };
    let html = if wants_fragment(&req) {
        ResultsFragment {
            page,
            view,
            fragment: true,
        }
        .render()?
    } else {
        SearchPage {
            page,
            view,
            fragment: false,
        }
        .render()?
    };
    let mut response = forms::html(StatusCode::OK, html);
    response.headers_mut().insert(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("HX-Request"),
    );
    Ok(response)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(search));
}
