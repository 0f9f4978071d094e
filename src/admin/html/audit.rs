//! `/admin/audit`: the whole log, newest first, filtered by admin, action and object.

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
    fn filter(&self) -> AuditFilter {
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
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}
