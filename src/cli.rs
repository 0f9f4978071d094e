//! The command line (DESIGN.md §2): `serve` (default), `worker`, `migrate`, `seed`,
//! `create-admin`, `check-deploy`, `graphql-schema`, `backup`, `restore`.

use std::{net::TcpListener, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};

use crate::{
    app::{self, ServerParts},
    config::{Config, MetricsBind},
    db,
    email::Mailer,
    jobs::JobContext,
    startup,
};

/// Job workers inside `roost serve`, beside the web server.
const SERVE_WORKERS: usize = 2;
/// Job workers of `roost worker`.
const WORKER_COMMAND_WORKERS: usize = 4;
/// Connections of `roost serve`'s main pool (pages, jobs).
const SERVE_POOL_SIZE: usize = 16;
/// Connections of `roost serve`'s search pools, shared out among the HTTP workers.
const SERVE_SEARCH_CONNECTIONS: usize = 8;

/// Connections `roost serve` opens at most with `http_workers` HTTP worker threads.
pub fn serve_connections(http_workers: usize) -> usize {
    SERVE_POOL_SIZE + db::SearchPools::new("", SERVE_SEARCH_CONNECTIONS).total(http_workers)
}

/// Connections `roost worker` opens at most: each worker holds one for its claim and its job
/// needs another.
pub fn worker_connections() -> usize {
    WORKER_COMMAND_WORKERS * 2 + 2
}

#[derive(Parser, Debug)]
#[command(
    name = "roost",
    version,
    about = "Roost, a vacation-rental marketplace"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web site (the default): migrations run first, job workers run in-process.
    Serve,
    /// Run background job workers only (several machines may share one queue).
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create demo data (development only).
    Seed {
        /// Number of listings to create (large counts are for benchmarks).
        #[arg(long)]
        listings: Option<u64>,
        /// Number of bookings to create.
        #[arg(long)]
        bookings: Option<u64>,
    },
    /// Create an administrator; the password is read from standard input or prompted for.
    CreateAdmin {
        #[arg(long)]
        email: String,
    },
    /// Exit non-zero if any production setting is unsafe.
    CheckDeploy,
    /// Print the GraphQL schema in SDL (the same as `schema.graphql`).
    GraphqlSchema,
    /// Write one archive of the database (a pg_dump) and the uploaded files, with a manifest.
    Backup {
        /// Where to write it (default: roost-backup-<UTC time>.tar here).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Restore an archive of `roost backup` into an empty database and data directory.
    Restore {
        /// The archive to restore.
        file: PathBuf,
        /// Replace whatever the database and the uploads folder hold.
        #[arg(long)]
        force: bool,
    },
}

/// Runs the command and turns its outcome into an exit code with a readable message.
pub async fn run(cli: Cli) -> ExitCode {
    if matches!(cli.command, Some(Command::GraphqlSchema)) {
        // Needs no configuration and no database: the schema is the code's.
        print!("{}", crate::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    if std::env::var("ROOST_ENV").as_deref() != Ok("production") {
        // Development reads `.env`; production takes its environment as given.
        let _ = dotenvy::dotenv();
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("roost: {error}");
            return ExitCode::from(2);
        }
    };
    startup::init_tracing(config.is_production());
    let command = cli.command.unwrap_or(Command::Serve);
    // The processes that take payments and send mail refuse settings that would lose either.
    if matches!(command, Command::Serve | Command::Worker)
        && let Some(refusal) = config.start_refusal()
    {
        eprintln!("roost: {refusal}");
        return ExitCode::from(2);
    }
    let result = match command {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::CheckDeploy => return check_deploy(&config).await,
        Command::Worker => worker(config).await,
        Command::Seed { listings, bookings } => seed(config, listings, bookings).await,
        Command::CreateAdmin { email } => create_admin(config, &email).await,
        Command::GraphqlSchema => Ok(()),
        Command::Backup { to } => backup(config, to).await,
        Command::Restore { file, force } => restore(config, &file, force).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("roost: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let config = Arc::new(config);
    let database = startup::database(&config).await?;
    let outcome = serve_with(config, &database.url).await;
    if let Some(cluster) = &database.cluster {
        cluster.shutdown().await;
    }
    outcome
}

async fn apply_migrations(database_url: &str) -> anyhow::Result<()> {
    let applied = db::migrate(database_url).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(())
}

fn job_context(config: &Arc<Config>, pool: &db::DbPool) -> anyhow::Result<JobContext> {
    Ok(JobContext {
        pool: pool.clone(),
        config: config.clone(),
        mailer: Arc::new(Mailer::from_config(config, pool.clone())?),
    })
}

async fn serve_with(config: Arc<Config>, database_url: &str) -> anyhow::Result<()> {
    apply_migrations(database_url).await?;
    if !config.is_production() {
        // The first start of an empty development database gets demo accounts.
        let mut conn = db::connect(database_url).await?;
        if crate::seed::is_empty(&mut conn).await? {
            crate::seed::demo_accounts(&mut conn).await?;
            crate::seed::stays_in(&mut conn, &config.data_dir, crate::seed::stays::Plan::DEMO)
                .await?;
        }
    }
    let pool = db::pool(database_url, SERVE_POOL_SIZE)?;
    // Eight in all (four per worker on two cores): enough to keep PostgreSQL busy while the
    // workers render pages; eight per worker did no better in the benchmark.
    let search_pools = db::SearchPools::new(database_url, SERVE_SEARCH_CONNECTIONS);
    let job_context = job_context(&config, &pool)?;
    let secret_key = startup::secret_key(&config)?;
    let listener = TcpListener::bind(config.bind)
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.bind))?;
    let metrics_listener = match config.metrics_bind {
        MetricsBind::Main => None,
        MetricsBind::Separate(address) => {
            let listener = TcpListener::bind(address).map_err(|error| {
                anyhow::anyhow!(
                    "cannot listen on {address} for /metrics (ROOST_METRICS_BIND): {error}"
                )
            })?;
            tracing::info!("metrics at http://{}/metrics", listener.local_addr()?);
            Some(listener)
        }
    };
    tracing::info!(
        "Roost is ready at http://{} (press Ctrl-C to stop)",
        listener.local_addr()?
    );
    let server = app::server(
        ServerParts {
            config,
            pool,
            search_pools,
            secret_key,
            workers: None,
            extra_routes: None,
            metrics_listener,
        },
        listener,
    )?;
    // The workers share the server's pool; they stop once the server has (actix handles
    // Ctrl-C and SIGTERM), after finishing the jobs they are running.
    let workers = app::jobs::spawn_workers(job_context, SERVE_WORKERS);
    let outcome = server.await;
    workers.shutdown().await;
    outcome?;
    tracing::info!("Roost stopped");
    Ok(())
}

async fn worker(config: Config) -> anyhow::Result<()> {
    let config = Arc::new(config);
    let database = startup::database(&config).await?;
    let outcome = work(config, &database.url).await;
    if let Some(cluster) = &database.cluster {
        cluster.shutdown().await;
    }
    outcome
}

async fn work(config: Arc<Config>, database_url: &str) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    apply_migrations(database_url).await?;
    let pool = db::pool(database_url, worker_connections())?;
    let job_context = job_context(&config, &pool)?;
    let mut terminate = signal(SignalKind::terminate())?;
    let workers = app::jobs::spawn_workers(job_context, WORKER_COMMAND_WORKERS);
    tracing::info!(
        workers = WORKER_COMMAND_WORKERS,
        "Roost job worker running (press Ctrl-C to stop)"
    );
    let signal = tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    };
    tracing::info!("stopping: waiting for running jobs to finish");
    workers.shutdown().await;
    signal?;
    tracing::info!("Roost job worker stopped");
    Ok(())
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let database = startup::database(&config).await?;
    let outcome = db::migrate(&database.url).await;
    if let Some(cluster) = &database.cluster {
        cluster.shutdown().await;
    }
    let applied = outcome?;
    println!("{} migration(s) applied", applied.len());
    Ok(())
}

async fn check_deploy(config: &Config) -> ExitCode {
    if let Some(stripe) = &config.stripe {
        let mode = match crate::config::stripe_mode(&stripe.secret_key) {
            Some(crate::config::StripeMode::Live) => "live mode",
            Some(crate::config::StripeMode::Test) => "test mode",
            None => "unknown mode",
        };
        println!("roost check-deploy: payments: Stripe, {mode}");
    }
    let mut problems = config.deployment_problems();
    problems.extend(crate::deploy::environment_problems(config).await);
    if problems.is_empty() {
        println!("roost check-deploy: no problems found");
        return ExitCode::SUCCESS;
    }
    eprintln!("roost check-deploy: {} problem(s):", problems.len());
    for problem in problems {
        eprintln!("  - {problem}");
    }
    ExitCode::FAILURE
}

/// Runs `work` against the configured database (starting the embedded cluster if need be),
/// after applying migrations, and stops the cluster afterwards.
async fn with_database<T>(
    config: &Config,
    work: impl AsyncFnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    on_database(config, async |url| {
        apply_migrations(url).await?;
        work(url).await
    })
    .await
}

/// Runs `work` against the configured database as it is (no migrations), starting the
/// embedded cluster if need be and stopping it afterwards.
async fn on_database<T>(
    config: &Config,
    work: impl AsyncFnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let database = startup::database(config).await?;
    let outcome = work(&database.url).await;
    if let Some(cluster) = &database.cluster {
        cluster.shutdown().await;
    }
    outcome
}

async fn backup(config: Config, to: Option<PathBuf>) -> anyhow::Result<()> {
    let archive = to.unwrap_or_else(|| crate::backup::default_archive_name(chrono::Utc::now()));
    let manifest = on_database(&config, async |url| {
        crate::backup::backup(url, &config.data_dir, &archive).await
    })
    .await?;
    println!(
        "Backup written to {} (migration {}, {} uploaded file(s)).",
        archive.display(),
        manifest.migration_level,
        manifest.upload_count()
    );
    Ok(())
}

async fn restore(config: Config, archive: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let manifest = on_database(&config, async |url| {
        crate::backup::restore(url, &config.data_dir, archive, force).await
    })
    .await?;
    println!(
        "Restored {} (Roost {}, {}, migration {}, {} uploaded file(s)). `roost migrate` or the \
         next start applies this Roost's newer migrations, if any.",
        archive.display(),
        manifest.roost_version,
        manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        manifest.migration_level,
        manifest.upload_count()
    );
    Ok(())
}

async fn seed(config: Config, listings: Option<u64>, bookings: Option<u64>) -> anyhow::Result<()> {
    if config.is_production() {
        anyhow::bail!("demo data is for development only (ROOST_ENV=production)");
    }
    with_database(&config, async |url| {
        let mut conn = db::connect(url).await?;
        crate::seed::demo_accounts(&mut conn).await?;
        let plan = match crate::seed::plan(listings, bookings) {
            Some(plan) => plan,
            None if crate::seed::has_listings(&mut conn).await? => {
                println!("Demo stays already exist; `roost seed --listings N` adds more.");
                return Ok(());
            }
            None => crate::seed::stays::Plan::DEMO,
        };
        let made = crate::seed::stays_in(&mut conn, &config.data_dir, plan).await?;
        println!(
            "Created {} listings, {} bookings and {} calendar entries.",
            made.listings, made.bookings, made.calendar_entries
        );
        Ok(())
    })
    .await
}

async fn create_admin(config: Config, email: &str) -> anyhow::Result<()> {
    let password = crate::seed::read_password()?;
    with_database(&config, async |url| {
        let mut conn = db::connect(url).await?;
        let id = crate::seed::create_admin(&mut conn, email, &password).await?;
        println!("Administrator {email} created (user id {id}).");
        Ok(())
    })
    .await
}
