//! `/admin`: today's counts, the charts of the last twelve weeks, and the way into each list.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    admin::{
        admin_of,
        dashboard::{self, Today},
    },
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: PageContext,
    section: &'static str,
    today: Today,
    /// (title, SVG chart drawn by `admin::charts` from numbers only).
    charts: Vec<(String, String)>,
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let today = dashboard::today(&mut conn, &admin).await?;
    let charts = dashboard::weekly(&mut conn, &admin).await?.charts();
    let html = DashboardPage {
        page,
        section: "dashboard",
        today,
        charts,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}
