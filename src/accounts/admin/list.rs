//! `/admin/users`: the list, and the query string it shares with its CSV.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::service::admin::{self, Direction, RoleFilter, UserFilters, UserRow, UserSort},
    admin::{
        admin_of,
        html::{ListLinks, SortLink},
        paging::{Page, Paged},
    },
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

/// The list's query string as typed (kept in the form whatever it holds; what cannot be read
/// is ignored).
#[derive(Deserialize, Default, Clone)]
pub struct UsersQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub verified: String,
    #[serde(default)]
    pub suspended: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn yes_no(text: &str) -> Option<bool> {
    match text {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

impl UsersQuery {
    pub fn filters(&self) -> UserFilters {
        UserFilters {
            role: RoleFilter::parse(&self.role),
            verified: yes_no(&self.verified),
            suspended: yes_no(&self.suspended),
            ..UserFilters::default()
        }
        .with_search(&self.q)
    }

    fn sort(&self) -> UserSort {
        UserSort::parse(&self.sort).unwrap_or_default()
    }

    fn direction(&self) -> Direction {
        Direction::parse(&self.dir).unwrap_or_default()
    }

    fn paging(&self) -> Page {
        Page::parse(self.page.as_deref(), self.per_page.as_deref())
    }

    /// The filters as query pairs (for the CSV link and the links below).
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_string()),
            ("role", self.role.clone()),
            ("verified", self.verified.clone()),
            ("suspended", self.suspended.clone()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageContext,
    section: &'static str,
    query: UsersQuery,
    paged: Paged<UserRow>,
    page_link: String,
    csv_link: String,
    columns: Vec<SortLink>,
    sizes: [i64; 4],
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let (sort, direction, paging) = (query.sort(), query.direction(), query.paging());
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = admin::list(&mut conn, &admin, &query.filters(), sort, direction, paging).await?;
    let links = ListLinks::new(
        "/admin/users",
        &query.filter_pairs(),
        &[
            ("Id", UserSort::Id.as_str()),
            ("Email", UserSort::Email.as_str()),
            ("Name", UserSort::Name.as_str()),
            ("Joined", UserSort::Joined.as_str()),
        ],
        (sort.as_str(), direction),
        paging.size,
    );
    let html = UsersPage {
        page,
        section: "users",
        query,
        paged,
        page_link: links.page_link,
        csv_link: links.csv_link,
        columns: links.columns,
        sizes: crate::admin::paging::SIZES,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}
