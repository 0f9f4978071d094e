//! Assembles the actix-web application: middleware in order, then every feature's routes.

pub mod jobs;

use std::{
    future::Future,
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use actix_identity::IdentityMiddleware;
use actix_session::{SessionMiddleware, config::BrowserSession};
use actix_web::{
    App, HttpServer,
    cookie::{Key, SameSite, time},
    dev::Server,
    middleware::{Compress, from_fn},
    web,
};

use crate::{
    config::Config,
    db::{DbPool, SearchPools},
    errors::AppError,
    health::{self, MetricsSource},
    images::pool::ImagePool,
    search::places::PlaceDirectory,
    storage::{LocalDisk, Storage},
    web::{
        AppState, assets, csrf, error_pages, head, idle, metrics::Metrics, observability,
        security_headers, session_store::PgSessionStore,
    },
};

/// A signed-in user is signed out after this long without a request (ASVS L2: 30 minutes).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// ... and after this long whatever they do (ASVS L2: 12 hours).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);
/// Largest urlencoded form accepted.
const FORM_LIMIT: usize = 256 * 1024;

/// Everything the HTTP server needs.
pub struct ServerParts {
    pub config: Arc<Config>,
    pub pool: DbPool,
    /// Search's own connections, a pool per worker (`db::SearchPools`).
    pub search_pools: SearchPools,
    pub secret_key: Key,
    /// Worker threads; `None` means one per CPU.
    pub workers: Option<usize>,
    /// Extra routes mounted beside the application's (tests mount failing routes here).
    pub extra_routes: Option<fn(&mut web::ServiceConfig)>,
    /// Where `/metrics` is served when `ROOST_METRICS_BIND` gives it a listener of its own.
    /// With none (and the configuration asking for one), no listener serves it.
    pub metrics_listener: Option<TcpListener>,
}

/// Binds the application to `listener` (and the metrics to theirs) and returns the servers'
/// future: it ends when they have stopped (Ctrl-C or SIGTERM).
pub fn server(
    parts: ServerParts,
    listener: TcpListener,
) -> std::io::Result<impl Future<Output = std::io::Result<()>> + Send + 'static> {
    let workers = parts.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let search_pools = parts
        .search_pools
        .build(workers)
        .map_err(std::io::Error::other)?;
    let next_search_pool = Arc::new(AtomicUsize::new(0));
    let storage: Storage = Arc::new(LocalDisk::new(parts.config.data_dir.join("uploads")));
    let places = Arc::new(PlaceDirectory::default());
    let images = Arc::new(ImagePool::for_this_machine());
    let rates = Arc::new(crate::currency::service::RateCache::default());
    let pool = parts.pool.clone();
    let config = parts.config.clone();
    let metrics = web::Data::new(Metrics::default());
    let metrics_for_server = metrics.clone();
    let production = parts.config.is_production();
    let store = PgSessionStore::new(parts.pool.clone());
    let key = parts.secret_key;
    let anonymous_tokens = web::Data::new(csrf::AnonymousTokens::new(&key, production));
    let graphql = web::Data::new(crate::graphql::build(parts.config.graphql_tools));
    let extra_routes = parts.extra_routes;

    let server = HttpServer::new(move || {
        // Called once on each worker's thread: the worker's own search pool (see
        // `db::SearchPools`); everything else is shared.
        let turn = next_search_pool.fetch_add(1, Ordering::Relaxed);
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            search_pool: search_pools[turn % search_pools.len()].clone(),
            config: config.clone(),
            storage: storage.clone(),
            places: places.clone(),
            images: images.clone(),
            rates: rates.clone(),
        });
        let sessions = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name("roost_session".into())
            .cookie_http_only(true)
            .cookie_secure(production)
            .cookie_same_site(SameSite::Lax)
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(time::Duration::seconds(ABSOLUTE_TIMEOUT.as_secs() as i64)),
            )
            .build();
        let identity = IdentityMiddleware::builder()
            .id_key("user_id")
            .login_unix_timestamp_key("logged_in_at")
            // The idle timeout is `web::idle`'s, which writes its mark once a minute.
            .visit_deadline(None)
            .login_deadline(Some(ABSOLUTE_TIMEOUT))
            .build();
        App::new()
            .app_data(state)
            .app_data(metrics.clone())
            .app_data(anonymous_tokens.clone())
            .app_data(graphql.clone())
            .app_data(web::FormConfig::default().limit(FORM_LIMIT))
            // Innermost first: CSRF needs the session, which identity and CSRF both build on.
            // HEAD becomes GET only for routing, after every middleware has seen the real method.
            .wrap(from_fn(head::serve_as_get))
            .wrap(from_fn(csrf::protect))
            .wrap(from_fn(error_pages::load_signed_in_user))
            .wrap(identity)
            .wrap(from_fn(idle::expire))
            .wrap(sessions)
            .wrap(from_fn(error_pages::render))
            .wrap(security_headers::middleware(production))
            .wrap(Compress::default())
            .wrap(from_fn(observability::observe))
            .configure(routes)
            .configure(|cfg| {
                if let Some(extra) = extra_routes {
                    extra(cfg);
                }
            })
            .default_service(web::to(not_found))
    });
    let server = server
        .workers(workers)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
    let metrics_server = match parts.metrics_listener {
        Some(listener) => Some(metrics_server(
            MetricsSource {
                metrics: metrics_for_server,
                pool: parts.pool,
                token: parts.config.metrics_token.clone(),
            },
            listener,
        )?),
        None => None,
    };
    Ok(async move {
        match metrics_server {
            None => server.await,
            Some(metrics_server) => {
                let (site, metrics) = futures_util::future::join(server, metrics_server).await;
                site.and(metrics)
            }
        }
    })
}

/// The metrics listener: `/metrics` and nothing else, on one worker.
fn metrics_server(source: MetricsSource, listener: TcpListener) -> std::io::Result<Server> {
    let source = web::Data::new(source);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(source.clone())
            .route("/metrics", web::get().to(health::metrics_only))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(2)
    .run())
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.*}", web::get().to(assets::serve))
        .configure(crate::health::configure)
        .configure(crate::api::configure)
        .configure(crate::graphql::configure)
        .configure(crate::home::configure)
        .route("/media/{key:.*}", web::get().to(crate::media::serve))
        .configure(crate::accounts::configure)
        .configure(crate::search::configure)
        .configure(crate::currency::configure)
        .configure(crate::stays::configure)
        .configure(crate::listings::configure)
        .configure(crate::calendar_sync::configure)
        .configure(crate::reviews::configure)
        .configure(crate::bookings::configure)
        .configure(crate::payments::configure)
        .configure(crate::dev_mailbox::configure)
        .configure(crate::admin::configure);
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
