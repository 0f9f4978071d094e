//! CSRF protection: a synchronizer token bound to the session, required on every request that
//! is not GET, HEAD or OPTIONS.
//!
//! The token travels in the `X-CSRF-Token` header (htmx adds it to every request) or in the
//! `csrf_token` form field. Multipart forms (uploads) carry that field as their first part, so
//! that this middleware reads a few bytes of an upload, never all of it ([`multipart`]); never
//! in the URL, where it would land in browser history and proxy logs. Webhooks are exempt: they
//! are authenticated by their signature, not by a browser session.

mod multipart;

use actix_session::{Session, SessionExt};
use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::Bytes,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures_util::StreamExt;
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::errors::AppError;

/// Session key of the token.
pub const SESSION_KEY: &str = "csrf";
pub const HEADER: &str = "X-CSRF-Token";
pub const FIELD: &str = "csrf_token";
/// Largest urlencoded form this middleware reads (forms are small; uploads are multipart).
const MAX_FORM_BYTES: usize = 256 * 1024;

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

fn rejected() -> Error {
    AppError::Forbidden(
        "This form has expired or was sent from another site. Go back, reload the page and try again."
            .into(),
    )
    .into()
}

pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_exempt(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let Some(expected) = req.get_session().get::<String>(SESSION_KEY).ok().flatten() else {
        tracing::warn!(path = %req.path(), "CSRF check failed: the session has no token");
        return Ok(req.error_response(rejected()).map_into_right_body());
    };

    let mut provided = req
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let content_type = req.content_type().to_ascii_lowercase();
    if provided.is_none()
        && content_type.starts_with("multipart/form-data")
        && let Some(boundary) = multipart::boundary(&req)
    {
        provided = match multipart::read_token(&mut req, &boundary).await {
            Ok(token) => token,
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        };
    }
    if provided.is_none() && content_type == "application/x-www-form-urlencoded" {
        let body = match read_body(&mut req).await {
            Ok(body) => body,
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        };
        provided = field_value(&body);
        // Give the handler the body back.
        let (_, mut payload) = actix_http::h1::Payload::create(true);
        payload.unread_data(body);
        req.set_payload(payload.into());
    }
    match provided {
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => {
            Ok(next.call(req).await?.map_into_left_body())
        }
        _ => {
            tracing::warn!(path = %req.path(), "CSRF check failed: token missing or wrong");
            Ok(req.error_response(rejected()).map_into_right_body())
        }
    }
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
    fn webhooks_are_exempt_and_nothing_else() {
        assert!(is_exempt("/payments/webhook/stripe"));
        assert!(!is_exempt("/logout"));
    }
}
