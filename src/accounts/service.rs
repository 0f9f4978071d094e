//! Account rules and transactions, shared by the HTML pages and (later) the APIs. Nothing here
//! knows about HTTP; handlers parse input into domain types and call these functions.
//! Address changes live in `email_change`, deletion in `deletion`, the password check before
//! sensitive changes in `reauth`.

use chrono::Utc;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{
    domain::{EmailAddress, NewPassword, PersonName},
    email_change,
    emails::{self, AccountNotice},
    model::{self, User},
    passwords,
    reauth::{self, WrongPassword},
    security_log::{self, Event},
    tokens::{self, Purpose, TokenError},
};
use crate::{
    errors::AppError,
    schema::{sessions, users},
    throttle,
};

/// The links that confirm an address: they end when the password changes or sessions are
/// ended, so that someone who once had access cannot finish an address change later.
pub(super) const ADDRESS_LINKS: [Purpose; 2] = [Purpose::VerifyEmail, Purpose::ChangeEmail];

pub(super) fn link(base_url: &str, path: &str, token: &str) -> String {
    format!("{base_url}{path}?token={token}")
}

/// Signs a visitor up. The answer is the same whether or not the address already has an
/// account (no enumeration): a new address gets an unverified account and a confirmation
/// link; a known one gets, instead, a note to its owner. Either way the visitor is told to
/// check their inbox, and nobody is signed in.
pub async fn sign_up(
    conn: &mut AsyncPgConnection,
    name: &PersonName,
    email: &EmailAddress,
    password: &NewPassword,
    base_url: &str,
    ip: &str,
) -> Result<(), AppError> {
    throttle::hit(conn, &format!("signup:ip:{ip}"), throttle::SIGNUP_PER_IP).await?;
    // Hashed in both cases, so that both answers take as long.
    let password_hash = passwords::hash(password).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let created: Option<i64> = match model::find_by_email(conn, email.as_ref()).await? {
            Some(_) => None,
            // A concurrent sign-up with the same address ends here too (no unique-violation
            // error, which would abort the transaction).
            None => diesel::insert_into(users::table)
                .values((
                    users::name.eq(name.as_ref()),
                    users::email.eq(email.as_ref()),
                    users::password_hash.eq(password_hash),
                ))
                .on_conflict_do_nothing()
                .returning(users::id)
                .get_result::<i64>(conn)
                .await
                .optional()?,
        };
        match created {
            Some(user_id) => {
                let user = model::find(conn, user_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                send_verification(conn, &user, base_url).await?;
                security_log::record(conn, Event::SignUp, Some(user_id), Some(ip), "")
                    .await
                    .map_err(AppError::from)
            }
            None => {
                let Some(owner) = model::find_by_email(conn, email.as_ref()).await? else {
                    return Ok(());
                };
                let login = format!("{base_url}/login");
                emails::account_notice(
                    conn,
                    &owner.email,
                    &owner.name,
                    AccountNotice {
                        subject: "Someone tried to sign up with your address",
                        message: "Someone just tried to create a Roost account with this email \
                                  address. You already have an account, so nothing was created.",
                        action: Some(("If that was you, log in here", &login)),
                        closing: "Forgot your password? Use \"Forgot your password?\" on the \
                                  login page. If it wasn't you, you can ignore this email.",
                    },
                )
                .await?;
                security_log::record(
                    conn,
                    Event::SignUpWithKnownAddress,
                    Some(owner.id),
                    Some(ip),
                    "",
                )
                .await
                .map_err(AppError::from)
            }
        }
    })
    .await
}

/// Issues a verification link for the account's current address (older ones stop working)
/// and queues the email.
pub async fn send_verification(
    conn: &mut AsyncPgConnection,
    user: &User,
    base_url: &str,
) -> Result<(), AppError> {
    let token = tokens::issue(conn, user.id, Purpose::VerifyEmail, &user.email).await?;
    let link = link(base_url, "/verify-email", &token);
    emails::verification(conn, &user.email, &user.name, &link).await
}

/// What asking for a new confirmation link did.
pub enum Resent {
    AlreadyVerified,
    SentTo(String),
}

/// Sends a new confirmation link to the account's address (throttled per user).
pub async fn resend_verification(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    base_url: &str,
) -> Result<Resent, AppError> {
    let user = model::find(conn, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.is_verified() {
        return Ok(Resent::AlreadyVerified);
    }
    throttle::hit(
        conn,
        &format!("verify:user:{}", user.id),
        throttle::VERIFY_EMAIL_PER_USER,
    )
    .await?;
    conn.transaction::<_, AppError, _>(async |conn| send_verification(conn, &user, base_url).await)
        .await?;
    Ok(Resent::SentTo(user.email))
}

/// Uses a link that confirms an address: the account's own (it becomes verified) or a new one
/// (the account moves there; see `email_change::apply`).
pub async fn verify_email(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    base_url: &str,
) -> Result<Result<User, TokenError>, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let consumed = match tokens::consume(conn, raw_token, &ADDRESS_LINKS).await? {
            Ok(consumed) => consumed,
            Err(error) => return Ok(Err(error)),
        };
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if consumed.purpose == Purpose::ChangeEmail {
            return email_change::apply(conn, &user, &consumed.email, base_url).await;
        }
        // A link for an address the account no longer has confirms nothing.
        if !user.email.eq_ignore_ascii_case(&consumed.email) {
            return Ok(Err(TokenError::Revoked));
        }
        diesel::update(users::table.find(user.id))
            .set((
                users::email_verified_at.eq(Utc::now()),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        tokens::revoke(conn, user.id, &[Purpose::VerifyEmail]).await?;
        security_log::record(conn, Event::EmailVerified, Some(user.id), None, "").await?;
        let user = model::find(conn, user.id)
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
    Ok(tokens::check(conn, raw_token, &[Purpose::ResetPassword])
        .await?
        .map(|_| ()))
}

/// Sets a new password from a reset link: every session of the account ends, every pending
/// link ends, the address counts as verified (the link proved it), and the owner is told.
pub async fn reset_password(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    password: &NewPassword,
    ip: Option<&str>,
) -> Result<Result<User, TokenError>, AppError> {
    // Refuse a dead link before spending a hash on it.
    if let Err(problem) = check_reset_token(conn, raw_token).await? {
        return Ok(Err(problem));
    }
    let password_hash = passwords::hash(password).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let consumed = match tokens::consume(conn, raw_token, &[Purpose::ResetPassword]).await? {
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
        tokens::revoke(
            conn,
            user.id,
            &[
                Purpose::ResetPassword,
                Purpose::VerifyEmail,
                Purpose::ChangeEmail,
            ],
        )
        .await?;
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

/// Changes the password of a signed-in user who typed the current one (throttled like login):
/// every other session ends, and so does every pending link.
pub async fn change_password(
    conn: &mut AsyncPgConnection,
    user: &User,
    current_password: &str,
    new_password: &NewPassword,
    current_session: Option<&str>,
    ip: Option<&str>,
) -> Result<Result<(), WrongPassword>, AppError> {
    if let Err(wrong) = reauth::confirm_password(conn, user, current_password, ip).await? {
        return Ok(Err(wrong));
    }
    let password_hash = passwords::hash(new_password).await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        diesel::update(users::table.find(user.id))
            .set((
                users::password_hash.eq(password_hash),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        tokens::revoke(
            conn,
            user.id,
            &[
                Purpose::ResetPassword,
                Purpose::VerifyEmail,
                Purpose::ChangeEmail,
            ],
        )
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

/// Makes the acting member a host; their email address must be confirmed first.
pub async fn become_host(
    conn: &mut AsyncPgConnection,
    actor: &crate::service::Actor,
) -> crate::service::ServiceResult<()> {
    let member = actor.member()?;
    if !member.email_verified {
        return Err(crate::service::ServiceError::not_allowed(
            "Please confirm your email address before you start hosting.",
        ));
    }
    diesel::update(users::table.find(member.id))
        .set((users::is_host.eq(true), users::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}

/// The user ends their other sessions ("sign out everywhere else"): pending address links end
/// too, since whoever held one of those sessions may have asked for them. Returns how many
/// sessions ended.
pub async fn end_other_sessions(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    keep: Option<&str>,
    ip: Option<&str>,
) -> Result<usize, AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let ended = end_sessions(conn, user_id, keep).await?;
        tokens::revoke(conn, user_id, &ADDRESS_LINKS).await?;
        security_log::record(
            conn,
            Event::SessionsRevoked,
            Some(user_id),
            ip,
            &format!("{ended} session(s) ended"),
        )
        .await?;
        Ok(ended)
    })
    .await
}

/// The user ends one of their sessions (someone else's id matches nothing); pending address
/// links end as with [`end_other_sessions`].
pub async fn end_one_session(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    public_id: &str,
    ip: Option<&str>,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let ended = diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::public_id.eq(public_id)),
        )
        .execute(conn)
        .await?;
        if ended > 0 {
            tokens::revoke(conn, user_id, &ADDRESS_LINKS).await?;
            security_log::record(
                conn,
                Event::SessionsRevoked,
                Some(user_id),
                ip,
                "1 session ended",
            )
            .await?;
        }
        Ok(())
    })
    .await
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
