//! Monitoring: `/metrics` serves the pool, the job queue, emails, webhooks, bookings and
//! payments; every metric name the files under `deploy/` (Prometheus alerts, scrape config,
//! Grafana dashboard) use is one the real `/metrics` serves.

use std::collections::BTreeSet;

use diesel::ExpressionMethods;
use diesel_async::RunQueryDsl;
use roost::schema::jobs;

use crate::support::TestApp;

/// The metric names of an exposition: its samples, and the families it declares (with the
/// series a histogram family implies).
fn served_names(exposition: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in exposition.lines() {
        if let Some(declared) = line.strip_prefix("# TYPE ") {
            let mut parts = declared.split_whitespace();
            if let (Some(name), Some(kind)) = (parts.next(), parts.next()) {
                names.insert(name.to_string());
                if kind == "histogram" {
                    for suffix in ["_bucket", "_sum", "_count"] {
                        names.insert(format!("{name}{suffix}"));
                    }
                }
            }
        } else if !line.starts_with('#') && !line.is_empty() {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            names.insert(name.to_string());
        }
    }
    names
}

/// Every `roost_…` metric name in `text` (lowercase: the environment variables are not).
fn metric_names_in(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut names = BTreeSet::new();
    let mut start = 0;
    while let Some(found) = text[start..].find("roost_") {
        let at = start + found;
        let preceded = at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let end = text[at..]
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .map_or(text.len(), |length| at + length);
        if !preceded {
            names.insert(text[at..end].to_string());
        }
        start = end.max(at + 1);
    }
    names
}

/// The value of `series` (its name and labels, then a space) in an exposition.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in {text}"))
}

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("metrics text")
}

#[tokio::test]
async fn every_metric_the_alerts_and_the_dashboard_use_is_served() {
    let app = TestApp::spawn().await;
    // A request, so that the latency histogram has a series.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let served = served_names(&scrape(&app).await);
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut checked = 0;
    for file in [
        "prometheus.yml",
        "alerts.yml",
        "grafana/roost-dashboard.json",
    ] {
        let text = std::fs::read_to_string(deploy.join(file)).expect("a deploy file");
        if file.ends_with(".json") {
            let dashboard: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert!(
                dashboard["panels"]
                    .as_array()
                    .is_some_and(|p| !p.is_empty()),
                "the dashboard has panels"
            );
        }
        for name in metric_names_in(&text) {
            assert!(
                served.contains(&name),
                "{file} uses `{name}`, which /metrics does not serve: {served:#?}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "the files name the metrics ({checked} checked)"
    );
}

#[tokio::test]
async fn metrics_count_the_queue_the_pool_and_refused_webhooks() {
    let app = TestApp::spawn().await;
    let mut conn = app.pool.get().await.expect("connection");
    for (status, run_at) in [
        ("dead", chrono::Utc::now()),
        (
            "pending",
            chrono::Utc::now() - chrono::Duration::minutes(10),
        ),
        ("pending", chrono::Utc::now() + chrono::Duration::hours(1)),
    ] {
        diesel::insert_into(jobs::table)
            .values((
                jobs::kind.eq("nobody_knows_this_kind"),
                jobs::payload.eq(serde_json::json!({})),
                jobs::status.eq(status),
                jobs::run_at.eq(run_at),
            ))
            .execute(&mut conn)
            .await
            .expect("job");
    }
    let before = scrape(&app).await;
    let refused = app
        .client
        .post(app.url("/payments/webhook/sandbox"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", "t=1,v1=forged")
        .body("{}")
        .send()
        .await
        .expect("webhook");
    assert_eq!(refused.status(), 400);
    let text = scrape(&app).await;
    for line in [
        "roost_jobs{state=\"dead\"} 1",
        "roost_jobs{state=\"ready\"} 1",
        "roost_jobs{state=\"scheduled\"} 1",
        "roost_database_up 1",
        "roost_payment_webhook_events{outcome=\"refused\"} 0",
    ] {
        assert!(text.contains(line), "no `{line}` in {text}");
    }
    let age = sample(&text, "roost_jobs_oldest_ready_age_seconds ");
    assert!((590.0..4000.0).contains(&age), "{age}");
    let signature = "roost_payment_webhook_failures_total{reason=\"signature\"} ";
    assert!(sample(&text, signature) > sample(&before, signature));
    let checkouts = "roost_db_pool_checkouts_total ";
    assert!(sample(&text, checkouts) > sample(&before, checkouts));
    assert!(sample(&text, "roost_db_pool_max_connections ") >= 1.0);
}

#[tokio::test]
async fn metrics_count_emails_and_bookings_by_status() {
    let app = TestApp::spawn().await;
    let mut conn = app.pool.get().await.expect("connection");
    roost::seed::demo_accounts(&mut conn)
        .await
        .expect("accounts");
    roost::seed::stays_in(
        &mut conn,
        app.data_dir.path(),
        roost::seed::stays::Plan {
            listings: 6,
            bookings: 20,
        },
    )
    .await
    .expect("stays");
    for to in ["guest@example.com", "not an address"] {
        let email = roost::email::Email {
            to: to.into(),
            subject: "Hello".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
        };
        roost::email::send_later(&mut conn, &email)
            .await
            .expect("queue");
    }
    let before = scrape(&app).await;
    app.run_jobs().await;
    let text = scrape(&app).await;
    for series in ["roost_emails_sent_total ", "roost_emails_failed_total "] {
        assert!(sample(&text, series) > sample(&before, series), "{series}");
    }
    let bookings: f64 = text
        .lines()
        .filter(|line| line.starts_with("roost_bookings{status="))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    let stored: i64 = {
        use diesel::QueryDsl;
        roost::schema::bookings::table
            .count()
            .get_result(&mut conn)
            .await
            .expect("count")
    };
    assert!(stored > 0);
    assert_eq!(bookings, stored as f64, "{text}");
}

#[tokio::test]
async fn production_logs_are_json_lines() {
    use std::process::Stdio;
    let database = crate::support::fresh_database().await;
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let port = crate::support::free_port();
    let log_path = data_dir.path().join("roost.log");
    let mut roost = std::process::Command::new(env!("CARGO_BIN_EXE_roost"))
        .arg("serve")
        .current_dir(data_dir.path())
        .env("ROOST_ENV", "production")
        .env(
            "ROOST_SECRET_KEY",
            "9f2c4e71b08d3a56e1c7f04b29d86a3e5b71c0f9d24e8a613c5b07f2e94d1a8c6",
        )
        .env("ROOST_BASE_URL", "https://roost.example.com")
        .env("ROOST_ALLOW_UNSAFE_DEPLOY", "1")
        .env("DATABASE_URL", &*database)
        .env("ROOST_DATA_DIR", data_dir.path())
        .env("ROOST_BIND", format!("127.0.0.1:{port}"))
        .env(
            "ROOST_METRICS_BIND",
            format!("127.0.0.1:{}", crate::support::free_port()),
        )
        .env("RUST_LOG", "info")
        // A file, not a pipe nobody reads while the test waits (see `start_roost`).
        .stdout(Stdio::from(
            std::fs::File::create(&log_path).expect("create the log file"),
        ))
        .stderr(Stdio::null())
        .spawn()
        .expect("start roost");
    let serving = crate::foundation::wait_until_serving(port).await;
    crate::foundation::terminate(&mut roost);
    let logs = std::fs::read_to_string(&log_path).expect("read the logs");
    assert!(serving, "{logs}");
    let lines: Vec<&str> = logs.lines().filter(|line| !line.is_empty()).collect();
    assert!(
        lines.iter().any(|line| line.contains("Roost is ready")),
        "{logs}"
    );
    for line in lines {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(entry["level"].is_string(), "{line}");
        assert!(entry["timestamp"].is_string(), "{line}");
    }
}
