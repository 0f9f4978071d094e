//! `/admin/audit`: the whole log, newest first, filtered by admin, action and object; and
//! `/admin/audit.csv`, the same filtered log streamed as CSV in chunks (see the user export).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of,
        audit::{self, Action, AuditFilter, AuditRow, ObjectType},
        paging::{Page, Paged},
    },
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

/// The query string as typed (kept in the form, whatever it holds).
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object_type: String,
    #[serde(default)]
    object_id: String,
    page: Option<String>,
    per_page: Option<String>,
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        AuditFilter {
            actor_id: self.actor.trim().parse().ok(),
            action: Action::parse(self.action.trim()).map(|a| a.as_str().to_string()),
            object_type: ObjectType::parse(self.object_type.trim()).map(|t| t.as_str().to_string()),
            object_id: self.object_id.trim().parse().ok(),
        }
    }

    fn pairs(&self, page: Page) -> Vec<(&'static str, String)> {
        vec![
            ("actor", self.actor.trim().to_string()),
            ("action", self.action.trim().to_string()),
            ("object_type", self.object_type.trim().to_string()),
            ("object_id", self.object_id.trim().to_string()),
            ("per_page", page.size.to_string()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: PageContext,
    section: &'static str,
    query: AuditQuery,
    actions: &'static [Action],
    object_types: &'static [ObjectType],
    paged: Paged<AuditRow>,
    /// The list's query string without `page`, ending in `&` or `?` for the page number.
    page_link: String,
    csv_link: String,
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = audit::list(&mut conn, &admin, &query.filter(), paging).await?;
    let base = super::query_string(&query.pairs(paging));
    let csv_link = format!(
        "/admin/audit.csv{}",
        super::query_string(&query.pairs(paging)[..4])
    );
    let page_link = if base.is_empty() {
        "/admin/audit?page=".to_string()
    } else {
        format!("/admin/audit{base}&page=")
    };
    let html = AuditPage {
        page,
        section: "audit",
        query,
        actions: Action::ALL,
        object_types: ObjectType::ALL,
        paged,
        page_link,
        csv_link,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

fn record(out: &mut String, row: &AuditRow) {
    let (id, actor, object_id) = (
        row.id.to_string(),
        row.actor_id.to_string(),
        row.object_id.to_string(),
    );
    let email = row.actor_email.clone().unwrap_or_default();
    let (when, before, after) = (
        row.created_at.to_rfc3339(),
        row.before_text(),
        row.after_text(),
    );
    crate::admin::csv::write_record(
        out,
        [
            id.as_str(),
            &when,
            &actor,
            &email,
            &row.action,
            &row.object_type,
            &object_id,
            &row.reason,
            &before,
            &after,
        ],
    );
}

const HEADER: [&str; 10] = [
    "id",
    "at",
    "admin_id",
    "admin_email",
    "action",
    "object_type",
    "object_id",
    "reason",
    "before",
    "after",
];

/// The filtered log, newest first, streamed in chunks walking down the ids.
pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let filter = query.filter();
    let pool = state.pool.clone();
    let fetch = move |before: i64, limit: i64| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move {
            let mut conn = crate::db::connection(&pool).await?;
            audit::export_chunk(&mut conn, &admin, &filter, before, limit).await
        }
    };
    Ok(crate::admin::csv::download(
        "audit.csv",
        &HEADER,
        i64::MAX,
        fetch,
        |row| row.id,
        record,
    ))
}
