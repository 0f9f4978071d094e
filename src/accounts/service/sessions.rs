//! The actor's signed-in sessions: the list, ending one, ending all others. Another person's
//! session is never found.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::ADDRESS_LINKS;
use crate::{
    accounts::{
        security_log::{self, Event},
        tokens,
    },
    schema::sessions,
    service::{Actor, ServiceError, ServiceResult, UserId},
};

/// A session as listed to its owner.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub public_id: String,
    pub user_agent: String,
    pub ip_address: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether it is the session asking.
    pub current: bool,
}

impl SessionInfo {
    pub fn started(&self) -> String {
        self.created_at.format("%e %b %Y, %H:%M UTC").to_string()
    }

    pub fn last_active(&self) -> String {
        self.updated_at.format("%e %b %Y, %H:%M UTC").to_string()
    }

    /// A short description of the browser from its user agent.
    pub fn device(&self) -> String {
        let agent = self.user_agent.as_str();
        let browser = ["Firefox", "Edg", "Chrome", "Safari", "curl", "reqwest"]
            .into_iter()
            .find(|name| agent.contains(name))
            .map(|name| if name == "Edg" { "Edge" } else { name })
            .unwrap_or("Unknown browser");
        let system = ["Windows", "Android", "iPhone", "Mac OS", "Linux"]
            .into_iter()
            .find(|name| agent.contains(name))
            .unwrap_or("");
        if system.is_empty() {
            browser.to_string()
        } else {
            format!("{browser} on {system}")
        }
    }
}

/// The actor's live sessions, most recently active first; `current` is the asking session's
/// public id.
pub async fn sessions(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    current: Option<&str>,
) -> ServiceResult<Vec<SessionInfo>> {
    let member = actor.member()?;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = sessions::table
        .filter(sessions::user_id.eq(member.id.get()))
        .filter(sessions::expires_at.gt(Utc::now()))
        .order(sessions::updated_at.desc())
        .limit(100)
        .select((
            sessions::public_id,
            sessions::user_agent,
            sessions::ip_address,
            sessions::created_at,
            sessions::updated_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(public_id, agent, ip, created_at, updated_at)| SessionInfo {
                current: current == Some(public_id.as_str()),
                public_id,
                user_agent: agent.unwrap_or_default(),
                ip_address: ip.unwrap_or_default(),
                created_at,
                updated_at,
            },
        )
        .collect())
}

/// The actor ends their other sessions ("sign out everywhere else"; `keep` is the asking
/// session's public id): pending address links end too, since whoever held one of those
/// sessions may have asked for them. Returns how many sessions ended.
pub async fn end_other_sessions(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    keep: Option<&str>,
    ip: Option<&str>,
) -> ServiceResult<usize> {
    let user_id = actor.member()?.id;
    conn.transaction::<_, ServiceError, _>(async |conn| {
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

/// The actor ends one of their sessions; pending address links end as with
/// [`end_other_sessions`]. Someone else's session (or none) is `NotFound`, and stays.
pub async fn end_one_session(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    public_id: &str,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let user_id = actor.member()?.id;
    // No session has such an id (and the database could not even compare a NUL).
    if public_id.len() > 128 || public_id.contains('\0') {
        return Err(ServiceError::NotFound);
    }
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let ended = diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::public_id.eq(public_id)),
        )
        .execute(conn)
        .await?;
        if ended == 0 {
            return Err(ServiceError::NotFound);
        }
        tokens::revoke(conn, user_id, &ADDRESS_LINKS).await?;
        security_log::record(
            conn,
            Event::SessionsRevoked,
            Some(user_id),
            ip,
            "1 session ended",
        )
        .await?;
        Ok(())
    })
    .await
}

/// Ends the user's sessions server-side, except `keep` (a session's public id). Returns how
/// many. For the services' own use (password changes and resets, undo, deletion).
pub async fn end_sessions(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
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
