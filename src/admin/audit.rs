//! The audit log: one row per admin action, written by [`record`] inside the transaction of
//! the action (so an action that fails leaves no row, and no action commits without one), read
//! by [`list`] for the audit page and by [`for_object`] for an object's history. The table
//! refuses UPDATE, DELETE and TRUNCATE (migration `000030_admin_audit`).

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, NullableExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::paging::{Page, Paged};
use crate::{
    schema::users,
    service::{Admin, ServiceResult},
};

diesel::table! {
    /// Append-only (migration `000030_admin_audit`).
    admin_audit (id) {
        id -> Int8,
        actor_id -> Int8,
        action -> Text,
        object_type -> Text,
        object_id -> Int8,
        reason -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(admin_audit, users);

crate::text_enum! {
    /// What an admin did (`admin_audit.action`, no CHECK: the log keeps what any version
    /// wrote).
    pub enum Action {
        SuspendUser = "user.suspend",
        UnsuspendUser = "user.unsuspend",
        VerifyEmail = "user.verify_email",
        GrantHost = "user.grant_host",
        RemoveHost = "user.remove_host",
        GrantAdmin = "user.grant_admin",
        RemoveAdmin = "user.remove_admin",
        HideReview = "review.hide",
        RestoreReview = "review.restore",
        CancelBooking = "booking.cancel",
        RetryJob = "job.retry",
        DiscardJob = "job.discard",
        UnlistListing = "listing.unlist",
        RelistListing = "listing.relist",
        RefundPayment = "payment.refund",
        SendPasswordReset = "user.send_password_reset",
        SetExchangeRate = "exchange_rate.set",
    }
}

crate::text_enum! {
    /// The kind of object an action touched (`admin_audit.object_type`).
    pub enum ObjectType {
        User = "user",
        Listing = "listing",
        Booking = "booking",
        Payment = "payment",
        Review = "review",
        Job = "job",
        /// The exchange-rate table as a whole (object id 0; the entry names the currency).
        ExchangeRate = "exchange_rate",
    }
}

/// One action, as recorded.
pub struct Entry<'a> {
    pub action: Action,
    pub object_type: ObjectType,
    pub object_id: i64,
    /// Why, in the admin's words ('' when the action asks for none).
    pub reason: &'a str,
    pub before: Value,
    pub after: Value,
}

/// Writes `entry` as done by `admin`. Call it on the connection of the action's transaction.
pub async fn record(
    conn: &mut AsyncPgConnection,
    admin: Admin,
    entry: Entry<'_>,
) -> diesel::QueryResult<()> {
    tracing::info!(
        target: "audit",
        admin = admin.id().get(),
        action = entry.action.as_str(),
        object_type = entry.object_type.as_str(),
        object_id = entry.object_id,
        "admin action"
    );
    diesel::insert_into(admin_audit::table)
        .values((
            admin_audit::actor_id.eq(admin.id().get()),
            admin_audit::action.eq(entry.action.as_str()),
            admin_audit::object_type.eq(entry.object_type.as_str()),
            admin_audit::object_id.eq(entry.object_id),
            admin_audit::reason.eq(entry.reason),
            admin_audit::before.eq(Some(entry.before)),
            admin_audit::after.eq(Some(entry.after)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A row of the log as the pages show it.
#[derive(Clone, Debug)]
pub struct AuditRow {
    pub id: i64,
    pub actor_id: i64,
    /// The admin's email address now (a deleted admin shows their placeholder).
    pub actor_email: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub reason: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub created_at: DateTime<Utc>,
}

impl AuditRow {
    pub fn when(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }

    /// The object's admin page, when the console has one.
    pub fn object_href(&self) -> Option<String> {
        match ObjectType::parse(&self.object_type) {
            Some(ObjectType::User) => Some(format!("/admin/users/{}", self.object_id)),
            Some(ObjectType::Review) => Some(format!("/admin/reviews/{}", self.object_id)),
            Some(ObjectType::Booking) => Some(format!("/admin/bookings/{}", self.object_id)),
            Some(ObjectType::Listing) => Some(format!("/admin/listings/{}", self.object_id)),
            Some(ObjectType::Payment) => Some(format!("/admin/payments/{}", self.object_id)),
            Some(ObjectType::Job) => Some("/admin/jobs?state=dead".to_string()),
            Some(ObjectType::ExchangeRate) => Some("/admin/rates".to_string()),
            None => None,
        }
    }

    pub fn before_text(&self) -> String {
        compact(&self.before)
    }

    pub fn after_text(&self) -> String {
        compact(&self.after)
    }
}

fn compact(value: &Option<Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(value) => value.to_string(),
    }
}

/// What the audit page filters on.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<i64>,
}

type RowTuple = (
    i64,
    i64,
    Option<String>,
    String,
    String,
    i64,
    String,
    Option<Value>,
    Option<Value>,
    DateTime<Utc>,
);

fn row(
    (id, actor_id, actor_email, action, object_type, object_id, reason, before, after, created_at): RowTuple,
) -> AuditRow {
    AuditRow {
        id,
        actor_id,
        actor_email,
        action,
        object_type,
        object_id,
        reason,
        before,
        after,
        created_at,
    }
}

/// A page of the log, newest first, filtered: two statements (the count and the page),
/// whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filter: &AuditFilter,
    page: Page,
) -> ServiceResult<Paged<AuditRow>> {
    let filtered = || {
        let mut query = admin_audit::table
            .left_join(users::table.on(users::id.eq(admin_audit::actor_id)))
            .into_boxed();
        if let Some(actor_id) = filter.actor_id {
            query = query.filter(admin_audit::actor_id.eq(actor_id));
        }
        if let Some(action) = &filter.action {
            query = query.filter(admin_audit::action.eq(action.clone()));
        }
        if let Some(object_type) = &filter.object_type {
            query = query.filter(admin_audit::object_type.eq(object_type.clone()));
        }
        if let Some(object_id) = filter.object_id {
            query = query.filter(admin_audit::object_id.eq(object_id));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows: Vec<RowTuple> = filtered()
        .order(admin_audit::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select((
            admin_audit::id,
            admin_audit::actor_id,
            users::email.nullable(),
            admin_audit::action,
            admin_audit::object_type,
            admin_audit::object_id,
            admin_audit::reason,
            admin_audit::before,
            admin_audit::after,
            admin_audit::created_at,
        ))
        .load(conn)
        .await?;
    Ok(Paged::new(rows.into_iter().map(row).collect(), total, page))
}

/// The newest actions on one object (its history on its admin page), at most `limit`.
pub async fn for_object(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    object_type: ObjectType,
    object_id: i64,
    limit: i64,
) -> ServiceResult<Vec<AuditRow>> {
    let rows: Vec<RowTuple> = admin_audit::table
        .left_join(users::table.on(users::id.eq(admin_audit::actor_id)))
        .filter(admin_audit::object_type.eq(object_type.as_str()))
        .filter(admin_audit::object_id.eq(object_id))
        .order(admin_audit::id.desc())
        .limit(limit)
        .select((
            admin_audit::id,
            admin_audit::actor_id,
            users::email.nullable(),
            admin_audit::action,
            admin_audit::object_type,
            admin_audit::object_id,
            admin_audit::reason,
            admin_audit::before,
            admin_audit::after,
            admin_audit::created_at,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// The admin's reason for an action, as typed: trimmed, at most [`Reason::MAX`] characters,
/// and not empty where the action asks for one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub const MAX: usize = 500;
    pub const FIELD: &'static str = "reason";

    pub fn parse(text: &str, required: bool) -> ServiceResult<Reason> {
        let text = text.trim();
        if required && text.is_empty() {
            return Err(crate::service::ServiceError::invalid(
                Self::FIELD,
                "Say why: the reason goes into the audit log.",
            ));
        }
        if text.chars().count() > Self::MAX {
            return Err(crate::service::ServiceError::invalid(
                Self::FIELD,
                format!("Keep the reason under {} characters.", Self::MAX),
            ));
        }
        Ok(Reason(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The next `limit` rows matching `filter` older than id `before`, newest first: the CSV
/// export walks the whole log this way, a chunk at a time.
pub async fn export_chunk(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filter: &AuditFilter,
    before: i64,
    limit: i64,
) -> ServiceResult<Vec<AuditRow>> {
    let mut query = admin_audit::table
        .left_join(users::table.on(users::id.eq(admin_audit::actor_id)))
        .filter(admin_audit::id.lt(before))
        .into_boxed();
    if let Some(actor_id) = filter.actor_id {
        query = query.filter(admin_audit::actor_id.eq(actor_id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(admin_audit::action.eq(action.clone()));
    }
    if let Some(object_type) = &filter.object_type {
        query = query.filter(admin_audit::object_type.eq(object_type.clone()));
    }
    if let Some(object_id) = filter.object_id {
        query = query.filter(admin_audit::object_id.eq(object_id));
    }
    let rows: Vec<RowTuple> = query
        .order(admin_audit::id.desc())
        .limit(limit)
        .select((
            admin_audit::id,
            admin_audit::actor_id,
            users::email.nullable(),
            admin_audit::action,
            admin_audit::object_type,
            admin_audit::object_id,
            admin_audit::reason,
            admin_audit::before,
            admin_audit::after,
            admin_audit::created_at,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(row).collect())
}
