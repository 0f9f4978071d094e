//! The application's one error type.
//!
//! Handlers and services return [`AppResult`]. The kind picks the HTTP status; the page (or htmx
//! fragment, or JSON for the API) is rendered by [`crate::web::error_pages`], which sees every
//! error response, including those produced by actix itself. The cause chain of an internal
//! error goes to the log; users see an opaque message and the request id.
//!
//! Use `NotFound` for anything the user may not see (ownership failures included, so that ids
//! cannot be probed), `Forbidden` only when revealing existence is harmless, `Unavailable` when a
//! dependency (the database, mail) is down, and `Internal` for bugs.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};

use crate::{db::DatabaseUnavailable, service::ServiceError};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// A rule refused the request (422) with a message for the whole page.
    #[error("{0}")]
    Unprocessable(String),
    #[error("the upload is too large")]
    PayloadTooLarge,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    #[error(transparent)]
    Unavailable(#[from] DatabaseUnavailable),
    /// Concurrent transactions kept getting in each other's way (deadlock or serialization
    /// failure, after the retries of `db::retry_on_contention`): a 503 with `Retry-After`.
    #[error("contention: {0}")]
    Contention(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    /// The message shown to the user for this error.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound => {
                "We couldn't find that page. It may have moved, or the link may be wrong.".into()
            }
            AppError::BadRequest(message)
            | AppError::Forbidden(message)
            | AppError::Conflict(message)
            | AppError::Unprocessable(message) => message.clone(),
            AppError::PayloadTooLarge => {
                "That upload is too large. Please choose a smaller file.".into()
            }
            AppError::SignInRequired { .. } => "Please log in to continue.".into(),
            AppError::TooManyRequests { retry_after_secs } => format!(
                "Too many attempts. Please wait {} and try again.",
                human_duration(*retry_after_secs)
            ),
            AppError::Unavailable(_) => {
                "Roost is temporarily unavailable. Please try again in a moment.".into()
            }
            AppError::Contention(_) => {
                "Many people are doing the same thing right now. Please try again in a moment."
                    .into()
            }
            AppError::Internal(_) => {
                "Something went wrong on our side. We have been notified; please try again.".into()
            }
        }
    }
}

fn human_duration(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=89 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Unavailable(_) | AppError::Contention(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired { next } = self {
            let location = format!("/login?next={}", url_encode(next));
            return HttpResponse::SeeOther()
                .insert_header(("Location", location))
                .finish();
        }
        // The body is replaced by the error-page middleware; this one is the fallback.
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        if matches!(self, AppError::Unavailable(_)) {
            response.insert_header(("Retry-After", "5"));
        }
        if matches!(self, AppError::Contention(_)) {
            response.insert_header(("Retry-After", "1"));
        }
        response.body(self.public_message())
    }
}

/// The HTML door's reading of a service's answer. Handlers that show a form match
/// `ServiceError::Invalid` themselves first, to re-render it with the messages beside the fields;
/// what reaches this conversion becomes an error page (or fragment).
impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::SignInRequired => AppError::SignInRequired { next: "/".into() },
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::NotAllowed(message) => AppError::Forbidden(message),
            ServiceError::Conflict(message) => AppError::Conflict(message),
            ServiceError::Refused(message) => AppError::Unprocessable(message),
            ServiceError::Invalid(fields) => AppError::Unprocessable(
                fields
                    .iter()
                    .map(|(_, message)| message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ServiceError::TooLarge(_) => AppError::PayloadTooLarge,
            ServiceError::TooManyAttempts { retry_after_secs } => {
                AppError::TooManyRequests { retry_after_secs }
            }
            ServiceError::Unavailable { reason, .. } => {
                AppError::Unavailable(DatabaseUnavailable(reason))
            }
            ServiceError::Contention(reason) => AppError::Contention(reason),
            ServiceError::Internal(error) => AppError::Internal(error),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        if matches!(error, diesel::result::Error::NotFound) {
            AppError::NotFound
        } else if crate::db::is_connection_failure(&error) {
            AppError::Unavailable(DatabaseUnavailable(error.to_string()))
        } else if crate::db::is_contention(&error) {
            AppError::Contention(error.to_string())
        } else {
            AppError::Internal(error.into())
        }
    }
}

impl crate::db::Contention for AppError {
    fn is_contention(&self) -> bool {
        matches!(self, AppError::Contention(_))
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        AppError::Unavailable(error.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<actix_session::SessionInsertError> for AppError {
    fn from(error: actix_session::SessionInsertError) -> Self {
        AppError::Internal(anyhow::anyhow!("session insert failed: {error}"))
    }
}

impl From<actix_session::SessionGetError> for AppError {
    fn from(error: actix_session::SessionGetError) -> Self {
        AppError::Internal(anyhow::anyhow!("session read failed: {error}"))
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> Self {
        AppError::Internal(error.into())
    }
}

/// Percent-encodes `value` for a query string (`/login?next=…`).
pub(crate) fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|encoded| encoded.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
