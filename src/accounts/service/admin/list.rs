//! The admin's user list: search (email or name), filters (role, verified, suspended),
//! sorting, pages; and the same filters in chunks for the CSV export. A page costs two
//! statements (the count and the rows), whatever its size.

use chrono::{DateTime, Utc};
use diesel::{
    BoolExpressionMethods, ExpressionMethods, PgTextExpressionMethods, QueryDsl, dsl,
    pg::Pg,
    sql_types::{Bool, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub use crate::admin::paging::Direction;
use crate::{
    admin::paging::{Page, Paged, contains_pattern, ordered},
    schema::users,
    service::{Admin, ServiceResult},
};

/// Longest search accepted (longer is cut).
const MAX_SEARCH: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleFilter {
    /// Neither host nor admin.
    Guest,
    Host,
    Admin,
}

impl RoleFilter {
    pub fn parse(text: &str) -> Option<RoleFilter> {
        match text {
            "guest" => Some(RoleFilter::Guest),
            "host" => Some(RoleFilter::Host),
            "admin" => Some(RoleFilter::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UserSort {
    #[default]
    Id,
    Email,
    Name,
    Joined,
}

impl UserSort {
    pub const ALL: [UserSort; 4] = [
        UserSort::Id,
        UserSort::Email,
        UserSort::Name,
        UserSort::Joined,
    ];

    pub fn parse(text: &str) -> Option<UserSort> {
        UserSort::ALL.into_iter().find(|sort| sort.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Id => "id",
            UserSort::Email => "email",
            UserSort::Name => "name",
            UserSort::Joined => "created_at",
        }
    }
}

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct UserFilters {
    /// Part of an email address or a name ('' for everyone).
    pub search: String,
    pub role: Option<RoleFilter>,
    pub verified: Option<bool>,
    pub suspended: Option<bool>,
}

impl UserFilters {
    /// The search as typed, trimmed and cut to a sane length.
    pub fn with_search(mut self, search: &str) -> Self {
        self.search = search.trim().chars().take(MAX_SEARCH).collect();
        self
    }
}

/// A user as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_host: bool,
    pub is_admin: bool,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn suspended(&self) -> bool {
        self.suspended_at.is_some()
    }

    pub fn deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    pub fn joined(&self) -> String {
        self.created_at.format("%Y-%m-%d").to_string()
    }

    /// The roles, for a list cell and the CSV.
    pub fn roles(&self) -> String {
        let mut roles = vec!["guest"];
        if self.is_host {
            roles.push("host");
        }
        if self.is_admin {
            roles.push("admin");
        }
        roles.join(" ")
    }
}

type Columns = (
    users::id,
    users::email,
    users::name,
    users::is_host,
    users::is_admin,
    users::email_verified_at,
    users::suspended_at,
    users::deleted_at,
    users::created_at,
);

const COLUMNS: Columns = (
    users::id,
    users::email,
    users::name,
    users::is_host,
    users::is_admin,
    users::email_verified_at,
    users::suspended_at,
    users::deleted_at,
    users::created_at,
);

fn filtered(filters: &UserFilters) -> users::BoxedQuery<'static, Pg> {
    let mut query = users::table.into_boxed();
    if !filters.search.is_empty() {
        let pattern = contains_pattern(&filters.search);
        // `email` is citext, which Diesel's ILIKE does not take: compared as text.
        let email = dsl::sql::<Bool>("users.email::text ILIKE ").bind::<Text, _>(pattern.clone());
        query = query.filter(email.or(users::name.ilike(pattern)));
    }
    match filters.role {
        None => {}
        Some(RoleFilter::Guest) => {
            query = query.filter(users::is_host.eq(false).and(users::is_admin.eq(false)))
        }
        Some(RoleFilter::Host) => query = query.filter(users::is_host.eq(true)),
        Some(RoleFilter::Admin) => query = query.filter(users::is_admin.eq(true)),
    }
    match filters.verified {
        None => {}
        Some(true) => query = query.filter(users::email_verified_at.is_not_null()),
        Some(false) => query = query.filter(users::email_verified_at.is_null()),
    }
    match filters.suspended {
        None => {}
        Some(true) => query = query.filter(users::suspended_at.is_not_null()),
        Some(false) => query = query.filter(users::suspended_at.is_null()),
    }
    query
}

/// A page of users: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &UserFilters,
    sort: UserSort,
    direction: Direction,
    page: Page,
) -> ServiceResult<Paged<UserRow>> {
    let total: i64 = filtered(filters).count().get_result(conn).await?;
    let query = filtered(filters).select(COLUMNS);
    // The id breaks ties, so that pages neither repeat nor skip a user.
    let query = match sort {
        UserSort::Id => ordered!(query, direction, users::id),
        UserSort::Email => ordered!(query, direction, users::email, users::id),
        UserSort::Name => ordered!(query, direction, users::name, users::id),
        UserSort::Joined => ordered!(query, direction, users::created_at, users::id),
    };
    let rows: Vec<UserRow> = query
        .limit(page.limit())
        .offset(page.offset())
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The next `limit` users matching `filters` after id `after`, in id order: the CSV export
/// walks the whole list this way, a chunk at a time, without holding it.
pub async fn export_chunk(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &UserFilters,
    after: i64,
    limit: i64,
) -> ServiceResult<Vec<UserRow>> {
    Ok(filtered(filters)
        .filter(users::id.gt(after))
        .order(users::id.asc())
        .limit(limit)
        .select(COLUMNS)
        .load(conn)
        .await?)
}
