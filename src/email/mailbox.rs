//! The development mailbox (`dev_mailbox` table): every message the [`Mailer`](super::Mailer)
//! would have sent when no SMTP server is configured. Read only outside production: there, every
//! function answers `NotFound`, as if the mailbox did not exist.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    config::Config,
    schema::dev_mailbox,
    service::{ServiceError, ServiceResult},
};

/// The list shows this many of the latest messages.
const LIST_LIMIT: i64 = 100;

#[derive(Queryable, Selectable)]
#[diesel(table_name = dev_mailbox, check_for_backend(diesel::pg::Pg))]
pub struct MessageSummary {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = dev_mailbox, check_for_backend(diesel::pg::Pg))]
pub struct StoredMessage {
    pub id: i64,
    pub to_address: String,
    pub from_address: String,
    pub subject: String,
    pub text_body: String,
    pub created_at: DateTime<Utc>,
}

/// Production has no mailbox.
fn development_only(config: &Config) -> ServiceResult<()> {
    if config.is_production() {
        Err(ServiceError::NotFound)
    } else {
        Ok(())
    }
}

/// The latest messages, newest first.
pub async fn latest(
    conn: &mut AsyncPgConnection,
    config: &Config,
) -> ServiceResult<Vec<MessageSummary>> {
    development_only(config)?;
    Ok(dev_mailbox::table
        .order((dev_mailbox::created_at.desc(), dev_mailbox::id.desc()))
        .limit(LIST_LIMIT)
        .select(MessageSummary::as_select())
        .load(conn)
        .await?)
}

/// One message (its plain-text part and headers).
pub async fn message(
    conn: &mut AsyncPgConnection,
    config: &Config,
    id: i64,
) -> ServiceResult<StoredMessage> {
    development_only(config)?;
    Ok(dev_mailbox::table
        .find(id)
        .select(StoredMessage::as_select())
        .first(conn)
        .await?)
}

/// One message's HTML part.
pub async fn html_body(
    conn: &mut AsyncPgConnection,
    config: &Config,
    id: i64,
) -> ServiceResult<String> {
    development_only(config)?;
    Ok(dev_mailbox::table
        .find(id)
        .select(dev_mailbox::html_body)
        .first(conn)
        .await?)
}
