//! `/trips/{id}/pay`: the guest pays what is due. With the sandbox, a test-card form; with
//! Stripe, a payment intent whose client secret the page hands to Stripe.js. Either way the
//! booking is confirmed by the provider's verified event, never by this page.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::{
    accounts::SignedIn,
    bookings::{
        domain::Status,
        model::BookingSummary,
        pending_change::PendingChange,
        service::{Balance, HOLD_EXPIRED},
    },
    errors::AppResult,
    payments::{
        checkout::{DECLINED, PROVIDER_TROUBLE},
        service::{self, CardInput, NO_PAYMENTS, Paid, PayPage as Payable},
    },
    service::{BookingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

/// Said once a request to book's card is authorized.
pub const AUTHORIZED_NOTICE: &str = "Request sent. Your card is authorized, not charged, until the \
     host accepts.";

#[derive(Template)]
#[template(path = "payments/pay.html")]
struct PayPage {
    page: PageContext,
    trip: BookingSummary,
    due: String,
    /// What is due with its currency named ("$270.00 USD"): the charge is always in the
    /// listing's currency, whatever display currency the guest browsed in.
    charged: String,
    change: Option<PendingChange>,
    sandbox: bool,
    /// A request to book: the card is authorized, not charged.
    authorize_only: bool,
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

fn render(
    page: PageContext,
    status: StatusCode,
    payable: Payable,
    form: CardForm,
    errors: FormErrors,
    client_secret: Option<String>,
) -> AppResult<HttpResponse> {
    let Balance { trip, due, change } = payable.balance;
    let html = PayPage {
        page,
        due: trip.booking.money(due),
        charged: crate::money::format_with_code(due, &trip.booking.currency),
        change,
        trip,
        sandbox: payable.sandbox,
        authorize_only: payable.authorize_only,
        form,
        errors,
        client_secret,
    }
    .render()?;
    Ok(forms::html(status, html))
}

/// Back to the trip when nothing can be paid there now (or no payments can be taken), with a
/// word why; any other error is the error page.
fn back_to_trip(session: &Session, id: BookingId, error: ServiceError) -> AppResult<HttpResponse> {
    let (kind, message) = match error {
        ServiceError::Refused(message) if message == HOLD_EXPIRED => {
            (FlashKind::Info, HOLD_EXPIRED)
        }
        ServiceError::Refused(_) => (
            FlashKind::Info,
            "There is nothing to pay on this trip right now.",
        ),
        ServiceError::Unavailable { reason, .. } if reason == NO_PAYMENTS => (
            FlashKind::Error,
            "Payments are not available on this site right now. Nothing was charged.",
        ),
        error => return Err(error.into()),
    };
    flash::push(session, kind, message);
    Ok(forms::see_other(&format!("/trips/{id}")))
}

async fn show(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    let actor = user.actor();
    match service::pay_page(&state.pool, &state.config, &actor, id, Utc::now()).await {
        Ok(payable) => render(
            page,
            StatusCode::OK,
            payable,
            CardForm::default(),
            FormErrors::new(),
            None,
        ),
        Err(error) => back_to_trip(&session, id, error),
    }
}

async fn submit(
    SignedIn(user): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CardForm>,
) -> AppResult<HttpResponse> {
    let id = BookingId::new(path.into_inner());
    let actor = user.actor();
    let form = form.into_inner();
    let card = CardInput {
        card_number: &form.card_number,
        expiry: &form.expiry,
        cvc: &form.cvc,
    };
    let now = Utc::now();
    let paid = service::pay(&state.pool, &state.config, &actor, id, &card, now).await;
    let (status, errors, client_secret) = match paid {
        Ok(Paid::Sandbox(booking)) => {
            let message = match booking.status() {
                Status::Confirmed => "Payment received: your stay is confirmed.",
                Status::Requested => AUTHORIZED_NOTICE,
                _ => "Payment received.",
            };
            flash::push(&session, FlashKind::Success, message);
            return Ok(forms::see_other(&format!("/trips/{id}")));
        }
        Ok(Paid::Intent { client_secret }) => (StatusCode::OK, FormErrors::new(), client_secret),
        Err(ServiceError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(ServiceError::Refused(message)) if message == DECLINED => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::one("form", message),
            None,
        ),
        Err(ServiceError::Unavailable { reason, .. }) if reason.starts_with(PROVIDER_TROUBLE) => {
            tracing::warn!(%reason, booking = %id, "payment provider problem");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                FormErrors::one(
                    "form",
                    "The payment service did not answer. Nothing was charged; please try again.",
                ),
                None,
            )
        }
        Err(error) => return back_to_trip(&session, id, error),
    };
    // The page again, with what is due now and what went wrong (or Stripe's next step).
    match service::pay_page(&state.pool, &state.config, &actor, id, now).await {
        Ok(payable) => render(page, status, payable, form, errors, client_secret),
        Err(error) => back_to_trip(&session, id, error),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips/{id}/pay", web::get().to(show))
        .route("/trips/{id}/pay", web::post().to(submit));
}
