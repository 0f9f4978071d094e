//! actix-session's store in PostgreSQL, so that sessions can be listed and revoked server-side
//! (logout, "sign out everywhere else", password change, suspension).
//!
//! Session keys are 256 random bits; the table keeps only their SHA-256. The signed-in user's
//! id (written into the state by actix-identity) is copied to a column so that a user's sessions
//! can be found. A session deleted server-side stays deleted: an update of a missing row starts
//! a fresh, signed-out session instead of resurrecting the old one.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::RunQueryDsl;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    db::{DatabaseUnavailable, DbPool},
    schema::sessions,
};

/// Session-state keys with a meaning for the store.
pub const USER_ID_KEY: &str = "user_id";
pub const PUBLIC_ID_KEY: &str = "sid";
pub const USER_AGENT_KEY: &str = "ua";
pub const IP_KEY: &str = "ip";
/// Keys that make a session signed in; dropped when a revoked session would be re-created.
const IDENTITY_KEYS: [&str; 3] = [USER_ID_KEY, "logged_in_at", super::idle::SEEN_AT_KEY];

type State = HashMap<String, String>;

#[derive(Clone)]
pub struct PgSessionStore {
    pool: DbPool,
}

impl PgSessionStore {
    pub fn new(pool: DbPool) -> Self {
        PgSessionStore { pool }
    }
}

fn key_hash(key: &SessionKey) -> Vec<u8> {
    Sha256::digest(key.as_ref().as_bytes()).to_vec()
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

/// Values in the state are JSON documents (actix-session serialises each value).
fn state_text(state: &State, key: &str) -> Option<String> {
    serde_json::from_str::<String>(state.get(key)?).ok()
}

fn user_id_of(state: &State) -> Option<i64> {
    state_text(state, USER_ID_KEY)?.parse().ok()
}

fn expiry(ttl: &Duration) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

/// Marks connection problems so that the error-page middleware can answer 503.
fn outage(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow::Error::new(DatabaseUnavailable(error.to_string()))
}

fn query_error(error: diesel::result::Error) -> anyhow::Error {
    if crate::db::is_connection_failure(&error) {
        outage(error)
    } else {
        anyhow::Error::new(error)
    }
}

impl PgSessionStore {
    async fn insert(&self, mut state: State, ttl: &Duration) -> anyhow::Result<SessionKey> {
        let key: SessionKey = random_token(32)
            .try_into()
            .map_err(|_| anyhow::anyhow!("generated session key rejected"))?;
        let public_id = match state_text(&state, PUBLIC_ID_KEY) {
            Some(id) => id,
            None => {
                let id = random_token(12);
                state.insert(PUBLIC_ID_KEY.into(), serde_json::to_string(&id)?);
                id
            }
        };
        let mut conn = self.pool.get().await.map_err(outage)?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::key_hash.eq(key_hash(&key)),
                sessions::user_id.eq(user_id_of(&state)),
                sessions::public_id.eq(public_id),
                sessions::user_agent.eq(state_text(&state, USER_AGENT_KEY)),
                sessions::ip_address.eq(state_text(&state, IP_KEY)),
                sessions::state.eq(serde_json::to_value(&state)?),
                sessions::expires_at.eq(expiry(ttl)),
            ))
            .execute(&mut conn)
            .await
            .map_err(query_error)?;
        Ok(key)
    }
}

impl PgSessionStore {
    /// Writes `state` over the stored session; `false` when no such session exists (any more).
    async fn store_update(
        &self,
        session_key: &SessionKey,
        state: &State,
        ttl: &Duration,
    ) -> anyhow::Result<bool> {
        let mut conn = self.pool.get().await.map_err(outage)?;
        let updated =
            diesel::update(sessions::table.filter(sessions::key_hash.eq(key_hash(session_key))))
                .set((
                    sessions::user_id.eq(user_id_of(state)),
                    sessions::user_agent.eq(state_text(state, USER_AGENT_KEY)),
                    sessions::ip_address.eq(state_text(state, IP_KEY)),
                    sessions::state.eq(serde_json::to_value(state)?),
                    sessions::updated_at.eq(Utc::now()),
                    sessions::expires_at.eq(expiry(ttl)),
                ))
                .execute(&mut conn)
                .await
                .map_err(query_error)?;
        Ok(updated == 1)
    }
}

impl SessionStore for PgSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let mut conn = self
            .pool
            .get()
            .await
            .map_err(|e| LoadError::Other(outage(e)))?;
        let row: Option<serde_json::Value> = sessions::table
            .filter(sessions::key_hash.eq(key_hash(session_key)))
            .filter(sessions::expires_at.gt(Utc::now()))
            .select(sessions::state)
            .first(&mut conn)
            .await
            .optional()
            .map_err(|e| LoadError::Other(query_error(e)))?;
        row.map(serde_json::from_value)
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        self.insert(state, ttl).await.map_err(SaveError::Other)
    }

    /// Saves a changed state after the request was handled. The request's work is done by
    /// now (a booking may have committed), so a failure here must not turn its answer into an
    /// error: it is logged and the state stays as stored before this request (what is lost is
    /// at most a flash message or an idle-timeout extension).
    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let updated = match self.store_update(&session_key, &state, ttl).await {
            Ok(updated) => updated,
            Err(error) => {
                tracing::warn!(%error, "session state not saved after the request");
                return Ok(session_key);
            }
        };
        if updated {
            return Ok(session_key);
        }
        // The session was revoked while this request ran: never bring its sign-in back.
        let mut state = state;
        for key in IDENTITY_KEYS {
            state.remove(key);
        }
        state.remove(PUBLIC_ID_KEY);
        self.insert(state, ttl).await.map_err(UpdateError::Other)
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        // Like `update`: after the request, a failed extension is logged, not answered.
        let extended = async {
            let mut conn = self.pool.get().await.map_err(outage)?;
            diesel::update(sessions::table.filter(sessions::key_hash.eq(key_hash(session_key))))
                .set((
                    sessions::updated_at.eq(Utc::now()),
                    sessions::expires_at.eq(expiry(ttl)),
                ))
                .execute(&mut conn)
                .await
                .map_err(query_error)?;
            anyhow::Ok(())
        };
        if let Err(error) = extended.await {
            tracing::warn!(%error, "session expiry not extended after the request");
        }
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await.map_err(outage)?;
        diesel::delete(sessions::table.filter(sessions::key_hash.eq(key_hash(session_key))))
            .execute(&mut conn)
            .await
            .map_err(query_error)?;
        Ok(())
    }
}
