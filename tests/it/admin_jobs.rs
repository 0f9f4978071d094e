//! The job queue in the admin console: counts by kind and state, dead jobs with their last
//! error, retry (queued again from its first attempt) and discard (deleted, with a reason),
//! each in sudo mode and in the audit log.

use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::jobs;

use crate::{
    admin::{audit_rows, confirm},
    fixtures,
    support::TestApp,
};

/// A dead job of `kind` (which no worker knows) after `attempts` attempts.
async fn dead_job(app: &TestApp, kind: &str, attempts: i32) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(serde_json::json!({ "secret": "link?token=abc" })),
            jobs::status.eq("dead"),
            jobs::attempts.eq(attempts),
            jobs::last_error.eq(Some("SMTP said no")),
        ))
        .returning(jobs::id)
        .get_result(&mut conn)
        .await
        .expect("job")
}

async fn job(app: &TestApp, id: i64) -> Option<(String, i32, Option<String>)> {
    let mut conn = app.pool.get().await.expect("connection");
    jobs::table
        .find(id)
        .select((jobs::status, jobs::attempts, jobs::last_error))
        .first(&mut conn)
        .await
        .optional()
        .expect("job")
}

#[tokio::test]
async fn retry_turns_a_dead_job_back_to_queued_and_discard_deletes_one() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let first = dead_job(&app, "mystery_job", 8).await;
    let second = dead_job(&app, "mystery_job", 8).await;

    let page = browser
        .get("/admin/jobs?state=dead")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("mystery_job") && page.contains("SMTP said no"));
    assert!(!page.contains("token=abc"), "payloads are not shown");
    assert!(page.contains("Showing 1–2 of 2"));

    let retry = format!("/admin/jobs/{first}/retry");
    let early = browser.submit("/admin/jobs", &retry, &[]).await;
    assert_eq!(early.status(), 303);
    assert_eq!(job(&app, first).await.expect("job").0, "dead");
    confirm(&browser).await;
    let done = browser.submit("/admin/jobs", &retry, &[]).await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        job(&app, first).await,
        Some(("pending".into(), 0, Some("SMTP said no".into()))),
        "queued again from its first attempt"
    );
    let again = browser.submit("/admin/jobs", &retry, &[]).await;
    assert_eq!(again.status(), 409, "only a dead job is retried");
    // It runs again: no worker knows its kind, so it dies again with a new error.
    app.run_jobs().await;
    let (status, attempts, error) = job(&app, first).await.expect("job");
    assert_eq!((status.as_str(), attempts), ("dead", 1));
    assert!(error.expect("error").contains("no job kind"));

    let discard = format!("/admin/jobs/{second}/discard");
    let no_reason = browser.submit("/admin/jobs", &discard, &[]).await;
    assert_eq!(no_reason.status(), 422);
    assert!(job(&app, second).await.is_some());
    let gone = browser
        .submit("/admin/jobs", &discard, &[("reason", "address is gone")])
        .await;
    assert_eq!(gone.status(), 303);
    assert!(job(&app, second).await.is_none());
    let missing = browser
        .submit("/admin/jobs", &discard, &[("reason", "twice")])
        .await;
    assert_eq!(missing.status(), 404);

    assert_eq!(audit_rows(&app).await, 2);
    let audit = browser
        .get("/admin/audit?object_type=job")
        .await
        .text()
        .await
        .expect("audit");
    assert!(audit.contains("job.retry") && audit.contains("job.discard"));
    assert!(audit.contains("address is gone"));
    let counts = browser.get("/admin/jobs").await.text().await.expect("page");
    assert!(counts.contains("mystery_job"));
}
