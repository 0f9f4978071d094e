//! `roost check-deploy`'s checks of what the configuration alone cannot tell
//! ([`Config::deployment_problems`] covers that): the database answers and is migrated, the
//! data directory takes files, and the server allows the connections Roost's pools open.

use diesel::{QueryableByName, sql_types::Text};
use diesel_async::RunQueryDsl;

use crate::{cli, config::Config, db};

/// Problems of the machine and the database, one line each.
pub async fn environment_problems(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(problem) = data_dir_problem(config).await {
        problems.push(problem);
    }
    // Without DATABASE_URL the configuration check already objects (the embedded cluster is
    // for development); starting it here would only hide that.
    if let Some(url) = &config.database_url {
        problems.extend(database_problems(url).await);
    }
    problems
}

/// Whether the uploads folder of the data directory takes a file.
async fn data_dir_problem(config: &Config) -> Option<String> {
    let uploads = config.data_dir.join("uploads");
    let probe = uploads.join(format!(".check-deploy-{}", uuid::Uuid::new_v4().simple()));
    let outcome = async {
        tokio::fs::create_dir_all(&uploads).await?;
        tokio::fs::write(&probe, b"roost check-deploy").await?;
        tokio::fs::remove_file(&probe).await
    }
    .await;
    outcome.err().map(|error| {
        format!(
            "ROOST_DATA_DIR ({}) is not writable: {error}",
            config.data_dir.display()
        )
    })
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    setting: String,
}

async fn database_problems(url: &str) -> Vec<String> {
    let mut conn = match db::connect(url).await {
        Ok(conn) => conn,
        Err(error) => {
            return vec![format!(
                "the database (DATABASE_URL) is unreachable: {error}"
            )];
        }
    };
    let mut problems = Vec::new();
    match (
        db::applied_migration_level(url).await,
        db::latest_known_migration(),
    ) {
        (Ok(None), _) => {
            problems.push("the database has no migrations applied: run `roost migrate`".to_string())
        }
        (Ok(Some(applied)), Ok(latest)) if applied < latest => problems.push(format!(
            "the database is at migration {applied}, this Roost's latest is {latest}: run \
             `roost migrate`"
        )),
        (Ok(Some(applied)), Ok(latest)) if applied > latest => problems.push(format!(
            "the database is at migration {applied}, newer than this Roost's latest ({latest}): \
             deploy the Roost that migrated it"
        )),
        (Ok(Some(_)), Ok(_)) => {}
        (Err(error), _) | (_, Err(error)) => {
            problems.push(format!("cannot read the database's migrations: {error:#}"))
        }
    }
    let settings: Result<Vec<Setting>, _> = diesel::sql_query(
        "SELECT setting FROM pg_settings \
         WHERE name IN ('max_connections', 'superuser_reserved_connections') ORDER BY name",
    )
    .load(&mut conn)
    .await;
    let numbers: Option<Vec<usize>> = settings.ok().and_then(|rows| {
        rows.iter()
            .map(|row| row.setting.parse().ok())
            .collect::<Option<Vec<usize>>>()
    });
    match numbers.as_deref() {
        Some(&[max_connections, reserved]) => problems.extend(pool_problem(
            max_connections,
            reserved,
            connections_needed(),
        )),
        _ => problems.push("cannot read the database's max_connections".to_string()),
    }
    problems
}

/// Connections one `roost serve` and one `roost worker` open at most on this machine.
fn connections_needed() -> usize {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    cli::serve_connections(threads) + cli::worker_connections()
}

/// Whether the server's connection limit leaves room for Roost's pools (a serve and a worker,
/// and a few for `psql`, backups and migrations).
fn pool_problem(max_connections: usize, reserved: usize, needed: usize) -> Option<String> {
    const HEADROOM: usize = 5;
    let available = max_connections.saturating_sub(reserved);
    (needed + HEADROOM > available).then(|| {
        format!(
            "the database allows {available} connections (max_connections {max_connections} \
             less {reserved} reserved) but one `roost serve` and one `roost worker` open up to \
             {needed}, plus {HEADROOM} to spare: raise max_connections or put PgBouncer in front"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_must_fit_in_the_servers_connection_limit() {
        assert_eq!(pool_problem(100, 3, 40), None);
        let tight = pool_problem(40, 3, 36).expect("too many");
        assert!(tight.contains("allows 37 connections"), "{tight}");
        assert!(pool_problem(20, 3, 30).is_some());
    }
}
