//! `/admin/security-events`: the security log, newest first, filtered by kind and user.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{
        security_log::Event,
        service::admin::{self as service, SecurityEventRow, SecurityFilters},
    },
    admin::{
        admin_of,
        html::query_string,
        paging::{Page, Paged},
    },
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

#[derive(Deserialize, Default)]
pub struct EventsQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    user: String,
    page: Option<String>,
    per_page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/security_events.html")]
struct EventsPage {
    page: PageContext,
    section: &'static str,
    query: EventsQuery,
    kinds: &'static [Event],
    paged: Paged<SecurityEventRow>,
    page_link: String,
}

pub async fn list(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<EventsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let filters = SecurityFilters {
        kind: Event::parse(query.kind.trim()).map(|kind| kind.as_str().to_string()),
        user: query.user.trim().parse().ok(),
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = service::security_events(&mut conn, &admin, &filters, paging).await?;
    let base = query_string(&[
        ("kind", query.kind.trim().to_string()),
        ("user", query.user.trim().to_string()),
        ("per_page", paging.size.to_string()),
    ]);
    let page_link = format!("/admin/security-events{base}&page=");
    let html = EventsPage {
        page,
        section: "security",
        query,
        kinds: Event::ALL,
        paged,
        page_link,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}
