//! The `users` table and its queries (nothing HTTP here).

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, Selectable, SelectableHelper,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{schema::users, service::UserId};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub bio: String,
    pub avatar_key: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub is_host: bool,
    pub is_admin: bool,
    pub suspended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }
}

pub async fn find(conn: &mut AsyncPgConnection, id: UserId) -> diesel::QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> diesel::QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// What a request needs to know of its signed-in user.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct ActiveUser {
    pub id: i64,
    pub name: String,
    pub is_host: bool,
    pub is_admin: bool,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub avatar_key: Option<String>,
}

/// The user `id` if their account is active: not suspended, not deleted (a session of any
/// other ends on its next request).
pub async fn find_active(
    conn: &mut AsyncPgConnection,
    id: UserId,
) -> diesel::QueryResult<Option<ActiveUser>> {
    users::table
        .find(id.get())
        .filter(users::suspended_at.is_null())
        .filter(users::deleted_at.is_null())
        .select(ActiveUser::as_select())
        .first(conn)
        .await
        .optional()
}

/// Avatar URL of a stored avatar key.
pub fn avatar_url(key: &Option<String>) -> Option<String> {
    key.as_ref().map(|key| format!("/media/{key}"))
}
