//! `/admin/payments` and `/admin/payments.csv`: the ledger and its streamed export, sharing
//! one query string.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    admin::{
        admin_of, csv,
        html::query_string,
        paging::{Page, Paged},
    },
    bookings::ledger::{Payment, PaymentKind, PaymentStatus, Provider},
    errors::AppResult,
    payments::service::admin::{self as service, PaymentFilters},
    service::Actor,
    web::{AppState, forms, page::PageContext},
};

/// The list's query string as typed (what cannot be read is ignored).
#[derive(Deserialize, Default, Clone)]
pub struct PaymentsQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub booking: String,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl PaymentsQuery {
    pub fn filters(&self) -> PaymentFilters {
        PaymentFilters {
            status: PaymentStatus::parse(self.status.trim()),
            provider: Provider::parse(self.provider.trim()),
            kind: PaymentKind::parse(self.kind.trim()),
            booking: self.booking.trim().parse().ok(),
        }
    }

    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.trim().to_string()),
            ("provider", self.provider.trim().to_string()),
            ("kind", self.kind.trim().to_string()),
            ("booking", self.booking.trim().to_string()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/payments.html")]
struct PaymentsPage {
    page: PageContext,
    section: &'static str,
    query: PaymentsQuery,
    statuses: &'static [PaymentStatus],
    providers: &'static [Provider],
    kinds: &'static [PaymentKind],
    paged: Paged<Payment>,
    page_link: String,
    csv_link: String,
}

pub async fn show(
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    query: web::Query<PaymentsQuery>,
) -> AppResult<HttpResponse> {
    let admin = admin_of(&actor)?;
    let query = query.into_inner();
    let paging = Page::parse(query.page.as_deref(), query.per_page.as_deref());
    let mut conn = crate::db::connection(&state.pool).await?;
    let paged = service::list(&mut conn, &admin, &query.filters(), paging).await?;
    let mut pairs = query.filter_pairs();
    let csv_link = format!("/admin/payments.csv{}", query_string(&pairs));
    pairs.push(("per_page", paging.size.to_string()));
    let page_link = format!("/admin/payments{}&page=", query_string(&pairs));
    let html = PaymentsPage {
        page,
        section: "payments",
        query,
        statuses: PaymentStatus::ALL,
        providers: Provider::ALL,
        kinds: PaymentKind::ALL,
        paged,
        page_link,
        csv_link,
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

const HEADER: [&str; 10] = [
    "id",
    "booking_id",
    "kind",
    "status",
    "amount_minor",
    "currency",
    "provider",
    "provider_ref",
    "refund_of",
    "created",
];

fn record(out: &mut String, row: &Payment) {
    let (id, booking, amount) = (
        row.id.to_string(),
        row.booking_id.to_string(),
        row.amount.to_string(),
    );
    let refund_of = row.refund_of.map(|id| id.to_string()).unwrap_or_default();
    let created = row.created_at.to_rfc3339();
    csv::write_record(
        out,
        [
            id.as_str(),
            &booking,
            row.kind.as_str(),
            row.status.as_str(),
            &amount,
            &row.currency,
            &row.provider,
            row.provider_ref.as_deref().unwrap_or_default(),
            &refund_of,
            &created,
        ],
    );
}

/// The filtered ledger in id order, streamed in chunks (see [`csv::download`]).
pub async fn csv(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<PaymentsQuery>,
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
        "payments.csv",
        &HEADER,
        0,
        fetch,
        |row| row.id,
        record,
    ))
}
