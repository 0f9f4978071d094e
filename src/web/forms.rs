//! The HTML door's form helpers: pages with a status, redirects after a post, safe `next`
//! paths. Field messages themselves are door-neutral ([`crate::service::FieldErrors`]); the
//! templates show each beside its field, with what the user typed kept.

use actix_web::{HttpResponse, http::StatusCode};

use crate::images::ImageError;

/// The door-neutral field messages, under the name the HTML forms have always used.
pub type FormErrors = crate::service::FieldErrors;

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

/// `path`, with `?next=` when `next` is a safe path (see [`safe_next`]).
pub fn with_next(path: &str, next: &str) -> String {
    match safe_next(next) {
        Some(next) => format!("{path}?next={}", crate::errors::url_encode(next)),
        None => path.to_string(),
    }
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
