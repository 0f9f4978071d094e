//! Static files embedded in the binary with rust-embed, served with content-hash ETags.
//!
//! Templates link assets through [`url`], which appends a short content hash as `?v=`; the file
//! can then be cached for a year (`immutable`) and a new build changes the URL.

use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, ETag, EntityTag, Header},
    web,
};
use rust_embed::RustEmbed;

use crate::errors::AppError;

#[derive(RustEmbed)]
#[folder = "static/"]
#[exclude = "*.md"]
struct StaticFiles;

/// Hex sha256 of every embedded file, computed once.
static HASHES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    StaticFiles::iter()
        .filter_map(|path| {
            let file = StaticFiles::get(&path)?;
            Some((path.to_string(), hex::encode(file.metadata.sha256_hash())))
        })
        .collect()
});

/// The versioned URL of every embedded file, made once (pages link several on every view).
static URLS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    HASHES
        .iter()
        .map(|(path, hash)| (path.clone(), format!("/static/{path}?v={}", &hash[..12])))
        .collect()
});

/// The URL of an embedded file, versioned by its content.
pub fn url(path: &str) -> Cow<'static, str> {
    match URLS.get(path) {
        Some(url) => Cow::Borrowed(url.as_str()),
        None => Cow::Owned(format!("/static/{path}")),
    }
}

/// `GET /static/{path}`.
pub async fn serve(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let file = StaticFiles::get(&path).ok_or(AppError::NotFound)?;
    let hash = HASHES
        .get(&path)
        .cloned()
        .unwrap_or_else(|| hex::encode(file.metadata.sha256_hash()));
    let etag = EntityTag::new_strong(hash);
    let cache = if req.query_string().starts_with("v=") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    if let Ok(header::IfNoneMatch::Items(tags)) = header::IfNoneMatch::parse(&req)
        && tags.iter().any(|tag| tag.weak_eq(&etag))
    {
        return Ok(HttpResponse::NotModified()
            .insert_header(ETag(etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header(ETag(etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(file.data.into_owned()))
}
