//! The admin console's door to exchange rates: the list with a form per rate, and the edit
//! (sudo mode, with an optional reason; audited by the service).

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, RATES_OBJECT_ID, RateLine};
use crate::{
    admin::{
        admin_of,
        audit::{self, AuditRow, ObjectType, Reason},
        html as shell,
    },
    errors::AppResult,
    service::{Actor, Admin, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

crate::admin_routes! {
    Get "/rates" => list,
    Post "/rates/{code}" => update,
}

/// Rate changes shown under the list.
const HISTORY: i64 = 20;

#[derive(Template)]
#[template(path = "admin/rates.html")]
struct RatesPage {
    page: PageContext,
    section: &'static str,
    rates: Vec<RateLine>,
    history: Vec<AuditRow>,
    /// The currency whose form was sent and refused, with what was typed.
    failed: String,
    typed: String,
    reason: String,
    errors: FormErrors,
    problem: Option<String>,
    reason_max: usize,
}

impl RatesPage {
    /// The value of `line`'s rate field: what was typed when its form was refused.
    fn value_of(&self, line: &RateLine) -> String {
        if line.code == self.failed {
            self.typed.clone()
        } else {
            line.rate()
        }
    }
}

/// What a refused form keeps: the currency, the typed rate and reason, the messages.
struct Kept {
    failed: String,
    typed: String,
    reason: String,
    errors: FormErrors,
    problem: Option<String>,
}

impl Kept {
    fn nothing() -> Self {
        Kept {
            failed: String::new(),
            typed: String::new(),
            reason: String::new(),
            errors: FormErrors::new(),
            problem: None,
        }
    }
}

async fn render(
    page: PageContext,
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    kept: Kept,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let rates = service::list(&mut conn, admin).await?;
    let history = audit::for_object(
        &mut conn,
        admin,
        ObjectType::ExchangeRate,
        RATES_OBJECT_ID,
        HISTORY,
    )
    .await?;
    let html = RatesPage {
        page,
        section: "rates",
        rates,
        history,
        failed: kept.failed,
        typed: kept.typed,
        reason: kept.reason,
        errors: kept.errors,
        problem: kept.problem,
        reason_max: Reason::MAX,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub async fn list(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    render(page, &state, &admin, StatusCode::OK, Kept::nothing()).await
}

#[derive(Deserialize)]
pub struct RateForm {
    #[serde(default)]
    rate: String,
    #[serde(default)]
    reason: String,
}

pub async fn update(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: web::Form<RateForm>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first("/admin/rates"));
    };
    let code = code.into_inner();
    let refused = |errors: FormErrors, problem: Option<String>| Kept {
        failed: code.clone(),
        typed: form.rate.clone(),
        reason: form.reason.clone(),
        errors,
        problem,
    };
    let outcome = match Reason::parse(&form.reason, false) {
        Ok(reason) => {
            let mut conn = crate::db::connection(&state.pool).await?;
            service::set_rate(&mut conn, &state.rates, &sudo, &code, &form.rate, &reason).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => {
            flash::push(
                &session,
                FlashKind::Success,
                format!("The rate of {code} is now {}.", form.rate.trim()),
            );
            Ok(forms::see_other("/admin/rates"))
        }
        Err(ServiceError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(page, &state, &admin, status, refused(errors, None)).await
        }
        Err(error @ ServiceError::Refused(_)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let kept = refused(FormErrors::new(), Some(error.to_string()));
            render(page, &state, &admin, status, kept).await
        }
        Err(other) => Err(other.into()),
    }
}
