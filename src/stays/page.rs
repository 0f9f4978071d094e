//! `GET /listings/{id}`: the listing page (gallery, details, amenities, host, reviews summary,
//! calendar, booking widget), and the quote endpoints of its booking widget.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{
    calendar::{self, Month},
    details::{self, Host, Photo},
    quote::{self, QuoteView, StayQuery},
    view::ListingView,
};
use crate::{
    errors::{AppError, AppResult},
    listings::{
        calendar as calendar_entries,
        model::{self, Listing},
    },
    stays::stay::{StayDates, earliest_today},
    web::{AppState, forms, page::PageContext},
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
    stay: StayQuery,
    saved: bool,
    /// The viewer is the listing's host.
    own: bool,
    /// A fresh key per render: a double submit of the booking form books once.
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

async fn visible_listing(
    conn: &mut crate::db::DbConn,
    id: i64,
    page: &PageContext,
) -> AppResult<Listing> {
    let viewer = page.user.as_ref().map(|user| user.id);
    model::find_visible(conn, id, viewer)
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    req: HttpRequest,
    path: web::Path<i64>,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = visible_listing(&mut conn, path.into_inner(), &page).await?;
    let stay = StayQuery::from_query(req.query_string());
    let today = quote::listing_today(&listing);
    let (from, to) = calendar::window(today);
    let viewer = page.user.as_ref().map(|user| user.id);
    let details::Details {
        photos,
        amenities,
        host,
        saved,
    } = details::around(&mut conn, &listing, viewer).await?;
    let occupied = calendar_entries::entries_between(&mut conn, listing.id, from, to).await?;
    let quote = quote::answer(&mut conn, &listing, &stay).await?;
    drop(conn);
    let selected = StayDates::parse(&stay.check_in, &stay.check_out, earliest_today())
        .ok()
        .flatten();
    let own = viewer == Some(listing.host_id);
    let html = ListingPage {
        months: calendar::months(today, &occupied, selected.as_ref()),
        own,
        page,
        photos,
        amenities,
        host,
        quote,
        stay,
        saved,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        today: today.to_string(),
        listing: ListingView { listing },
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

/// The quote fragment the booking widget swaps in.
async fn quote_fragment(
    req: HttpRequest,
    path: web::Path<i64>,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let stay = StayQuery::from_query(req.query_string());
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = visible_listing(&mut conn, id, &page).await?;
    let quote = quote::answer(&mut conn, &listing, &stay).await?;
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
