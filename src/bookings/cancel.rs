//! `/trips/{id}/cancel`: the page shows the refund the policy gives now, and the form confirms
//! it. The form carries the amount shown; if a deadline passed in between and the refund
//! changed, the guest sees the new amount and confirms again.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{
    changes::{self, CancelError},
    model::Booking,
    policy::Refund,
    transitions::Change,
};
use crate::{
    accounts::SignedIn,
    db,
    errors::{AppError, AppResult},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms,
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
    guest_id: i64,
    id: i64,
    status: StatusCode,
    changed: bool,
) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let (booking, refund, refund_total) =
        changes::refund_preview(&mut conn, guest_id, id, Utc::now())
            .await?
            .ok_or(AppError::NotFound)?;
    let cancellable = Change::CancelByGuest
        .allowed_from()
        .contains(&booking.status());
    let html = CancelPage {
        page,
        booking,
        refund,
        refund_total,
        cancellable,
        changed,
    }
    .render()?;
    Ok(forms::html(status, html))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render(
        page,
        &state,
        user.id,
        path.into_inner(),
        StatusCode::OK,
        false,
    )
    .await
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let expected = form.expected_refund.trim().parse::<i64>().ok();
    let mut conn = db::connection(&state.pool).await?;
    let cancelled = changes::cancel_as_guest(
        &mut conn,
        &state.config.base_url,
        user.id,
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
            Ok(forms::see_other(&format!("/trips/{id}")))
        }
        Err(CancelError::RefundChanged(_)) => {
            render(page, &state, user.id, id, StatusCode::CONFLICT, true).await
        }
        Err(CancelError::Refused(refusal)) => {
            flash::push(&session, FlashKind::Error, refusal.message());
            Ok(forms::see_other(&format!("/trips/{id}")))
        }
        Err(CancelError::App(error)) => Err(error),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/cancel", web::get().to(show))
        .route("/trips/{id}/cancel", web::post().to(submit));
}
