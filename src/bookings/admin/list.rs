//! `/admin/bookings` and `/admin/bookings.csv`: the list and its streamed export, sharing one
//! query string.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of, csv,
        html::{ListLinks, SortLink},
        paging::{Direction, Page, Paged},
    },
    bookings::{
        domain::Status,
        service::admin::{self as service, BookingFilters, BookingRow, BookingSort},
    },
    errors::AppResult,
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

/// The list's query string as typed (kept in the form whatever it holds; what cannot be read
/// is ignored).
#[derive(Deserialize, Default, Clone)]
pub struct BookingsQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub listing: String,
    #[serde(default)]
    pub guest: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl BookingsQuery {
    pub fn filters(&self) -> BookingFilters {
        BookingFilters {
            status: Status::parse(self.state.trim()),
            from: date(&self.from),
            to: date(&self.to),
            listing: self.listing.trim().parse().ok(),
            guest: self.guest.trim().parse().ok(),
            ..BookingFilters::default()
        }
        .with_search(&self.q)
    }

    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_string()),
            ("state", self.state.trim().to_string()),
            ("from", self.from.trim().to_string()),
            ("to", self.to.trim().to_string()),
            ("listing", self.listing.trim().to_string()),
            ("guest", self.guest.trim().to_string()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/bookings.html")]
struct BookingsPage {
    page: PageContext,
    section: &'static str,
    query: BookingsQuery,
    states: &'static [Status],
    paged: Paged<BookingRow>,
    page_link: String,
    csv_link: String,
    columns: Vec<SortLink>,
    sizes: [i64; 4],
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<BookingsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let sort = BookingSort::parse(&query.sort).unwrap_or_default();
    let direction = Direction::parse(&query.dir).unwrap_or_default();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = service::list(&mut conn, &admin, &query.filters(), sort, direction, paging).await?;
    let links = ListLinks::new(
        "/admin/bookings",
        &query.filter_pairs(),
        &[
            ("Id", BookingSort::Id.as_str()),
            ("Check-in", BookingSort::CheckIn.as_str()),
            ("Total", BookingSort::Total.as_str()),
            ("Made", BookingSort::Created.as_str()),
        ],
        (sort.as_str(), direction),
        paging.size,
    );
    let html = BookingsPage {
        page,
        section: "bookings",
        query,
        states: Status::ALL,
        paged,
        page_link: links.page_link,
        csv_link: links.csv_link,
        columns: links.columns,
        sizes: crate::admin::paging::SIZES,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

const HEADER: [&str; 11] = [
    "id",
    "listing_id",
    "listing_title",
    "guest_id",
    "guest_email",
    "check_in",
    "check_out",
    "state",
    "total_minor",
    "currency",
    "made",
];

fn record(out: &mut String, row: &BookingRow) {
    let (id, listing, guest) = (
        row.id.to_string(),
        row.listing_id.to_string(),
        row.guest_id.to_string(),
    );
    let (check_in, check_out) = (row.check_in.to_string(), row.check_out.to_string());
    let (total, made) = (row.total_amount.to_string(), row.created_at.to_rfc3339());
    csv::write_record(
        out,
        [
            id.as_str(),
            &listing,
            &row.listing_title,
            &guest,
            &row.guest_email,
            &check_in,
            &check_out,
            row.status.as_str(),
            &total,
            &row.currency,
            &made,
        ],
    );
}

/// The filtered list in id order, streamed in chunks (see [`csv::download`]).
pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<BookingsQuery>,
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
        "bookings.csv",
        &HEADER,
        0,
        fetch,
        |row| row.id.get(),
        record,
    ))
}
