//! The foundation: pages, error pages, security headers, CSRF, probes, metrics, outages and the
//! embedded PostgreSQL cluster.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use actix_web::{HttpResponse, web};
use diesel_async::RunQueryDsl;
use roost::db::embedded::{ClusterOptions, EmbeddedCluster};

use crate::{
    stays::attribute,
    support::{self, TestApp},
};

#[tokio::test]
async fn the_home_page_renders_with_the_site_layout() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<header class=\"site-header\""));
    assert!(html.contains("Find a place that feels like yours"));
    assert!(html.contains("<footer class=\"site-footer\""));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/healthz", "/does-not-exist", "/static/css/roost.css"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
    }
    // Also on a CSRF rejection, which a middleware produces before any route runs.
    let rejected = app.post_form("/logout", &[]).await;
    assert!(rejected.headers().contains_key("content-security-policy"));
}

/// htmx never sets an inline style, which the CSP refuses (`style-src 'self'`): it keeps no
/// history snapshot, so Back after live filtering reloads the page from the server instead of
/// swapping it in, and no swap copies `style` attributes from the old elements to the new ones.
#[tokio::test]
async fn htmx_restores_history_and_settles_swaps_without_inline_styles() {
    let app = TestApp::spawn().await;
    for path in ["/", "/search"] {
        let html = app.get(path).await.text().await.expect("body");
        let content = attribute(&html, r#"meta[name="htmx-config"]"#, "content")
            .unwrap_or_else(|| panic!("{path} has no htmx-config"));
        let config: serde_json::Value =
            serde_json::from_str(&content).expect("htmx-config is JSON");
        assert_eq!(config["historyCacheSize"], 0, "{path}");
        assert_eq!(config["refreshOnHistoryMiss"], true, "{path}");
        let settled = config["attributesToSettle"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: attributesToSettle is htmx's default, with style"));
        assert!(settled.iter().any(|name| name == "class"), "{path}");
        assert!(!settled.iter().any(|name| name == "style"), "{path}");
    }
}

#[tokio::test]
async fn a_post_without_a_csrf_token_is_refused_with_403() {
    let app = TestApp::spawn().await;
    let response = app.post_form("/logout", &[("name", "x")]).await;
    assert_eq!(response.status(), 403);
    let html = response.text().await.unwrap();
    assert!(html.contains("This form has expired"), "{html}");
}

#[tokio::test]
async fn a_post_with_a_wrong_csrf_token_is_refused_with_403() {
    let app = TestApp::spawn().await;
    let response = app.post_form("/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(response.status(), 403);
    let by_header = app
        .client
        .post(app.url("/logout"))
        .header("X-CSRF-Token", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 403);
}

#[tokio::test]
async fn an_unknown_page_gets_the_friendly_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("site-header"), "the 404 page uses the layout");
}

#[tokio::test]
async fn an_htmx_request_gets_an_error_fragment_not_a_page() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(!html.contains("<html"), "a fragment, not a page: {html}");
}

fn failing_routes(cfg: &mut web::ServiceConfig) {
    async fn explode() -> Result<HttpResponse, roost::errors::AppError> {
        Err(roost::errors::AppError::internal(anyhow::anyhow!(
            "secret internal detail"
        )))
    }
    cfg.route("/test/explode", web::get().to(explode));
}

#[tokio::test]
async fn an_internal_error_gets_the_500_page_without_its_details() {
    let app = TestApp::spawn_with(Some(failing_routes)).await;
    let response = app.get("/test/explode").await;
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let html = response.text().await.unwrap();
    assert!(html.contains("Something went wrong"));
    assert!(!html.contains("secret internal detail"));
    assert!(html.contains(&request_id), "the page shows the reference");
}

#[tokio::test]
async fn static_assets_have_etags_and_long_cache_lifetimes() {
    let app = TestApp::spawn().await;
    let home = app.get("/").await.text().await.unwrap();
    let css_url = home
        .split("href=\"")
        .find_map(|part| part.split('"').next().filter(|u| u.contains("roost.css")))
        .expect("stylesheet link")
        .replace("&#x3d;", "=");
    assert!(css_url.contains("?v="), "{css_url}");
    let response = app.get(&css_url).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let again = app
        .client
        .get(app.url(&css_url))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let htmx = app.get("/static/vendor/htmx.min.js").await;
    assert_eq!(htmx.status(), 200);
}

#[tokio::test]
async fn metrics_count_the_requests_just_made() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    app.get("/missing-page").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(
            "roost_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 3"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("status=\"404\""), "{metrics}");
    assert!(metrics.contains("roost_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"+Inf\"} 3"));
}

#[tokio::test]
async fn readyz_fails_while_the_database_is_down_and_heals_when_it_returns() {
    // This test stops its database, so it runs its own cluster rather than the shared one.
    let root = tempfile::Builder::new()
        .prefix("roost-readyz-")
        .tempdir_in(shm())
        .unwrap();
    let mut cluster = EmbeddedCluster::start(
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
    let app = TestApp::spawn_on(cluster.database_url("roost"), None).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(app.get("/").await.status(), 200);

    cluster.stop().await.unwrap();
    let quick = support::browser();
    for path in ["/readyz", "/"] {
        let started = Instant::now();
        let response = quick
            .get(app.url(path))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .expect("an answer within 2 s, not a hang");
        assert_eq!(response.status(), 503, "{path}");
        assert!(started.elapsed() < Duration::from_secs(2));
        if path == "/" {
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("We&#39;ll be right back")
            );
        }
    }

    cluster.restart().await.unwrap();
    let healed = wait_for_status(&app, "/readyz", 200).await;
    assert!(healed, "readyz recovers without restarting Roost");
    assert_eq!(app.get("/").await.status(), 200);
    cluster.stop().await.unwrap();
}

async fn wait_for_status(app: &TestApp, path: &str, status: u16) -> bool {
    for _ in 0..50 {
        if app.get(path).await.status() == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub(crate) fn shm() -> std::path::PathBuf {
    if std::path::Path::new("/dev/shm").is_dir() {
        "/dev/shm".into()
    } else {
        std::env::temp_dir()
    }
}

/// Starts the real `roost` binary with no DATABASE_URL. Its output goes to
/// `roost.log` in the data directory, never to a pipe: nobody reads a pipe while
/// the test waits, and once its 64 KiB fill (the demo seed's e-mails alone log
/// ~30 KiB) every log line blocks a worker and Roost stops answering.
pub(crate) fn start_roost(data_dir: &std::path::Path, port: u16) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(roost_log_path(data_dir))
        .expect("open the log file");
    Command::new(env!("CARGO_BIN_EXE_roost"))
        .env_remove("DATABASE_URL")
        .env("ROOST_DATA_DIR", data_dir)
        .env("ROOST_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(log.try_clone().expect("share the log file")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start roost")
}

fn roost_log_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("roost.log")
}

/// What Roost started by [`start_roost`] printed, for a failed assertion's message.
pub(crate) fn roost_log(data_dir: &std::path::Path) -> String {
    std::fs::read_to_string(roost_log_path(data_dir)).unwrap_or_else(|error| error.to_string())
}

/// Waits up to two minutes for `/readyz`: a first start runs initdb, the
/// migrations and the demo seed, which takes seconds alone but far longer while
/// the rest of the suite loads both cores.
pub(crate) async fn wait_until_serving(port: u16) -> bool {
    let client = support::browser();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            && response.status() == 200
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub(crate) fn terminate(child: &mut Child) -> std::process::ExitStatus {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    child.wait().unwrap()
}

fn embedded_url(data_dir: &std::path::Path) -> String {
    let password = std::fs::read_to_string(data_dir.join("postgres-password")).unwrap();
    let pid_file = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).unwrap();
    let port = pid_file.lines().nth(3).unwrap().trim();
    format!(
        "postgres://roost:{}@127.0.0.1:{port}/roost",
        password.trim()
    )
}

#[tokio::test]
async fn the_embedded_cluster_starts_stops_with_roost_and_is_reused() {
    let data_dir = tempfile::Builder::new()
        .prefix("roost-embedded-")
        .tempdir_in(shm())
        .unwrap();
    let port = support::free_port();
    let mut first = start_roost(data_dir.path(), port);
    assert!(
        wait_until_serving(port).await,
        "roost serves with an embedded cluster: {}",
        roost_log(data_dir.path())
    );
    assert_eq!(
        support::browser()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Leave a mark in the database to find it again after a restart.
    let mut conn = roost::db::connect(&embedded_url(data_dir.path()))
        .await
        .unwrap();
    diesel::sql_query("CREATE TABLE reuse_marker (id int)")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);

    let status = terminate(&mut first);
    assert!(status.success(), "a clean stop on SIGTERM: {status:?}");
    assert!(
        !data_dir.path().join("postgres/postmaster.pid").exists(),
        "the cluster stopped with Roost"
    );

    let port = support::free_port();
    let mut second = start_roost(data_dir.path(), port);
    assert!(
        wait_until_serving(port).await,
        "roost starts again on the same data: {}",
        roost_log(data_dir.path())
    );
    let mut conn = roost::db::connect(&embedded_url(data_dir.path()))
        .await
        .unwrap();
    let found = diesel::sql_query("SELECT id FROM reuse_marker")
        .execute(&mut conn)
        .await;
    assert!(found.is_ok(), "the data of the first run is still there");
    drop(conn);
    assert!(terminate(&mut second).success());
}

#[tokio::test]
async fn without_postgresql_binaries_roost_says_what_to_install_and_fails() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_roost"))
        .env_remove("DATABASE_URL")
        .env("ROOST_DATA_DIR", data_dir.path())
        .env("ROOST_POSTGRES_BIN", "/nonexistent")
        .env("ROOST_BIND", format!("127.0.0.1:{}", support::free_port()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no PostgreSQL server binaries found"),
        "{stderr}"
    );
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
}

#[tokio::test]
async fn a_bad_configuration_variable_is_named_at_start_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_roost"))
        .env("ROOST_BIND", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ROOST_BIND"), "{stderr}");
}

#[tokio::test]
async fn check_deploy_fails_on_development_settings() {
    let output = Command::new(env!("CARGO_BIN_EXE_roost"))
        .arg("check-deploy")
        .env_remove("ROOST_ENV")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ROOST_ENV is not `production`"), "{stderr}");
}

#[tokio::test]
async fn a_session_that_cannot_be_saved_after_the_request_does_not_fail_the_answer() {
    use actix_session::storage::{SessionKey, SessionStore};
    // A pool whose database is unreachable: what a burst that drained the pool, or an outage
    // starting mid-request, looks like to the store once the handler's work has committed.
    let pool = roost::db::pool("postgres://roost:roost@127.0.0.1:9/roost", 1).unwrap();
    let store = roost::web::session_store::PgSessionStore::new(pool);
    let key: SessionKey = "k".repeat(43).try_into().unwrap();
    let ttl = actix_web::cookie::time::Duration::minutes(30);
    let state = std::collections::HashMap::from([("flash".to_string(), "\"hi\"".to_string())]);
    let kept = store.update(key, state, &ttl).await;
    assert!(kept.is_ok(), "{:?}", kept.err());
    let key: SessionKey = "k".repeat(43).try_into().unwrap();
    assert!(store.update_ttl(&key, &ttl).await.is_ok());
}

#[tokio::test]
async fn a_test_database_is_dropped_when_its_test_ends() {
    let app = TestApp::spawn().await;
    let name = support::database_name(&app.database_url).to_string();
    let witness = support::fresh_database().await;
    let mut conn = roost::db::connect(&witness).await.expect("connect");
    let exists = async |conn: &mut diesel_async::AsyncPgConnection| -> bool {
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"
        )))
        .get_result(conn)
        .await
        .expect("query pg_database")
    };
    assert!(exists(&mut conn).await, "{name} exists while its test runs");
    drop(app);
    assert!(
        !exists(&mut conn).await,
        "{name} is gone once its app is dropped"
    );
}
