//! Password hashing with argon2id, always on a blocking thread: a hash takes tens of
//! milliseconds of CPU, which would stall every request sharing the async worker.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use super::domain::NewPassword;
use crate::service::{ServiceError, ServiceResult};

/// A hash of a random password, verified against when the email is unknown so that a login
/// for a missing account takes as long as one for an existing account.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"roost timing equaliser, never a real password")
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

pub async fn hash(password: &NewPassword) -> ServiceResult<String> {
    let password = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| ServiceError::internal(anyhow::anyhow!("hashing failed: {error}")))
    })
    .await?
}

/// Checks `password` against `stored` (or against a dummy hash when there is no account).
pub async fn verify(password: &str, stored: Option<&str>) -> ServiceResult<bool> {
    let password = password.to_string();
    let known = stored.is_some();
    let stored = stored.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok();
        known && matches
    })
    .await
    .map_err(ServiceError::from)
}
