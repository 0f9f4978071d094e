//! Renders every error response as a page (or an htmx fragment, or JSON under `/api/`).
//!
//! It sits outside the session middleware so that it also sees the session store's failures:
//! actix-session turns those into an opaque 500, and when the cause is a database outage (a
//! signed-in visitor's session cannot be loaded) the user must get the 503 page instead, and
//! the log one line, not the error's whole chain and backtrace.

use actix_session::SessionExt;
use actix_web::HttpMessage as _;
use actix_web::{
    Error, HttpResponse, ResponseError,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    error::InternalError,
    http::{StatusCode, header},
    middleware::Next,
    web,
};
use askama::Template;

use super::{AppState, observability::RequestId, page::PageContext, security_headers};
use crate::{accounts::CurrentUser, errors::AppError};

#[derive(Template)]
#[template(path = "errors/page.html")]
struct ErrorPage<'a> {
    page: PageContext,
    status: u16,
    title: &'a str,
    message: &'a str,
    request_id: &'a str,
}

#[derive(Template)]
#[template(path = "errors/fragment.html")]
struct ErrorFragment<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    request_id: &'a str,
}

/// What an error page needs to know about its request, captured before the request is handed
/// on (the request itself cannot be cloned: routing needs to own it).
struct ErrorContext {
    api: bool,
    htmx: bool,
    request_id: String,
    development: bool,
}

impl ErrorContext {
    fn of(req: &ServiceRequest) -> Self {
        ErrorContext {
            // GraphQL's clients read JSON too (its own errors are GraphQL responses; those of
            // the middleware, such as a missing CSRF header, are problem documents).
            api: req.path().starts_with("/api/") || req.path() == "/graphql",
            htmx: req.headers().contains_key("HX-Request"),
            request_id: req
                .extensions()
                .get::<RequestId>()
                .map(|id| id.0.clone())
                .unwrap_or_default(),
            development: req
                .app_data::<web::Data<AppState>>()
                .map(|state| !state.config.is_production())
                .unwrap_or(false),
        }
    }
}

pub async fn render(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let context = ErrorContext::of(&req);
    match next.call(req).await {
        Ok(response) => {
            let Some(error) = response.response().error() else {
                return Ok(response.map_into_left_body());
            };
            if response.status().is_redirection() {
                // "Please log in" is an error that answers with a redirect.
                return Ok(response.map_into_left_body());
            }
            if context.api && is_problem(&response) {
                // The API door made its problem document already.
                return Ok(response.map_into_left_body());
            }
            let (status, message) = describe(error, response.status());
            let user = response
                .request()
                .extensions()
                .get::<CurrentUser>()
                .cloned();
            let session = response.request().get_session();
            let page = PageContext::for_error(context.development, user, Some(session));
            let mut rendered = respond(&context, page, status, &message);
            // Keep what the inner layers added (the session's Set-Cookie, Retry-After, …).
            for (name, value) in response.headers() {
                if name != header::CONTENT_TYPE
                    && name != header::CONTENT_LENGTH
                    && !rendered.headers().contains_key(name)
                {
                    rendered.headers_mut().append(name.clone(), value.clone());
                }
            }
            let (request, _) = response.into_parts();
            Ok(ServiceResponse::new(request, rendered).map_into_right_body())
        }
        Err(error) => {
            // A middleware failed (the session store, typically); the request is gone, so the
            // rendered page travels inside the error. `describe` logged the one line about it.
            let (status, message) = describe(&error, error.as_response_error().status_code());
            let page = PageContext::for_error(context.development, None, None);
            let rendered = respond(&context, page, status, &message);
            Err(InternalError::from_response(message, rendered).into())
        }
    }
}

/// Loads who is signed in when an error answers a page request that had not loaded them (a
/// URL no route knows, a refusal before any handler asked), so that a signed-in user's error
/// page has the header of every other page. It runs inside the session middleware, which
/// empties the session once the response passes it; [`render`] then finds the user in the
/// request. Not for 5xx answers (the database may be their reason), the API or htmx.
pub async fn load_signed_in_user(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let context = ErrorContext::of(&req);
    let response = next.call(req).await?;
    let status = response.status();
    let page_error = response.response().error().is_some()
        && !status.is_server_error()
        && !status.is_redirection()
        && !context.api
        && !context.htmx;
    let request = response.request();
    if page_error
        && request.extensions().get::<CurrentUser>().is_none()
        && let Some(state) = request.app_data::<web::Data<AppState>>()
        && let Err(error) = crate::accounts::current_user(request, state).await
    {
        tracing::warn!(%error, "the error page could not load the signed-in user");
    }
    Ok(response)
}

/// The status and user-facing message of an error.
fn describe(error: &Error, status: StatusCode) -> (StatusCode, String) {
    if let Some(app_error) = error.as_error::<AppError>() {
        if status.is_server_error() {
            tracing::error!(error = %app_error, "request failed");
        }
        return (status, app_error.public_message());
    }
    if status.is_server_error() {
        if is_database_outage(error) {
            let outage = AppError::Unavailable(crate::db::DatabaseUnavailable(String::new()));
            let status = outage.status_code();
            tracing::warn!(
                status = status.as_u16(),
                "database unavailable: the session could not be loaded or saved"
            );
            return (status, outage.public_message());
        }
        tracing::error!(detail = ?error, "request failed");
        return (
            status,
            AppError::internal(anyhow::anyhow!("")).public_message(),
        );
    }
    let message = match status {
        StatusCode::NOT_FOUND => AppError::NotFound.public_message(),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge.public_message(),
        StatusCode::METHOD_NOT_ALLOWED => "That action is not available here.".to_string(),
        _ => "The request could not be understood. Please check what you sent and try again."
            .to_string(),
    };
    (status, message)
}

/// Whether the response is already an RFC 9457 problem document.
fn is_problem<B>(response: &ServiceResponse<B>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(crate::api::problem::CONTENT_TYPE))
}

/// Whether a session store failure was a database outage. actix-session wraps the store's
/// errors in an `InternalError` that gives no access to its cause, but its alternate `Debug`
/// form is the chain's own (`Other(DatabaseUnavailable("…"))`, where the plain form would
/// print the message and a backtrace); the store marks outages with that type.
fn is_database_outage(error: &Error) -> bool {
    format!("{:#?}", error.as_response_error()).contains("DatabaseUnavailable(")
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Something is not right with that request",
        401 => "Please sign in",
        403 => "You can't do that",
        404 => "Page not found",
        409 => "That just changed",
        413 => "That's too big",
        429 => "Slow down a little",
        503 => "We'll be right back",
        500..=599 => "Something went wrong",
        _ => "That didn't work",
    }
}

/// Builds the error response in the format the client asked for.
fn respond(
    context: &ErrorContext,
    page: PageContext,
    status: StatusCode,
    message: &str,
) -> HttpResponse {
    if context.api {
        // Under /api/ every error is a problem document (with its Retry-After on 503).
        let mut response = crate::api::Problem::for_status(status, message).response();
        for (name, value) in security_headers_list() {
            response.headers_mut().insert(name, value);
        }
        return response;
    }
    let title = title_for(status);
    let mut builder = HttpResponse::build(status);
    security_headers::apply(&mut builder);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        builder.insert_header((header::RETRY_AFTER, "5"));
    }
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    let request_id = context.request_id.as_str();
    let html = if context.htmx {
        ErrorFragment {
            status: status.as_u16(),
            title,
            message,
            request_id,
        }
        .render()
    } else {
        ErrorPage {
            page,
            status: status.as_u16(),
            title,
            message,
            request_id,
        }
        .render()
    };
    match html {
        Ok(html) => builder
            .content_type("text/html; charset=utf-8")
            .body(BoxBody::new(html)),
        Err(error) => {
            tracing::error!(%error, "could not render the error page");
            builder
                .content_type("text/plain; charset=utf-8")
                .body(message.to_string())
        }
    }
}

/// The security headers, as a list (for a response built outside the builder).
fn security_headers_list() -> Vec<(header::HeaderName, header::HeaderValue)> {
    let mut builder = HttpResponse::Ok();
    security_headers::apply(&mut builder);
    builder
        .finish()
        .headers()
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use actix_session::storage::LoadError;
    use actix_web::HttpResponse;

    use super::*;
    use crate::db::DatabaseUnavailable;

    /// The error actix-session makes of a store failure (its `e500`).
    fn session_error(cause: anyhow::Error) -> Error {
        InternalError::from_response(
            LoadError::Other(cause),
            HttpResponse::InternalServerError().finish(),
        )
        .into()
    }

    #[test]
    fn a_session_store_outage_is_a_503_and_other_failures_stay_500() {
        let outage = session_error(anyhow::Error::new(DatabaseUnavailable(
            "pool timed out".into(),
        )));
        let (status, message) = describe(&outage, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(message.contains("temporarily unavailable"), "{message}");

        let bug = session_error(anyhow::anyhow!("the database is unavailable, says a bug"));
        let (status, _) = describe(&bug, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
