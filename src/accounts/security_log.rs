//! Security events (ASVS 7.1): logins, failures, lockouts, resets, password and email changes.
//! Written to the `security_events` table and to the log, never with a password or token.

use diesel::ExpressionMethods;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{schema::security_events, service::UserId};

crate::text_enum! {
    /// The kinds of security event (`security_events.kind`, which has no CHECK: the log keeps
    /// whatever an older or newer version of Roost wrote).
    pub enum Event {
        SignUp = "sign_up",
        LoginSucceeded = "login_succeeded",
        LoginFailed = "login_failed",
        LoginThrottled = "login_throttled",
        Logout = "logout",
        EmailVerified = "email_verified",
        PasswordResetRequested = "password_reset_requested",
        PasswordReset = "password_reset",
        PasswordChanged = "password_changed",
        EmailChangeRequested = "email_change_requested",
        SessionsRevoked = "sessions_revoked",
        AccountDeleted = "account_deleted",
        AccountDeletionRefused = "account_deletion_refused",
        ReauthFailed = "reauth_failed",
        ReauthThrottled = "reauth_throttled",
        SignUpWithKnownAddress = "sign_up_with_known_address",
        EmailChanged = "email_changed",
        EmailChangeUndone = "email_change_undone",
    }
}

/// Records an event. `detail` must never hold a secret.
pub async fn record(
    conn: &mut AsyncPgConnection,
    event: Event,
    user_id: Option<UserId>,
    ip: Option<&str>,
    detail: &str,
) -> diesel::QueryResult<()> {
    tracing::info!(target: "security", event = event.as_str(), user_id = user_id.map(UserId::get), ip, detail, "security event");
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
