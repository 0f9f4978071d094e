//! `/admin/users.csv`: the filtered list as CSV, streamed. The rows are read in chunks of
//! [`CHUNK`] by id (each chunk on a connection taken from the pool and given back, so a slow
//! download holds no connection between chunks) and written as they come: the export's memory
//! does not grow with the list. It is in id order whatever the page's sort, and, being read
//! in several statements, not one snapshot of the table.

use actix_web::{HttpResponse, web};
use futures_util::stream;

use super::list::UsersQuery;
use crate::{
    accounts::service::admin::{self, UserFilters, UserRow},
    admin::{admin_of, csv},
    db::DbPool,
    errors::AppResult,
    service::{Actor, Admin, ServiceError},
    web::AppState,
};

/// Users read per statement.
const CHUNK: i64 = 1000;

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

/// Where the walk is: the last id written, or done.
struct Walk {
    pool: DbPool,
    admin: Admin,
    filters: UserFilters,
    after: Option<i64>,
}

async fn next_chunk(mut walk: Walk) -> Option<(Result<web::Bytes, ServiceError>, Walk)> {
    let after = walk.after?;
    let rows: Result<Vec<UserRow>, ServiceError> = async {
        let mut conn = crate::db::connection(&walk.pool).await?;
        admin::export_chunk(&mut conn, &walk.admin, &walk.filters, after, CHUNK).await
    }
    .await;
    match rows {
        Err(error) => {
            // The status is sent already: the download ends short, and the log says why.
            tracing::error!(error = %error, "user export failed");
            walk.after = None;
            Some((Err(error), walk))
        }
        Ok(rows) if rows.is_empty() => None,
        Ok(rows) => {
            let mut out = String::with_capacity(rows.len() * 96);
            for user in &rows {
                record(&mut out, user);
            }
            walk.after = if (rows.len() as i64) < CHUNK {
                None
            } else {
                rows.last().map(|user| user.id)
            };
            Some((Ok(web::Bytes::from(out)), walk))
        }
    }
}

pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let mut header = String::new();
    csv::write_record(&mut header, HEADER);
    let walk = Walk {
        pool: state.pool.clone(),
        admin,
        filters: query.filters(),
        after: Some(0),
    };
    let head = stream::once(async move { Ok::<_, ServiceError>(web::Bytes::from(header)) });
    let body = futures_util::StreamExt::chain(head, stream::unfold(walk, next_chunk));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"users.csv\""))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}
