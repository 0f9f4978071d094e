//! `GET /listings/{id}`: the listing page (gallery, details, amenities, host, reviews summary,
//! calendar, booking widget), and the quote endpoints of its booking widget.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use super::view::ListingView;
use crate::{
    currency::model::Price,
    errors::AppResult,
    listings::month_grid::Month,
    service::{Actor, ListingId},
    stays::{
        model::{Details, Host, Photo},
        quote::{QuoteView, StayQuery},
        service::{self, ListingPage as Shown},
    },
    web::{AppState, conditional, forms, page::PageContext},
};

#[derive(Template)]
#[template(path = "stays/listing.html")]
struct ListingPage {
    page: PageContext,
    listing: ListingView,
    photos: Vec<Photo>,
    amenities: Vec<String>,
    host: Host,
    months: Vec<Month>,
    quote: QuoteView,
    /// The nightly price as the viewer sees it (converted into their display currency).
    price: Price,
    stay: StayQuery,
    saved: bool,
    /// The viewer is the listing's host.
    own: bool,
    /// A fresh key per render: a double submit of the booking form books once (empty for a
    /// visitor, whose form only leads to the login page).
    idempotency_key: String,
    today: String,
}

impl ListingPage {
    fn photo_alt(&self, index: &usize, photo: &Photo) -> String {
        if photo.caption.trim().is_empty() {
            format!(
                "Photo {} of {}: {}",
                index + 1,
                self.photos.len(),
                self.listing.title()
            )
        } else {
            photo.caption.clone()
        }
    }

    fn listing_url(&self) -> String {
        format!("/listings/{}", self.listing.id())
    }
}

#[derive(Template)]
#[template(path = "stays/quote.html")]
struct QuoteFragment {
    quote: QuoteView,
}

async fn show(
    req: HttpRequest,
    actor: Actor,
    path: web::Path<ListingId>,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let stay = StayQuery::from_query(req.query_string());
    let mut conn = crate::db::connection(&state.pool).await?;
    let Shown {
        listing,
        details:
            Details {
                photos,
                amenities,
                host,
                saved,
            },
        months,
        quote,
        own,
        today,
    } = service::listing_page(&mut conn, &actor, path.into_inner(), &stay).await?;
    drop(conn);
    let display = crate::currency::display_of(&page, &state).await?;
    let quote = quote.shown_in(&display);
    let price = display.price(listing.nightly_price, &listing.currency);
    // A visitor's page is the same for every visitor until something on it changes: it gets an
    // ETag, and a repeat view a 304 without the body. A signed-in page carries a fresh
    // idempotency key per render, so it never matches and is sent as before.
    let visitor = !page.signed_in();
    let idempotency_key = if visitor {
        String::new()
    } else {
        uuid::Uuid::new_v4().to_string()
    };
    let html = ListingPage {
        months,
        own,
        page,
        photos,
        amenities,
        host,
        quote,
        price,
        stay,
        saved,
        idempotency_key,
        today: today.to_string(),
        listing: ListingView { listing },
    }
    .render()?;
    if visitor {
        return Ok(conditional::respond(
            &req,
            "text/html; charset=utf-8",
            html.into_bytes(),
        ));
    }
    Ok(forms::html(StatusCode::OK, html))
}

/// The quote fragment the booking widget swaps in.
async fn quote_fragment(
    req: HttpRequest,
    actor: Actor,
    path: web::Path<ListingId>,
    // Extracted as before this door was thinned (it sets up the session's CSRF token).
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let stay = StayQuery::from_query(req.query_string());
    let mut conn = crate::db::connection(&state.pool).await?;
    let quote = service::quote(&mut conn, &actor, path.into_inner(), &stay).await?;
    drop(conn);
    let display = crate::currency::display_of(&page, &state).await?;
    let quote = quote.shown_in(&display);
    let html = QuoteFragment { quote }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

/// "Check price" without JavaScript: back to the listing page with the typed stay.
async fn check_price(path: web::Path<i64>, form: web::Form<StayQuery>) -> HttpResponse {
    forms::see_other(&form.listing_url(path.into_inner()))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}", web::get().to(show))
        .route("/listings/{id}/quote", web::get().to(quote_fragment))
        .route("/listings/{id}/quote", web::post().to(check_price));
}
