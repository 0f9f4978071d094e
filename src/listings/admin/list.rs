//! `/admin/listings` and `/admin/listings.csv`: the list and its streamed export, sharing one
//! query string.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of, csv,
        html::{ListLinks, SortLink},
        paging::{Direction, Page, Paged},
    },
    errors::AppResult,
    listings::{
        model::ListingStatus,
        service::admin::{self as service, ListingFilters, ListingRow, ListingSort},
    },
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

/// The list's query string as typed (what cannot be read is ignored).
#[derive(Deserialize, Default, Clone)]
pub struct ListingsQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl ListingsQuery {
    pub fn filters(&self) -> ListingFilters {
        ListingFilters {
            status: ListingStatus::parse(self.status.trim()),
            host: self.host.trim().parse().ok(),
            ..ListingFilters::default()
        }
        .with_text(&self.q, &self.city)
    }

    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_string()),
            ("status", self.status.trim().to_string()),
            ("city", self.city.trim().to_string()),
            ("host", self.host.trim().to_string()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/listings.html")]
struct ListingsPage {
    page: PageContext,
    section: &'static str,
    query: ListingsQuery,
    statuses: &'static [ListingStatus],
    paged: Paged<ListingRow>,
    page_link: String,
    csv_link: String,
    columns: Vec<SortLink>,
    sizes: [i64; 4],
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<ListingsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let sort = ListingSort::parse(&query.sort).unwrap_or_default();
    let direction = Direction::parse(&query.dir).unwrap_or_default();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = service::list(&mut conn, &admin, &query.filters(), sort, direction, paging).await?;
    let links = ListLinks::new(
        "/admin/listings",
        &query.filter_pairs(),
        &[
            ("Id", ListingSort::Id.as_str()),
            ("Title", ListingSort::Title.as_str()),
            ("City", ListingSort::City.as_str()),
            ("Created", ListingSort::Created.as_str()),
        ],
        (sort.as_str(), direction),
        paging.size,
    );
    let html = ListingsPage {
        page,
        section: "listings",
        query,
        statuses: ListingStatus::ALL,
        paged,
        page_link: links.page_link,
        csv_link: links.csv_link,
        columns: links.columns,
        sizes: crate::admin::paging::SIZES,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

const HEADER: [&str; 10] = [
    "id",
    "title",
    "host_id",
    "host_email",
    "city",
    "country",
    "status",
    "nightly_price_minor",
    "currency",
    "created",
];

fn record(out: &mut String, row: &ListingRow) {
    let (id, host) = (row.id.to_string(), row.host_id.to_string());
    let (price, created) = (row.nightly_price.to_string(), row.created_at.to_rfc3339());
    csv::write_record(
        out,
        [
            id.as_str(),
            &row.title,
            &host,
            &row.host_email,
            &row.city,
            &row.country,
            row.status.as_str(),
            &price,
            &row.currency,
            &created,
        ],
    );
}

/// The filtered list in id order, streamed in chunks (see [`csv::download`]).
pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<ListingsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let filters = query.filters();
    let pool = state.pool.clone();
    let fetch = move |after: i64, limit: i64| {
        let (pool, filters) = (pool.clone(), filters.clone());
        async move {
            let mut conn = crate::db::connection(&pool).await?;
            service::export_chunk(&mut conn, &admin, &filters, after, limit).await
        }
    };
    Ok(csv::download(
        "listings.csv",
        &HEADER,
        0,
        fetch,
        |row| row.id.get(),
        record,
    ))
}
