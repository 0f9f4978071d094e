//! The JSON API's conventions over HTTP: problem documents (401, 403, 404, 405 with `Allow`,
//! 415, 422 naming an unknown field, 429 with `Retry-After`), the session round trip with its
//! CSRF header, the OpenAPI document and Swagger UI under the strict CSP.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::{
    fixtures,
    support::{Browser, TestApp},
};

/// An API client: a cookie jar and the CSRF token it was last given.
pub struct Client {
    pub browser: Browser,
    pub token: String,
}

impl Client {
    /// A visitor who asked `GET /api/v1/session` for a token.
    pub async fn visitor(app: &TestApp) -> Client {
        let browser = app.new_browser();
        let session = json_of(browser.get("/api/v1/session").await, 200).await;
        assert!(session["user"].is_null(), "{session}");
        let token = session["csrf_token"].as_str().expect("token").to_string();
        Client { browser, token }
    }

    /// A client signed in through `POST /api/v1/session`.
    pub async fn signed_in(app: &TestApp, email: &str) -> Client {
        let mut client = Client::visitor(app).await;
        let session = json_of(
            client
                .send(
                    "POST",
                    "/api/v1/session",
                    Some(json!({"email": email, "password": fixtures::PASSWORD})),
                )
                .await,
            200,
        )
        .await;
        client.token = session["csrf_token"].as_str().expect("token").to_string();
        client
    }

    /// Sends a request with the CSRF header and, if given, a JSON body.
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .browser
            .client
            .request(method, self.browser.url(path))
            .header("X-CSRF-Token", &self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.browser.get(path).await
    }
}

/// The `token` of an emailed link such as `/verify-email?token=…`.
pub fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_else(|| panic!("no token in {link}"))
        .to_string()
}

/// Confirms `email` through the API with the token of the newest confirmation email to it;
/// returns the account as confirmed.
pub async fn confirm_address(app: &TestApp, client: &Client, email: &str) -> Value {
    let link = app.link_in_email(email, "/verify-email").await;
    let body = json!({"token": token_of(&link)});
    let response = client
        .send("POST", "/api/v1/email-verification", Some(body))
        .await;
    json_of(response, 200).await
}

/// The JSON body of a response with the expected status.
pub async fn json_of(response: Response, status: u16) -> Value {
    let got = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(got.as_u16(), status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

/// Checks that a response is a problem document of `status` and returns it.
pub async fn problem(response: Response, status: u16) -> (reqwest::header::HeaderMap, Value) {
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = json_of(response, status).await;
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["status"], status, "{body}");
    for member in ["type", "title", "detail"] {
        assert!(body[member].is_string(), "no {member} in {body}");
    }
    (headers, body)
}

#[tokio::test]
async fn unknown_endpoints_and_wrong_methods_are_problem_documents() {
    let app = TestApp::spawn().await;
    let client = Client::visitor(&app).await;
    let (_, body) = problem(client.get("/api/v1/no-such-thing").await, 404).await;
    assert_eq!(body["type"], "/api/problems/not-found");
    problem(client.get("/api/nothing-here").await, 404).await;
    // A non-numeric id does not reach the handler: still a problem document.
    problem(client.get("/api/v1/listings/abc").await, 404).await;

    let (headers, _) = problem(client.send("PATCH", "/api/v1/listings", None).await, 405).await;
    assert_eq!(headers["allow"], "GET");
    let (headers, _) = problem(client.send("PUT", "/api/v1/session", None).await, 405).await;
    assert_eq!(headers["allow"], "DELETE, GET, POST");
    // A method no route serves is not taken for a change (no CSRF refusal): 405 like any other.
    let trace = app
        .client
        .request(reqwest::Method::TRACE, app.url("/api/v1/listings/1"))
        .send()
        .await
        .expect("request");
    let (headers, _) = problem(trace, 405).await;
    assert_eq!(headers["allow"], "GET");
    // Nor is a method the URL does not have, even without the CSRF header.
    let put = app
        .client
        .put(app.url("/api/v1/listings/1?check_in="))
        .send()
        .await
        .expect("request");
    problem(put, 405).await;
    // An empty query parameter is a mistake worth naming.
    let (_, body) = problem(
        client
            .get("/api/v1/listings?location=Lisbon&check_in=")
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "check_in", "{body}");
}

#[tokio::test]
async fn bodies_must_be_json_with_known_fields_only() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "ana@example.com", false).await;
    let client = Client::visitor(&app).await;

    let raw_login = |content_type: &'static str, body: &'static str| {
        client
            .browser
            .client
            .post(client.browser.url("/api/v1/session"))
            .header("X-CSRF-Token", &client.token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let response = raw_login("text/plain", "email=ana@example.com")
        .await
        .expect("POST");
    problem(response, 415).await;
    let garbled = raw_login("application/json", "{\"email\": \"ana@")
        .await
        .expect("POST");
    let (_, body) = problem(garbled, 422).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("not valid JSON")),
        "{body}"
    );
    let listed = raw_login("application/json", "[\"ana@example.com\", \"x\"]")
        .await
        .expect("POST");
    let (_, body) = problem(listed, 422).await;
    assert_eq!(body["detail"], "The body must be a JSON object ({…}).");

    let sneaky =
        json!({"email": "ana@example.com", "password": fixtures::PASSWORD, "role": "admin"});
    let (_, body) = problem(
        client.send("POST", "/api/v1/session", Some(sneaky)).await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "role", "{body}");
    assert!(
        body["errors"][1].is_null(),
        "only the unknown field: {body}"
    );

    let (_, body) = problem(
        client
            .send(
                "POST",
                "/api/v1/session",
                Some(json!({"email": "ana@example.com"})),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");

    let huge = json!({"email": "a".repeat(70 * 1024), "password": "x"});
    problem(
        client.send("POST", "/api/v1/session", Some(huge)).await,
        413,
    )
    .await;
}

#[tokio::test]
async fn signing_in_is_throttled_with_retry_after_and_wrong_passwords_are_422() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "ben@example.com", false).await;
    let client = Client::visitor(&app).await;
    let wrong = json!({"email": "ben@example.com", "password": "not the password"});
    let (_, body) = problem(
        client
            .send("POST", "/api/v1/session", Some(wrong.clone()))
            .await,
        422,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("don't match"),
        "{body}"
    );
    let mut throttled = None;
    for _ in 0..10 {
        let response = client
            .send("POST", "/api/v1/session", Some(wrong.clone()))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(response);
            break;
        }
        assert_eq!(response.status(), 422);
    }
    let (headers, _) = problem(throttled.expect("throttled within ten attempts"), 429).await;
    let retry_after: u64 = headers["retry-after"]
        .to_str()
        .ok()
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry_after > 0);
}

#[tokio::test]
async fn a_session_round_trip_needs_the_csrf_header_on_every_unsafe_request() {
    let app = TestApp::spawn().await;
    let id = fixtures::user(&app, "cleo@example.com", true).await;
    let visitor = Client::visitor(&app).await;
    let visitor_token = visitor.token.clone();

    // Without the header, logging in is refused before any password is checked.
    let response = visitor
        .browser
        .client
        .post(visitor.browser.url("/api/v1/session"))
        .json(&json!({"email": "cleo@example.com", "password": fixtures::PASSWORD}))
        .send()
        .await
        .expect("POST");
    let (_, body) = problem(response, 403).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("X-CSRF-Token"),
        "{body}"
    );

    let mut client = visitor;
    let session = json_of(
        client
            .send(
                "POST",
                "/api/v1/session",
                Some(json!({"email": "cleo@example.com", "password": fixtures::PASSWORD})),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(session["user"]["id"], id);
    assert_eq!(session["user"]["is_host"], true);
    client.token = session["csrf_token"].as_str().expect("token").to_string();
    assert_ne!(client.token, visitor_token, "a new token after signing in");
    assert!(
        client.browser.cookie_header().contains("roost_session="),
        "the login page's cookie"
    );

    let who = json_of(client.get("/api/v1/session").await, 200).await;
    assert_eq!(who["user"]["name"], "cleo");
    assert_eq!(who["csrf_token"], client.token.as_str());

    // The visitor's token is worthless once signed in, and no token is no logout.
    let stale = Client {
        browser: Browser {
            base: client.browser.base.clone(),
            client: client.browser.client.clone(),
            jar: client.browser.jar.clone(),
        },
        token: visitor_token,
    };
    problem(stale.send("DELETE", "/api/v1/session", None).await, 403).await;
    let response = client
        .browser
        .client
        .delete(client.browser.url("/api/v1/session"))
        .send()
        .await
        .expect("DELETE");
    problem(response, 403).await;
    assert!(json_of(client.get("/api/v1/session").await, 200).await["user"].is_object());

    let response = client.send("DELETE", "/api/v1/session", None).await;
    assert_eq!(response.status(), 204);
    let after = json_of(client.get("/api/v1/session").await, 200).await;
    assert!(after["user"].is_null(), "{after}");
}

#[tokio::test]
async fn what_needs_a_user_is_401_for_a_visitor() {
    let app = TestApp::spawn().await;
    let client = Client::visitor(&app).await;
    let (headers, body) = problem(client.get("/api/v1/me/wishlist").await, 401).await;
    assert_eq!(body["type"], "/api/problems/sign-in-required");
    assert!(headers.contains_key("www-authenticate"));

    fixtures::user(&app, "dora@example.com", false).await;
    let member = Client::signed_in(&app, "dora@example.com").await;
    let list = json_of(member.get("/api/v1/me/wishlist").await, 200).await;
    assert_eq!(list["listings"], json!([]));
}
