//! Account rules and transactions, shared by the HTML pages and (later) the APIs. Nothing here
//! knows about HTTP: the doors parse input into domain types (`forms`) and call these
//! functions, which check the acting party themselves. Login is in `login`, the profile and
//! avatar in `profile`, the session list in `sessions`; address changes live in
//! `email_change`, deletion in `deletion`, the password check before sensitive changes in
//! `reauth`.

pub mod admin;
pub mod deletion;
pub mod email_change;
mod login;
mod profile;
pub mod reauth;
mod sessions;

use chrono::Utc;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

pub use login::{LoggedIn, log_in, log_out};
pub use profile::{account, patch_profile, set_avatar, update_profile};
pub use sessions::{SessionInfo, end_one_session, end_other_sessions, end_sessions, sessions};

use super::{
    domain::{EmailAddress, NewPassword},
    emails::{self, AccountNotice},
    forms::SignUp,
    model::{self, User},
    passwords,
    security_log::{self, Event},
    tokens::{self, Purpose, TokenError},
};
use crate::{
    schema::users,
    service::{Actor, ServiceError, ServiceResult, UserId},
    throttle,
};

/// The links that confirm an address: they end when the password changes or sessions are
/// ended, so that someone who once had access cannot finish an address change later.
pub(super) const ADDRESS_LINKS: [Purpose; 2] = [Purpose::VerifyEmail, Purpose::ChangeEmail];

pub(super) fn link(base_url: &str, path: &str, token: &str) -> String {
    format!("{base_url}{path}?token={token}")
}

/// Counts a hit on a throttle; `TooManyAttempts` once its limit is spent.
pub(crate) async fn throttle_hit(
    conn: &mut AsyncPgConnection,
    key: &str,
    limit: throttle::Limit,
) -> ServiceResult<()> {
    throttle::hit(conn, key, limit).await
}

/// A link that cannot be used says why, as a refusal of the whole request.
impl From<TokenError> for ServiceError {
    fn from(error: TokenError) -> Self {
        ServiceError::Refused(error.to_string())
    }
}

/// The actor's own account, as stored (for the pages that show or change it).
pub(super) async fn own_user(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<User> {
    let member = actor.member()?;
    model::find(conn, member.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Signs a visitor up. The answer is the same whether or not the address already has an
/// account (no enumeration): a new address gets an unverified account and a confirmation
/// link; a known one gets, instead, a note to its owner. Either way the visitor is told to
/// check their inbox, and nobody is signed in. Sign-ups are throttled per address of origin.
pub async fn sign_up(
    conn: &mut AsyncPgConnection,
    input: &SignUp,
    base_url: &str,
    ip: &str,
) -> ServiceResult<()> {
    sign_up_returning_to(conn, input, base_url, ip, None).await
}

/// [`sign_up`], whose confirmation link brings the new member back to `return_to` (a path of
/// this site, such as the stay they were booking; the door checks it is one) once confirmed.
pub async fn sign_up_returning_to(
    conn: &mut AsyncPgConnection,
    input: &SignUp,
    base_url: &str,
    ip: &str,
    return_to: Option<&str>,
) -> ServiceResult<()> {
    let SignUp {
        name,
        email,
        password,
    } = input;
    throttle_hit(conn, &format!("signup:ip:{ip}"), throttle::SIGNUP_PER_IP).await?;
    // Hashed in both cases, so that both answers take as long.
    let password_hash = passwords::hash(password).await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let created: Option<UserId> = match model::find_by_email(conn, email.as_ref()).await? {
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
                .get_result::<UserId>(conn)
                .await
                .optional()?,
        };
        match created {
            Some(user_id) => {
                let user = model::find(conn, user_id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                send_verification_to(conn, &user, base_url, return_to).await?;
                security_log::record(conn, Event::SignUp, Some(user_id), Some(ip), "").await?;
                Ok(())
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
                .await?;
                Ok(())
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
) -> ServiceResult<()> {
    send_verification_to(conn, user, base_url, None).await
}

/// Emails `user` a confirmation link, which carries `return_to` as its `next` parameter when
/// there is one.
async fn send_verification_to(
    conn: &mut AsyncPgConnection,
    user: &User,
    base_url: &str,
    return_to: Option<&str>,
) -> ServiceResult<()> {
    let token = tokens::issue(conn, user.id, Purpose::VerifyEmail, &user.email).await?;
    let mut link = link(base_url, "/verify-email", &token);
    if let Some(next) = return_to {
        link.push_str("&next=");
        link.push_str(&crate::errors::url_encode(next));
    }
    emails::verification(conn, &user.email, &user.name, &link).await
}

/// What asking for a new confirmation link did.
#[derive(Debug)]
pub enum Resent {
    AlreadyVerified,
    SentTo(String),
}

/// Sends the actor a new confirmation link to their account's address (throttled per user).
pub async fn resend_verification(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    base_url: &str,
) -> ServiceResult<Resent> {
    let user = own_user(conn, actor).await?;
    if user.is_verified() {
        return Ok(Resent::AlreadyVerified);
    }
    throttle_hit(
        conn,
        &format!("verify:user:{}", user.id),
        throttle::VERIFY_EMAIL_PER_USER,
    )
    .await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        send_verification(conn, &user, base_url).await
    })
    .await?;
    Ok(Resent::SentTo(user.email))
}

/// Uses a link that confirms an address: the account's own (it becomes verified) or a new one
/// (the account moves there; see `email_change::apply`). The link is the authority here, not
/// the session. A link that cannot be used is `Refused` with the reason.
pub async fn verify_email(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    base_url: &str,
) -> ServiceResult<User> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let consumed = tokens::consume(conn, raw_token, &ADDRESS_LINKS).await??;
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if consumed.purpose == Purpose::ChangeEmail {
            return email_change::apply(conn, &user, &consumed.email, base_url).await;
        }
        // A link for an address the account no longer has confirms nothing.
        if !user.email.eq_ignore_ascii_case(&consumed.email) {
            return Err(TokenError::Revoked.into());
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
        model::find(conn, user.id)
            .await?
            .ok_or(ServiceError::NotFound)
    })
    .await
}

/// Queues a reset email if an account has this address; says nothing either way (no
/// enumeration: the door shows the same page in both cases). Throttled per address of origin
/// and per address asked about.
pub async fn request_password_reset(
    conn: &mut AsyncPgConnection,
    email: &EmailAddress,
    base_url: &str,
    ip: &str,
) -> ServiceResult<()> {
    throttle_hit(
        conn,
        &format!("reset:ip:{ip}"),
        throttle::RESET_EMAIL_PER_IP,
    )
    .await?;
    throttle_hit(
        conn,
        &format!("reset:address:{email}"),
        throttle::RESET_EMAIL_PER_ADDRESS,
    )
    .await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let Some(user) = model::find_by_email(conn, email.as_ref()).await? else {
            return Ok(());
        };
        if user.is_suspended() {
            return Ok(());
        }
        let token = tokens::issue(conn, user.id, Purpose::ResetPassword, &user.email).await?;
        let link = link(base_url, "/password/reset", &token);
        emails::password_reset(conn, &user.email, &user.name, &link).await?;
        security_log::record(
            conn,
            Event::PasswordResetRequested,
            Some(user.id),
            Some(ip),
            "",
        )
        .await?;
        Ok(())
    })
    .await
}

/// Checks a reset token without using it (to show the form only for a usable link).
pub async fn check_reset_token(conn: &mut AsyncPgConnection, raw_token: &str) -> ServiceResult<()> {
    tokens::check(conn, raw_token, &[Purpose::ResetPassword]).await??;
    Ok(())
}

/// Sets a new password from a reset link: every session of the account ends, every pending
/// link ends, the address counts as verified (the link proved it), and the owner is told.
pub async fn reset_password(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    password: &NewPassword,
    ip: Option<&str>,
) -> ServiceResult<User> {
    // Refuse a dead link before spending a hash on it.
    check_reset_token(conn, raw_token).await?;
    let password_hash = passwords::hash(password).await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let consumed = tokens::consume(conn, raw_token, &[Purpose::ResetPassword]).await??;
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
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
        Ok(user)
    })
    .await
}

/// Changes the actor's password once they typed the current one (throttled like login; a
/// wrong one is `Invalid` on `current_password`): every other session ends (`current_session`
/// is kept), and so does every pending link.
pub async fn change_password(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    current_password: &str,
    new_password: &NewPassword,
    current_session: Option<&str>,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let user = own_user(conn, actor).await?;
    reauth::confirm_password(conn, &user, current_password, ip, "current_password").await?;
    let password_hash = passwords::hash(new_password).await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
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
        Ok(())
    })
    .await
}

/// Makes the acting member a host; their email address must be confirmed first.
pub async fn become_host(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<()> {
    let member = actor.member()?;
    if !member.email_verified {
        return Err(ServiceError::not_allowed(
            "Please confirm your email address before you start hosting.",
        ));
    }
    diesel::update(users::table.find(member.id))
        .set((users::is_host.eq(true), users::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}
