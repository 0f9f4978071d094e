//! The idle timeout of a signed-in session, kept with one write a minute at most.
//!
//! actix-identity's own visit deadline rewrites its timestamp on every request, so every
//! signed-in page view ended with an `UPDATE` of the session row. Here the mark moves only once
//! it is a minute old: the timeout is still enforced to the minute, and a signed-in reader's
//! requests send no write at all in between.

use std::time::Duration;

use actix_session::SessionExt;
use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use chrono::Utc;

use crate::{app::IDLE_TIMEOUT, web::session_store::USER_ID_KEY};

/// The session-state key of the last request's time (Unix seconds), set while signed in.
pub const SEEN_AT_KEY: &str = "seen_at";
/// How stale the mark may grow before a request moves it.
const REFRESH_AFTER: Duration = Duration::from_secs(60);

/// What a request does to a signed-in session, from the time of its last mark.
#[derive(Debug, PartialEq, Eq)]
enum Visit {
    /// Idle for longer than the timeout: signed out.
    Expired,
    /// The mark is a minute old (or missing, right after log-in): move it to now.
    Refresh,
    /// Recent enough: nothing to write.
    Fresh,
}

fn visit(seen_at: Option<i64>, now: i64) -> Visit {
    match seen_at {
        Some(seen) if now - seen > IDLE_TIMEOUT.as_secs() as i64 => Visit::Expired,
        Some(seen) if now - seen < REFRESH_AFTER.as_secs() as i64 => Visit::Fresh,
        _ => Visit::Refresh,
    }
}

/// Runs between the session and identity middleware: an idle session is purged before
/// identity reads who is signed in.
pub async fn expire(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let session = req.get_session();
    let signed_in = session.contains_key(USER_ID_KEY);
    if signed_in {
        let now = Utc::now().timestamp();
        let seen_at = session.get::<i64>(SEEN_AT_KEY).ok().flatten();
        match visit(seen_at, now) {
            Visit::Expired => session.purge(),
            Visit::Refresh => {
                // A state that cannot be serialised is impossible for an i64; if it were, the
                // mark would simply move on the next request.
                let _ = session.insert(SEEN_AT_KEY, now);
            }
            Visit::Fresh => {}
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_moves_once_a_minute_and_a_half_hour_of_silence_signs_out() {
        let now = 1_000_000;
        assert_eq!(visit(None, now), Visit::Refresh, "just signed in");
        assert_eq!(visit(Some(now - 59), now), Visit::Fresh);
        assert_eq!(visit(Some(now - 60), now), Visit::Refresh);
        assert_eq!(visit(Some(now - 30 * 60), now), Visit::Refresh);
        assert_eq!(visit(Some(now - 30 * 60 - 1), now), Visit::Expired);
    }
}
