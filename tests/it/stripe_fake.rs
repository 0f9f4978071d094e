//! A recording fake of the Stripe endpoints Roost calls (`POST /v1/payment_intents`, its
//! `/{id}/capture` and `/{id}/cancel`, `POST /v1/refunds`), on 127.0.0.1:0. It records every request, honours `Idempotency-Key`
//! as Stripe does (the same key replays the first answer), and can be told to fail the next
//! requests with a 500, to exercise retries.

#![allow(dead_code)]

use std::{
    collections::HashMap,
    net::TcpListener,
    sync::{Arc, Mutex},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

/// One request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
    pub form: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    fail_next: usize,
    /// Answer the next requests with a 402 card error (a refused capture).
    refuse_next: usize,
    answers: HashMap<String, Value>,
    created: u64,
}

pub struct StripeFake {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl StripeFake {
    pub async fn start() -> StripeFake {
        let state = Arc::new(Mutex::new(State::default()));
        let data = web::Data::from(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the Stripe fake");
        let port = listener.local_addr().expect("address").port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/payment_intents", web::post().to(payment_intent))
                .route(
                    "/v1/payment_intents/{id}/capture",
                    web::post().to(capture_intent),
                )
                .route(
                    "/v1/payment_intents/{id}/cancel",
                    web::post().to(cancel_intent),
                )
                .route("/v1/refunds", web::post().to(refund))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        StripeFake {
            url: format!("http://127.0.0.1:{port}"),
            state,
        }
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().expect("fake state").requests.clone()
    }

    /// Requests to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.path == path)
            .collect()
    }

    /// Answers the next `count` requests with a 402 `card_declined` (after recording them).
    pub fn refuse_next(&self, count: usize) {
        self.state.lock().expect("fake state").refuse_next = count;
    }

    /// Answers the next `count` requests with a 500 (after recording them).
    pub fn fail_next(&self, count: usize) {
        self.state.lock().expect("fake state").fail_next = count;
    }
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// Records the request; the answer is a 500 when told to fail, the replay of an earlier
/// answer for a known idempotency key, or `make(n, form)` for the n-th new object.
fn answer(
    req: &HttpRequest,
    state: &Mutex<State>,
    form: HashMap<String, String>,
    make: impl FnOnce(u64, &HashMap<String, String>) -> Value,
) -> HttpResponse {
    let mut state = state.lock().expect("fake state");
    let key = header(req, "Idempotency-Key");
    state.requests.push(Recorded {
        path: req.path().to_string(),
        idempotency_key: key.clone(),
        authorization: header(req, "Authorization"),
        form: form.clone(),
    });
    if state.fail_next > 0 {
        state.fail_next -= 1;
        return HttpResponse::InternalServerError()
            .json(json!({ "error": { "message": "the fake is down", "type": "api_error" } }));
    }
    if state.refuse_next > 0 {
        state.refuse_next -= 1;
        return HttpResponse::PaymentRequired().json(json!({ "error": {
            "message": "Your card was declined.", "type": "card_error", "code": "card_declined",
        }}));
    }
    if let Some(previous) = key.as_ref().and_then(|key| state.answers.get(key)) {
        return HttpResponse::Ok().json(previous.clone());
    }
    state.created += 1;
    let object = make(state.created, &form);
    if let Some(key) = key {
        state.answers.insert(key, object.clone());
    }
    HttpResponse::Ok().json(object)
}

fn amount(form: &HashMap<String, String>) -> i64 {
    form.get("amount")
        .and_then(|amount| amount.parse().ok())
        .unwrap_or_default()
}

async fn payment_intent(
    req: HttpRequest,
    state: web::Data<Mutex<State>>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    answer(&req, &state, form.into_inner(), |n, form| {
        json!({
            "id": format!("pi_fake_{n}"),
            "object": "payment_intent",
            "amount": amount(form),
            "currency": form.get("currency"),
            "client_secret": format!("pi_fake_{n}_secret_abc"),
            "status": "requires_payment_method",
            "capture_method": form.get("capture_method").map_or("automatic", String::as_str),
            "metadata": {
                "booking_id": form.get("metadata[booking_id]"),
                "payment_id": form.get("metadata[payment_id]"),
            },
        })
    })
}

async fn refund(
    req: HttpRequest,
    state: web::Data<Mutex<State>>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    // Like localstripe, some answers leave fields out: no currency, no metadata here.
    answer(&req, &state, form.into_inner(), |n, form| {
        json!({
            "id": format!("re_fake_{n}"),
            "object": "refund",
            "amount": amount(form),
            "payment_intent": form.get("payment_intent"),
            "status": "pending",
        })
    })
}

/// `POST /v1/payment_intents/{id}/capture` or `/cancel`: the intent in `status`.
fn intent_moved(
    req: &HttpRequest,
    state: &Mutex<State>,
    form: HashMap<String, String>,
    status: &'static str,
) -> HttpResponse {
    let id = req.match_info().get("id").unwrap_or_default().to_string();
    answer(req, state, form, |_, form| {
        json!({
            "id": id,
            "object": "payment_intent",
            "amount_received": if status == "succeeded" { amount_to_capture(form) } else { 0 },
            "status": status,
        })
    })
}

fn amount_to_capture(form: &HashMap<String, String>) -> i64 {
    form.get("amount_to_capture")
        .and_then(|amount| amount.parse().ok())
        .unwrap_or_default()
}

async fn capture_intent(
    req: HttpRequest,
    state: web::Data<Mutex<State>>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    intent_moved(&req, &state, form.into_inner(), "succeeded")
}

async fn cancel_intent(
    req: HttpRequest,
    state: web::Data<Mutex<State>>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    intent_moved(&req, &state, form.into_inner(), "canceled")
}
