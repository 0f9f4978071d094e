//! Logging in and out. Answers are the same for unknown addresses and wrong passwords, and take
//! about as long (a dummy hash is verified), so nobody can tell who has an account. The door
//! only starts or ends its session.

use diesel_async::AsyncPgConnection;

use super::throttle_hit;
use crate::{
    accounts::{
        domain::EmailAddress,
        model, passwords, reauth,
        security_log::{self, Event},
    },
    service::{ServiceError, ServiceResult, UserId},
    throttle,
};

/// The message for a wrong address or password, on the form as a whole.
pub const NO_MATCH: &str =
    "That email and password don't match. Try again, or reset your password.";
/// The message for a suspended account's right password.
pub const SUSPENDED: &str =
    "This account is suspended. Contact support if you think this is a mistake.";

/// Who just logged in: the door signs this user in.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub user_id: UserId,
    pub name: String,
    pub is_host: bool,
    pub is_admin: bool,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
}

/// Checks an address and password. Throttled per address of origin and per account (a spent
/// account budget is logged); a wrong pair is `Invalid` on `form`; a suspended account is
/// `NotAllowed`, and only once its password was right, so that suspension reveals nothing to
/// a guesser. Every outcome is in the security log.
pub async fn log_in(
    conn: &mut AsyncPgConnection,
    email: &EmailAddress,
    password: &str,
    ip: &str,
) -> ServiceResult<LoggedIn> {
    let account_key = reauth::account_key(email.as_ref());
    throttle_hit(conn, &format!("login:ip:{ip}"), throttle::LOGIN_PER_IP).await?;
    if let Err(error) = throttle_hit(conn, &account_key, throttle::LOGIN_PER_ACCOUNT).await {
        security_log::record(conn, Event::LoginThrottled, None, Some(ip), email.as_ref()).await?;
        return Err(error);
    }
    let user = model::find_by_email(conn, email.as_ref()).await?;
    let matches = passwords::verify(
        password,
        user.as_ref().map(|user| user.password_hash.as_str()),
    )
    .await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            security_log::record(
                conn,
                Event::LoginFailed,
                user.as_ref().map(|u| u.id),
                Some(ip),
                "",
            )
            .await?;
            return Err(ServiceError::invalid("form", NO_MATCH));
        }
    };
    if user.is_suspended() {
        return Err(ServiceError::not_allowed(SUSPENDED));
    }
    throttle::reset(conn, &account_key).await?;
    security_log::record(conn, Event::LoginSucceeded, Some(user.id), Some(ip), "").await?;
    Ok(LoggedIn {
        user_id: user.id,
        is_host: user.is_host,
        is_admin: user.is_admin,
        email_verified: user.email_verified_at.is_some(),
        avatar_url: model::avatar_url(&user.avatar_key),
        name: user.name,
    })
}

/// Records the end of a session of `user_id` (the door purges the session itself).
pub async fn log_out(conn: &mut AsyncPgConnection, user_id: UserId, ip: &str) -> ServiceResult<()> {
    security_log::record(conn, Event::Logout, Some(user_id), Some(ip), "").await?;
    Ok(())
}
