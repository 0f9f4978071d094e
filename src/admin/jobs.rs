//! The job queue as an admin sees and mends it: counts by kind and state, the jobs themselves
//! (dead ones with their last error), and [`retry`] (a dead job is queued again from its first
//! attempt) or [`discard`] (a dead job is deleted). The queue belongs to no feature, so its
//! admin service is the console's own. Both actions take sudo mode and write their audit row
//! in their transaction. Payloads are never shown: an email job's holds the message, links
//! with tokens included.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, dsl::count_star, pg::Pg};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::{
    audit::{self, Action, Entry, ObjectType, Reason},
    paging::{Page, Paged},
    sudo::Sudo,
};
use crate::{
    schema::jobs,
    service::{Admin, ServiceError, ServiceResult},
};

crate::text_enum! {
    /// Where a job is (`jobs.status`).
    pub enum JobState {
        Pending = "pending",
        Dead = "dead",
    }
}

impl JobState {
    pub fn label(self) -> &'static str {
        match self {
            JobState::Pending => "Queued",
            JobState::Dead => "Dead",
        }
    }
}

/// How many jobs of one kind are queued and dead.
#[derive(Clone, Debug, Default)]
pub struct KindCount {
    pub kind: String,
    pub queued: i64,
    pub dead: i64,
}

/// Jobs by kind and state, kinds in name order: one statement.
pub async fn counts(conn: &mut AsyncPgConnection, _admin: &Admin) -> ServiceResult<Vec<KindCount>> {
    let rows: Vec<(String, String, i64)> = jobs::table
        .group_by((jobs::kind, jobs::status))
        .select((jobs::kind, jobs::status, count_star()))
        .order(jobs::kind.asc())
        .load(conn)
        .await?;
    let mut counts: Vec<KindCount> = Vec::new();
    for (kind, status, count) in rows {
        if counts.last().is_none_or(|last| last.kind != kind) {
            counts.push(KindCount {
                kind,
                ..KindCount::default()
            });
        }
        if let Some(last) = counts.last_mut() {
            match JobState::parse(&status) {
                Some(JobState::Dead) => last.dead += count,
                _ => last.queued += count,
            }
        }
    }
    Ok(counts)
}

/// A job as listed.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl JobRow {
    pub fn is_dead(&self) -> bool {
        self.status == JobState::Dead.as_str()
    }

    pub fn state_label(&self) -> &'static str {
        JobState::parse(&self.status).map_or("Unknown", JobState::label)
    }

    pub fn next_run(&self) -> String {
        self.run_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }

    /// The name of this job's retry or discard form (`retry-7`), for its fields' ids.
    pub fn form_name(discard: bool, id: i64) -> String {
        format!("{}-{id}", if discard { "discard" } else { "retry" })
    }

    pub fn retry_form(&self) -> String {
        JobRow::form_name(false, self.id)
    }

    pub fn discard_form(&self) -> String {
        JobRow::form_name(true, self.id)
    }

    pub fn queued_at(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// What the list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct JobFilters {
    pub state: Option<JobState>,
    pub kind: Option<String>,
}

/// A page of jobs, newest first: two statements, whatever the page size.
pub async fn list(
    conn: &mut AsyncPgConnection,
    _admin: &Admin,
    filters: &JobFilters,
    page: Page,
) -> ServiceResult<Paged<JobRow>> {
    let filtered = || {
        let mut query = jobs::table.into_boxed::<Pg>();
        if let Some(state) = filters.state {
            query = query.filter(jobs::status.eq(state.as_str()));
        }
        if let Some(kind) = &filters.kind {
            query = query.filter(jobs::kind.eq(kind.clone()));
        }
        query
    };
    let total: i64 = filtered().count().get_result(conn).await?;
    let rows: Vec<JobRow> = filtered()
        .order(jobs::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select((
            jobs::id,
            jobs::kind,
            jobs::status,
            jobs::attempts,
            jobs::max_attempts,
            jobs::run_at,
            jobs::last_error,
            jobs::created_at,
        ))
        .load(conn)
        .await?;
    Ok(Paged::new(rows, total, page))
}

/// The dead job `id`, locked for the rest of the transaction: (kind, attempts, last error).
/// A job that is not dead (queued, running or done) is a `Conflict`.
async fn lock_dead(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> ServiceResult<(String, i32, Option<String>)> {
    let job: Option<(String, String, i32, Option<String>)> = jobs::table
        .find(id)
        .select((jobs::kind, jobs::status, jobs::attempts, jobs::last_error))
        .for_update()
        .skip_locked()
        .first(conn)
        .await
        .optional()?;
    let Some((kind, status, attempts, last_error)) = job else {
        // Skipped: a worker holds it (running, so not dead), or there is no such job.
        let exists: bool = diesel::select(diesel::dsl::exists(jobs::table.find(id)))
            .get_result(conn)
            .await?;
        return Err(if exists {
            ServiceError::conflict(NOT_DEAD)
        } else {
            ServiceError::NotFound
        });
    };
    if status != JobState::Dead.as_str() {
        return Err(ServiceError::conflict(NOT_DEAD));
    }
    Ok((kind, attempts, last_error))
}

pub const NOT_DEAD: &str =
    "Only a dead job can be retried or discarded; this one is not (any more).";

/// Queues dead job `id` again, from its first attempt, to run now.
pub async fn retry(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    id: i64,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (kind, attempts, last_error) = lock_dead(conn, id).await?;
        diesel::update(jobs::table.find(id))
            .set((
                jobs::status.eq(JobState::Pending.as_str()),
                jobs::attempts.eq(0),
                jobs::run_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::RetryJob,
                object_type: ObjectType::Job,
                object_id: id,
                reason: reason.as_str(),
                before: json!({ "kind": kind, "status": "dead", "attempts": attempts, "last_error": last_error }),
                after: json!({ "status": "pending", "attempts": 0 }),
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Deletes dead job `id`: its work will never be done.
pub async fn discard(
    conn: &mut AsyncPgConnection,
    sudo: &Sudo,
    id: i64,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (kind, attempts, last_error) = lock_dead(conn, id).await?;
        diesel::delete(jobs::table.find(id)).execute(conn).await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: Action::DiscardJob,
                object_type: ObjectType::Job,
                object_id: id,
                reason: reason.as_str(),
                before: json!({ "kind": kind, "status": "dead", "attempts": attempts, "last_error": last_error }),
                after: json!(null),
            },
        )
        .await?;
        Ok(())
    })
    .await
}
