//! The test harness: a throwaway PostgreSQL (or `TEST_DATABASE_URL`), a migrated template
//! database, and `TestApp::spawn()`, which clones the template (`CREATE DATABASE … TEMPLATE`)
//! and serves the application on 127.0.0.1:0.

#![allow(dead_code)]

use std::{
    net::TcpListener,
    path::PathBuf,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use actix_web::cookie::Key;
use diesel_async::RunQueryDsl;
use roost::{
    app::{self, ServerParts},
    config::{Config, MetricsBind},
    db::{
        self,
        embedded::{ClusterOptions, EmbeddedCluster},
    },
};
use tokio::sync::OnceCell;

type UrlFor = Box<dyn Fn(&str) -> String + Send + Sync>;

/// The database server of this run.
pub struct TestDatabaseServer {
    /// URL of a maintenance database on the server (for CREATE DATABASE).
    admin_url: String,
    template: String,
    /// Builds the URL of a database on that server.
    url_for: UrlFor,
}

static SERVER: OnceCell<TestDatabaseServer> = OnceCell::const_new();
static CLUSTER: OnceLock<Arc<EmbeddedCluster>> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn run_id() -> u32 {
    std::process::id()
}

extern "C" fn stop_cluster_at_exit() {
    if let Some(cluster) = CLUSTER.get() {
        cluster.stop_immediately();
        if let Some(root) = cluster.data_directory().parent() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

/// Removes clusters left behind by runs that were killed before their exit handler ran.
fn remove_stale_clusters(base: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix("roost-test-")
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            db::embedded::force_stop(&entry.path().join("postgres"));
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn replace_database(url: &str, database: &str) -> String {
    // postgres://user:pass@host:port/db?params
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{database}?{query}"),
        None => format!("{root}/{database}"),
    }
}

async fn provision() -> TestDatabaseServer {
    let (admin_url, url_for): (String, UrlFor) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let base = url.clone();
            (url, Box::new(move |db| replace_database(&base, db)))
        }
        _ => {
            // /dev/shm keeps the cluster in memory; fsync=off trades durability for speed.
            let base = if std::path::Path::new("/dev/shm").is_dir() {
                PathBuf::from("/dev/shm")
            } else {
                std::env::temp_dir()
            };
            remove_stale_clusters(&base);
            let root = base.join(format!("roost-test-{}", run_id()));
            let cluster = EmbeddedCluster::start(
                &root,
                ClusterOptions {
                    unsafe_fast: true,
                    port: None,
                    track_statements: true,
                },
            )
            .await
            .expect("start the test PostgreSQL cluster");
            let cluster = Arc::new(cluster);
            let _ = CLUSTER.set(cluster.clone());
            // SAFETY: registering a plain extern "C" function with no captured state.
            unsafe {
                libc::atexit(stop_cluster_at_exit);
            }
            let admin = cluster.database_url("postgres");
            (admin, Box::new(move |db| cluster.database_url(db)))
        }
    };
    let template = format!("roost_template_{}", run_id());
    let mut conn = db::connect(&admin_url)
        .await
        .expect("connect to the test server");
    drop_stale_databases(&mut conn, &admin_url).await;
    // For `TestApp::statements`: the view lives in the maintenance database, the counts are
    // per database. A server without the library (a `TEST_DATABASE_URL` one) just lacks it.
    let _ = diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(&mut conn)
        .await;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {template}"))
        .execute(&mut conn)
        .await
        .expect("drop an old template");
    diesel::sql_query(format!("CREATE DATABASE {template}"))
        .execute(&mut conn)
        .await
        .expect("create the template database");
    db::migrate(&url_for(&template))
        .await
        .expect("migrate the template database");
    TestDatabaseServer {
        admin_url,
        template,
        url_for,
    }
}

/// A database of one test, cloned from the migrated template. It is dropped when the value is
/// (at the end of the test), also on a server named by `TEST_DATABASE_URL`; it reads as its URL.
pub struct TestDatabase {
    pub url: String,
    name: String,
}

impl std::ops::Deref for TestDatabase {
    type Target = str;

    fn deref(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(server) = SERVER.get() else {
            return;
        };
        drop_database_now(&server.admin_url, &self.name);
    }
}

/// Drops `name` (ending its connections: the test's app may still hold some) from a thread of
/// its own, because `Drop` cannot await and may run inside a single-threaded test runtime.
fn drop_database_now(admin_url: &str, name: &str) {
    let admin_url = admin_url.to_string();
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?;
        runtime.block_on(async {
            let mut conn = db::connect(&admin_url)
                .await
                .map_err(|error| error.to_string())?;
            diesel::sql_query(sql)
                .execute(&mut conn)
                .await
                .map_err(|error| error.to_string())
        })
    })
    .join();
    if let Ok(Err(error)) = dropped {
        eprintln!("could not drop test database {name}: {error}");
    }
}

/// Drops the databases of earlier runs whose process is gone (killed before their tests ended).
async fn drop_stale_databases(conn: &mut diesel_async::AsyncPgConnection, admin_url: &str) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let names: Vec<Name> = diesel::sql_query(
        "SELECT datname FROM pg_database \
         WHERE datname LIKE 'roost\\_t\\_%' OR datname LIKE 'roost\\_template\\_%'",
    )
    .load(conn)
    .await
    .unwrap_or_default();
    for Name { datname } in names {
        let pid = datname
            .trim_start_matches("roost_template_")
            .trim_start_matches("roost_t_")
            .split('_')
            .next()
            .and_then(|pid| pid.parse::<i32>().ok());
        let alive = pid.is_some_and(|pid| {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
        });
        if !alive {
            drop_database_now(admin_url, &datname);
        }
    }
}

/// The name of the database a URL points at.
pub fn database_name(url: &str) -> &str {
    let path = url.split('?').next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path)
}

/// A fresh database cloned from the migrated template.
pub async fn fresh_database() -> TestDatabase {
    new_database(true).await
}

/// A fresh database with no tables at all (a restore's target), on the same server.
pub async fn empty_database() -> TestDatabase {
    new_database(false).await
}

async fn new_database(migrated: bool) -> TestDatabase {
    let server = SERVER.get_or_init(provision).await;
    let name = format!(
        "roost_t_{}_{}",
        run_id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = db::connect(&server.admin_url)
        .await
        .expect("connect to the test server");
    let statement = if migrated {
        format!("CREATE DATABASE {name} TEMPLATE {}", server.template)
    } else {
        format!("CREATE DATABASE {name}")
    };
    diesel::sql_query(statement)
        .execute(&mut conn)
        .await
        .expect("create the test database");
    TestDatabase {
        url: (server.url_for)(&name),
        name,
    }
}

#[derive(diesel::QueryableByName)]
struct StatementRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    calls: i64,
}

/// What `TestApp::statements_during` saw: each statement with how often it ran. Shown, it
/// lists them (for the message of a failed assertion).
pub struct Statements(pub Vec<(i64, String)>);

impl Statements {
    /// How many statements the request ran. A pool connection's setup (`SET TIME ZONE`,
    /// `SET CLIENT_ENCODING`, the search session's settings) is left out: it is sent once per
    /// connection, and a pool opens one during the counted request whenever the warm-up did
    /// not happen to need as many at once (seen on a loaded machine: 4 more statements).
    pub fn count(&self) -> i64 {
        self.0
            .iter()
            .filter(|(_, text)| !is_connection_setup(text))
            .map(|(calls, _)| calls)
            .sum()
    }
}

/// A statement a new connection sends before its first query.
fn is_connection_setup(text: &str) -> bool {
    text.trim_start().to_ascii_uppercase().starts_with("SET ")
}

impl std::fmt::Display for Statements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} statements:", self.count())?;
        for (calls, text) in &self.0 {
            let setup = if is_connection_setup(text) {
                " (connection setup, not counted)"
            } else {
                ""
            };
            writeln!(f, "  {calls} × {text}{setup}")?;
        }
        Ok(())
    }
}

/// A running application with its own database.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub database_url: String,
    pub pool: db::DbPool,
    pub config: Arc<Config>,
    /// A browser-like client: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub data_dir: tempfile::TempDir,
    /// The port of the metrics listener, when the configuration gives `/metrics` one (it is
    /// then bound to a free port, whatever address the configuration names).
    pub metrics_port: Option<u16>,
    /// The test's own database, dropped with the app (`None` when the test brought its own).
    pub database: Option<TestDatabase>,
}

/// Another browser on the same app (its own cookies).
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        Browser {
            base: base.to_string(),
            client: browser_with(jar.clone()),
            jar,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs `page` for its CSRF token, then posts `form` (plus the token) to `action`.
    pub async fn submit(
        &self,
        page: &str,
        action: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = self.get(page).await.text().await.expect("page body");
        let token = csrf_token_in(&html).unwrap_or_else(|| panic!("no CSRF token on {page}"));
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("csrf_token", &token));
        self.client
            .post(self.url(action))
            .form(&fields)
            .send()
            .await
            .expect("POST")
    }

    /// The session cookie header as the browser would send it.
    pub fn cookie_header(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("url");
        self.jar
            .cookies(&url)
            .and_then(|value| value.to_str().ok().map(str::to_string))
            .unwrap_or_default()
    }
}

pub fn config_for(database_url: &str, data_dir: &std::path::Path) -> Config {
    let data_dir = data_dir.to_string_lossy().to_string();
    let database_url = database_url.to_string();
    Config::from_lookup(move |name| match name {
        "DATABASE_URL" => Some(database_url.clone()),
        "ROOST_DATA_DIR" => Some(data_dir.clone()),
        "ROOST_BIND" => Some("127.0.0.1:0".into()),
        _ => None,
    })
    .expect("test configuration")
}

pub fn browser() -> reqwest::Client {
    browser_with(Arc::new(reqwest::cookie::Jar::default()))
}

pub fn browser_with(jar: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(None).await
    }

    /// Spawns the app with extra routes mounted (to provoke failures).
    pub async fn spawn_with(
        extra_routes: Option<fn(&mut actix_web::web::ServiceConfig)>,
    ) -> TestApp {
        let database = fresh_database().await;
        let mut app = Self::spawn_on(database.url.clone(), extra_routes).await;
        app.database = Some(database);
        app
    }

    /// Spawns the app with its configuration adjusted by `adjust` (the payments provider, …).
    pub async fn spawn_with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let database = fresh_database().await;
        let mut app = Self::spawn_configured(database.url.clone(), None, adjust).await;
        app.database = Some(database);
        app
    }

    /// Spawns the app on a given database.
    pub async fn spawn_on(
        database_url: String,
        extra_routes: Option<fn(&mut actix_web::web::ServiceConfig)>,
    ) -> TestApp {
        Self::spawn_configured(database_url, extra_routes, |_| {}).await
    }

    async fn spawn_configured(
        database_url: String,
        extra_routes: Option<fn(&mut actix_web::web::ServiceConfig)>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("data directory");
        let mut config = config_for(&database_url, data_dir.path());
        adjust(&mut config);
        let config = Arc::new(config);
        let pool = db::pool(&database_url, 8).expect("pool");
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let metrics_listener = match config.metrics_bind {
            MetricsBind::Main => None,
            MetricsBind::Separate(_) => Some(TcpListener::bind("127.0.0.1:0").expect("bind")),
        };
        let metrics_port = metrics_listener
            .as_ref()
            .map(|listener| listener.local_addr().expect("address").port());
        let server = app::server(
            ServerParts {
                config: config.clone(),
                pool: pool.clone(),
                search_pools: db::SearchPools::new(&database_url, 4),
                secret_key: Key::generate(),
                workers: Some(1),
                extra_routes,
                metrics_listener,
            },
            listener,
        )
        .expect("server");
        tokio::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            database_url,
            pool,
            config,
            client: browser_with(jar.clone()),
            jar,
            data_dir,
            metrics_port,
            database: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The statements PostgreSQL itself runs on this app's database (from `pg_stat_statements`,
    /// utility statements such as `BEGIN` included) while `during` runs: what a request really
    /// costs, whichever connection or pool sent them. Warm the pools first (one request before)
    /// so that connection set-up is not counted.
    pub async fn statements_during<F: std::future::Future>(
        &self,
        during: F,
    ) -> (F::Output, Statements) {
        self.statement_rows(
            "SELECT pg_stat_statements_reset(0, oid, 0)::text AS text, 0::bigint AS calls \
             FROM pg_database WHERE datname = $1",
        )
        .await;
        let output = during.await;
        let rows = self
            .statement_rows(
                "SELECT query AS text, calls FROM pg_stat_statements \
                 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) ORDER BY query",
            )
            .await;
        (
            output,
            Statements(rows.into_iter().map(|row| (row.calls, row.text)).collect()),
        )
    }

    async fn statement_rows(&self, sql: &str) -> Vec<StatementRow> {
        let server = SERVER.get().expect("the test server");
        let mut conn = db::connect(&server.admin_url)
            .await
            .expect("connect to the test server");
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(database_name(&self.database_url))
            .load(&mut conn)
            .await
            .expect("pg_stat_statements (the embedded test cluster loads it)")
    }

    /// The app's own browser, as a [`Browser`] (same cookies as `client`).
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.address.clone(),
            client: self.client.clone(),
            jar: self.jar.clone(),
        }
    }

    /// A second, independent browser.
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// Runs every job that is ready (emails land in the dev mailbox).
    pub async fn run_jobs(&self) -> usize {
        let ctx = roost::jobs::JobContext {
            pool: self.pool.clone(),
            config: self.config.clone(),
            mailer: Arc::new(
                roost::email::Mailer::from_config(&self.config, self.pool.clone()).expect("mailer"),
            ),
        };
        roost::app::jobs::run_pending(&ctx).await.expect("run jobs")
    }

    /// (subject, text body) of the newest message to `address` in the dev mailbox.
    pub async fn last_email_to(&self, address: &str) -> Option<(String, String)> {
        use diesel::{ExpressionMethods, QueryDsl};
        use roost::schema::dev_mailbox;
        self.run_jobs().await;
        let mut conn = self.pool.get().await.expect("connection");
        dev_mailbox::table
            .filter(dev_mailbox::to_address.eq(address))
            .order(dev_mailbox::id.desc())
            .select((dev_mailbox::subject, dev_mailbox::text_body))
            .first(&mut conn)
            .await
            .ok()
    }

    /// The first link in the newest email to `address` that contains `path`.
    pub async fn link_in_email(&self, address: &str, path: &str) -> String {
        let (_, text) = self
            .last_email_to(address)
            .await
            .unwrap_or_else(|| panic!("no email to {address}"));
        let link = text
            .split_whitespace()
            .find(|word| word.contains(path))
            .unwrap_or_else(|| panic!("no {path} link in: {text}"));
        // Relative to the app, whatever base URL the email used.
        let start = link.find(path).expect("path in link");
        link[start..].to_string()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST request")
    }
}

/// The value of the first `<input name="csrf_token">` or `<meta name="csrf-token">` in a page.
pub fn csrf_token_in(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let input = scraper::Selector::parse("input[name=csrf_token]").ok()?;
    if let Some(element) = document.select(&input).next() {
        return element.value().attr("value").map(str::to_string);
    }
    let meta = scraper::Selector::parse("meta[name=csrf-token]").ok()?;
    document
        .select(&meta)
        .next()
        .and_then(|element| element.value().attr("content").map(str::to_string))
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}
