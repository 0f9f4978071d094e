//! `/admin/users.csv`: the filtered list as CSV, streamed in chunks by id ([`csv::download`]):
//! the export's memory does not grow with the list. It is in id order whatever the page's
//! sort, and, being read in several statements, not one snapshot of the table.

use actix_web::{HttpResponse, web};

use super::list::UsersQuery;
use crate::{
    accounts::service::admin::{self, UserRow},
    admin::{admin_of, csv},
    errors::AppResult,
    service::Actor,
    web::AppState,
};

const HEADER: [&str; 9] = [
    "id",
    "email",
    "name",
    "roles",
    "verified",
    "suspended",
    "deleted",
    "joined",
    "suspended_at",
];

fn record(out: &mut String, user: &UserRow) {
    let id = user.id.to_string();
    let flag = |on: bool| if on { "yes" } else { "no" };
    let joined = user.created_at.to_rfc3339();
    let suspended_at = user
        .suspended_at
        .map(|at| at.to_rfc3339())
        .unwrap_or_default();
    let roles = user.roles();
    csv::write_record(
        out,
        [
            id.as_str(),
            &user.email,
            &user.name,
            &roles,
            flag(user.verified()),
            flag(user.suspended()),
            flag(user.deleted()),
            &joined,
            &suspended_at,
        ],
    );
}

pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let filters = query.filters();
    let pool = state.pool.clone();
    let fetch = move |after: i64, limit: i64| {
        let (pool, filters) = (pool.clone(), filters.clone());
        async move {
            let mut conn = crate::db::connection(&pool).await?;
            admin::export_chunk(&mut conn, &admin, &filters, after, limit).await
        }
    };
    Ok(csv::download(
        "users.csv",
        &HEADER,
        0,
        fetch,
        |user| user.id,
        record,
    ))
}
