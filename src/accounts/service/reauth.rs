//! Re-authentication before a sensitive change (password, email address, deletion): the
//! current password is checked against the same per-account throttle as login, so that a
//! stolen session cannot be turned into unlimited password guesses.

use diesel_async::AsyncPgConnection;

use super::throttle_hit;
use crate::accounts::{
    model::User,
    passwords,
    security_log::{self, Event},
};
use crate::{
    service::{ServiceError, ServiceResult},
    throttle,
};

/// The throttle key of an account, shared by login and re-authentication: guesses made
/// through either door count against the same budget.
pub fn account_key(email: &str) -> String {
    format!("login:account:{}", email.to_lowercase())
}

/// The current password was not the right one.
#[derive(Debug, PartialEq, Eq)]
pub struct WrongPassword;

impl WrongPassword {
    pub const MESSAGE: &'static str = "That is not your current password.";
}

/// Checks `password` for `user`. Every attempt counts against the account's login throttle
/// (`TooManyAttempts` once it is spent, even for the right password); a right password clears
/// it, as a successful login does. A wrong one is `Invalid`, its message on `field`.
pub async fn confirm_password(
    conn: &mut AsyncPgConnection,
    user: &User,
    password: &str,
    ip: Option<&str>,
    field: &'static str,
) -> ServiceResult<()> {
    let key = account_key(&user.email);
    if let Err(error) = throttle_hit(conn, &key, throttle::LOGIN_PER_ACCOUNT).await {
        security_log::record(conn, Event::ReauthThrottled, Some(user.id), ip, "").await?;
        return Err(error);
    }
    if !passwords::verify(password, Some(&user.password_hash)).await? {
        security_log::record(conn, Event::ReauthFailed, Some(user.id), ip, "").await?;
        return Err(ServiceError::invalid(field, WrongPassword::MESSAGE));
    }
    throttle::reset(conn, &key).await?;
    Ok(())
}
