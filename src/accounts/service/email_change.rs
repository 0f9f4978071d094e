//! Changing the account's email address. The new address must be confirmed through a link;
//! the old address is told at once and again when the change happens, each time with an undo
//! link that restores it and secures the account. Whether the new address belongs to another
//! account is never revealed to the requester: its owner gets a note instead of a link.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl, result::DatabaseErrorKind};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::{ADDRESS_LINKS, end_sessions, link, own_user, reauth};
use crate::accounts::{
    domain::EmailAddress,
    emails::{self, AccountNotice},
    model::{self, User},
    security_log::{self, Event},
    tokens::{self, Purpose, TokenError},
};
use crate::{
    schema::users,
    service::{Actor, ServiceError, ServiceResult},
};

/// A password hash that no password matches (argon2 cannot parse it): after an undo the owner
/// sets a new password through the reset link sent to the restored address.
const UNUSABLE_PASSWORD: &str = "!reset-required";

const UNDO_LABEL: &str = "If this was not you, undo the change and secure your account";
const UNDO_CLOSING: &str = "Undoing keeps (or restores) this address, signs out every device and \
                            sends a link to this address to choose a new password.";

/// The message when the new address is the current one.
pub const SAME_ADDRESS: &str = "This is already your email address.";

/// Starts a change of the actor's address after checking their current password (throttled
/// like login; a wrong one is `Invalid` on `email_password`, the same address `Invalid` on
/// `new_email`). The answer is the same whether or not another account uses `new_email`.
pub async fn request(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    password: &str,
    new_email: &EmailAddress,
    base_url: &str,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let user = &own_user(conn, actor).await?;
    if user.email.eq_ignore_ascii_case(new_email.as_ref()) {
        return Err(ServiceError::invalid("new_email", SAME_ADDRESS));
    }
    reauth::confirm_password(conn, user, password, ip, "email_password").await?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        // A newer request ends the older one, whichever address it was for.
        tokens::revoke(conn, user.id, &[Purpose::ChangeEmail]).await?;
        match model::find_by_email(conn, new_email.as_ref()).await? {
            Some(owner) => {
                emails::notice(
                    conn,
                    &owner.email,
                    &owner.name,
                    "Someone tried to use your address on Roost",
                    "Someone asked to move another Roost account to this email address. It \
                     stays with your account: nothing changed, and you don't need to do anything.",
                )
                .await?;
            }
            None => {
                let token =
                    tokens::issue(conn, user.id, Purpose::ChangeEmail, new_email.as_ref()).await?;
                let confirm = link(base_url, "/verify-email", &token);
                emails::account_notice(
                    conn,
                    new_email.as_ref(),
                    &user.name,
                    AccountNotice {
                        subject: "Confirm your new email address for Roost",
                        message: "Please confirm that this is the new email address of your \
                                  Roost account. The account moves here once you open this link.",
                        action: Some(("Confirm my new address", &confirm)),
                        closing: "The link works for 24 hours. If you did not ask for this, \
                                  ignore this email: nothing changes.",
                    },
                )
                .await?;
            }
        }
        let undo = undo_link(conn, user, base_url).await?;
        emails::account_notice(
            conn,
            &user.email,
            &user.name,
            AccountNotice {
                subject: "Your Roost email address is changing",
                message: &format!(
                    "Someone asked to change the email address of your Roost account to \
                     {new_email}. It changes once the new address is confirmed."
                ),
                action: Some((UNDO_LABEL, &undo)),
                closing: UNDO_CLOSING,
            },
        )
        .await?;
        security_log::record(conn, Event::EmailChangeRequested, Some(user.id), ip, "").await?;
        Ok(())
    })
    .await
}

/// An undo link for the account's current address (valid a week, never superseded).
async fn undo_link(
    conn: &mut AsyncPgConnection,
    user: &User,
    base_url: &str,
) -> ServiceResult<String> {
    let token = tokens::issue(conn, user.id, Purpose::UndoEmailChange, &user.email).await?;
    Ok(link(base_url, "/account/email/undo", &token))
}

/// Moves the account to `new_email` (its change link was just used, inside the caller's
/// transaction). The old address is told, with an undo link.
pub(super) async fn apply(
    conn: &mut AsyncPgConnection,
    user: &User,
    new_email: &str,
    base_url: &str,
) -> ServiceResult<User> {
    if model::find_by_email(conn, new_email)
        .await?
        .is_some_and(|other| other.id != user.id)
    {
        // Someone else took the address since the link was sent.
        return Err(TokenError::Invalid.into());
    }
    let updated = diesel::update(users::table.find(user.id))
        .set((
            users::email.eq(new_email),
            users::email_verified_at.eq(Utc::now()),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await;
    match updated {
        Ok(_) => {}
        Err(diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(TokenError::Invalid.into());
        }
        Err(error) => return Err(error.into()),
    }
    tokens::revoke(conn, user.id, &ADDRESS_LINKS).await?;
    let undo = undo_link(conn, user, base_url).await?;
    emails::account_notice(
        conn,
        &user.email,
        &user.name,
        AccountNotice {
            subject: "Your Roost email address was changed",
            message: &format!(
                "The email address of your Roost account was changed to {new_email}. From now \
                 on we write to that address."
            ),
            action: Some((UNDO_LABEL, &undo)),
            closing: UNDO_CLOSING,
        },
    )
    .await?;
    security_log::record(conn, Event::EmailChanged, Some(user.id), None, "").await?;
    model::find(conn, user.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The message when the old address now belongs to another account.
pub const ADDRESS_TAKEN: &str = "Your previous address is now used by another Roost account, so \
                                 it cannot be restored. Please contact us.";

/// Checks an undo link without using it (the page asks for a confirming click, so that a
/// mail scanner that opens links does not lock the account).
/// A dead link is `Refused` with the reason.
pub async fn check_undo(conn: &mut AsyncPgConnection, raw_token: &str) -> ServiceResult<String> {
    let found = tokens::check(conn, raw_token, &[Purpose::UndoEmailChange]).await??;
    Ok(found.email)
}

/// Uses an undo link: the address it was sent to becomes the account's again (confirmed),
/// pending changes and links end, every session ends, and the password must be chosen anew
/// through a reset link sent to that address (whoever changed the address knew it).
/// Returns the restored address. The link is the authority, not the session; a dead link is
/// `Refused`, an address another account took since is a `Conflict`.
pub async fn undo(
    conn: &mut AsyncPgConnection,
    raw_token: &str,
    base_url: &str,
    ip: Option<&str>,
) -> ServiceResult<String> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let found = tokens::check(conn, raw_token, &[Purpose::UndoEmailChange]).await??;
        if model::find_by_email(conn, &found.email)
            .await?
            .is_some_and(|other| other.id != found.user_id)
        {
            // Nothing is used up: the link works again once the address is free.
            return Err(ServiceError::conflict(ADDRESS_TAKEN));
        }
        let consumed = tokens::consume(conn, raw_token, &[Purpose::UndoEmailChange]).await??;
        let user = model::find(conn, consumed.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        diesel::update(users::table.find(user.id))
            .set((
                users::email.eq(&consumed.email),
                users::email_verified_at.eq(Utc::now()),
                users::password_hash.eq(UNUSABLE_PASSWORD),
                users::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        // Every other undo link too: one of them may point at the address being undone.
        tokens::revoke(
            conn,
            user.id,
            &[
                Purpose::VerifyEmail,
                Purpose::ChangeEmail,
                Purpose::ResetPassword,
                Purpose::UndoEmailChange,
            ],
        )
        .await?;
        end_sessions(conn, user.id, None).await?;
        let token = tokens::issue(conn, user.id, Purpose::ResetPassword, &consumed.email).await?;
        let reset = link(base_url, "/password/reset", &token);
        emails::password_reset(conn, &consumed.email, &user.name, &reset).await?;
        security_log::record(
            conn,
            Event::EmailChangeUndone,
            Some(user.id),
            ip,
            &format!("from {}", user.email),
        )
        .await?;
        Ok(consumed.email)
    })
    .await
}
