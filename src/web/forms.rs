//! Form errors shown next to their fields. Handlers parse raw input (all `String`s, so that
//! deserialising never fails) into domain types and collect messages here; the template shows
//! each message beside its field, with what the user typed kept.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, http::StatusCode};

use crate::images::ImageError;

#[derive(Debug, Default)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the first message for `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// The message of `field`, if any (used by templates).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses with `parse`; on failure records its message and returns `None`.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// A rendered page with a status (422 for a form with errors).
pub fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// A page refusing an image upload, with the status the refusal calls for: 413 for a file
/// over the size limit, 429 over the upload limit and 503 while the image pool is full (both
/// with `Retry-After`), 422 otherwise.
pub fn refused_image(problem: &ImageError, body: String) -> HttpResponse {
    let (status, retry_after) = match problem {
        ImageError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, None),
        ImageError::Busy => (StatusCode::SERVICE_UNAVAILABLE, Some(5)),
        ImageError::Throttled { retry_after_secs } => {
            (StatusCode::TOO_MANY_REQUESTS, Some(*retry_after_secs))
        }
        _ => (StatusCode::UNPROCESSABLE_ENTITY, None),
    };
    let mut response = html(status, body);
    if let Some(seconds) = retry_after
        && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string())
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, value);
    }
    response
}

/// A 303 redirect (the answer to a successful form post).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// A `next` parameter is only followed when it is a path on this site: it starts with exactly
/// one `/`, and holds no backslash (browsers read `\` as `/`), no control character (they drop
/// tabs and newlines, so `/\t/evil.example` becomes `//evil.example`), and no white space.
pub fn safe_next(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2048
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    safe.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_next_paths_are_followed() {
        assert_eq!(safe_next("/trips"), Some("/trips"));
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(
            safe_next("/listings/7?check_in=2026-01-02"),
            Some("/listings/7?check_in=2026-01-02")
        );
        for bad in [
            "",
            "trips",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "/trips\\..\\evil",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "///evil.example",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
