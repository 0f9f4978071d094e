//! Security events (ASVS 7.1): logins, failures, lockouts, resets, password and email changes.
//! Written to the `security_events` table and to the log, never with a password or token.

use diesel::ExpressionMethods;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::security_events;

#[derive(Clone, Copy, Debug)]
pub enum Event {
    SignUp,
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    EmailVerified,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    EmailChangeRequested,
    SessionsRevoked,
    AccountDeleted,
    AccountDeletionRefused,
    ReauthFailed,
    ReauthThrottled,
    SignUpWithKnownAddress,
    EmailChanged,
    EmailChangeUndone,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::SignUp => "sign_up",
            Event::LoginSucceeded => "login_succeeded",
            Event::LoginFailed => "login_failed",
            Event::LoginThrottled => "login_throttled",
            Event::Logout => "logout",
            Event::EmailVerified => "email_verified",
            Event::PasswordResetRequested => "password_reset_requested",
            Event::PasswordReset => "password_reset",
            Event::PasswordChanged => "password_changed",
            Event::EmailChangeRequested => "email_change_requested",
            Event::SessionsRevoked => "sessions_revoked",
            Event::AccountDeleted => "account_deleted",
            Event::AccountDeletionRefused => "account_deletion_refused",
            Event::ReauthFailed => "reauth_failed",
            Event::ReauthThrottled => "reauth_throttled",
            Event::SignUpWithKnownAddress => "sign_up_with_known_address",
            Event::EmailChanged => "email_changed",
            Event::EmailChangeUndone => "email_change_undone",
        }
    }
}

/// Records an event. `detail` must never hold a secret.
pub async fn record(
    conn: &mut AsyncPgConnection,
    event: Event,
    user_id: Option<i64>,
    ip: Option<&str>,
    detail: &str,
) -> diesel::QueryResult<()> {
    tracing::info!(target: "security", event = event.as_str(), user_id, ip, detail, "security event");
    diesel::insert_into(security_events::table)
        .values((
            security_events::kind.eq(event.as_str()),
            security_events::user_id.eq(user_id),
            security_events::ip_address.eq(ip),
            security_events::detail.eq(detail),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
