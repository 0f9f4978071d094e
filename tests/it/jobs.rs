//! The job queue: transactional enqueueing, retries with backoff, dead jobs, racing workers,
//! the scheduler and the purge job, against a real PostgreSQL.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use diesel::{
    ExpressionMethods, QueryDsl, QueryableByName,
    sql_types::{BigInt, Double, Text},
};
use diesel_async::{AsyncConnection, RunQueryDsl};
use roost::{
    db::{self, DbPool},
    email::Mailer,
    jobs::{self, Job, JobContext, Registry, Schedule, Worker, WorkerOptions},
    schema::jobs as jobs_table,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Barrier, watch};

use crate::support;

/// A job context on `pool`; `smtp_url` `None` means the development mailbox.
pub fn context(database_url: &str, pool: &DbPool, smtp_url: Option<String>) -> JobContext {
    let mut config = support::config_for(database_url, &std::env::temp_dir());
    config.smtp_url = smtp_url;
    let mailer = Mailer::from_config(&config, pool.clone()).expect("mailer");
    JobContext {
        pool: pool.clone(),
        config: Arc::new(config),
        mailer: Arc::new(mailer),
    }
}

fn worker(ctx: &JobContext, backoff_base: Duration) -> Worker {
    let registry = Registry::new()
        .register::<RecordRun>()
        .register::<AlwaysFails>()
        .register::<Panics>();
    Worker::new(
        ctx.clone(),
        Arc::new(registry),
        WorkerOptions {
            poll_interval: Duration::from_millis(20),
            backoff_base,
            name: "test".into(),
        },
    )
}

/// Records each run in `job_runs` (no unique key, so a second run would show).
#[derive(Serialize, Deserialize)]
struct RecordRun {
    n: i64,
}

impl Job for RecordRun {
    const KIND: &'static str = "test_record_run";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = ctx.pool.get().await?;
        // A little work, so that racing workers overlap.
        tokio::time::sleep(Duration::from_millis(5)).await;
        diesel::sql_query("INSERT INTO job_runs (n) VALUES ($1)")
            .bind::<BigInt, _>(self.n)
            .execute(&mut conn)
            .await?;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct AlwaysFails;

impl Job for AlwaysFails {
    const KIND: &'static str = "test_always_fails";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, _ctx: JobContext) -> anyhow::Result<()> {
        Err(anyhow::anyhow!("the printer is on fire")).context("printing the receipt")
    }
}

#[derive(Serialize, Deserialize)]
struct Panics;

impl Job for Panics {
    const KIND: &'static str = "test_panics";
    const MAX_ATTEMPTS: i32 = 2;

    async fn run(self, _ctx: JobContext) -> anyhow::Result<()> {
        panic!("the job exploded")
    }
}

async fn database_with_runs_table(pool_size: usize) -> (support::TestDatabase, DbPool) {
    let url = support::fresh_database().await;
    let pool = db::pool(&url, pool_size).expect("pool");
    let mut conn = pool.get().await.expect("connection");
    diesel::sql_query("CREATE TABLE job_runs (n bigint NOT NULL)")
        .execute(&mut conn)
        .await
        .expect("create job_runs");
    (url, pool)
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn numbers(pool: &DbPool, sql: &str) -> Vec<i64> {
    let mut conn = pool.get().await.expect("connection");
    diesel::sql_query(sql)
        .load::<Number>(&mut conn)
        .await
        .expect("query")
        .into_iter()
        .map(|row| row.n)
        .collect()
}

async fn job_count(pool: &DbPool) -> i64 {
    let mut conn = pool.get().await.expect("connection");
    jobs_table::table
        .count()
        .get_result(&mut conn)
        .await
        .expect("count jobs")
}

/// Status, attempts and last error of the only job.
async fn only_job(pool: &DbPool) -> (String, i32, Option<String>) {
    let mut conn = pool.get().await.expect("connection");
    jobs_table::table
        .select((
            jobs_table::status,
            jobs_table::attempts,
            jobs_table::last_error,
        ))
        .get_result(&mut conn)
        .await
        .expect("the job row")
}

#[derive(QueryableByName)]
struct Seconds {
    #[diesel(sql_type = Double)]
    secs: f64,
}

/// How long until the only job is ready again.
async fn seconds_until_retry(pool: &DbPool) -> f64 {
    let mut conn = pool.get().await.expect("connection");
    diesel::sql_query(
        "SELECT extract(epoch FROM run_at - clock_timestamp())::float8 AS secs FROM jobs",
    )
    .get_result::<Seconds>(&mut conn)
    .await
    .expect("run_at")
    .secs
}

/// Makes every pending job ready now, as if its backoff had passed.
async fn fast_forward(pool: &DbPool) {
    let mut conn = pool.get().await.expect("connection");
    diesel::sql_query("UPDATE jobs SET run_at = now()")
        .execute(&mut conn)
        .await
        .expect("fast-forward");
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_exists_and_never_runs() {
    let (url, pool) = database_with_runs_table(4).await;
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    let rolled_back = conn
        .transaction(async |conn| {
            jobs::enqueue(conn, &RecordRun { n: 1 }).await?;
            Err::<(), _>(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(rolled_back.is_err());
    conn.transaction(async |conn| {
        jobs::enqueue(conn, &RecordRun { n: 2 }).await?;
        Ok::<_, diesel::result::Error>(())
    })
    .await
    .expect("a committed enqueue");

    assert_eq!(job_count(&pool).await, 1, "only the committed job exists");
    let ran = worker(&ctx, Duration::from_secs(10))
        .run_pending()
        .await
        .expect("run jobs");
    assert_eq!(ran, 1);
    assert_eq!(numbers(&pool, "SELECT n FROM job_runs").await, vec![2]);
    assert_eq!(job_count(&pool).await, 0, "a finished job is deleted");
}

#[tokio::test]
async fn a_failing_job_is_retried_with_doubling_backoff_and_dies_keeping_its_last_error() {
    let (url, pool) = database_with_runs_table(4).await;
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    jobs::enqueue(&mut conn, &AlwaysFails)
        .await
        .expect("enqueue");
    let worker = worker(&ctx, Duration::from_secs(30));

    assert!(worker.run_once().await.expect("first attempt"));
    let (status, attempts, error) = only_job(&pool).await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert_eq!(
        error.as_deref(),
        Some("printing the receipt: the printer is on fire"),
        "the whole error chain is kept"
    );
    let wait = seconds_until_retry(&pool).await;
    assert!((20.0..=30.0).contains(&wait), "first backoff {wait}");
    assert!(
        !worker.run_once().await.expect("poll"),
        "the job waits out its backoff"
    );

    fast_forward(&pool).await;
    assert!(worker.run_once().await.expect("second attempt"));
    let (status, attempts, _) = only_job(&pool).await;
    assert_eq!((status.as_str(), attempts), ("pending", 2));
    let wait = seconds_until_retry(&pool).await;
    assert!(
        (50.0..=60.0).contains(&wait),
        "second backoff doubles: {wait}"
    );

    fast_forward(&pool).await;
    assert!(worker.run_once().await.expect("last attempt"));
    let (status, attempts, error) = only_job(&pool).await;
    assert_eq!((status.as_str(), attempts), ("dead", 3));
    assert_eq!(
        error.as_deref(),
        Some("printing the receipt: the printer is on fire")
    );

    fast_forward(&pool).await;
    assert!(
        !worker.run_once().await.expect("poll"),
        "a dead job never runs again"
    );
}

#[tokio::test]
async fn a_panicking_job_is_caught_retried_and_dies_after_its_last_attempt() {
    let (url, pool) = database_with_runs_table(4).await;
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    jobs::enqueue(&mut conn, &Panics).await.expect("enqueue");
    let worker = worker(&ctx, Duration::from_millis(1));

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut runs = 0;
    loop {
        if worker
            .run_once()
            .await
            .expect("the worker survives the panic")
        {
            runs += 1;
        } else if only_job(&pool).await.0 == "dead" {
            break;
        } else {
            assert!(Instant::now() < deadline, "the job never died");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    assert_eq!(runs, 2);
    let (status, attempts, error) = only_job(&pool).await;
    assert_eq!((status.as_str(), attempts), ("dead", 2));
    let error = error.unwrap_or_default();
    assert!(
        error.contains("the job panicked: the job exploded"),
        "{error}"
    );

    jobs::enqueue(&mut conn, &RecordRun { n: 7 })
        .await
        .expect("enqueue");
    assert!(worker.run_once().await.expect("the worker still works"));
    assert_eq!(numbers(&pool, "SELECT n FROM job_runs").await, vec![7]);
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_is_dead_at_once_with_a_clear_error() {
    let (url, pool) = database_with_runs_table(4).await;
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    diesel::insert_into(jobs_table::table)
        .values((
            jobs_table::kind.eq("no_such_job"),
            jobs_table::payload.eq(serde_json::json!({})),
        ))
        .execute(&mut conn)
        .await
        .expect("insert");
    assert!(
        worker(&ctx, Duration::from_secs(10))
            .run_once()
            .await
            .expect("run")
    );
    let (status, attempts, error) = only_job(&pool).await;
    assert_eq!((status.as_str(), attempts), ("dead", 1));
    let error = error.unwrap_or_default();
    assert!(error.contains("no job kind `no_such_job`"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_workers_run_every_job_exactly_once() {
    const JOBS: i64 = 40;
    const WORKERS: usize = 4;
    let (url, pool) = database_with_runs_table(WORKERS * 2 + 4).await;
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    for n in 1..=JOBS {
        jobs::enqueue(&mut conn, &RecordRun { n })
            .await
            .expect("enqueue");
    }
    let (shutdown, receiver) = watch::channel(false);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| tokio::spawn(worker(&ctx, Duration::from_secs(10)).run_until(receiver.clone())))
        .collect();

    let deadline = Instant::now() + Duration::from_secs(60);
    while job_count(&pool).await > 0 {
        assert!(Instant::now() < deadline, "the workers did not finish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shutdown.send(true).expect("signal shutdown");
    for handle in workers {
        tokio::time::timeout(Duration::from_secs(10), handle)
            .await
            .expect("a worker stops on shutdown")
            .expect("the worker task");
    }

    let mut runs = numbers(&pool, "SELECT n FROM job_runs").await;
    runs.sort_unstable();
    assert_eq!(runs, (1..=JOBS).collect::<Vec<_>>(), "each job ran once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_scheduler_enqueues_a_periodic_job_once_per_period_even_when_ticks_race() {
    const TICKERS: usize = 6;
    let (_url, pool) = database_with_runs_table(TICKERS + 2).await;
    let schedules = Arc::new(vec![Schedule {
        name: "test-hourly",
        every: Duration::from_secs(60 * 60),
        kind: RecordRun::KIND,
        payload: serde_json::json!({ "n": 1 }),
    }]);
    let barrier = Arc::new(Barrier::new(TICKERS));
    let tickers: Vec<_> = (0..TICKERS)
        .map(|_| {
            let (pool, schedules, barrier) = (pool.clone(), schedules.clone(), barrier.clone());
            tokio::spawn(async move {
                let mut conn = pool.get().await.expect("connection");
                barrier.wait().await;
                jobs::tick(&mut conn, &schedules).await.expect("tick")
            })
        })
        .collect();
    let mut enqueued = 0;
    for ticker in tickers {
        enqueued += ticker.await.expect("ticker task");
    }
    assert_eq!(enqueued, 1, "one tick enqueued, the others skipped");
    assert_eq!(job_count(&pool).await, 1);

    let mut conn = pool.get().await.expect("connection");
    assert_eq!(jobs::tick(&mut conn, &schedules).await.expect("tick"), 0);
    assert_eq!(job_count(&pool).await, 1, "not due again within the period");

    diesel::sql_query(
        "UPDATE job_schedules SET last_run_at = last_run_at - interval '1 hour' WHERE name = $1",
    )
    .bind::<Text, _>("test-hourly")
    .execute(&mut conn)
    .await
    .expect("let an hour pass");
    assert_eq!(jobs::tick(&mut conn, &schedules).await.expect("tick"), 1);
    assert_eq!(job_count(&pool).await, 2, "due again after the period");
}

#[tokio::test]
async fn purge_expired_removes_expired_sessions_tokens_throttles_and_old_dead_jobs() {
    let url = support::fresh_database().await;
    let pool = db::pool(&url, 4).expect("pool");
    let ctx = context(&url, &pool, None);
    let mut conn = pool.get().await.expect("connection");
    for sql in [
        "INSERT INTO sessions (key_hash, public_id, state, expires_at) VALUES \
         (sha256('expired'::bytea), 'expired', '{}', now() - interval '1 minute'), \
         (sha256('live'::bytea), 'live', '{}', now() + interval '1 hour')",
        "INSERT INTO users (id, email, name, password_hash) \
         VALUES (1, 'ada@example.com', 'Ada', 'x')",
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) VALUES \
         (sha256('old'::bytea), 1, 'verify_email', 'ada@example.com', now() - interval '2 days'), \
         (sha256('recent'::bytea), 1, 'verify_email', 'ada@example.com', now() - interval '1 hour')",
        "INSERT INTO throttle_buckets (key, window_start, hits) VALUES \
         ('old', now() - interval '2 days', 3), ('fresh', now(), 1)",
        "INSERT INTO jobs (id, kind, payload, status, run_at) VALUES \
         (101, 'x', '{}', 'dead', now() - interval '31 days'), \
         (102, 'x', '{}', 'dead', now() - interval '1 day')",
    ] {
        diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    }

    // Through the real schedule, so the built-in payload is known to decode.
    let purge: Vec<_> = roost::app::jobs::schedules()
        .into_iter()
        .filter(|schedule| schedule.name == "purge-expired")
        .collect();
    assert_eq!(jobs::tick(&mut conn, &purge).await.expect("tick"), 1);
    assert_eq!(
        roost::app::jobs::run_pending(&ctx).await.expect("run jobs"),
        1
    );

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let names = async |sql: &str| -> Vec<String> {
        let mut conn = pool.get().await.expect("connection");
        let mut names: Vec<String> = diesel::sql_query(sql)
            .load::<Name>(&mut conn)
            .await
            .expect("query")
            .into_iter()
            .map(|row| row.name)
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names("SELECT public_id AS name FROM sessions").await,
        ["live"]
    );
    assert_eq!(
        names("SELECT encode(token_hash, 'hex') AS name FROM account_tokens").await,
        [hex_sha256("recent")]
    );
    assert_eq!(
        names("SELECT key AS name FROM throttle_buckets").await,
        ["fresh"]
    );
    assert_eq!(numbers(&pool, "SELECT id AS n FROM jobs").await, vec![102]);
}

fn hex_sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}
