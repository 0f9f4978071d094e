//! The command line (DESIGN.md §2): `serve` (default), `worker`, `migrate`, `seed`,
//! `create-admin`, `check-deploy`.

use std::{net::TcpListener, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};

use crate::{
    app::{self, ServerParts},
    config::Config,
    db, startup,
};

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
}

/// Runs the command and turns its outcome into an exit code with a readable message.
pub async fn run(cli: Cli) -> ExitCode {
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
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::CheckDeploy => return check_deploy(&config),
        Command::Worker => Err(anyhow::anyhow!(
            "the background job queue is not built yet (it arrives with the accounts feature)"
        )),
        Command::Seed { .. } => Err(anyhow::anyhow!(
            "demo data is not built yet (it arrives with the accounts and listings features)"
        )),
        Command::CreateAdmin { .. } => Err(anyhow::anyhow!(
            "accounts are not built yet (they arrive with the accounts feature)"
        )),
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

async fn serve_with(config: Arc<Config>, database_url: &str) -> anyhow::Result<()> {
    let applied = db::migrate(database_url).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    let pool = db::pool(database_url, 16)?;
    let secret_key = startup::secret_key(&config)?;
    let listener = TcpListener::bind(config.bind)
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.bind))?;
    tracing::info!(
        "Roost is ready at http://{} (press Ctrl-C to stop)",
        listener.local_addr()?
    );
    let server = app::server(
        ServerParts {
            config,
            pool,
            secret_key,
            workers: None,
            extra_routes: None,
        },
        listener,
    )?;
    server.await?;
    tracing::info!("Roost stopped");
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

fn check_deploy(config: &Config) -> ExitCode {
    let problems = config.deployment_problems();
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
