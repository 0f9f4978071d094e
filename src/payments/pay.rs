//! `/trips/{id}/pay`: the guest pays what is due. With the sandbox, a test-card form; with
//! Stripe, a payment intent whose client secret the page hands to Stripe.js. Either way the
//! booking is confirmed by the provider's verified event, never by this page.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{
    checkout::{self, PayError},
    gateway::{ClientStep, Gateway, PaymentGateway},
    ledger, sandbox,
};
use crate::{
    accounts::SignedIn,
    bookings::{
        model::{self, BookingSummary},
        pending_change::{self, PendingChange},
    },
    db,
    errors::{AppError, AppResult},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "payments/pay.html")]
struct PayPage {
    page: PageContext,
    trip: BookingSummary,
    due: String,
    change: Option<PendingChange>,
    sandbox: bool,
    form: CardForm,
    errors: FormErrors,
    /// Set once a Stripe payment intent exists.
    client_secret: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CardForm {
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    expiry: String,
    #[serde(default)]
    cvc: String,
}

struct Due {
    trip: BookingSummary,
    due: i64,
    /// The change of dates this payment is for, if it is for one.
    change: Option<PendingChange>,
}

/// The guest's trip and what is due on it; `None` when nothing can be paid now.
async fn due(state: &AppState, guest_id: i64, id: i64) -> AppResult<Result<Due, PayError>> {
    let mut conn = db::connection(&state.pool).await?;
    let trip = model::find_trip(&mut conn, id, guest_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let totals = ledger::totals(&mut conn, id).await?;
    let change = pending_change::find_pending(&mut conn, id).await?;
    let due = checkout::payable(&trip.booking, change.as_ref(), &totals, Utc::now());
    Ok(due.map(|due| Due { trip, due, change }))
}

fn render(
    page: PageContext,
    status: StatusCode,
    due: Due,
    sandbox: bool,
    form: CardForm,
    errors: FormErrors,
    client_secret: Option<String>,
) -> AppResult<HttpResponse> {
    let html = PayPage {
        page,
        due: due.trip.booking.money(due.due),
        change: due.change,
        trip: due.trip,
        sandbox,
        form,
        errors,
        client_secret,
    }
    .render()?;
    Ok(forms::html(status, html))
}

/// Where to go when there is nothing to pay, with a word why.
fn nothing_to_pay(session: &Session, id: i64, error: PayError) -> AppResult<HttpResponse> {
    let message = match error {
        PayError::HoldExpired => {
            "The hold on these dates has run out, so it can no longer be paid."
        }
        PayError::App(error) => return Err(error),
        _ => "There is nothing to pay on this trip right now.",
    };
    flash::push(session, FlashKind::Info, message);
    Ok(forms::see_other(&format!("/trips/{id}")))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let due = match due(&state, user.id, id).await? {
        Ok(due) => due,
        Err(error) => return nothing_to_pay(&session, id, error),
    };
    let Some(gateway) = Gateway::from_config(&state.config) else {
        return no_provider(&session, id);
    };
    let sandbox = gateway.provider() == sandbox::PROVIDER;
    render(
        page,
        StatusCode::OK,
        due,
        sandbox,
        CardForm::default(),
        FormErrors::new(),
        None,
    )
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CardForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let Some(gateway) = Gateway::from_config(&state.config) else {
        return no_provider(&session, id);
    };
    let sandbox = gateway.provider() == sandbox::PROVIDER;
    let current = match due(&state, user.id, id).await? {
        Ok(due) => due,
        Err(error) => return nothing_to_pay(&session, id, error),
    };
    let now = Utc::now();
    if !sandbox {
        return match checkout::start(&state.pool, &gateway, user.id, id, now).await {
            Ok(started) => {
                let secret = match started.charge.step {
                    ClientStep::ClientSecret(secret) => Some(secret),
                    ClientStep::SandboxCard => None,
                };
                render(
                    page,
                    StatusCode::OK,
                    current,
                    false,
                    form,
                    FormErrors::new(),
                    secret,
                )
            }
            Err(error) => refused(page, current, false, form, error, &session, id),
        };
    }
    let mut errors = FormErrors::new();
    let today = now.date_naive();
    let card = match sandbox::parse_card(&form.card_number, &form.expiry, &form.cvc, today) {
        Ok(card) => card,
        Err(problems) => {
            for (field, message) in problems {
                errors.add(field, message);
            }
            return render(
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                current,
                true,
                form,
                errors,
                None,
            );
        }
    };
    let base_url = &state.config.base_url;
    match checkout::pay_with_test_card(&state.pool, &gateway, base_url, user.id, id, card, now)
        .await
    {
        Ok(booking) => {
            let message = if booking.status() == crate::bookings::domain::Status::Confirmed {
                "Payment received: your stay is confirmed."
            } else {
                "Payment received."
            };
            flash::push(&session, FlashKind::Success, message);
            Ok(forms::see_other(&format!("/trips/{id}")))
        }
        Err(error) => refused(page, current, true, form, error, &session, id),
    }
}

/// Back to the trip when this site takes no payments (production configured with the sandbox).
fn no_provider(session: &Session, id: i64) -> AppResult<HttpResponse> {
    flash::push(
        session,
        FlashKind::Error,
        "Payments are not available on this site right now. Nothing was charged.",
    );
    Ok(forms::see_other(&format!("/trips/{id}")))
}

/// The page again with what went wrong.
fn refused(
    page: PageContext,
    current: Due,
    sandbox: bool,
    form: CardForm,
    error: PayError,
    session: &Session,
    id: i64,
) -> AppResult<HttpResponse> {
    let (status, message) = match error {
        PayError::Declined(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        PayError::Provider(reason) => {
            tracing::warn!(%reason, booking = id, "payment provider problem");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The payment service did not answer. Nothing was charged; please try again.".into(),
            )
        }
        other => return nothing_to_pay(session, id, other),
    };
    let mut errors = FormErrors::new();
    errors.add("form", message);
    render(page, status, current, sandbox, form, errors, None)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/pay", web::get().to(show))
        .route("/trips/{id}/pay", web::post().to(submit));
}
