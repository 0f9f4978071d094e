//! Which background jobs Roost runs and when: the registry every worker uses and the periodic
//! schedules. Said here, at the application level, so that the job machinery (`crate::jobs`)
//! does not import the features whose jobs it runs.

use std::{sync::Arc, time::Duration};

use crate::{
    bookings, email,
    jobs::{self, Job, JobContext, Registry, Schedule, WorkersHandle},
    payments, reviews,
};

/// Every job the application runs.
pub fn registry() -> Registry {
    Registry::new()
        .register::<email::SendEmail>()
        .register::<jobs::PurgeExpired>()
        .register::<bookings::ExpireHolds>()
        .register::<bookings::AdvanceStays>()
        .register::<bookings::SendCheckInReminders>()
        .register::<payments::IssueRefund>()
        .register::<payments::CaptureCharge>()
        .register::<payments::VoidAuthorization>()
        .register::<reviews::PublishDueReviews>()
        .register::<reviews::SendReviewNotices>()
}

/// The application's periodic jobs.
pub fn schedules() -> Vec<Schedule> {
    vec![
        Schedule {
            name: "purge-expired",
            every: Duration::from_secs(10 * 60),
            kind: jobs::PurgeExpired::KIND,
            // A unit struct is `null` in JSON.
            payload: serde_json::Value::Null,
        },
        Schedule {
            name: "expire-booking-holds",
            every: Duration::from_secs(60),
            kind: bookings::ExpireHolds::KIND,
            payload: serde_json::Value::Null,
        },
        Schedule {
            name: "advance-stays",
            every: Duration::from_secs(15 * 60),
            kind: bookings::AdvanceStays::KIND,
            payload: serde_json::Value::Null,
        },
        Schedule {
            name: "send-check-in-reminders",
            every: Duration::from_secs(60 * 60),
            kind: bookings::SendCheckInReminders::KIND,
            payload: serde_json::Value::Null,
        },
        Schedule {
            name: "publish-due-reviews",
            every: Duration::from_secs(15 * 60),
            kind: reviews::PublishDueReviews::KIND,
            payload: serde_json::Value::Null,
        },
        Schedule {
            name: "send-review-notices",
            every: Duration::from_secs(30 * 60),
            kind: reviews::SendReviewNotices::KIND,
            payload: serde_json::Value::Null,
        },
    ]
}

/// Runs ready jobs until none is left; returns how many ran (tests and `roost seed`).
pub async fn run_pending(ctx: &JobContext) -> anyhow::Result<usize> {
    jobs::run_pending(ctx, Arc::new(registry())).await
}

/// Spawns `count` workers running the application's jobs, and the scheduler of its periodic
/// jobs.
pub fn spawn_workers(ctx: JobContext, count: usize) -> WorkersHandle {
    jobs::spawn_workers(ctx, Arc::new(registry()), schedules(), count)
}
