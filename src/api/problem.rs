//! RFC 9457 problem details: every error of the JSON API is an `application/problem+json`
//! document. [`From<ServiceError>`](ApiError#impl-From<ServiceError>-for-ApiError) is THE one
//! reading of a service's answer for this door; errors from outside the handlers (routing, the
//! CSRF middleware, the session store) become problems in [`crate::web::error_pages`] through
//! [`Problem::for_status`].

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{errors::AppError, service::ServiceError};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem document (RFC 9457).
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/api/problems/invalid",
    "title": "Some fields are not valid",
    "status": 422,
    "detail": "Fix the fields listed in `errors` and try again.",
    "errors": [{"field": "email", "message": "Enter an email address like name@example.com."}]
}))]
pub struct Problem {
    /// A URI reference naming the kind of problem (`/api/problems/{kind}`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for people.
    pub detail: String,
    /// On 422 (and 413): one message per field, named as in the request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// `Retry-After`, in seconds (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// `Allow` (405).
    #[serde(skip)]
    pub allow: Option<String>,
}

/// One wrong field of a request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as the request has it (`check_in`, `email`, …).
    pub field: String,
    pub message: String,
}

/// The kinds of problem, by slug: title and status.
fn kind(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad-request", "The request could not be read"),
        401 => ("sign-in-required", "Sign-in required"),
        403 => ("not-allowed", "Not allowed"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        409 => ("conflict", "Conflict"),
        413 => ("too-large", "Too large"),
        415 => ("unsupported-media-type", "Unsupported media type"),
        422 => ("invalid", "Some fields are not valid"),
        429 => ("too-many-attempts", "Too many attempts"),
        503 => ("unavailable", "Temporarily unavailable"),
        500..=599 => ("internal", "Internal error"),
        _ => ("about:blank", "Error"),
    }
}

impl Problem {
    /// A problem of the kind `status` names, with this detail.
    pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Problem {
        let (slug, title) = kind(status);
        Problem {
            kind: if slug == "about:blank" {
                slug.to_string()
            } else {
                format!("/api/problems/{slug}")
            },
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: match status {
                StatusCode::SERVICE_UNAVAILABLE => Some(5),
                _ => None,
            },
            allow: None,
        }
    }

    /// A request refused as a whole (422 without field errors).
    fn refused(detail: String) -> Problem {
        Problem {
            kind: "/api/problems/refused".into(),
            title: "Refused".into(),
            ..Problem::for_status(StatusCode::UNPROCESSABLE_ENTITY, detail)
        }
    }

    /// 422 naming fields.
    pub fn fields(status: StatusCode, errors: Vec<FieldError>) -> Problem {
        // "form" is a message about the request as a whole: it is the detail.
        let (whole, errors): (Vec<FieldError>, Vec<FieldError>) =
            errors.into_iter().partition(|error| error.field == "form");
        let detail = match whole.into_iter().next() {
            Some(error) => error.message,
            None if status == StatusCode::PAYLOAD_TOO_LARGE => {
                "A field is over its size limit: see `errors`.".into()
            }
            None => "Fix the fields listed in `errors` and try again.".into(),
        };
        Problem {
            errors,
            ..Problem::for_status(status, detail)
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = HttpResponse::build(status);
        builder
            .content_type(CONTENT_TYPE)
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.clone()));
        }
        if status == StatusCode::UNAUTHORIZED {
            // A 401 names how to authenticate: here, the session cookie from POST /session.
            builder.insert_header((
                header::WWW_AUTHENTICATE,
                "Cookie realm=\"roost\", cookie-name=\"roost_session\"",
            ));
        }
        let body = serde_json::to_vec(self).unwrap_or_default();
        builder.body(body)
    }
}

/// The error every API handler returns: a problem document.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError(Box::new(Problem::for_status(status, detail)))
    }

    /// 422 on one field of the request.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(Problem::fields(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        )))
    }

    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.0.status, self.0.title, self.0.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        self.0.response()
    }
}

fn field_errors(fields: &crate::service::FieldErrors) -> Vec<FieldError> {
    fields
        .iter()
        .map(|(field, message)| FieldError {
            field: field.to_string(),
            message: message.to_string(),
        })
        .collect()
}

/// The JSON door's reading of a service's answer: the one mapping of [`ServiceError`] to
/// HTTP for this door.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let problem = match error {
            ServiceError::SignInRequired => Problem::for_status(
                StatusCode::UNAUTHORIZED,
                "Sign in first: POST /api/v1/session with your email and password.",
            ),
            ServiceError::NotFound => Problem::for_status(
                StatusCode::NOT_FOUND,
                "There is nothing here, or it is not yours to see.",
            ),
            ServiceError::NotAllowed(message) => {
                Problem::for_status(StatusCode::FORBIDDEN, message)
            }
            ServiceError::Conflict(message) => Problem::for_status(StatusCode::CONFLICT, message),
            ServiceError::Refused(message) => Problem::refused(message),
            ServiceError::Invalid(fields) => {
                Problem::fields(StatusCode::UNPROCESSABLE_ENTITY, field_errors(&fields))
            }
            ServiceError::TooLarge(fields) => {
                Problem::fields(StatusCode::PAYLOAD_TOO_LARGE, field_errors(&fields))
            }
            ServiceError::TooManyAttempts { retry_after_secs } => Problem {
                retry_after: Some(retry_after_secs.max(1)),
                ..Problem::for_status(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many attempts: try again in {retry_after_secs} seconds."),
                )
            },
            ServiceError::Unavailable {
                reason,
                retry_after_secs,
            } => {
                tracing::warn!(%reason, "API request: a dependency is unavailable");
                Problem {
                    retry_after: Some(retry_after_secs.max(1)),
                    ..Problem::for_status(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Roost is temporarily unavailable; try again shortly.",
                    )
                }
            }
            ServiceError::Contention(reason) => {
                tracing::warn!(%reason, "API request: contention");
                Problem {
                    retry_after: Some(1),
                    ..Problem::for_status(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Many people are doing the same thing right now; try again.",
                    )
                }
            }
            ServiceError::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "API request failed");
                Problem::for_status(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.",
                )
            }
        };
        ApiError(Box::new(problem))
    }
}

/// Errors of the shared plumbing (extractors, sessions) that API handlers meet.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status = error.status_code();
        if status.is_server_error() {
            tracing::error!(%error, "API request failed");
        }
        let status = match error {
            AppError::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            _ => status,
        };
        let mut problem = Problem::for_status(status, error.public_message());
        if let AppError::TooManyRequests { retry_after_secs } = error {
            problem.retry_after = Some(retry_after_secs.max(1));
        }
        ApiError(Box::new(problem))
    }
}

impl From<crate::db::DatabaseUnavailable> for ApiError {
    fn from(error: crate::db::DatabaseUnavailable) -> Self {
        ServiceError::from(error).into()
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        ServiceError::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::FieldErrors;

    fn problem(error: ServiceError) -> Problem {
        *ApiError::from(error).0
    }

    #[test]
    fn each_service_error_has_its_status() {
        assert_eq!(problem(ServiceError::SignInRequired).status, 401);
        assert_eq!(problem(ServiceError::NotFound).status, 404);
        assert_eq!(problem(ServiceError::not_allowed("no")).status, 403);
        assert_eq!(problem(ServiceError::conflict("taken")).status, 409);
        assert_eq!(problem(ServiceError::refused("too early")).status, 422);
        assert_eq!(
            problem(ServiceError::TooLarge(FieldErrors::one("photo", "big"))).status,
            413
        );
        let throttled = problem(ServiceError::TooManyAttempts {
            retry_after_secs: 60,
        });
        assert_eq!((throttled.status, throttled.retry_after), (429, Some(60)));
        let down = problem(ServiceError::Unavailable {
            reason: "x".into(),
            retry_after_secs: 5,
        });
        assert_eq!((down.status, down.retry_after), (503, Some(5)));
        assert_eq!(
            problem(ServiceError::internal(anyhow::anyhow!("bug"))).status,
            500
        );
    }

    #[test]
    fn field_errors_are_listed_and_a_form_message_is_the_detail() {
        let mut fields = FieldErrors::new();
        fields.add("check_in", "Enter a date like 2027-03-14.");
        fields.add("form", "That email and password don't match.");
        let invalid = problem(ServiceError::Invalid(fields));
        assert_eq!(invalid.status, 422);
        assert_eq!(invalid.detail, "That email and password don't match.");
        assert_eq!(invalid.errors.len(), 1);
        assert_eq!(invalid.errors[0].field, "check_in");
        let json = serde_json::to_value(&invalid).expect("json");
        assert_eq!(json["type"], "/api/problems/invalid");
        assert!(json.get("retry_after").is_none(), "headers stay headers");
    }
}
