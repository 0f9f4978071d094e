//! Single-use tokens for email verification and password reset: 256 random bits sent by email,
//! only their SHA-256 stored, each with an expiry and consumed atomically.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::schema::account_tokens;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    /// How long a link stays valid: reset links within the hour (ASVS 2.5), verification a day.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::hours(24),
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
}

fn digest(raw: &str) -> Vec<u8> {
    Sha256::digest(raw.as_bytes()).to_vec()
}

/// Creates a token and returns the raw value to put in the link.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    purpose: Purpose,
    email: &str,
) -> diesel::QueryResult<String> {
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

/// What a consumed token was for.
pub struct Consumed {
    pub user_id: i64,
    pub email: String,
}

/// Finds a token and says whether it can still be used.
pub async fn check(
    conn: &mut AsyncPgConnection,
    raw: &str,
    purpose: Purpose,
) -> diesel::QueryResult<Result<Consumed, TokenError>> {
    type Row = (i64, String, DateTime<Utc>, Option<DateTime<Utc>>);
    let row: Option<Row> = account_tokens::table
        .filter(account_tokens::token_hash.eq(digest(raw.trim())))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select((
            account_tokens::user_id,
            account_tokens::email,
            account_tokens::expires_at,
            account_tokens::used_at,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(match row {
        None => Err(TokenError::Invalid),
        Some((_, _, _, Some(_))) => Err(TokenError::AlreadyUsed),
        Some((_, _, expires_at, None)) if expires_at <= Utc::now() => Err(TokenError::Expired),
        Some((user_id, email, _, None)) => Ok(Consumed { user_id, email }),
    })
}

/// Marks the token used and returns its user and address, or says why it cannot be used.
/// The update is conditional, so two concurrent uses cannot both succeed.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    raw: &str,
    purpose: Purpose,
) -> diesel::QueryResult<Result<Consumed, TokenError>> {
    let consumed = match check(conn, raw, purpose).await? {
        Ok(consumed) => consumed,
        Err(error) => return Ok(Err(error)),
    };
    let claimed = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(digest(raw.trim())))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Utc::now()))
    .execute(conn)
    .await?;
    if claimed == 0 {
        return Ok(Err(TokenError::AlreadyUsed));
    }
    Ok(Ok(consumed))
}

/// Retires every unused token of a purpose (after a reset, older reset links stop working).
pub async fn retire_all(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    purpose: Purpose,
) -> diesel::QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Utc::now()))
    .execute(conn)
    .await
}
