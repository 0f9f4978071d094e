//! The HTML door of search: `GET /search`, the full page, or (for htmx) only the results
//! fragment.

mod view;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use self::view::SearchView;
use super::{
    amenities::AmenityCatalog,
    forms::RawSearch,
    service::{self, Results, Sources},
};
use crate::{
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, is_htmx, page::PageContext},
};

#[derive(Template)]
#[template(path = "search/page.html", whitespace = "minimize")]
struct SearchPage {
    page: PageContext,
    view: SearchView,
    fragment: bool,
}

#[derive(Template)]
#[template(path = "search/results.html", whitespace = "minimize")]
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
    // The signed-in user was read for the page already: no second look-up.
    let actor = page
        .user
        .as_ref()
        .map_or(Actor::Visitor, |user| user.actor());
    let display = crate::currency::display_of(&page, &state).await?;
    let sources = Sources {
        search_pool: &state.search_pool,
        pool: &state.pool,
        places: &state.places,
        catalog: &catalog,
    };
    let Results {
        filters,
        errors,
        cards,
        has_next,
        amenities,
    } = service::search_shown_in(&sources, &actor, &raw, &display).await?;
    let current_url = match req.query_string() {
        "" => "/search".to_string(),
        query => format!("/search?{query}"),
    };
    let view = SearchView {
        raw,
        filters,
        errors,
        cards,
        has_next,
        amenities,
        current_url,
        price_currency: display.code().map(str::to_string),
    };
    // A results page is about 40 KB: one allocation instead of growing the buffer.
    let mut html = String::with_capacity(48 * 1024);
    if wants_fragment(&req) {
        ResultsFragment {
            page,
            view,
            fragment: true,
        }
        .render_into(&mut html)?;
    } else {
        SearchPage {
            page,
            view,
            fragment: false,
        }
        .render_into(&mut html)?;
    }
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
