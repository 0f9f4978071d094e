//! The security events (logins, failures, resets, …) as an admin reads them: the whole log,
//! newest first, filtered by kind and user. Two statements a page, whatever its size.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, NullableExpressionMethods, QueryDsl, pg::Pg};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    admin::paging::{Page, Paged},
    schema::{security_events, users},
    service::{Admin, ServiceResult, UserId},
};

/// One event as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct SecurityEventRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    pub kind: String,
    pub ip_address: Option<String>,
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

impl SecurityEventRow {
    pub fn when(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct SecurityFilters {
    pub kind: Option<String>,
    pub user: Option<UserId>,
}

macro_rules! columns {
    () => {
        (
            security_events::id,
            security_events::user_id,
            users::email.nullable(),
            security_events::kind,
            security_events::ip_address,
            security_events::detail,
            security_events::created_at,
        )
    };
}

/// A page of events, newest first: two statements.
pub async fn security_events(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &SecurityFilters,
    page: Page,
) -> ServiceResult<Paged<SecurityEventRow>> {
    let filtered = || {
        let mut query = security_events::table
            .left_join(users::table.on(users::id.nullable().eq(security_events::user_id)))
            .into_boxed::<Pg>();
        if let Some(kind) = &filters.kind {
            query = query.filter(security_events::kind.eq(kind.clone()));
        }
        if let Some(user) = filters.user {
            query = query.filter(security_events::user_id.eq(user.get()));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows: Vec<SecurityEventRow> = filtered()
        .order(security_events::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select(columns!())
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The newest `limit` events of one user (their admin page): one statement.
pub async fn recent_for_user(
    conn: &mut AsyncPgConnection,
    user: UserId,
    limit: i64,
) -> diesel::QueryResult<Vec<SecurityEventRow>> {
    security_events::table
        .left_join(users::table.on(users::id.nullable().eq(security_events::user_id)))
        .filter(security_events::user_id.eq(user.get()))
        .order(security_events::id.desc())
        .limit(limit)
        .select(columns!())
        .load(conn)
        .await
}
