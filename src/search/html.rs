//! The HTML door of search: `GET /search`, the full page, or (for htmx) only the results
//! fragment, or the filters and results together (a filter removed from its chip); and
//! `GET /search/filters`, the filters as a step of their own for phones without JavaScript.

mod view;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use self::view::SearchView;
use super::{
    amenities::AmenityCatalog,
    forms::RawSearch,
    service::{self, Results, Sources, Understood},
};
use crate::{
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, is_htmx, page::PageContext},
};

/// `live`: the form updates the results in place (htmx); the filters step submits plainly.
#[derive(Template)]
#[template(path = "search/page.html", whitespace = "minimize")]
struct SearchPage {
    page: PageContext,
    view: SearchView,
    fragment: bool,
    live: bool,
}

#[derive(Template)]
#[template(path = "search/results.html", whitespace = "minimize")]
struct ResultsFragment {
    page: PageContext,
    view: SearchView,
    fragment: bool,
}

/// The filters and the results, for a request that changes both (a chip's removal link):
/// the form must forget the filter too, or its next change would bring it back.
#[derive(Template)]
#[template(path = "search/layout_fragment.html", whitespace = "minimize")]
struct LayoutFragment {
    page: PageContext,
    view: SearchView,
    fragment: bool,
    live: bool,
}

#[derive(Template)]
#[template(path = "search/filters_step.html", whitespace = "minimize")]
struct FiltersStep {
    page: PageContext,
    view: SearchView,
    live: bool,
}

/// What a request to `/search` is answered with.
enum Answer {
    Page,
    Results,
    Layout,
}

/// htmx asks for the whole page when it restores history it did not cache; a chip targets
/// the layout (`HX-Target`, the id of the element swapped), everything else the results.
fn answer_for(req: &HttpRequest) -> Answer {
    if !is_htmx(req) || req.headers().contains_key("HX-History-Restore-Request") {
        return Answer::Page;
    }
    match req.headers().get("HX-Target") {
        Some(target) if target.as_bytes() == b"search-layout" => Answer::Layout,
        _ => Answer::Results,
    }
}

fn sources<'a>(state: &'a AppState, catalog: &'a AmenityCatalog) -> Sources<'a> {
    Sources {
        search_pool: &state.search_pool,
        pool: &state.pool,
        places: &state.places,
        catalog,
    }
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
    let Results {
        filters,
        errors,
        cards,
        has_next,
        matches,
        amenities,
    } = service::search_shown_in(&sources(&state, &catalog), &actor, &raw, &display).await?;
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
        matches,
        amenities,
        current_url,
        price_currency: display.code().map(str::to_string),
    };
    // A results page is about 40 KB: one allocation instead of growing the buffer.
    let mut html = String::with_capacity(48 * 1024);
    match answer_for(&req) {
        Answer::Results => ResultsFragment {
            page,
            view,
            fragment: true,
        }
        .render_into(&mut html)?,
        Answer::Layout => LayoutFragment {
            page,
            view,
            fragment: false,
            live: true,
        }
        .render_into(&mut html)?,
        Answer::Page => SearchPage {
            page,
            view,
            fragment: false,
            live: true,
        }
        .render_into(&mut html)?,
    }
    let mut response = forms::html(StatusCode::OK, html);
    // The answer depends on both: the results alone, or the filters with them (a chip).
    response.headers_mut().insert(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("HX-Request, HX-Target"),
    );
    Ok(response)
}

/// `GET /search/filters?…`: the filter form alone, filled from the query, submitting back to
/// `/search` (the "Filters" button of a phone without JavaScript). Nothing is searched.
async fn filters_step(
    req: HttpRequest,
    page: PageContext,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
) -> AppResult<HttpResponse> {
    let raw = RawSearch::from_query(req.query_string());
    let display = crate::currency::display_of(&page, &state).await?;
    let Understood {
        filters,
        errors,
        amenities,
    } = service::understand(&sources(&state, &catalog), &raw).await?;
    let current_url = filters.url(&[], 1);
    let view = SearchView {
        raw,
        filters,
        errors,
        cards: Vec::new(),
        has_next: false,
        matches: None,
        amenities,
        current_url,
        price_currency: display.code().map(str::to_string),
    };
    let html = FiltersStep {
        page,
        view,
        live: false,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(search))
        .route("/search/filters", web::get().to(filters_step));
}
