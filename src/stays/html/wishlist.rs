//! The wishlist's HTML door: `POST /listings/{id}/favorite` toggles a heart (the heart fragment
//! for htmx, a redirect back otherwise; visitors are sent to log in) and `GET /wishlist` lists
//! the saved stays.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    errors::{AppError, AppResult},
    search::cards::ListingCard,
    service::{Actor, ListingId, ServiceError},
    stays::service,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms, is_htmx,
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "stays/favorite.html")]
struct HeartFragment {
    page: PageContext,
    listing_id: i64,
    title: String,
    saved: bool,
    next: String,
    variant: &'static str,
}

#[derive(Deserialize)]
struct FavoriteForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    variant: String,
}

async fn favorite(
    req: HttpRequest,
    actor: Actor,
    path: web::Path<ListingId>,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<FavoriteForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let toggled = service::toggle_saved(&mut conn, &actor, id).await;
    drop(conn);
    let (listing, saved) = match toggled {
        Ok(toggled) => toggled,
        Err(ServiceError::SignInRequired) => {
            let login = format!("/login?next=/listings/{id}");
            if is_htmx(&req) {
                return Ok(HttpResponse::Ok()
                    .insert_header(("HX-Redirect", login))
                    .finish());
            }
            return Ok(forms::see_other(&login));
        }
        Err(error) => return Err(error.into()),
    };
    let next = forms::safe_next(&form.next)
        .map(str::to_string)
        .unwrap_or_else(|| format!("/listings/{id}"));
    if is_htmx(&req) {
        let html = HeartFragment {
            page,
            listing_id: id.get(),
            title: listing.title,
            saved,
            next,
            variant: if form.variant == "page" {
                "page"
            } else {
                "card"
            },
        }
        .render()?;
        return Ok(forms::html(StatusCode::OK, html));
    }
    let message = if saved {
        format!("{} was saved to your wishlist.", listing.title)
    } else {
        format!("{} was removed from your wishlist.", listing.title)
    };
    flash::push(&session, FlashKind::Success, message);
    Ok(forms::see_other(&next))
}

#[derive(Template)]
#[template(path = "stays/wishlist.html")]
struct WishlistPage {
    page: PageContext,
    cards: Vec<ListingCard>,
}

async fn show(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let cards = service::saved(&mut conn, &actor)
        .await
        .map_err(|error| match error {
            // Visitors log in and come back here.
            ServiceError::SignInRequired => AppError::SignInRequired {
                next: match req.query_string() {
                    "" => req.path().to_string(),
                    query => format!("{}?{query}", req.path()),
                },
            },
            other => other.into(),
        })?;
    drop(conn);
    let html = WishlistPage { page, cards }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}/favorite", web::post().to(favorite))
        .route("/wishlist", web::get().to(show));
}
