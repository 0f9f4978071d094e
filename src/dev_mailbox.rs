//! The development mailbox (`/dev/mailbox`): every email Roost would have sent when no SMTP
//! server is configured, readable in the browser. Production answers 404 on these routes.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};

use crate::{
    db,
    email::mailbox::{self, MessageSummary, StoredMessage},
    errors::AppResult,
    web::{AppState, page::PageContext},
};

/// The HTML part is served as its own document with nothing allowed but its inline styles and
/// inline images, sandboxed: even a message carrying hostile HTML cannot run script or reach
/// the site's cookies.
pub const MESSAGE_HTML_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// Dates as the mailbox pages show them.
trait Sent {
    fn created(&self) -> &DateTime<Utc>;

    fn sent_at(&self) -> String {
        self.created().format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }

    fn sent_at_iso(&self) -> String {
        self.created().to_rfc3339()
    }
}

impl Sent for MessageSummary {
    fn created(&self) -> &DateTime<Utc> {
        &self.created_at
    }
}

impl Sent for StoredMessage {
    fn created(&self) -> &DateTime<Utc> {
        &self.created_at
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

async fn index(page: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let messages = mailbox::latest(&mut conn, &state.config).await?;
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
    let mut conn = db::connection(&state.pool).await?;
    let message = mailbox::message(&mut conn, &state.config, id.into_inner()).await?;
    let html = MessagePage { page, message }.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

async fn show_html(state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let mut conn = db::connection(&state.pool).await?;
    let html = mailbox::html_body(&mut conn, &state.config, id.into_inner()).await?;
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
