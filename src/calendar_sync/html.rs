//! The feed's door, `GET /calendars/{token}.ics`, for the other sites' importers, with an ETag
//! so that their polling costs little. (The host's "get a new address" form is on the
//! listing's calendar page, `listings::html::host::calendar`.)

use actix_web::{HttpRequest, HttpResponse, http::header, web};

use super::{ics, service};
use crate::{
    errors::AppError,
    web::{AppState, conditional},
};

async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let feed = service::feed(&mut conn, &token).await?;
    drop(conn);
    let domain = url::Url::parse(&state.config.base_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "roost".into());
    let today = chrono::Utc::now().date_naive();
    let body = ics::write(&feed, &domain, today);
    let mut response =
        conditional::respond(&req, "text/calendar; charset=utf-8", body.into_bytes());
    // The address is a secret: keep it out of search engines.
    response.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
    Ok(response)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/calendars/{token}.ics", web::get().to(feed));
}
