//! `/admin/payments/{id}`: the ledger row, its booking's ledger, the provider's reference and
//! events, and the manual refund form (sudo mode, an amount and a reason). A refused or
//! invalid refund comes back as the page with its messages and what was typed.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{admin_of, audit::Reason, html as shell},
    errors::AppResult,
    payments::service::admin::{self as service, PaymentDetail},
    service::{Actor, Admin, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "admin/payment.html")]
struct PaymentPage {
    page: PageContext,
    section: &'static str,
    detail: PaymentDetail,
    problem: Option<String>,
    errors: FormErrors,
    failed_form: &'static str,
    /// The amount typed (the refundable amount at first).
    amount: Option<String>,
    reason: String,
    reason_max: usize,
}

/// What a refused or invalid refund brings back to the page.
#[derive(Default)]
struct Outcome {
    problem: Option<String>,
    errors: FormErrors,
    amount: Option<String>,
    reason: String,
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    id: i64,
    status: StatusCode,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let detail = service::detail(&mut conn, admin, id).await?;
    let html = PaymentPage {
        page,
        section: "payments",
        detail,
        problem: outcome.problem,
        errors: outcome.errors,
        failed_form: "refund",
        amount: outcome.amount,
        reason: outcome.reason,
        reason_max: Reason::MAX,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let id = id.into_inner();
    render(page, &state, &admin, id, StatusCode::OK, Outcome::default()).await
}

#[derive(Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

pub async fn refund(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RefundForm>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let id = id.into_inner();
    let here = format!("/admin/payments/{id}");
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first(&here));
    };
    let kept = |problem: Option<String>, errors: FormErrors| Outcome {
        problem,
        errors,
        amount: Some(form.amount.clone()),
        reason: form.reason.clone(),
    };
    let reason = match Reason::parse(&form.reason, true) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(page, &state, &admin, id, status, kept(None, errors)).await;
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    match service::refund(&mut conn, &sudo, id, &form.amount, &reason).await {
        Ok(_) => {
            flash::push(
                &session,
                FlashKind::Success,
                "Refund planned: it is sent to the provider in a moment.",
            );
            Ok(forms::see_other(&here))
        }
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(page, &state, &admin, id, status, kept(None, errors)).await
        }
        Err(error) => match shell::refusal_status(&error) {
            Some(status) => {
                let outcome = kept(Some(error.to_string()), FormErrors::new());
                render(page, &state, &admin, id, status, outcome).await
            }
            None => Err(error.into()),
        },
    }
}
