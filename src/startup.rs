//! Start-up: logging, the database (given or embedded), migrations and the secret key.

use std::path::Path;

use actix_web::cookie::Key;
use diesel::{QueryableByName, sql_types::Text};
use diesel_async::RunQueryDsl;
use rand::{Rng, distr::Alphanumeric};

use crate::{
    config::Config,
    db::{
        self,
        embedded::{ClusterOptions, EmbeddedCluster},
    },
};

/// Name of the application database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "roost";

/// Structured logs: JSON in production, compact text in development; `RUST_LOG` filters.
pub fn init_tracing(production: bool) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let result = if production {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.compact().try_init()
    };
    // A second initialisation (tests) keeps the first subscriber.
    let _ = result;
}

/// The database to use and, when Roost runs it, the embedded cluster.
pub struct Database {
    pub url: String,
    pub cluster: Option<EmbeddedCluster>,
}

/// Uses `DATABASE_URL` when set; otherwise starts (or reuses) the embedded cluster and makes
/// sure its application database exists.
pub async fn database(config: &Config) -> anyhow::Result<Database> {
    if let Some(url) = &config.database_url {
        return Ok(Database {
            url: url.clone(),
            cluster: None,
        });
    }
    let cluster = EmbeddedCluster::start(
        &config.data_dir,
        ClusterOptions {
            track_statements: true,
            ..ClusterOptions::default()
        },
    )
    .await?;
    if let Err(error) = create_database(&cluster.database_url("postgres"), EMBEDDED_DATABASE).await
    {
        cluster.shutdown().await;
        return Err(error);
    }
    Ok(Database {
        url: cluster.database_url(EMBEDDED_DATABASE),
        cluster: Some(cluster),
    })
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    datname: String,
}

/// Creates `name` on the server behind `admin_url` unless it exists.
pub async fn create_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = db::connect(admin_url).await?;
    let existing: Vec<Name> =
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(name)
            .load(&mut conn)
            .await?;
    if existing.is_empty() {
        // Identifiers cannot be bound; `name` is ours, but quote it all the same.
        diesel::sql_query(format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")))
            .execute(&mut conn)
            .await?;
        tracing::info!(database = name, "database created");
    }
    Ok(())
}

/// The key that signs and encrypts cookies: `ROOST_SECRET_KEY`, or in development one generated
/// once per data directory.
pub fn secret_key(config: &Config) -> anyhow::Result<Key> {
    let secret = match &config.secret_key {
        Some(secret) => secret.clone(),
        None if config.is_production() => anyhow::bail!("ROOST_SECRET_KEY is required"),
        None => development_secret(&config.data_dir)?,
    };
    Ok(Key::derive_from(secret.as_bytes()))
}

fn development_secret(data_dir: &Path) -> anyhow::Result<String> {
    use std::{fs::OpenOptions, io::Write, os::unix::fs::OpenOptionsExt};
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join("secret_key");
    if let Ok(secret) = std::fs::read_to_string(&path)
        && secret.trim().len() >= crate::config::MIN_SECRET_KEY_LEN
    {
        return Ok(secret.trim().to_string());
    }
    let secret: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect();
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(secret.as_bytes())?;
    Ok(secret)
}
