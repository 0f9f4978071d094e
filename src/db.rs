//! Database access: the connection pool, embedded migrations, and how database failures are
//! told apart (an outage is a 503, a bug is a 500).

pub mod embedded;
pub mod sql;

use std::time::Duration;

use diesel::{ConnectionError, ConnectionResult};
use diesel_async::{
    AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection,
    async_connection_wrapper::AsyncConnectionWrapper,
    pooled_connection::{
        AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
        deadpool::{Object, Pool, PoolError},
    },
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Migrations compiled into the binary, applied at start-up and by `roost migrate`.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The application's connection pool.
pub type DbPool = Pool<AsyncPgConnection>;
/// A connection checked out of the pool.
pub type DbConn = Object<AsyncPgConnection>;

/// How long a request waits for a connection before the page becomes a 503. Short on purpose:
/// during an outage users get an answer in about a second instead of a hanging browser.
const CHECKOUT_TIMEOUT: Duration = Duration::from_millis(1500);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Builds the pool. Connections are made lazily, so this succeeds even while the database is
/// down; `/readyz` tells whether it is reachable.
pub fn pool(database_url: &str, max_size: usize) -> anyhow::Result<DbPool> {
    build_pool(database_url, max_size, None)
}

/// Session settings of the search pool (see [`search_pool`]).
/// `jit = off`: a disabled node type makes a plan look astronomically expensive, which would
/// otherwise trigger JIT compilation (measured: 490 ms of compiling for a 0.8 ms query).
const SEARCH_SESSION: &str = "SET plan_cache_mode = force_generic_plan; \
     SET enable_sort = off; SET enable_incremental_sort = off; SET jit = off";

/// The pool search runs on. Its statements (`search::query`) are written as walks of an
/// ordered index that stop after a page, whatever the values: these sessions plan each
/// statement once, when it is first prepared, instead of at every search (planning cost more
/// than running), and never trade a walk for "read every match, then sort" (which PostgreSQL
/// prefers when it cannot see the values and guesses that filters match almost nothing; for
/// a city of 10 000 listings that is 50 ms instead of 0.3). The one sort that remains, merging
/// the pages of several places, is unavoidable and still runs.
pub fn search_pool(database_url: &str, max_size: usize) -> anyhow::Result<DbPool> {
    build_pool(database_url, max_size, Some(SEARCH_SESSION))
}

/// The search pools of an HTTP server: one per worker thread, each used by that worker only.
///
/// Why: tokio-postgres drives each connection from a task on the runtime that opened it, and
/// every actix worker is a runtime of its own. With one shared pool, a search on one worker
/// often used a connection driven by the other, so its reply waited for that thread to run
/// (two cross-thread wake-ups per statement) while the CPUs sat idle: 13–17 % idle under
/// the search benchmark, against none when serving a static page.
#[derive(Clone, Debug)]
pub struct SearchPools {
    database_url: String,
    connections: usize,
}

impl SearchPools {
    /// About `connections` in all, shared out among the workers (at least two each).
    pub fn new(database_url: &str, connections: usize) -> Self {
        SearchPools {
            database_url: database_url.to_string(),
            connections,
        }
    }

    /// Connections of each worker's pool.
    fn per_worker(&self, workers: usize) -> usize {
        self.connections.div_ceil(workers.max(1)).max(2)
    }

    /// Connections of all the pools of `workers` workers.
    pub fn total(&self, workers: usize) -> usize {
        self.per_worker(workers) * workers.max(1)
    }

    /// One pool per worker (connections are opened lazily, by the worker that uses them).
    pub fn build(&self, workers: usize) -> anyhow::Result<Vec<DbPool>> {
        let size = self.per_worker(workers);
        (0..workers.max(1))
            .map(|_| search_pool(&self.database_url, size))
            .collect()
    }
}

fn build_pool(
    database_url: &str,
    max_size: usize,
    session: Option<&'static str>,
) -> anyhow::Result<DbPool> {
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    // A connection that died is dropped when it comes back (tokio-postgres notices the closed
    // socket); the default check runs a `SELECT 1` round trip before every checkout.
    config.recycling_method = RecyclingMethod::Fast;
    if let Some(session) = session {
        config.custom_setup = Box::new(move |url| {
            let url = url.to_string();
            Box::pin(async move {
                let mut conn = AsyncPgConnection::establish(&url).await?;
                conn.batch_execute(session)
                    .await
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            })
        });
    }
    let manager = AsyncDieselConnectionManager::new_with_config(database_url, config);
    let pool = Pool::builder(manager)
        .max_size(max_size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(CHECKOUT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()?;
    Ok(pool)
}

/// The database could not be reached (pool timeout, refused or broken connection).
#[derive(Debug, thiserror::Error)]
#[error("the database is unavailable: {0}")]
pub struct DatabaseUnavailable(pub String);

impl From<PoolError> for DatabaseUnavailable {
    fn from(error: PoolError) -> Self {
        DatabaseUnavailable(error.to_string())
    }
}

/// Checks a connection out of the pool.
/// Counts the checkout and the time it waited, for `/metrics`.
pub async fn connection(pool: &DbPool) -> Result<DbConn, DatabaseUnavailable> {
    use crate::web::metrics::{POOL_CHECKOUT_FAILURES, POOL_CHECKOUTS, POOL_WAIT_MICROS};
    let started = std::time::Instant::now();
    let checkout = pool.get().await;
    POOL_WAIT_MICROS.add(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
    match checkout {
        Ok(conn) => {
            POOL_CHECKOUTS.add(1);
            Ok(conn)
        }
        Err(error) => {
            POOL_CHECKOUT_FAILURES.add(1);
            Err(error.into())
        }
    }
}

/// Whether a Diesel error means the connection, not the query, failed.
pub fn is_connection_failure(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        ) | Error::BrokenTransactionManager
    ) || {
        // tokio-postgres reports a dropped socket as an unknown error whose text says so.
        let text = error.to_string();
        text.contains("connection closed")
            || text.contains("Connection refused")
            || text.contains("terminating connection")
            || text.contains("the database system is shutting down")
    }
}

/// Runs a trivial query: the readiness probe.
pub async fn ping(pool: &DbPool) -> Result<(), DatabaseUnavailable> {
    let mut conn = connection(pool).await?;
    diesel::sql_query("SELECT 1")
        .execute(&mut conn)
        .await
        .map_err(|error| DatabaseUnavailable(error.to_string()))?;
    Ok(())
}

/// Applies pending migrations. Diesel's migration harness is synchronous, so it runs on a
/// blocking thread with its own connection, never on the async executor.
pub async fn migrate(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_string();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        use diesel::Connection;
        let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url)?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|error| anyhow::anyhow!("migration failed: {error}"))?;
        Ok(applied.iter().map(|version| version.to_string()).collect())
    })
    .await?
}

/// The newest migration compiled into this binary.
pub fn latest_known_migration() -> anyhow::Result<String> {
    use diesel::{migration::MigrationSource, pg::Pg};
    let migrations = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|error| anyhow::anyhow!("reading the embedded migrations: {error}"))?;
    migrations
        .iter()
        .map(|migration| migration.name().version().to_string())
        .max()
        .ok_or_else(|| anyhow::anyhow!("this binary has no migrations"))
}

#[derive(diesel::QueryableByName)]
struct Level {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    version: Option<String>,
}

#[derive(diesel::QueryableByName)]
struct TableCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// The latest migration applied to the database, if it has any.
pub async fn applied_migration_level(database_url: &str) -> anyhow::Result<Option<String>> {
    let mut conn = connect(database_url).await?;
    let has_table: TableCount = diesel::sql_query(
        "SELECT count(*) AS count FROM pg_tables \
         WHERE schemaname = 'public' AND tablename = '__diesel_schema_migrations'",
    )
    .get_result(&mut conn)
    .await?;
    if has_table.count == 0 {
        return Ok(None);
    }
    let level: Level =
        diesel::sql_query("SELECT max(version) AS version FROM __diesel_schema_migrations")
            .get_result(&mut conn)
            .await?;
    Ok(level.version)
}

/// Opens a single connection outside the pool (tests and maintenance commands).
pub async fn connect(database_url: &str) -> ConnectionResult<AsyncPgConnection> {
    tokio::time::timeout(
        CONNECT_TIMEOUT * 5,
        AsyncPgConnection::establish(database_url),
    )
    .await
    .unwrap_or_else(|_| {
        Err(ConnectionError::BadConnection(
            "timed out connecting to PostgreSQL".into(),
        ))
    })
}

/// Whether `error` is a conflict between concurrent transactions that the same work, run
/// again from the start, may not meet: a serialization failure (40001) or a deadlock (40P01).
/// diesel-async has no kind for 40P01, so its message tells it (our clusters speak English:
/// `lc_messages` is the server's default).
pub fn is_contention(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            info.message().starts_with("deadlock detected")
        }
        _ => false,
    }
}

/// An error that may say "a concurrent transaction was in the way" ([`is_contention`]).
pub trait Contention {
    fn is_contention(&self) -> bool;
}

impl Contention for diesel::result::Error {
    fn is_contention(&self) -> bool {
        is_contention(self)
    }
}

/// How often [`retry_on_contention`] runs the work at most.
pub const CONTENTION_ATTEMPTS: u32 = 4;

/// Runs `work` (one whole transaction) again, a bounded number of times after short random
/// pauses, while it fails on contention; the last failure is returned as it is (the error
/// pages answer it with a 503 and `Retry-After`). The calendar's lock order makes deadlocks
/// unlikely by construction (see `listings::calendar::lock_listing`); this is the safety net.
pub async fn retry_on_contention<T, E: Contention>(
    mut work: impl AsyncFnMut() -> Result<T, E>,
) -> Result<T, E> {
    let mut attempt = 1;
    loop {
        match work().await {
            Err(error) if error.is_contention() && attempt < CONTENTION_ATTEMPTS => {
                let pause = rand::random_range(5..25u64) * u64::from(attempt);
                tracing::info!(attempt, "transaction met contention; running it again");
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Whether `error` is a violation of the named constraint (unique, check, exclusion…).
///
/// PostgreSQL reports exclusion violations as SQLSTATE 23P01, which Diesel has no kind for
/// (it says `Unknown`), so the constraint name is what identifies them.
pub fn violates(error: &diesel::result::Error, constraint: &str) -> bool {
    match error {
        diesel::result::Error::DatabaseError(_, info) => {
            !is_contention(error) && info.constraint_name() == Some(constraint)
        }
        _ => false,
    }
}

/// The exclusion constraint that keeps stays and blocks of a listing from overlapping.
pub const NO_OVERLAP: &str = "calendar_entries_no_overlap";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_knows_its_latest_migration() {
        let latest = latest_known_migration().expect("migrations");
        assert_eq!(latest.len(), 14, "{latest}");
    }

    #[test]
    fn search_connections_are_shared_out_among_the_workers() {
        let pools = SearchPools::new("postgres://localhost/roost", 8);
        assert_eq!(pools.per_worker(2), 4);
        assert_eq!(pools.per_worker(3), 3);
        assert_eq!(pools.per_worker(16), 2);
        assert_eq!(pools.per_worker(0), 8);
        let built = pools.build(3).expect("pools");
        assert_eq!(built.len(), 3);
        assert!(built.iter().all(|pool| pool.status().max_size == 3));
    }
}
