//! Background jobs: a job queue in PostgreSQL (the crates.io worker is the model).
//!
//! A job is a serialisable struct implementing [`Job`]. [`enqueue`] is a plain `INSERT` on the
//! caller's connection, so a job commits or rolls back together with the change that causes it.
//! Workers ([`Worker`]) claim a ready row with `FOR UPDATE SKIP LOCKED` and hold the row lock
//! while the job runs: a crashed worker releases its job, and two workers never run the same
//! one. A failed job is retried with exponential backoff; one that keeps failing becomes `dead`
//! and keeps its last error for an admin to read. Periodic jobs are enqueued by the scheduler
//! ([`Schedule`]), which several processes may run at once.
//!
//! **Jobs must be idempotent.** Delivery is at least once: when a worker dies (or loses its
//! database connection) after a job's work is done but before its row is deleted, the lock is
//! released and the job runs again. Write each job so that a second run changes nothing twice
//! (check the state before acting, use unique keys and upserts).
//!
//! This module is the machinery only: which jobs exist and when periodic ones run is said at
//! the application level ([`crate::app::jobs`]), so that `jobs` imports none of the features
//! that use it.

mod purge;
mod registry;
mod scheduler;
mod worker;

use std::{future::Future, sync::Arc};

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Serialize, de::DeserializeOwned};
use tokio::{sync::watch, task::JoinHandle};

pub use purge::PurgeExpired;
pub use registry::Registry;
pub use scheduler::{Schedule, tick};
pub use worker::{Worker, WorkerOptions};

use crate::{config::Config, db::DbPool, email::Mailer, schema::jobs};

/// A kind of background work. The struct is the payload, stored as JSON.
///
/// Implementations must be idempotent (see the module documentation): a job may run again
/// after it has done its work.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// The name stored in `jobs.kind`; never rename it while such jobs may be queued.
    const KIND: &'static str;
    /// Runs after which a failing job is given up (`dead`).
    const MAX_ATTEMPTS: i32 = 8;

    /// Does the work. An `Err` (or a panic) schedules a retry.
    fn run(self, ctx: JobContext) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// What a running job may use. The job's own database work goes through `pool`, not through
/// the worker's connection (which holds the job's row lock).
#[derive(Clone)]
pub struct JobContext {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub mailer: Arc<Mailer>,
}

/// Queues `job` to run as soon as a worker is free. It joins the caller's transaction, if any.
pub async fn enqueue<J: Job>(conn: &mut AsyncPgConnection, job: &J) -> QueryResult<i64> {
    insert(conn, J::KIND, payload(job)?, Some(J::MAX_ATTEMPTS), None).await
}

/// Queues `job` to run at `run_at` (or as soon after as a worker is free).
pub async fn enqueue_at<J: Job>(
    conn: &mut AsyncPgConnection,
    job: &J,
    run_at: DateTime<Utc>,
) -> QueryResult<i64> {
    insert(
        conn,
        J::KIND,
        payload(job)?,
        Some(J::MAX_ATTEMPTS),
        Some(run_at),
    )
    .await
}

fn payload<J: Job>(job: &J) -> QueryResult<serde_json::Value> {
    serde_json::to_value(job)
        .map_err(|error| diesel::result::Error::SerializationError(error.into()))
}

/// Inserts a job row; `None` leaves the column to its database default.
async fn insert(
    conn: &mut AsyncPgConnection,
    kind: &str,
    payload: serde_json::Value,
    max_attempts: Option<i32>,
    run_at: Option<DateTime<Utc>>,
) -> QueryResult<i64> {
    diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            max_attempts.map(|max| jobs::max_attempts.eq(max)),
            run_at.map(|at| jobs::run_at.eq(at)),
        ))
        .returning(jobs::id)
        .get_result(conn)
        .await
}

/// Runs ready jobs until none is left; returns how many ran (tests and `roost seed`).
///
/// A job that fails is retried only once its backoff has passed, so this returns even while
/// jobs keep failing.
pub async fn run_pending(ctx: &JobContext, registry: Arc<Registry>) -> anyhow::Result<usize> {
    Worker::new(ctx.clone(), registry, WorkerOptions::default())
        .run_pending()
        .await
}

/// Running workers and the scheduler, stopped with [`WorkersHandle::shutdown`].
pub struct WorkersHandle {
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Spawns `count` workers running the jobs `registry` knows, and the scheduler that enqueues
/// `schedules`, on the current tokio runtime.
pub fn spawn_workers(
    ctx: JobContext,
    registry: Arc<Registry>,
    schedules: Vec<Schedule>,
    count: usize,
) -> WorkersHandle {
    let (shutdown, receiver) = watch::channel(false);
    let mut tasks = Vec::with_capacity(count + 1);
    for number in 1..=count {
        let options = WorkerOptions {
            name: format!("worker-{number}"),
            ..WorkerOptions::default()
        };
        let worker = Worker::new(ctx.clone(), registry.clone(), options);
        tasks.push(tokio::spawn(worker.run_until(receiver.clone())));
    }
    if count > 0 {
        // Without workers nothing here would run what the scheduler enqueues.
        tasks.push(tokio::spawn(scheduler::run_until(
            ctx.pool.clone(),
            schedules,
            receiver,
        )));
    }
    tracing::info!(workers = count, "job workers started");
    WorkersHandle { shutdown, tasks }
}

impl WorkersHandle {
    /// Asks every worker to stop and waits until running jobs have finished.
    pub async fn shutdown(self) {
        // An error means every receiver is gone: the tasks have stopped already.
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "a job worker task failed");
            }
        }
        tracing::info!("job workers stopped");
    }
}
