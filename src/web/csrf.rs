//! CSRF protection, required on every request that is not GET, HEAD or OPTIONS.
//!
//! A signed-in user's forms carry a synchronizer token bound to the session. A visitor's forms
//! (log in, sign up, password reset) carry a signed double-submit token instead, so that a
//! page view costs no session row: the token sits in a cookie and in the form, and a request
//! passes when both are equal and the token bears our signature (HMAC-SHA256 under a key
//! derived from the application's secret key) and is less than a day old. Another site can
//! neither read the cookie nor make a token. In production the cookie is `__Host-` prefixed,
//! so that no sibling domain can plant one. A signed-in session never accepts the visitor's
//! token.
//!
//! The token travels in the `X-CSRF-Token` header (htmx adds it to every request) or in the
//! `csrf_token` form field. Multipart forms (uploads) carry that field as their first part, so
//! that this middleware reads a few bytes of an upload, never all of it ([`multipart`]); never
//! in the URL, where it would land in browser history and proxy logs. Webhooks are exempt: they
//! are authenticated by their signature, not by a browser session.

mod multipart;

use std::{cell::RefCell, rc::Rc};

use actix_session::{Session, SessionExt};
use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    cookie::{Cookie, Key, SameSite},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::{self, Bytes},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::session_store::USER_ID_KEY;
use crate::errors::AppError;

/// Session key of the token.
pub const SESSION_KEY: &str = "csrf";
pub const HEADER: &str = "X-CSRF-Token";
pub const FIELD: &str = "csrf_token";
/// Largest urlencoded form this middleware reads (forms are small; uploads are multipart).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// A visitor's token is accepted for a day…
const ANONYMOUS_MAX_AGE_SECS: i64 = 24 * 60 * 60;
/// … and a page rendered with one older than this gets a new one, so that a form is never
/// shown with a token about to lapse.
const ANONYMOUS_RENEW_AFTER_SECS: i64 = 12 * 60 * 60;

/// Makes and checks the visitors' double-submit tokens (`issued.nonce.signature`).
#[derive(Clone)]
pub struct AnonymousTokens {
    key: [u8; 32],
    cookie_name: &'static str,
    secure: bool,
}

type HmacSha256 = Hmac<Sha256>;

impl AnonymousTokens {
    /// Derives this use's own key from the application's secret key (the cookie-signing half
    /// is never used raw for two purposes).
    pub fn new(secret: &Key, production: bool) -> Self {
        let mut key = [0u8; 32];
        if let Ok(mut mac) = HmacSha256::new_from_slice(secret.signing()) {
            mac.update(b"roost csrf: anonymous double-submit tokens v1");
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        AnonymousTokens {
            key,
            cookie_name: if production {
                "__Host-roost_csrf"
            } else {
                "roost_csrf"
            },
            secure: production,
        }
    }

    pub fn cookie_name(&self) -> &'static str {
        self.cookie_name
    }

    fn signature(&self, payload: &str) -> Option<HmacSha256> {
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(payload.as_bytes());
        Some(mac)
    }

    fn issue(&self, now: i64) -> String {
        let payload = format!("{now}.{}", new_token());
        let signature = self
            .signature(&payload)
            .map(|mac| URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{payload}.{signature}")
    }

    /// The token's age in seconds if it is ours and not older than a day.
    fn age(&self, token: &str, now: i64) -> Option<i64> {
        let (payload, signature) = token.rsplit_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.signature(payload)?.verify_slice(&signature).ok()?;
        let issued: i64 = payload.split_once('.')?.0.parse().ok()?;
        let age = now.checked_sub(issued)?;
        // A little clock skew between servers is fine; a token from the future is not.
        (-300..=ANONYMOUS_MAX_AGE_SECS)
            .contains(&age)
            .then_some(age)
    }

    fn cookie(&self, token: String) -> Cookie<'static> {
        Cookie::build(self.cookie_name, token)
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .finish()
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The visitor's token of this request: the one their cookie holds, or a new one made when a
/// page first needs it (the middleware then sets the cookie on the response).
#[derive(Clone)]
pub struct AnonymousToken(Rc<AnonymousState>);

struct AnonymousState {
    tokens: AnonymousTokens,
    reusable: Option<String>,
    issued: RefCell<Option<String>>,
}

impl AnonymousToken {
    pub fn value(&self) -> String {
        if let Some(token) = &self.0.reusable {
            return token.clone();
        }
        self.0
            .issued
            .borrow_mut()
            .get_or_insert_with(|| self.0.tokens.issue(now()))
            .clone()
    }

    fn issued(&self) -> Option<String> {
        self.0.issued.borrow().clone()
    }
}

/// Whether the session belongs to a signed-in user (actix-identity keeps the id in it).
fn is_signed_in(session: &Session) -> bool {
    session.get::<String>(USER_ID_KEY).ok().flatten().is_some()
}

/// The token for a form on a page: the session's for a signed-in user, the visitor's
/// double-submit token otherwise (empty when there is none, e.g. on error pages).
pub fn form_token(
    session: &Session,
    anonymous: Option<&AnonymousToken>,
) -> Result<String, AppError> {
    if is_signed_in(session) {
        return token(session);
    }
    Ok(anonymous.map(AnonymousToken::value).unwrap_or_default())
}

/// Paths whose requests authenticate otherwise.
fn is_exempt(path: &str) -> bool {
    path.starts_with("/payments/webhook/")
}

/// The session's token, created on first use.
pub fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(SESSION_KEY)? {
        return Ok(token);
    }
    let token = new_token();
    session.insert(SESSION_KEY, &token)?;
    Ok(token)
}

/// Replaces the token (after login, so a token planted before login is useless).
pub fn rotate(session: &Session) -> Result<String, AppError> {
    let token = new_token();
    session.insert(SESSION_KEY, &token)?;
    Ok(token)
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rejected(path: &str) -> Error {
    let message = if path.starts_with("/api/") || path == "/graphql" {
        "The X-CSRF-Token header is missing or wrong: send the token from GET /api/v1/session \
         (or from POST /api/v1/session after signing in)."
    } else {
        "This form has expired or was sent from another site. Go back, reload the page and try again."
    };
    AppError::Forbidden(message.into()).into()
}

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let tokens = req
        .app_data::<web::Data<AnonymousTokens>>()
        .map(|data| data.get_ref().clone());
    let now = now();
    // The visitor's cookie, if it holds a token of ours: its value and age.
    let cookie = tokens.as_ref().and_then(|tokens| {
        let value = req.cookie(tokens.cookie_name())?.value().to_string();
        let age = tokens.age(&value, now)?;
        Some((value, age))
    });
    let anonymous = tokens.map(|tokens| {
        let reusable = cookie
            .as_ref()
            .filter(|(_, age)| *age < ANONYMOUS_RENEW_AFTER_SECS)
            .map(|(value, _)| value.clone());
        AnonymousToken(Rc::new(AnonymousState {
            tokens,
            reusable,
            issued: RefCell::new(None),
        }))
    });
    if let Some(anonymous) = &anonymous {
        req.extensions_mut().insert(anonymous.clone());
    }

    // The methods a handler may change something with. Every route names its method, so any
    // other (TRACE, CONNECT, made-up ones) reaches no handler and is answered 404/405 as such;
    // so is an API request that no endpoint takes (the API's clients are told 405 with `Allow`
    // rather than a CSRF refusal for a method the URL does not have).
    let changes = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) && (!req.path().starts_with("/api/")
        || crate::api::fallback::routed(req.method(), req.path()));
    if changes && !is_exempt(req.path()) {
        let session = req.get_session();
        let expected = session.get::<String>(SESSION_KEY).ok().flatten();
        // A visitor's cookie counts only while nobody is signed in on this session.
        let visitor = cookie
            .filter(|_| !is_signed_in(&session))
            .map(|(value, _)| value);
        if expected.is_none() && visitor.is_none() {
            tracing::warn!(path = %req.path(), "CSRF check failed: no token to compare with");
            let error = rejected(req.path());
            return Ok(req.error_response(error).map_into_right_body());
        }
        let provided = match provided_token(&mut req).await {
            Ok(provided) => provided,
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        };
        let matches = |known: &Option<String>| {
            matches!((&provided, known), (Some(provided), Some(known))
                if bool::from(provided.as_bytes().ct_eq(known.as_bytes())))
        };
        if !matches(&expected) && !matches(&visitor) {
            tracing::warn!(path = %req.path(), "CSRF check failed: token missing or wrong");
            let error = rejected(req.path());
            return Ok(req.error_response(error).map_into_right_body());
        }
    }

    let mut response = next.call(req).await?;
    if let Some(anonymous) = anonymous
        && let Some(token) = anonymous.issued()
        && let Err(error) = response
            .response_mut()
            .add_cookie(&anonymous.0.tokens.cookie(token))
    {
        tracing::warn!(%error, "could not set the CSRF cookie");
    }
    Ok(response.map_into_left_body())
}

/// The token the request carries: the header, else the first field of a multipart upload
/// (the rest of the upload is left to the handler), else the field of an urlencoded form
/// (whose body is then handed back to the handler). Never the query string.
async fn provided_token(req: &mut ServiceRequest) -> Result<Option<String>, Error> {
    let mut provided = req
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let content_type = req.content_type().to_ascii_lowercase();
    if provided.is_none()
        && content_type.starts_with("multipart/form-data")
        && let Some(boundary) = multipart::boundary(req)
    {
        provided = multipart::read_token(req, &boundary).await?;
    }
    if provided.is_none() && content_type == "application/x-www-form-urlencoded" {
        let body = read_body(req).await?;
        provided = field_value(&body);
        // Give the handler the body back.
        let (_, mut payload) = actix_http::h1::Payload::create(true);
        payload.unread_data(body);
        req.set_payload(payload.into());
    }
    Ok(provided)
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, Error> {
    let mut payload = req.take_payload();
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::PayloadTooLarge.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The `csrf_token` value of an urlencoded string.
fn field_value(encoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_field_is_found_among_others() {
        assert_eq!(
            field_value(b"email=a%40b.c&csrf_token=abc-123&x=1").as_deref(),
            Some("abc-123")
        );
        assert_eq!(field_value(b"email=a"), None);
    }

    #[test]
    fn a_visitor_token_is_accepted_only_as_signed_and_for_a_day() {
        let tokens = AnonymousTokens::new(&Key::generate(), false);
        let now = 1_800_000_000;
        let token = tokens.issue(now);
        assert_eq!(tokens.age(&token, now + 60), Some(60));
        assert_eq!(tokens.age(&token, now + ANONYMOUS_MAX_AGE_SECS + 1), None);
        assert_eq!(tokens.age(&token, now - 3600), None, "not from the future");
        let other = AnonymousTokens::new(&Key::generate(), false);
        assert_eq!(other.age(&token, now), None, "another key's token");
        // Any change to the payload breaks the signature.
        let (payload, signature) = token.rsplit_once('.').unwrap();
        let older = payload.replacen(&now.to_string(), &(now + 1000).to_string(), 1);
        assert_eq!(
            tokens.age(&format!("{older}.{signature}"), now + 1000),
            None
        );
        assert_eq!(tokens.age("made.up.token", now), None);
        assert_eq!(tokens.age("", now), None);
    }

    #[test]
    fn webhooks_are_exempt_and_nothing_else() {
        assert!(is_exempt("/payments/webhook/stripe"));
        assert!(!is_exempt("/logout"));
    }
}
