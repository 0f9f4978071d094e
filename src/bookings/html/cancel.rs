//! `/trips/{id}/cancel`: the page shows the refund the policy gives now, and the form confirms
//! it. The form carries the amount shown; if a deadline passed in between and the refund
//! changed, the guest sees the new amount and confirms again.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    bookings::{
        forms,
        model::Booking,
        policy::Refund,
        service::{self, CancelPreview, REFUND_CHANGED},
    },
    db,
    errors::AppResult,
    service::{Actor, BookingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms as web_forms,
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "bookings/cancel.html")]
struct CancelPage {
    page: PageContext,
    booking: Booking,
    refund: Refund,
    /// What actually goes back (the policy's refund, capped at what was paid).
    refund_total: i64,
    cancellable: bool,
    changed: bool,
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    expected_refund: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    actor: &Actor,
    id: BookingId,
    status: StatusCode,
    changed: bool,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let CancelPreview {
        booking,
        refund,
        refund_total,
        cancellable,
    } = service::cancel_preview(&mut conn, actor, id, Utc::now()).await?;
    let html = CancelPage {
        page,
        booking,
        refund,
        refund_total,
        cancellable,
        changed,
    }
    .render()?;
    Ok(web_forms::html(status, html))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    render(page, &state, &user.actor(), id, StatusCode::OK, false).await
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    let actor = user.actor();
    let expected = forms::expected_refund(&form.expected_refund);
    let mut conn = db::connection(&state.pool).await?;
    let cancelled = service::cancel(
        &mut conn,
        &state.config.base_url,
        &actor,
        id,
        expected,
        Utc::now(),
    )
    .await;
    drop(conn);
    match cancelled {
        Ok(applied) => {
            let message = if applied.refunded > 0 {
                format!(
                    "Your trip was cancelled. {} will be refunded.",
                    applied.booking.money(applied.refunded)
                )
            } else {
                "Your trip was cancelled.".to_string()
            };
            flash::push(&session, FlashKind::Success, message);
            Ok(web_forms::see_other(&format!("/trips/{id}")))
        }
        Err(ServiceError::Conflict(message)) if message == REFUND_CHANGED => {
            render(page, &state, &actor, id, StatusCode::CONFLICT, true).await
        }
        Err(ServiceError::Conflict(message) | ServiceError::Refused(message)) => {
            flash::push(&session, FlashKind::Error, message);
            Ok(web_forms::see_other(&format!("/trips/{id}")))
        }
        Err(error) => Err(error.into()),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/cancel", web::get().to(show))
        .route("/trips/{id}/cancel", web::post().to(submit));
}
