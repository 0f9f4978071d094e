//! Single-use tokens for the emailed links (address verification, address change, undoing an
//! address change, password reset): 256 random bits sent by email, only their SHA-256 stored,
//! each with an expiry, consumed atomically, and revoked when a newer link of the same kind is
//! issued or when the account's security changes (see `service`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{schema::account_tokens, service::UserId};

crate::text_enum! {
    /// What an emailed link does (`account_tokens.purpose`).
    pub enum Purpose {
        /// Confirms the account's current address.
        VerifyEmail = "verify_email",
        /// Confirms a new address; using it moves the account there.
        ChangeEmail = "change_email",
        /// Sent to the old address when the address changes: restores it and secures the account.
        UndoEmailChange = "undo_email_change",
        ResetPassword = "reset_password",
    }
}

impl Purpose {
    /// How long a link stays valid: reset links within the hour (ASVS 2.5), address links a
    /// day, and the undo link a week, since the owner may not read the old mailbox every day.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail | Purpose::ChangeEmail => Duration::hours(24),
            Purpose::UndoEmailChange => Duration::days(7),
            Purpose::ResetPassword => Duration::minutes(60),
        }
    }
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("This link is not valid. Check that you copied it completely, or ask for a new one.")]
    Invalid,
    #[error("This link has expired. Ask for a new one.")]
    Expired,
    #[error("This link has already been used. Ask for a new one if you need it.")]
    AlreadyUsed,
    #[error(
        "This link no longer works: a newer link was sent, or the account's password was changed \
         or its sessions were ended since. Ask for a new one if you need it."
    )]
    Revoked,
}

fn digest(raw: &str) -> Vec<u8> {
    Sha256::digest(raw.as_bytes()).to_vec()
}

/// Creates a token and returns the raw value to put in the link. Undo links aside, a newer
/// link ends the older unused ones of its kind, so only the latest email works.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    purpose: Purpose,
    email: &str,
) -> diesel::QueryResult<String> {
    // Undo links are never superseded: whoever changed the address could otherwise end the
    // owner's undo link by changing it again.
    if purpose != Purpose::UndoEmailChange {
        revoke(conn, user_id, &[purpose]).await?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(digest(&raw)),
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::email.eq(email),
            account_tokens::expires_at.eq(Utc::now() + purpose.lifetime()),
        ))
        .execute(conn)
        .await?;
    Ok(raw)
}

/// What a usable token is for.
pub struct Consumed {
    pub user_id: UserId,
    pub email: String,
    pub purpose: Purpose,
}

/// Finds a token of one of `purposes` and says whether it can still be used.
pub async fn check(
    conn: &mut AsyncPgConnection,
    raw: &str,
    purposes: &[Purpose],
) -> diesel::QueryResult<Result<Consumed, TokenError>> {
    type Row = (
        UserId,
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let row: Option<Row> = account_tokens::table
        .filter(account_tokens::token_hash.eq(digest(raw.trim())))
        .filter(account_tokens::purpose.eq_any(names))
        .select((
            account_tokens::user_id,
            account_tokens::email,
            account_tokens::purpose,
            account_tokens::expires_at,
            account_tokens::used_at,
            account_tokens::revoked_at,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((user_id, email, purpose, expires_at, used_at, revoked_at)) = row else {
        return Ok(Err(TokenError::Invalid));
    };
    Ok(if used_at.is_some() {
        Err(TokenError::AlreadyUsed)
    } else if revoked_at.is_some() {
        Err(TokenError::Revoked)
    } else if expires_at <= Utc::now() {
        Err(TokenError::Expired)
    } else {
        match Purpose::parse(&purpose) {
            Some(purpose) => Ok(Consumed {
                user_id,
                email,
                purpose,
            }),
            None => Err(TokenError::Invalid),
        }
    })
}

/// Marks the token used and returns its user and address, or says why it cannot be used.
/// The update is conditional, so two concurrent uses cannot both succeed, nor a use and a
/// revocation.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    raw: &str,
    purposes: &[Purpose],
) -> diesel::QueryResult<Result<Consumed, TokenError>> {
    let consumed = match check(conn, raw, purposes).await? {
        Ok(consumed) => consumed,
        Err(error) => return Ok(Err(error)),
    };
    let claimed = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(digest(raw.trim())))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::revoked_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Utc::now()))
    .execute(conn)
    .await?;
    if claimed == 0 {
        return Ok(Err(TokenError::AlreadyUsed));
    }
    Ok(Ok(consumed))
}

/// Ends every unused token of `purposes` of the user. Returns how many.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    purposes: &[Purpose],
) -> diesel::QueryResult<usize> {
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq_any(names))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::revoked_at.is_null()),
    )
    .set(account_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)
    .await
}
