//! The worker: claims one ready job at a time and runs it while holding its row lock.
//!
//! The claim and the outcome live in one transaction on the worker's own connection. Holding
//! it while the job runs is what makes the queue safe: other workers skip the locked row, and
//! if this process dies the transaction aborts, the lock goes away and the job is run again
//! later (hence idempotent jobs). The job's own work uses other pool connections.

use std::{any::Any, panic::AssertUnwindSafe, sync::Arc, time::Duration};

use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, Queryable, SelectableHelper,
    sql_types::{BigInt, Bool, Double, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::FutureExt as _;
use tokio::{sync::watch, time::Instant};

use super::{JobContext, Registry};
use crate::{db, schema::jobs};

/// Longest wait between two attempts of a failing job.
const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);
/// How much of an error chain is kept in `jobs.last_error`.
const MAX_ERROR_CHARS: usize = 2000;
/// Longest pause after database errors, so that a recovered database is noticed soon.
const MAX_ERROR_PAUSE: Duration = Duration::from_secs(30);

/// How a worker behaves.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Pause between polls when no job is ready.
    pub poll_interval: Duration,
    /// Wait before the first retry of a failed job; it doubles with every failure.
    pub backoff_base: Duration,
    /// Shown in the logs.
    pub name: String,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            poll_interval: Duration::from_secs(1),
            backoff_base: Duration::from_secs(10),
            name: "worker".into(),
        }
    }
}

/// Runs jobs from the queue.
pub struct Worker {
    ctx: JobContext,
    registry: Arc<Registry>,
    options: WorkerOptions,
}

#[derive(Queryable, diesel::Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
struct ClaimedJob {
    id: i64,
    kind: String,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
}

/// What became of a job run.
enum Outcome {
    Succeeded,
    /// Retried after the backoff, unless it was the last attempt.
    Failed(String),
    /// Nothing here can run it: dead at once.
    Unrunnable(String),
}

impl Worker {
    pub fn new(ctx: JobContext, registry: Arc<Registry>, options: WorkerOptions) -> Self {
        Worker {
            ctx,
            registry,
            options,
        }
    }

    /// Claims and runs one ready job; `Ok(false)` when none is ready. An `Err` is a database
    /// problem of the queue itself; the job's own failures are recorded on its row.
    pub async fn run_once(&self) -> anyhow::Result<bool> {
        let mut conn = db::connection(&self.ctx.pool).await?;
        let ran = conn
            .transaction(async |conn| -> diesel::QueryResult<bool> {
                let Some(job) = claim(conn).await? else {
                    return Ok(false);
                };
                let outcome = self.execute(&job).await;
                self.record(conn, &job, outcome).await?;
                Ok(true)
            })
            .await?;
        Ok(ran)
    }

    /// Runs ready jobs until none is left; returns how many ran.
    pub async fn run_pending(&self) -> anyhow::Result<usize> {
        let mut count = 0;
        while self.run_once().await? {
            count += 1;
        }
        Ok(count)
    }

    /// Runs jobs until `shutdown` turns true (or its sender is dropped). A running job is
    /// always finished first. Database errors are logged and retried with growing pauses.
    pub async fn run_until(self, mut shutdown: watch::Receiver<bool>) {
        let mut failures: u32 = 0;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let pause = match self.run_once().await {
                Ok(true) => {
                    failures = 0;
                    continue;
                }
                Ok(false) => {
                    failures = 0;
                    self.options.poll_interval
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    let pause = error_pause(self.options.poll_interval, failures);
                    tracing::warn!(
                        worker = %self.options.name,
                        error = format!("{error:#}"),
                        retry_in = ?pause,
                        "the job queue is unavailable"
                    );
                    pause
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        // The sender is gone: nobody can ask us to stop any more, so stop now
                        // rather than spin on a closed channel.
                        break;
                    }
                }
            }
        }
        tracing::debug!(worker = %self.options.name, "job worker stopped");
    }

    async fn execute(&self, job: &ClaimedJob) -> Outcome {
        let Some(future) = self
            .registry
            .start(&job.kind, job.payload.clone(), self.ctx.clone())
        else {
            return Outcome::Unrunnable(format!(
                "no job kind `{}` is registered in this worker",
                job.kind
            ));
        };
        let started = Instant::now();
        let outcome = match AssertUnwindSafe(future).catch_unwind().await {
            Ok(Ok(())) => Outcome::Succeeded,
            Ok(Err(error)) => Outcome::Failed(truncate(format!("{error:#}"))),
            Err(panic) => Outcome::Failed(truncate(format!(
                "the job panicked: {}",
                panic_message(panic.as_ref())
            ))),
        };
        tracing::debug!(
            worker = %self.options.name,
            job.id = job.id,
            job.kind = %job.kind,
            elapsed = ?started.elapsed(),
            "job ran"
        );
        outcome
    }

    async fn record(
        &self,
        conn: &mut AsyncPgConnection,
        job: &ClaimedJob,
        outcome: Outcome,
    ) -> diesel::QueryResult<()> {
        let (error, give_up) = match outcome {
            Outcome::Succeeded => {
                diesel::delete(jobs::table.find(job.id))
                    .execute(conn)
                    .await?;
                tracing::info!(job.id = job.id, job.kind = %job.kind, "job succeeded");
                return Ok(());
            }
            Outcome::Failed(error) => (error, false),
            Outcome::Unrunnable(error) => (error, true),
        };
        let attempt = job.attempts.saturating_add(1);
        let delay = backoff(self.options.backoff_base, job.attempts);
        // clock_timestamp(), not now(): now() is when this transaction (the claim) began,
        // and the backoff counts from the failure.
        diesel::sql_query(
            "UPDATE jobs SET attempts = attempts + 1, last_error = $2, \
             run_at = clock_timestamp() + make_interval(secs => $3), \
             status = CASE WHEN $4 OR attempts + 1 >= max_attempts THEN 'dead' ELSE 'pending' END \
             WHERE id = $1",
        )
        .bind::<BigInt, _>(job.id)
        .bind::<Text, _>(&error)
        .bind::<Double, _>(delay.as_secs_f64())
        .bind::<Bool, _>(give_up)
        .execute(conn)
        .await?;
        if give_up || attempt >= job.max_attempts {
            tracing::error!(
                job.id = job.id,
                job.kind = %job.kind,
                attempts = attempt,
                %error,
                "job failed for the last time and is now dead"
            );
        } else {
            tracing::warn!(
                job.id = job.id,
                job.kind = %job.kind,
                attempts = attempt,
                retry_in = ?delay,
                %error,
                "job failed; it will be retried"
            );
        }
        Ok(())
    }
}

/// The oldest ready job, locked; jobs other workers hold are skipped.
async fn claim(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<ClaimedJob>> {
    jobs::table
        .filter(jobs::status.eq("pending"))
        .filter(jobs::run_at.le(diesel::dsl::now))
        .order((jobs::run_at, jobs::id))
        .select(ClaimedJob::as_select())
        .limit(1)
        .for_update()
        .skip_locked()
        .get_result(conn)
        .await
        .optional()
}

/// Wait before the next attempt after `failures_so_far` earlier failures: the base, doubled
/// for each earlier failure, capped at an hour.
pub(crate) fn backoff(base: Duration, failures_so_far: i32) -> Duration {
    let doublings = failures_so_far.clamp(0, 30) as u32;
    base.checked_mul(1u32 << doublings)
        .map_or(MAX_BACKOFF, |delay| delay.min(MAX_BACKOFF))
}

/// Pause after `failures` database errors in a row: grows from the poll interval (at least a
/// tenth of a second, so a zero interval cannot spin) up to half a minute.
fn error_pause(poll_interval: Duration, failures: u32) -> Duration {
    let base = poll_interval.max(Duration::from_millis(100));
    base.checked_mul(1u32 << failures.min(10))
        .map_or(MAX_ERROR_PAUSE, |pause| pause.min(MAX_ERROR_PAUSE))
}

fn truncate(mut text: String) -> String {
    if let Some((index, _)) = text.char_indices().nth(MAX_ERROR_CHARS) {
        text.truncate(index);
        text.push('…');
    }
    text
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 0), Duration::from_secs(10));
        assert_eq!(backoff(base, 1), Duration::from_secs(20));
        assert_eq!(backoff(base, 5), Duration::from_secs(320));
        assert_eq!(backoff(base, 9), MAX_BACKOFF);
        assert_eq!(backoff(base, i32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        let cut = truncate("é".repeat(MAX_ERROR_CHARS + 10));
        assert_eq!(cut.chars().count(), MAX_ERROR_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short".into()), "short");
    }
}
