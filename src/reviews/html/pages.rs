//! Published reviews: a listing's reviews (summary and pages, newest first), the host's reply,
//! and a person's profile with what hosts wrote about them. Review text is user input: it is
//! only ever output through Askama's escaping, so markup in it shows as text.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    errors::AppResult,
    listings::model::Listing,
    reviews::service::{self, ShownReview, Summary},
    service::{Actor, ListingId, ReviewId, ServiceError, UserId},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms as web_forms, is_htmx,
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "reviews/listing.html")]
struct ListingReviewsPage {
    page: PageContext,
    listing: Listing,
    summary: Summary,
    reviews: Vec<ShownReview>,
    page_number: i64,
    has_next: bool,
    is_host: bool,
}

#[derive(Template)]
#[template(path = "reviews/list_fragment.html")]
struct ListingReviewsFragment {
    page: PageContext,
    listing: Listing,
    reviews: Vec<ShownReview>,
    page_number: i64,
    has_next: bool,
    is_host: bool,
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

async fn listing_reviews(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page_number = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1);
    let mut conn = crate::db::connection(&state.pool).await?;
    let found = service::listing_reviews(&mut conn, &actor, id.into_inner(), page_number).await?;
    drop(conn);
    let html = if is_htmx(&req) {
        ListingReviewsFragment {
            page,
            listing: found.listing,
            reviews: found.reviews,
            page_number: found.page_number,
            has_next: found.has_next,
            is_host: found.is_host,
        }
        .render()?
    } else {
        ListingReviewsPage {
            page,
            listing: found.listing,
            summary: found.summary,
            reviews: found.reviews,
            page_number: found.page_number,
            has_next: found.has_next,
            is_host: found.is_host,
        }
        .render()?
    };
    Ok(web_forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    reply: String,
}

async fn reply(
    SignedIn(host): SignedIn,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<ReviewId>,
    form: web::Form<ReplyForm>,
) -> AppResult<HttpResponse> {
    let review_id = id.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing_id = service::listing_of_review(&mut conn, review_id).await?;
    let back = format!("/listings/{listing_id}/reviews");
    match service::reply(&mut conn, &host.actor(), review_id, &form.reply).await {
        Ok(_) => flash::push(&session, FlashKind::Success, "Your reply is published."),
        // What the host can fix or needs to know is said on the reviews page.
        Err(ServiceError::Invalid(fields)) => {
            for (_, message) in fields.iter() {
                flash::push(&session, FlashKind::Error, message.to_string());
            }
        }
        Err(ServiceError::Refused(message) | ServiceError::Conflict(message)) => {
            flash::push(&session, FlashKind::Error, message)
        }
        Err(other) => return Err(other.into()),
    }
    Ok(web_forms::see_other(&back))
}

#[derive(Template)]
#[template(path = "reviews/profile.html")]
struct ProfilePage {
    page: PageContext,
    name: String,
    bio: String,
    avatar: Option<String>,
    member_since: String,
    reviews: Vec<ShownReview>,
}

async fn profile(
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let profile = service::profile(&mut conn, id.into_inner()).await?;
    let html = ProfilePage {
        page,
        name: profile.name,
        bio: profile.bio,
        avatar: profile.avatar,
        member_since: profile.member_since,
        reviews: profile.reviews,
    }
    .render()?;
    Ok(web_forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}/reviews", web::get().to(listing_reviews))
        .route("/reviews/{id}/reply", web::post().to(reply))
        .route("/users/{id}", web::get().to(profile));
}
