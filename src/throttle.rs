//! Throttling with fixed-window counters in PostgreSQL, shared by every Roost process.
//!
//! Used for login attempts (per account and per IP), sign-ups, password-reset emails and image
//! uploads (per user: each costs a decode on the bounded image pool). A hit
//! is one atomic upsert; the answer says whether the limit is exceeded and, if so, when to retry.

use crate::service::UserId;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{
    QueryableByName,
    sql_types::{Integer, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::service::{ServiceError, ServiceResult};

/// A limit: at most `max` hits per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 5,
    window: Duration::from_secs(15 * 60),
};
pub const LOGIN_PER_IP: Limit = Limit {
    max: 30,
    window: Duration::from_secs(15 * 60),
};
pub const SIGNUP_PER_IP: Limit = Limit {
    max: 5,
    window: Duration::from_secs(60 * 60),
};
pub const RESET_EMAIL_PER_ADDRESS: Limit = Limit {
    max: 3,
    window: Duration::from_secs(60 * 60),
};
pub const RESET_EMAIL_PER_IP: Limit = Limit {
    max: 10,
    window: Duration::from_secs(60 * 60),
};
/// Booking attempts per guest: each can hold a listing's nights, so a burst is refused.
pub const BOOKINGS_PER_GUEST: Limit = Limit {
    max: 20,
    window: Duration::from_secs(60 * 60),
};
pub const VERIFY_EMAIL_PER_USER: Limit = Limit {
    max: 3,
    window: Duration::from_secs(60 * 60),
};

/// Image uploads (avatars and listing photos, each request counted once, refused or not) per
/// user: enough to set up several listings in an hour, not to keep the decoders busy.
pub const UPLOADS_PER_USER: Limit = Limit {
    max: 30,
    window: Duration::from_secs(60 * 60),
};

#[derive(QueryableByName)]
struct Bucket {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamptz)]
    window_start: DateTime<Utc>,
}

/// Counts a hit on `key`; `Err(TooManyAttempts)` once the limit is exceeded.
pub async fn hit(conn: &mut AsyncPgConnection, key: &str, limit: Limit) -> ServiceResult<()> {
    let window_secs = limit.window.as_secs() as i32;
    let bucket: Bucket = diesel::sql_query(
        "INSERT INTO throttle_buckets AS b (key, window_start, hits) VALUES ($1, now(), 1) \
         ON CONFLICT (key) DO UPDATE SET \
           hits = CASE WHEN b.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE b.hits + 1 END, \
           window_start = CASE WHEN b.window_start <= now() - make_interval(secs => $2) THEN now() ELSE b.window_start END \
         RETURNING hits, window_start",
    )
    .bind::<Text, _>(key)
    .bind::<Integer, _>(window_secs)
    .get_result(conn)
    .await?;
    if bucket.hits > limit.max {
        let reopens = bucket.window_start + chrono::Duration::seconds(i64::from(window_secs));
        let retry_after_secs = (reopens - Utc::now()).num_seconds().max(1) as u64;
        return Err(ServiceError::TooManyAttempts { retry_after_secs });
    }
    Ok(())
}

/// Forgets the hits on `key` (a successful login clears the account's failures).
pub async fn reset(conn: &mut AsyncPgConnection, key: &str) -> ServiceResult<()> {
    diesel::sql_query("DELETE FROM throttle_buckets WHERE key = $1")
        .bind::<Text, _>(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts an image upload of `user_id`; `Ok(Err(retry_after_secs))` once over the limit. The
/// refusal comes back as a value because the callers answer it only after releasing their
/// connection (the hit counts, refused or not).
pub async fn hit_upload(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> ServiceResult<Result<(), u64>> {
    match hit(conn, &format!("upload:user:{user_id}"), UPLOADS_PER_USER).await {
        Ok(()) => Ok(Ok(())),
        Err(ServiceError::TooManyAttempts { retry_after_secs }) => Ok(Err(retry_after_secs)),
        Err(error) => Err(error),
    }
}
