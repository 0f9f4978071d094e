//! `PurgeExpired`: the periodic clean-up of rows that have outlived their use.

use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};

use super::{Job, JobContext};
use crate::db;

/// Deletes expired sessions, account tokens a day after they expired (so that a late click
/// still gets "this link has expired" rather than "invalid link"), throttle windows older than
/// a day, and dead jobs 30 days after their last attempt. Deleting what is already gone
/// changes nothing, so running it twice is harmless.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct PurgeExpired;

/// Each clean-up and what it is called in the log.
const PURGES: [(&str, &str); 4] = [
    ("sessions", "DELETE FROM sessions WHERE expires_at < now()"),
    (
        "account_tokens",
        "DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day'",
    ),
    (
        "throttle_buckets",
        "DELETE FROM throttle_buckets WHERE window_start < now() - interval '1 day'",
    ),
    (
        // A dead job's run_at is its last failure (plus its backoff): count from there, not
        // from when it was created.
        "dead_jobs",
        "DELETE FROM jobs WHERE status = 'dead' AND run_at < now() - interval '30 days'",
    ),
];

impl Job for PurgeExpired {
    const KIND: &'static str = "purge_expired";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        for (what, sql) in PURGES {
            let deleted = diesel::sql_query(sql).execute(&mut conn).await?;
            if deleted > 0 {
                tracing::info!(what, deleted, "expired rows purged");
            }
        }
        Ok(())
    }
}
