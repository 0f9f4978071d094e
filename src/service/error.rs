//! The one error every service returns. It knows nothing of HTTP: each door translates it (the
//! HTML door in [`crate::errors`] to pages, fragments and forms re-rendered with the messages
//! beside their fields; the JSON door to problem documents; GraphQL to error extensions).

use super::FieldErrors;
use crate::db::DatabaseUnavailable;

pub type ServiceResult<T> = Result<T, ServiceError>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Only a signed-in user may do this.
    #[error("sign-in required")]
    SignInRequired,
    /// No such thing, or not the actor's to see: the two answer alike, so ids cannot be probed.
    #[error("not found")]
    NotFound,
    /// The actor may know the thing exists but may not do this; the message says why.
    #[error("{0}")]
    NotAllowed(String),
    /// The thing's present state forbids this (already reviewed, dates just taken, …).
    #[error("{0}")]
    Conflict(String),
    /// A rule refuses the request as a whole, not one of its fields (too early to review, …).
    #[error("{0}")]
    Refused(String),
    /// Some fields are wrong; each message says what to fix.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// An upload over its size limit; the message is on its field.
    #[error("too large: {0:?}")]
    TooLarge(FieldErrors),
    /// Too many attempts of this kind; the actor may try again after `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A dependency (the database, the image workers, the payment provider) is down or full.
    #[error("unavailable: {reason}")]
    Unavailable {
        reason: String,
        retry_after_secs: u64,
    },
    /// Concurrent transactions kept getting in each other's way, after
    /// [`crate::db::retry_on_contention`]'s retries.
    #[error("contention: {0}")]
    Contention(String),
    /// A bug or an unexpected failure: logged with its cause chain, never shown.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(error.into())
    }

    /// One field's message as an [`Invalid`](ServiceError::Invalid).
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(FieldErrors::one(field, message))
    }

    pub fn not_allowed(message: impl Into<String>) -> Self {
        ServiceError::NotAllowed(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ServiceError::Conflict(message.into())
    }

    pub fn refused(message: impl Into<String>) -> Self {
        ServiceError::Refused(message.into())
    }

    /// The field messages, when this is about input.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            ServiceError::Invalid(fields) | ServiceError::TooLarge(fields) => Some(fields),
            _ => None,
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(error: diesel::result::Error) -> Self {
        if matches!(error, diesel::result::Error::NotFound) {
            ServiceError::NotFound
        } else if crate::db::is_connection_failure(&error) {
            ServiceError::Unavailable {
                reason: error.to_string(),
                retry_after_secs: 5,
            }
        } else if crate::db::is_contention(&error) {
            ServiceError::Contention(error.to_string())
        } else {
            ServiceError::Internal(error.into())
        }
    }
}

impl From<DatabaseUnavailable> for ServiceError {
    fn from(error: DatabaseUnavailable) -> Self {
        ServiceError::Unavailable {
            reason: error.to_string(),
            retry_after_secs: 5,
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ServiceError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        DatabaseUnavailable::from(error).into()
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(error: tokio::task::JoinError) -> Self {
        ServiceError::Internal(error.into())
    }
}

impl crate::db::Contention for ServiceError {
    fn is_contention(&self) -> bool {
        matches!(self, ServiceError::Contention(_))
    }
}
