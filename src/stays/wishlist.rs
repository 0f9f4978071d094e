//! The wishlist: `POST /listings/{id}/favorite` toggles a heart (the heart fragment for htmx,
//! a redirect back otherwise) and `GET /wishlist` lists the saved stays.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    db::sql::{Bind, SqlBuilder},
    errors::{AppError, AppResult},
    listings::model,
    schema::wishlist_items,
    search::cards::{CardRow, CardSql, ListingCard, card_columns},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms, is_htmx,
        page::PageContext,
    },
};

/// Most saved stays listed.
const WISHLIST_LIMIT: i64 = 200;

pub async fn is_saved(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    listing_id: i64,
) -> diesel::QueryResult<bool> {
    wishlist_items::table
        .find((user_id, listing_id))
        .select(wishlist_items::listing_id)
        .first::<i64>(conn)
        .await
        .optional()
        .map(|found| found.is_some())
}

/// Saves the listing, or removes it when it was saved; returns whether it is saved now.
pub async fn toggle(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    listing_id: i64,
) -> diesel::QueryResult<bool> {
    let removed = diesel::delete(wishlist_items::table.find((user_id, listing_id)))
        .execute(conn)
        .await?;
    if removed > 0 {
        return Ok(false);
    }
    diesel::insert_into(wishlist_items::table)
        .values((
            wishlist_items::user_id.eq(user_id),
            wishlist_items::listing_id.eq(listing_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(true)
}

/// The user's saved stays that guests can see, newest first (one query).
pub async fn saved_cards(
    conn: &mut AsyncPgConnection,
    user_id: i64,
) -> diesel::QueryResult<Vec<ListingCard>> {
    let mut sql = SqlBuilder::default();
    let (user, limit) = (
        sql.param(Bind::BigInt(user_id)),
        sql.param(Bind::BigInt(WISHLIST_LIMIT)),
    );
    sql.text(format!(
        "SELECT {} FROM wishlist_items w JOIN listings l ON l.id = w.listing_id \
         WHERE w.user_id = {user} AND l.status = 'published' \
         ORDER BY w.created_at DESC, l.id LIMIT {limit}",
        card_columns("l")
    ));
    let rows: Vec<CardRow> = sql.build::<CardSql>().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|row| ListingCard {
            saved: true,
            ..ListingCard::from_row(row, None)
        })
        .collect())
}

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
    path: web::Path<i64>,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<FavoriteForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let Some(user) = page.user.clone() else {
        let login = format!("/login?next=/listings/{id}");
        if is_htmx(&req) {
            return Ok(HttpResponse::Ok()
                .insert_header(("HX-Redirect", login))
                .finish());
        }
        return Ok(forms::see_other(&login));
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = model::find_visible(&mut conn, id, Some(user.id))
        .await?
        .ok_or(AppError::NotFound)?;
    let saved = toggle(&mut conn, user.id, id).await?;
    drop(conn);
    let next = forms::safe_next(&form.next)
        .map(str::to_string)
        .unwrap_or_else(|| format!("/listings/{id}"));
    if is_htmx(&req) {
        let html = HeartFragment {
            page,
            listing_id: id,
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
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let cards = saved_cards(&mut conn, user.id).await?;
    drop(conn);
    let html = WishlistPage { page, cards }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}/favorite", web::post().to(favorite))
        .route("/wishlist", web::get().to(show));
}
