//! The development mailbox (`/dev/mailbox`): every email Roost would have sent when no SMTP
//! server is configured, readable in the browser. Production answers 404 on these routes.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::RunQueryDsl;

use crate::{
    db,
    errors::{AppError, AppResult},
    schema::dev_mailbox,
    web::{AppState, page::PageContext},
};

/// The list shows this many of the latest messages.
const LIST_LIMIT: i64 = 100;

/// The HTML part is served as its own document with nothing allowed but its inline styles and
/// inline images, sandboxed: even a message carrying hostile HTML cannot run script or reach
/// the site's cookies.
pub const MESSAGE_HTML_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

#[derive(Queryable, Selectable)]
#[diesel(table_name = dev_mailbox, check_for_backend(diesel::pg::Pg))]
struct MessageSummary {
    id: i64,
    to_address: String,
    subject: String,
    created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = dev_mailbox, check_for_backend(diesel::pg::Pg))]
struct StoredMessage {
    id: i64,
    to_address: String,
    from_address: String,
    subject: String,
    text_body: String,
    created_at: DateTime<Utc>,
}

fn sent_at(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

impl MessageSummary {
    fn sent_at(&self) -> String {
        sent_at(&self.created_at)
    }

    fn sent_at_iso(&self) -> String {
        self.created_at.to_rfc3339()
    }
}

impl StoredMessage {
    fn sent_at(&self) -> String {
        sent_at(&self.created_at)
    }
}

#[derive(Template)]
#[template(path = "dev/mailbox.html")]
struct MailboxPage {
    page: PageContext,
    messages: Vec<MessageSummary>,
}

#[derive(Template)]
#[template(path = "dev/message.html")]
struct MessagePage {
    page: PageContext,
    message: StoredMessage,
}

/// Production has no mailbox: the routes exist but find nothing.
fn development_only(state: &AppState) -> AppResult<()> {
    if state.config.is_production() {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

async fn index(page: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    development_only(&state)?;
    let mut conn = db::connection(&state.pool).await?;
    let messages = dev_mailbox::table
        .order((dev_mailbox::created_at.desc(), dev_mailbox::id.desc()))
        .limit(LIST_LIMIT)
        .select(MessageSummary::as_select())
        .load(&mut conn)
        .await?;
    let html = MailboxPage { page, messages }.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

async fn show(
    page: PageContext,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    development_only(&state)?;
    let mut conn = db::connection(&state.pool).await?;
    // diesel's NotFound becomes the 404 page.
    let message = dev_mailbox::table
        .find(id.into_inner())
        .select(StoredMessage::as_select())
        .first(&mut conn)
        .await?;
    let html = MessagePage { page, message }.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

async fn show_html(state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    development_only(&state)?;
    let mut conn = db::connection(&state.pool).await?;
    let html: String = dev_mailbox::table
        .find(id.into_inner())
        .select(dev_mailbox::html_body)
        .first(&mut conn)
        .await?;
    // Set here, the policy wins: the site-wide header middleware only fills in missing headers.
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", MESSAGE_HTML_CSP))
        .body(html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dev/mailbox", web::get().to(index))
        .route("/dev/mailbox/{id}", web::get().to(show))
        .route("/dev/mailbox/{id}/html", web::get().to(show_html));
}
