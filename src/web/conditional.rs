//! Conditional GET for answers that differ only when their content does: the strong `ETag` is
//! a hash of the body itself (so it changes whenever anything shown changes: the listing, its
//! photos, calendar, reviews, the host's profile or the date, with no version to keep), and a
//! request whose `If-None-Match` names it gets `304 Not Modified` without the body. Used by the
//! API's listing detail and the visitor's listing page.

use actix_web::{HttpRequest, HttpResponse, http::header};
use sha2::{Digest, Sha256};

/// Browsers may keep the answer but must ask again before reusing it; shared caches must not
/// keep it (the heart and a host's drafts differ per user).
const CACHE_CONTROL: &str = "private, no-cache";

/// The strong entity tag of `body`: `"…"` around the first 16 bytes of its SHA-256, in hex.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..16]))
}

/// Whether the request's `If-None-Match` names `etag` (a strong tag, as `"…"`).
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// `200` with `body`, its `ETag` and `Cache-Control: private, no-cache`; `304` with the same
/// headers and no body when the request already holds this body.
pub fn respond(req: &HttpRequest, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let etag = etag_of(&body);
    if not_modified(req, &etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .body(body)
}
