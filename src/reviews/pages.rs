//! Published reviews: a listing's reviews (summary and pages, newest first), the host's reply,
//! and a person's profile with what hosts wrote about them. Review text is user input: it is
//! only ever output through Askama's escaping, so markup in it shows as text.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, QueryDsl};
use diesel_async::RunQueryDsl;
use serde::Deserialize;

use super::service;
use crate::{
    accounts::{SignedIn, current_user, model as users_model},
    errors::{AppError, AppResult},
    listings::model::{self as listing_model, Listing},
    schema::{reviews, users},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms as web_forms, is_htmx,
        page::PageContext,
    },
};

const PER_PAGE: i64 = 10;

/// A published review as shown.
pub struct ShownReview {
    pub id: i64,
    pub author: String,
    pub author_avatar: Option<String>,
    pub rating: i16,
    pub comment: String,
    pub published_at: DateTime<Utc>,
    pub host_reply: Option<String>,
}

impl ShownReview {
    pub fn date(&self) -> String {
        self.published_at.format("%B %Y").to_string()
    }

    pub fn stars(&self) -> String {
        "★".repeat(self.rating.clamp(0, 5) as usize)
    }
}

/// Averages of a listing's published reviews, from its maintained sums.
pub struct Summary {
    pub count: i32,
    pub overall: String,
    pub categories: Vec<(&'static str, String)>,
}

fn average(sum: i32, count: i32) -> String {
    if count == 0 {
        return "–".into();
    }
    format!("{:.1}", f64::from(sum) / f64::from(count))
}

pub fn summary(listing: &Listing) -> Summary {
    let n = listing.review_count;
    Summary {
        count: n,
        overall: average(listing.rating_sum, n),
        categories: vec![
            ("Cleanliness", average(listing.cleanliness_sum, n)),
            ("Accuracy", average(listing.accuracy_sum, n)),
            ("Check-in", average(listing.check_in_sum, n)),
            ("Communication", average(listing.communication_sum, n)),
            ("Location", average(listing.location_sum, n)),
            ("Value", average(listing.value_sum, n)),
        ],
    }
}

type ReviewRow = (
    i64,
    String,
    Option<String>,
    i16,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
);

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
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page_number = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let viewer = current_user(&req, &state).await?.map(|u| u.id);
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = listing_model::find_visible(&mut conn, id.into_inner(), viewer)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows: Vec<ReviewRow> = reviews::table
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(reviews::listing_id.eq(listing.id))
        .filter(reviews::direction.eq("guest_to_host"))
        .filter(reviews::published_at.is_not_null())
        .filter(reviews::hidden_at.is_null())
        .order((reviews::published_at.desc(), reviews::id.desc()))
        .limit(PER_PAGE + 1)
        .offset((page_number - 1) * PER_PAGE)
        .select((
            reviews::id,
            users::name,
            users::avatar_key,
            reviews::rating,
            reviews::comment,
            reviews::published_at,
            reviews::host_reply,
        ))
        .load(&mut conn)
        .await?;
    let has_next = rows.len() as i64 > PER_PAGE;
    let reviews = rows
        .into_iter()
        .take(PER_PAGE as usize)
        .map(
            |(id, author, avatar, rating, comment, published, reply)| ShownReview {
                id,
                author,
                author_avatar: users_model::avatar_url(&avatar),
                rating,
                comment,
                published_at: published.unwrap_or_else(Utc::now),
                host_reply: reply,
            },
        )
        .collect();
    let is_host = viewer == Some(listing.host_id);
    let summary = summary(&listing);
    let html = if is_htmx(&req) {
        ListingReviewsFragment {
            page,
            listing,
            reviews,
            page_number,
            has_next,
            is_host,
        }
        .render()?
    } else {
        ListingReviewsPage {
            page,
            listing,
            summary,
            reviews,
            page_number,
            has_next,
            is_host,
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
    id: web::Path<i64>,
    form: web::Form<ReplyForm>,
) -> AppResult<HttpResponse> {
    let text = form.reply.trim();
    let mut conn = crate::db::connection(&state.pool).await?;
    let review_id = id.into_inner();
    let listing_id: i64 = reviews::table
        .find(review_id)
        .select(reviews::listing_id)
        .first(&mut conn)
        .await?;
    let back = format!("/listings/{listing_id}/reviews");
    if text.is_empty() || text.chars().count() > 2000 {
        flash::push(
            &session,
            FlashKind::Error,
            "Write a reply of 1 to 2000 characters.",
        );
        return Ok(web_forms::see_other(&back));
    }
    match service::reply(&mut conn, review_id, host.id, text).await? {
        Ok(_) => flash::push(&session, FlashKind::Success, "Your reply is published."),
        Err(message) => flash::push(&session, FlashKind::Error, message),
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
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let user = users_model::find(&mut conn, id.into_inner())
        .await?
        .filter(|user| !user.is_suspended())
        .ok_or(AppError::NotFound)?;
    let rows: Vec<ReviewRow> = reviews::table
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(reviews::subject_id.eq(user.id))
        .filter(reviews::direction.eq("host_to_guest"))
        .filter(reviews::published_at.is_not_null())
        .filter(reviews::hidden_at.is_null())
        .order(reviews::published_at.desc())
        .limit(50)
        .select((
            reviews::id,
            users::name,
            users::avatar_key,
            reviews::rating,
            reviews::comment,
            reviews::published_at,
            reviews::host_reply,
        ))
        .load(&mut conn)
        .await?;
    let reviews = rows
        .into_iter()
        .map(
            |(id, author, avatar, rating, comment, published, _)| ShownReview {
                id,
                author,
                author_avatar: users_model::avatar_url(&avatar),
                rating,
                comment,
                published_at: published.unwrap_or_else(Utc::now),
                host_reply: None,
            },
        )
        .collect();
    let html = ProfilePage {
        page,
        avatar: users_model::avatar_url(&user.avatar_key),
        member_since: user.created_at.format("%B %Y").to_string(),
        name: user.name,
        bio: user.bio,
        reviews,
    }
    .render()?;
    Ok(web_forms::html(StatusCode::OK, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/listings/{id}/reviews", web::get().to(listing_reviews))
        .route("/reviews/{id}/reply", web::post().to(reply))
        .route("/users/{id}", web::get().to(profile));
}
