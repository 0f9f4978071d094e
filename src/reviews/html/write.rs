//! Writing reviews: `/trips/{id}/review` for the guest, `/host/reservations/{id}/review` for the
//! host. Every refusal (not your stay, cancelled, too early, too late, twice) is a page with a
//! clear message; bad ratings come back next to their field with the input kept. The rules are
//! the service's ([`service::open`], [`service::submit`]).

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use crate::{
    accounts::SignedIn,
    errors::AppResult,
    reviews::{
        forms::{CATEGORIES, ReviewForm},
        service::{self, Side, Stay},
    },
    service::{Actor, BookingId, ServiceError},
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

fn paths(side: Side, booking_id: BookingId) -> (String, String) {
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

/// The refused page for the service's refusals that the user can read; anything else (no such
/// booking, sign-in, outages) is the usual error page.
fn refused(page: PageContext, error: ServiceError, back: &str) -> AppResult<HttpResponse> {
    let (status, message) = match error {
        ServiceError::NotAllowed(message) => (StatusCode::FORBIDDEN, message),
        ServiceError::Conflict(message) => (StatusCode::CONFLICT, message),
        ServiceError::Refused(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        other => return Err(other.into()),
    };
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

fn render(
    page: PageContext,
    stay: Stay,
    side: Side,
    action: String,
    form: ReviewForm,
    errors: FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
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
    Ok(web_forms::html(status, html))
}

async fn show(
    side: Side,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    booking_id: BookingId,
) -> AppResult<HttpResponse> {
    let (action, back) = paths(side, booking_id);
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::open(&mut conn, &actor, booking_id, side, Utc::now()).await {
        Ok(stay) => render(
            page,
            stay,
            side,
            action,
            ReviewForm::default(),
            FormErrors::new(),
            StatusCode::OK,
        ),
        Err(error) => refused(page, error, &back),
    }
}

async fn submit(
    side: Side,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    booking_id: BookingId,
    form: ReviewForm,
) -> AppResult<HttpResponse> {
    let (action, back) = paths(side, booking_id);
    let mut conn = crate::db::connection(&state.pool).await?;
    // The stay's refusals come before the form's messages, as the page only exists for it.
    let stay = match service::open(&mut conn, &actor, booking_id, side, Utc::now()).await {
        Ok(stay) => stay,
        Err(error) => return refused(page, error, &back),
    };
    let mut errors = FormErrors::new();
    let Some(review) = form.parse(side == Side::Guest, &mut errors) else {
        return render(
            page,
            stay,
            side,
            action,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match service::submit(&mut conn, &actor, booking_id, side, &review).await {
        Ok(published) => {
            let message = if published {
                "Thank you! Both reviews are now published."
            } else {
                "Thank you! Your review will be published when the other side has written theirs, or when the review window closes."
            };
            flash::push(&session, FlashKind::Success, message);
            Ok(web_forms::see_other(&back))
        }
        Err(error) => refused(page, error, &back),
    }
}

async fn show_guest(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
) -> AppResult<HttpResponse> {
    show(Side::Guest, user.actor(), page, state, id.into_inner()).await
}

async fn show_host(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
) -> AppResult<HttpResponse> {
    show(Side::Host, user.actor(), page, state, id.into_inner()).await
}

async fn submit_guest(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let (id, form) = (id.into_inner(), form.into_inner());
    submit(Side::Guest, user.actor(), page, session, state, id, form).await
}

async fn submit_host(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<BookingId>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let (id, form) = (id.into_inner(), form.into_inner());
    submit(Side::Host, user.actor(), page, session, state, id, form).await
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
