//! Periodic jobs. Every process that runs workers also ticks the scheduler; a row per schedule
//! in `job_schedules`, locked with `FOR UPDATE SKIP LOCKED`, makes sure that only one of them
//! enqueues each period's job.

use std::time::Duration;

use diesel::{
    ExpressionMethods, OptionalExtension, QueryDsl, QueryableByName,
    sql_types::{Bool, Double, Text},
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use tokio::sync::watch;

use crate::{
    db::{self, DbPool},
    schema::job_schedules,
};

/// How often the scheduler looks for due schedules. Periods are minutes long, so a tick
/// every half minute is precise enough and costs nothing.
const TICK_INTERVAL: Duration = Duration::from_secs(30);

/// A job enqueued every `every`.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// The key in `job_schedules`; never rename it, or the period restarts.
    pub name: &'static str,
    pub every: Duration,
    pub kind: &'static str,
    pub payload: serde_json::Value,
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Bool)]
    due: bool,
}

/// Enqueues the job of every schedule that is due; returns how many were enqueued. Safe to
/// call from several processes at once: a schedule locked elsewhere is skipped, and one that
/// has just run is not due.
pub async fn tick(
    conn: &mut AsyncPgConnection,
    schedules: &[Schedule],
) -> diesel::QueryResult<usize> {
    let mut enqueued = 0;
    for schedule in schedules {
        diesel::insert_into(job_schedules::table)
            .values(job_schedules::name.eq(schedule.name))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let ran = conn
            .transaction(async |conn| -> diesel::QueryResult<bool> {
                // Read committed: if another tick committed meanwhile, FOR UPDATE re-reads the
                // row, so its new last_run_at is what `due` is computed from.
                let due: Option<Due> = diesel::sql_query(
                    "SELECT (last_run_at IS NULL \
                        OR last_run_at + make_interval(secs => $2) <= now()) AS due \
                     FROM job_schedules WHERE name = $1 FOR UPDATE SKIP LOCKED",
                )
                .bind::<Text, _>(schedule.name)
                .bind::<Double, _>(schedule.every.as_secs_f64())
                .get_result(conn)
                .await
                .optional()?;
                if !due.is_some_and(|row| row.due) {
                    return Ok(false);
                }
                super::insert(conn, schedule.kind, schedule.payload.clone(), None, None).await?;
                diesel::update(job_schedules::table.filter(job_schedules::name.eq(schedule.name)))
                    .set(job_schedules::last_run_at.eq(diesel::dsl::now))
                    .execute(conn)
                    .await?;
                Ok(true)
            })
            .await?;
        if ran {
            tracing::info!(
                schedule = schedule.name,
                kind = schedule.kind,
                "periodic job enqueued"
            );
            enqueued += 1;
        }
    }
    Ok(enqueued)
}

/// Ticks every [`TICK_INTERVAL`] until `shutdown` turns true; errors are logged, never fatal.
pub(crate) async fn run_until(
    pool: DbPool,
    schedules: Vec<Schedule>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let result = match db::connection(&pool).await {
            Ok(mut conn) => tick(&mut conn, &schedules)
                .await
                .map_err(anyhow::Error::from),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = result {
            tracing::warn!(
                error = format!("{error:#}"),
                "the job scheduler could not tick"
            );
        }
        tokio::select! {
            () = tokio::time::sleep(TICK_INTERVAL) => {}
            changed = shutdown.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
}
