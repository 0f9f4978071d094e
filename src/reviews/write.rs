//! Writing reviews: `/trips/{id}/review` for the guest, `/host/reservations/{id}/review` for the
//! host. Every refusal (not your stay, cancelled, too early, too late, twice) is a page with a
//! clear message; bad ratings come back next to their field with the input kept.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use super::{
    forms::{CATEGORIES, ReviewForm},
    service::{self, Refusal, Side, Stay},
};
use crate::{
    accounts::SignedIn,
    errors::{AppError, AppResult},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self as web_forms, FormErrors},
        page::PageContext,
        refused::{self as web_refused},
    },
};

#[derive(Template)]
#[template(path = "reviews/write.html")]
struct WritePage<'a> {
    page: PageContext,
    stay: Stay,
    guest_side: bool,
    action: String,
    form: ReviewForm,
    errors: FormErrors,
    categories: &'a [(&'a str, &'a str)],
}

impl WritePage<'_> {
    fn checked(&self, field: &str, value: &i32) -> bool {
        self.form.field(field) == value.to_string()
    }
}

fn paths(side: Side, booking_id: i64) -> (String, String) {
    match side {
        Side::Guest => (
            format!("/trips/{booking_id}/review"),
            format!("/trips/{booking_id}"),
        ),
        Side::Host => (
            format!("/host/reservations/{booking_id}/review"),
            format!("/host/reservations/{booking_id}"),
        ),
    }
}

fn refused(page: PageContext, refusal: &Refusal, back: &str) -> AppResult<HttpResponse> {
    let status = match refusal {
        Refusal::NotYourStay => StatusCode::FORBIDDEN,
        Refusal::AlreadyReviewed => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let message = refusal.to_string();
    web_refused::respond(
        page,
        &web_refused::Refusal {
            status,
            title: "You can't review this stay",
            message: &message,
            back: (back, "Back"),
            action: None,
        },
    )
}

/// Loads the stay and applies every rule but the form's.
async fn check(
    state: &AppState,
    user_id: i64,
    side: Side,
    booking_id: i64,
) -> AppResult<Result<Stay, Refusal>> {
    let mut conn = crate::db::connection(&state.pool).await?;
    service::open_review(&mut conn, booking_id, user_id, side, Utc::now())
        .await?
        .ok_or(AppError::NotFound)
}

async fn show(
    side: Side,
    user: SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    booking_id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let booking_id = booking_id.into_inner();
    let (action, back) = paths(side, booking_id);
    let stay = match check(&state, user.0.id, side, booking_id).await? {
        Ok(stay) => stay,
        Err(refusal) => return refused(page, &refusal, &back),
    };
    let html = WritePage {
        page,
        stay,
        guest_side: side == Side::Guest,
        action,
        form: ReviewForm::default(),
        errors: FormErrors::new(),
        categories: &CATEGORIES,
    }
    .render()?;
    Ok(web_forms::html(StatusCode::OK, html))
}

async fn submit(
    side: Side,
    user: SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    booking_id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let booking_id = booking_id.into_inner();
    let (action, back) = paths(side, booking_id);
    let stay = match check(&state, user.0.id, side, booking_id).await? {
        Ok(stay) => stay,
        Err(refusal) => return refused(page, &refusal, &back),
    };
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let Some(review) = form.parse(side == Side::Guest, &mut errors) else {
        let html = WritePage {
            page,
            stay,
            guest_side: side == Side::Guest,
            action,
            form,
            errors,
            categories: &CATEGORIES,
        }
        .render()?;
        return Ok(web_forms::html(StatusCode::UNPROCESSABLE_ENTITY, html));
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::submit(&mut conn, &stay, side, &review).await? {
        Ok(published) => {
            let message = if published {
                "Thank you! Both reviews are now published."
            } else {
                "Thank you! Your review will be published when the other side has written theirs, or when the review window closes."
            };
            flash::push(&session, FlashKind::Success, message);
            Ok(web_forms::see_other(&back))
        }
        Err(refusal) => refused(page, &refusal, &back),
    }
}

async fn show_guest(
    user: SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    show(Side::Guest, user, page, state, id).await
}

async fn show_host(
    user: SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    show(Side::Host, user, page, state, id).await
}

async fn submit_guest(
    user: SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    submit(Side::Guest, user, page, session, state, id, form).await
}

async fn submit_host(
    user: SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    submit(Side::Host, user, page, session, state, id, form).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/review", web::get().to(show_guest))
        .route("/trips/{id}/review", web::post().to(submit_guest))
        .route("/host/reservations/{id}/review", web::get().to(show_host))
        .route(
            "/host/reservations/{id}/review",
            web::post().to(submit_host),
        );
}
