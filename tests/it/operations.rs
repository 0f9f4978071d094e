//! Running Roost: production refuses settings that lose money or mail, the sandbox does not
//! exist there, `/metrics` is not public, a database outage is a 503 for signed-in visitors
//! too, and the embedded cluster never outlives the Roost that owns it.

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use chrono::Utc;
use diesel::QueryDsl;
use diesel_async::RunQueryDsl;
use roost::{
    config::{Environment, MetricsBind},
    db::embedded::{ClusterOptions, EmbeddedCluster},
    payments::{gateway::PaymentGateway, sandbox::Sandbox},
    schema::payment_events,
};

use crate::{
    fixtures,
    foundation::{roost_log, shm, start_roost, terminate, wait_until_serving},
    support::{self, TestApp},
};

const SECRET: &str = "an-example-secret-key-that-is-long-enough-for-production-use-1234";

fn production_roost(command: &str) -> Command {
    let mut roost = Command::new(env!("CARGO_BIN_EXE_roost"));
    roost
        .arg(command)
        .env("ROOST_ENV", "production")
        .env("ROOST_SECRET_KEY", SECRET)
        .env("ROOST_BASE_URL", "https://roost.example.com")
        // Nobody listens there: a Roost that got past its checks fails on the database.
        .env(
            "DATABASE_URL",
            format!(
                "postgres://roost:x@127.0.0.1:{}/roost",
                support::free_port()
            ),
        )
        .env("ROOST_BIND", format!("127.0.0.1:{}", support::free_port()))
        .env(
            "ROOST_METRICS_BIND",
            format!("127.0.0.1:{}", support::free_port()),
        )
        .env_remove("ROOST_SMTP_URL")
        .env_remove("ROOST_PAYMENTS")
        .env_remove("ROOST_ALLOW_UNSAFE_DEPLOY");
    roost
}

#[tokio::test]
async fn production_refuses_to_start_with_sandbox_payments_and_no_smtp_unless_overridden() {
    for command in ["serve", "worker"] {
        let output = production_roost(command).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("refusing to start in production"),
            "{stderr}"
        );
        assert!(stderr.contains("ROOST_PAYMENTS is `sandbox`"), "{stderr}");
        assert!(stderr.contains("ROOST_SMTP_URL is not set"), "{stderr}");
        assert!(stderr.contains("ROOST_ALLOW_UNSAFE_DEPLOY=1"), "{stderr}");
    }
    let overridden = production_roost("serve")
        .env("ROOST_ALLOW_UNSAFE_DEPLOY", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&overridden.stderr);
    assert!(!stderr.contains("refusing to start"), "{stderr}");
    assert!(!overridden.status.success(), "it went on, to the database");
}

#[tokio::test]
async fn the_sandbox_webhook_does_not_exist_in_production() {
    let app = TestApp::spawn_with_config(|config| {
        config.environment = Environment::Production;
        config.secret_key = Some(SECRET.into());
        config.allow_unsafe_deploy = true;
    })
    .await;
    // An event signed exactly as the sandbox signs its own.
    let body = serde_json::json!({
        "id": "evt_forged",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": Utc::now().timestamp(),
        "data": { "object": { "id": "sbx_pi_1", "object": "payment_intent", "amount": 100,
                              "currency": "eur", "status": "succeeded", "metadata": {} } },
    })
    .to_string();
    let sandbox = Sandbox::new(&app.config);
    let signature = roost::payments::signature::sign(
        sandbox.webhook_secret(),
        Utc::now().timestamp(),
        body.as_bytes(),
    );
    let response = reqwest::Client::new()
        .post(app.url("/payments/webhook/sandbox"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let mut conn = app.pool.get().await.unwrap();
    let stored: i64 = payment_events::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored, 0, "no event was recorded");
}

#[tokio::test]
async fn metrics_on_their_own_listener_are_not_served_beside_the_pages() {
    let app = TestApp::spawn_with_config(|config| {
        config.metrics_bind = MetricsBind::Separate("127.0.0.1:0".parse().unwrap());
    })
    .await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/metrics").await.status(), 404);
    let port = app.metrics_port.expect("a metrics listener");
    let client = support::browser();
    let metrics = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(
            "roost_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "the site's requests are counted: {text}"
    );
    let page = client
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404, "nothing else on the metrics listener");
}

#[tokio::test]
async fn metrics_ask_for_the_bearer_token_when_one_is_set() {
    let token = "a-metrics-token-of-thirty-two-chars-or-more";
    let app = TestApp::spawn_with_config(|config| {
        config.metrics_token = Some(token.into());
    })
    .await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("a-metrics-token-of-thirty-two-chars-or-less")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("roost_http_requests_total")
    );
}

/// A cluster of this test's own (it stops it; the shared one must stay up), with Roost's
/// database migrated.
async fn private_cluster(prefix: &str) -> (tempfile::TempDir, EmbeddedCluster) {
    let root = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(shm())
        .unwrap();
    let cluster = EmbeddedCluster::start(
        root.path(),
        ClusterOptions {
            unsafe_fast: true,
            port: None,
            track_statements: false,
        },
    )
    .await
    .expect("private cluster");
    roost::startup::create_database(&cluster.database_url("postgres"), "roost")
        .await
        .unwrap();
    roost::db::migrate(&cluster.database_url("roost"))
        .await
        .unwrap();
    (root, cluster)
}

#[tokio::test]
async fn a_signed_in_visitor_gets_the_503_page_while_the_database_is_down() {
    let (_root, mut cluster) = private_cluster("roost-outage-").await;
    let app = TestApp::spawn_on(cluster.database_url("roost"), None).await;
    let (_, me) = fixtures::signed_in(&app, "sam@example.com", false).await;
    assert_eq!(me.get("/account").await.status(), 200);

    cluster.stop().await.unwrap();
    let started = Instant::now();
    let page = me
        .client
        .get(me.url("/account"))
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .expect("an answer, not a hang");
    assert_eq!(page.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.unwrap();
    assert!(html.contains("We&#39;ll be right back"), "{html}");
    assert!(html.contains("<html"), "a whole page");

    let fragment = me
        .client
        .get(me.url("/account"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(fragment.status(), 503);
    let html = fragment.text().await.unwrap();
    assert!(html.contains("We&#39;ll be right back"), "{html}");
    assert!(!html.contains("<html"), "a fragment for htmx");

    // The API's answer is a problem document (RFC 9457) with Retry-After.
    let api = me.get("/api/v1/me/wishlist").await;
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["retry-after"], "5");
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let json: serde_json::Value = api.json().await.expect("JSON for the API");
    assert_eq!(json["status"], 503);
    assert_eq!(json["type"], "/api/problems/unavailable");

    cluster.restart().await.unwrap();
    let mut healed = false;
    for _ in 0..50 {
        if me.get("/account").await.status() == 200 {
            healed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healed, "still signed in once the database is back");
    cluster.stop().await.unwrap();
}

/// Stops the cluster under `pgdata` when dropped, so a failed test leaves no server behind.
struct StopCluster(PathBuf);

impl Drop for StopCluster {
    fn drop(&mut self) {
        roost::db::embedded::force_stop(&self.0);
    }
}

#[tokio::test]
async fn a_cluster_left_running_by_a_killed_roost_is_adopted_and_stopped_by_the_next() {
    let data_dir = tempfile::Builder::new()
        .prefix("roost-adopt-")
        .tempdir_in(shm())
        .unwrap();
    let pgdata = data_dir.path().join("postgres");
    let _guard = StopCluster(pgdata.clone());
    let port = support::free_port();
    let mut first = start_roost(data_dir.path(), port);
    assert!(
        wait_until_serving(port).await,
        "the first Roost serves: {}",
        roost_log(data_dir.path())
    );
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        pgdata.join("postmaster.pid").exists(),
        "the cluster outlived the killed Roost"
    );

    let port = support::free_port();
    let mut second = start_roost(data_dir.path(), port);
    assert!(
        wait_until_serving(port).await,
        "the next Roost serves on that cluster: {}",
        roost_log(data_dir.path())
    );
    assert!(terminate(&mut second).success());
    assert!(
        !pgdata.join("postmaster.pid").exists(),
        "the Roost that adopted the cluster stopped it on SIGTERM"
    );
}
