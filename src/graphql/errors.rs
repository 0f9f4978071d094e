//! The GraphQL door's reading of a service's answer: every [`ServiceError`] becomes an error
//! whose `extensions.code` says what happened (`NOT_FOUND`, `FORBIDDEN`, `UNAUTHENTICATED`,
//! `VALIDATION` with the field, `CONFLICT`, `RATE_LIMITED`, `UNAVAILABLE`, `INTERNAL`), the one
//! mapping of this door, as `api::problem` is the JSON API's. Errors made by the executor itself
//! (a parse error, a limit) get their code in [`label_executor_errors`].
//!
//! A resolver turns a service's answer with [`Answer::answer`], never with a bare `?`: the
//! library would accept one (any `Display` converts) but the error would have no code.

use async_graphql::{ErrorExtensions, Response, ServerError, Value};

use crate::service::{ServiceError, ServiceResult};

/// The codes clients switch on.
pub mod code {
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const VALIDATION: &str = "VALIDATION";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
    /// The document nests deeper than [`crate::graphql::limits::MAX_DEPTH`].
    pub const DEPTH_LIMIT: &str = "DEPTH_LIMIT";
    /// The document would cost more than [`crate::graphql::limits::MAX_COMPLEXITY`].
    pub const COMPLEXITY_LIMIT: &str = "COMPLEXITY_LIMIT";
    /// `first` over its maximum.
    pub const PAGE_SIZE_LIMIT: &str = "PAGE_SIZE_LIMIT";
    /// The request's text is over [`crate::graphql::limits::MAX_QUERY_BYTES`].
    pub const QUERY_TOO_LARGE: &str = "QUERY_TOO_LARGE";
    /// The request ran longer than [`crate::graphql::limits::TIMEOUT`].
    pub const TIMEOUT: &str = "TIMEOUT";
    /// Introspection asked of a server that has it off (production).
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
    /// A mutation sent with GET.
    pub const MUTATION_OVER_GET: &str = "MUTATION_OVER_GET";
    /// The document does not parse, or does not fit the schema.
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
}

/// An error with a code and a message.
pub fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}

/// The GraphQL error of a service's error.
pub fn service(error: ServiceError) -> async_graphql::Error {
    match error {
        ServiceError::SignInRequired => coded(
            code::UNAUTHENTICATED,
            "Sign in first (the site's session cookie, e.g. from POST /api/v1/session).",
        ),
        ServiceError::NotFound => coded(
            code::NOT_FOUND,
            "There is nothing here, or it is not yours to see.",
        ),
        ServiceError::NotAllowed(message) => coded(code::FORBIDDEN, message),
        ServiceError::Conflict(message) => coded(code::CONFLICT, message),
        // A rule refusing the request as a whole: a validation error without a field.
        ServiceError::Refused(message) => coded(code::VALIDATION, message),
        ServiceError::Invalid(fields) | ServiceError::TooLarge(fields) => {
            let listed: Vec<(String, String)> = fields
                .iter()
                .map(|(field, message)| (field.to_string(), message.to_string()))
                .collect();
            let message = listed
                .iter()
                .map(|(field, message)| {
                    if field == "form" {
                        message.clone()
                    } else {
                        format!("{field}: {message}")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
            async_graphql::Error::new(message).extend_with(|_, extensions| {
                extensions.set("code", code::VALIDATION);
                if let Some((field, _)) = listed.first() {
                    extensions.set("field", field.as_str());
                }
                extensions.set(
                    "fields",
                    Value::List(
                        listed
                            .iter()
                            .map(|(field, message)| {
                                Value::from_json(serde_json::json!({
                                    "field": field,
                                    "message": message,
                                }))
                                .unwrap_or_default()
                            })
                            .collect(),
                    ),
                );
            })
        }
        ServiceError::TooManyAttempts { retry_after_secs } => async_graphql::Error::new(format!(
            "Too many attempts: try again in {retry_after_secs} seconds."
        ))
        .extend_with(|_, extensions| {
            extensions.set("code", code::RATE_LIMITED);
            extensions.set("retryAfter", retry_after_secs.max(1));
        }),
        ServiceError::Unavailable {
            reason,
            retry_after_secs,
        } => {
            tracing::warn!(%reason, "GraphQL request: a dependency is unavailable");
            unavailable(
                "Roost is temporarily unavailable; try again shortly.",
                retry_after_secs,
            )
        }
        ServiceError::Contention(reason) => {
            tracing::warn!(%reason, "GraphQL request: contention");
            unavailable(
                "Many people are doing the same thing right now; try again.",
                1,
            )
        }
        ServiceError::Internal(error) => {
            tracing::error!(error = %format!("{error:#}"), "GraphQL request failed");
            coded(code::INTERNAL, "Something went wrong on our side.")
        }
    }
}

fn unavailable(message: &str, retry_after_secs: u64) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code::UNAVAILABLE);
        extensions.set("retryAfter", retry_after_secs.max(1));
    })
}

/// A service's answer in this door's terms.
pub trait Answer<T> {
    fn answer(self) -> async_graphql::Result<T>;
}

impl<T> Answer<T> for ServiceResult<T> {
    fn answer(self) -> async_graphql::Result<T> {
        self.map_err(service)
    }
}

impl<T> Answer<T> for Result<T, crate::db::DatabaseUnavailable> {
    fn answer(self) -> async_graphql::Result<T> {
        self.map_err(|error| service(error.into()))
    }
}

impl<T> Answer<T> for diesel::QueryResult<T> {
    fn answer(self) -> async_graphql::Result<T> {
        self.map_err(|error| service(error.into()))
    }
}

/// A nullable field's answer as the GraphQL spec has it: on error, `null` for the field and
/// the error (with its path and code) in `errors`, rather than the library's default of
/// dropping the whole parent (for a root field, all of `data`).
pub fn or_null<T>(ctx: &async_graphql::Context<'_>, answer: async_graphql::Result<T>) -> Option<T> {
    match answer {
        Ok(value) => Some(value),
        Err(error) => {
            ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
            None
        }
    }
}

/// The executor's own messages for its limits (async-graphql 7), by code.
const EXECUTOR_LIMITS: [(&str, &str); 2] = [
    ("Query is nested too deep.", code::DEPTH_LIMIT),
    ("Query is too complex.", code::COMPLEXITY_LIMIT),
];

/// Gives a code to every error that has none: the executor's limits by their message, other
/// errors of the document as a whole (parse and validation errors, which have no path) as
/// `BAD_REQUEST`. A resolver's error always has its code already.
pub fn label_executor_errors(response: &mut Response) {
    for error in &mut response.errors {
        if has_code(error) {
            continue;
        }
        let code = EXECUTOR_LIMITS
            .iter()
            .find(|(message, _)| error.message == *message)
            .map(|(_, code)| *code)
            .unwrap_or(if error.path.is_empty() {
                code::BAD_REQUEST
            } else {
                code::INTERNAL
            });
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::FieldErrors;

    fn code_of(error: ServiceError) -> String {
        let error = service(error).into_server_error(async_graphql::Pos::default());
        match error.extensions.and_then(|e| e.get("code").cloned()) {
            Some(Value::String(code)) => code,
            other => panic!("no code: {other:?}"),
        }
    }

    #[test]
    fn each_service_error_has_its_code() {
        assert_eq!(code_of(ServiceError::SignInRequired), "UNAUTHENTICATED");
        assert_eq!(code_of(ServiceError::NotFound), "NOT_FOUND");
        assert_eq!(code_of(ServiceError::not_allowed("no")), "FORBIDDEN");
        assert_eq!(code_of(ServiceError::conflict("taken")), "CONFLICT");
        assert_eq!(code_of(ServiceError::refused("early")), "VALIDATION");
        assert_eq!(
            code_of(ServiceError::Invalid(FieldErrors::one("check_in", "bad"))),
            "VALIDATION"
        );
        assert_eq!(
            code_of(ServiceError::TooManyAttempts {
                retry_after_secs: 3
            }),
            "RATE_LIMITED"
        );
        assert_eq!(
            code_of(ServiceError::Unavailable {
                reason: "down".into(),
                retry_after_secs: 5
            }),
            "UNAVAILABLE"
        );
        assert_eq!(
            code_of(ServiceError::internal(anyhow::anyhow!("bug"))),
            "INTERNAL"
        );
    }

    #[test]
    fn a_validation_error_names_its_field() {
        let error = service(ServiceError::invalid("guests", "Too many."))
            .into_server_error(async_graphql::Pos::default());
        let extensions = error.extensions.expect("extensions");
        assert_eq!(extensions.get("field"), Some(&Value::from("guests")));
        assert_eq!(error.message, "guests: Too many.");
    }
}
