//! Account rules and transactions, shared by the HTML pages and (later) the APIs. Nothing here
//! knows about HTTP; handlers parse input into domain types and call these functions.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl, result::DatabaseErrorKind};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    domain::{EmailAddress, PersonName},
    emails,
    model::{self, User},
    security_log::{self, Event},
    tokens::{self, Purpose, TokenError},
};
use crate::{
    errors::AppError,
    schema::{sessions, users},
};

/// Why a sign-up was refused.
#[derive(Debug)]
pub enum SignupError {
    EmailTaken,
    Other(AppError),
}

impl<E: Into<AppError>> From<E> for SignupError {
    fn from(error: E) -> Self {
        SignupError::Other(error.into())
    }
}

fn link(base_url: &str, path: &str, token: &str) -> String {
    format!("{base_url}{path}?token={token}")
}

/// Creates an unverified account and queues its verification email, in one transaction.
pub async fn sign_up(
    conn: &mut AsyncPgConnection,
    name: &PersonName,
    email: &EmailAddress,
    password_hash: String,
    base_url: &str,
    ip: Option<&str>,
) -> Result<User, SignupError> {
    conn.transaction::<_, SignupError, _>(async |conn| {
        let inserted = diesel::insert_into(users::table)
            .values((
                users::name.eq(name.as_ref()),
                users::email.eq(email.as_ref()),
                users::password_hash.eq(password_hash),
            ))
            .returning(users::id)
            .get_result::<i64>(conn)
            .await;
        let user_id = match inserted {
            Ok(id) => id,
            Err(diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Err(SignupError::EmailTaken);
            }
            Err(error) => return Err(error.into()),
        };
        let user = model::find(conn, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        send_verification(conn, &user, email.as_ref(), base_url).await?;
        security_log::record(conn, Event::SignUp, Some(user_id), ip, "").await?;
        Ok(user)
    })
    .await
}

/// Issues a verification token for `address` and queues the email with its link.
pub async fn send_verification(
    conn: &mut AsyncPgConnection,
    user: &User,
    address: &str,
    base_url: &str,
) -> Result<(), AppError> {
    let token = tokens::issue(conn, user.id, Purpose::VerifyEmail, address).await?;
    let link = link(base_url, "/verify-email", &token);
    emails::verification(conn, address, &user.name, &link).await
}

/// Consumes a verification token: the account's address (possibly a new one) is verified.
pub async fn verify_email(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
) -> Result<Result<User, TokenError>, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let consumed = match tokens::consume(conn, raw_token, Purpose::VerifyEmail).await? {
            Ok(consumed) => consumed,
            Err(error) => return Ok(Err(error)),
        };
        let updated = diesel::update(users::table.find(consumed.user_id))
            .set((
                users::email.eq(&consumed.email),
                users::email_verified_at.eq(Utc::now()),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await;
        match updated {
            Ok(_) => {}
            // Someone else verified this address in the meantime.
            Err(diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Ok(Err(TokenError::Invalid));
            }
            Err(error) => return Err(error.into()),
        }
        security_log::record(conn, Event::EmailVerified, Some(consumed.user_id), None, "").await?;
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Ok(user))
    })
    .await
}

/// Queues a reset email if an account has this address; says nothing either way (no
/// enumeration: the caller shows the same page in both cases).
pub async fn request_password_reset(
    conn: &mut AsyncPgConnection,
    email: &EmailAddress,
    base_url: &str,
    ip: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(user) = model::find_by_email(conn, email.as_ref()).await? else {
            return Ok(());
        };
        if user.is_suspended() {
            return Ok(());
        }
        let token = tokens::issue(conn, user.id, Purpose::ResetPassword, &user.email).await?;
        let link = link(base_url, "/password/reset", &token);
        emails::password_reset(conn, &user.email, &user.name, &link).await?;
        security_log::record(conn, Event::PasswordResetRequested, Some(user.id), ip, "").await?;
        Ok(())
    })
    .await
}

/// Checks a reset token without using it (to show the form only for a usable link).
pub async fn check_reset_token(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
) -> Result<Result<(), TokenError>, AppError> {
    Ok(tokens::check(conn, raw_token, Purpose::ResetPassword)
        .await?
        .map(|_| ()))
}

/// Sets a new password from a reset link: every session of the account ends, the address
/// counts as verified (the link proved it), and the owner is told by email.
pub async fn reset_password(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    password_hash: String,
    ip: Option<&str>,
) -> Result<Result<User, TokenError>, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let consumed = match tokens::consume(conn, raw_token, Purpose::ResetPassword).await? {
            Ok(consumed) => consumed,
            Err(error) => return Ok(Err(error)),
        };
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(password_hash),
                users::email_verified_at.eq(user.email_verified_at.unwrap_or_else(Utc::now)),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        tokens::retire_all(conn, user.id, Purpose::ResetPassword).await?;
        end_sessions(conn, user.id, None).await?;
        security_log::record(conn, Event::PasswordReset, Some(user.id), ip, "").await?;
        emails::notice(
            conn,
            &user.email,
            &user.name,
            "Your Roost password was reset",
            "The password of your Roost account was just reset, and every device was signed out.",
        )
        .await?;
        Ok(Ok(user))
    })
    .await
}

/// Changes the password of a signed-in user; every other session ends.
pub async fn change_password(
    conn: &mut AsyncPgConnection,
    user: &User,
    password_hash: String,
    current_session: Option<&str>,
    ip: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(password_hash),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        let ended = end_sessions(conn, user.id, current_session).await?;
        security_log::record(
            conn,
            Event::PasswordChanged,
            Some(user.id),
            ip,
            &format!("{ended} other session(s) ended"),
        )
        .await?;
        emails::notice(
            conn,
            &user.email,
            &user.name,
            "Your Roost password was changed",
            "The password of your Roost account was just changed. Other devices were signed out.",
        )
        .await
    })
    .await
}

/// Starts a change of address: the new address gets a verification link and the account keeps
/// the old one until the link is used; the old address is told.
pub async fn request_email_change(
    conn: &mut AsyncPgConnection,
    user: &User,
    new_email: &EmailAddress,
    base_url: &str,
    ip: Option<&str>,
) -> Result<Result<(), &'static str>, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        if let Some(other) = model::find_by_email(conn, new_email.as_ref()).await? {
            return Ok(Err(if other.id == user.id {
                "This is already your email address."
            } else {
                "Another account uses this email address."
            }));
        }
        send_verification(conn, user, new_email.as_ref(), base_url).await?;
        security_log::record(conn, Event::EmailChangeRequested, Some(user.id), ip, "").await?;
        emails::notice(
            conn,
            &user.email,
            &user.name,
            "Your Roost email address is changing",
            &format!(
                "Someone asked to change the email address of your Roost account to {new_email}. \
                     It changes once the new address is confirmed."
            ),
        )
        .await?;
        Ok(Ok(()))
    })
    .await
}

pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    name: &PersonName,
    bio: &str,
) -> Result<(), AppError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::name.eq(name.as_ref()),
            users::bio.eq(bio),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a new avatar key and returns the previous one (for the caller to delete).
pub async fn set_avatar(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    key: &str,
) -> Result<Option<String>, AppError> {
    let previous: Option<String> = users::table
        .find(user_id)
        .select(users::avatar_key)
        .first(conn)
        .await?;
    diesel::update(users::table.find(user_id))
        .set((users::avatar_key.eq(key), users::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(previous)
}

/// Makes a verified user a host.
pub async fn become_host(conn: &mut AsyncPgConnection, user: &User) -> Result<(), AppError> {
    if !user.is_verified() {
        return Err(AppError::Forbidden(
            "Please confirm your email address before you start hosting.".into(),
        ));
    }
    diesel::update(users::table.find(user.id))
        .set((users::is_host.eq(true), users::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends the user's sessions server-side, except `keep` (a session's public id). Returns how many.
pub async fn end_sessions(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    keep: Option<&str>,
) -> diesel::QueryResult<usize> {
    let mine = sessions::table.filter(sessions::user_id.eq(user_id));
    match keep {
        Some(keep) => {
            diesel::delete(mine.filter(sessions::public_id.ne(keep)))
                .execute(conn)
                .await
        }
        None => diesel::delete(mine).execute(conn).await,
    }
}

/// Deletes the account (its sessions and tokens go with it).
pub async fn delete_account(
    conn: &mut AsyncPgConnection,
    user: &User,
    ip: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        security_log::record(
            conn,
            Event::AccountDeleted,
            None,
            ip,
            &format!("user {}", user.id),
        )
        .await?;
        diesel::delete(users::table.find(user.id))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}
