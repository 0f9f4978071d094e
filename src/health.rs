//! Probes for machines: `/healthz` (the process answers), `/readyz` (the database answers) and
//! `/metrics` (Prometheus text).
//!
//! `/metrics` tells how busy the site is and which routes fail, so it is not for the public:
//! production serves it on a listener of its own (`ROOST_METRICS_BIND`, loopback by default),
//! and `ROOST_METRICS_TOKEN` makes it ask for `Authorization: Bearer <token>` wherever it is.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use subtle::ConstantTimeEq;

use crate::{
    config::MetricsBind,
    db::DbPool,
    errors::AppError,
    web::{
        AppState,
        metrics::{DATABASE_GAUGES_SQL, DatabaseGauges, Metrics, PoolGauges},
    },
};

async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match crate::db::ping(&state.pool).await {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body("ready\n"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .insert_header(("Cache-Control", "no-store"))
                .body("database unavailable\n")
        }
    }
}

/// What the metrics listener serves from.
pub struct MetricsSource {
    pub metrics: web::Data<Metrics>,
    pub pool: DbPool,
    pub token: Option<String>,
}

/// Whether the request carries `Authorization: Bearer <token>` (compared in constant time).
fn authorized(req: &HttpRequest, token: Option<&str>) -> bool {
    let Some(token) = token else {
        return true;
    };
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.trim().as_bytes().ct_eq(token.as_bytes())))
}

#[derive(diesel::QueryableByName)]
struct GaugeRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    family: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    label: String,
    #[diesel(sql_type = diesel::sql_types::Double)]
    value: f64,
}

/// The gauges the database knows (the job queue, bookings, payments, webhook events); `None`
/// when it does not answer within a second, so that a scrape never hangs on an outage.
async fn database_gauges(pool: &DbPool) -> Option<DatabaseGauges> {
    use diesel_async::RunQueryDsl;
    let query = async {
        let mut conn = crate::db::connection(pool).await.ok()?;
        diesel::sql_query(DATABASE_GAUGES_SQL)
            .load::<GaugeRow>(&mut conn)
            .await
            .ok()
    };
    let rows = tokio::time::timeout(std::time::Duration::from_secs(1), query)
        .await
        .ok()
        .flatten()?;
    Some(
        rows.into_iter()
            .map(|row| (row.family, row.label, row.value))
            .collect(),
    )
}

async fn exposition(
    req: &HttpRequest,
    token: Option<&str>,
    pool: &DbPool,
    metrics: &Metrics,
) -> HttpResponse {
    if !authorized(req, token) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .content_type("text/plain; charset=utf-8")
            .body("a bearer token is required\n");
    }
    let database = database_gauges(pool).await;
    let status = pool.status();
    let gauges = PoolGauges {
        max_size: status.max_size,
        size: status.size,
        available: status.available,
        waiting: status.waiting,
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(metrics.render(Some(gauges), database.as_ref()))
}

/// `/metrics` on the site's listener: only when the configuration puts it there.
async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, AppError> {
    if state.config.metrics_bind != MetricsBind::Main {
        return Err(AppError::NotFound);
    }
    let token = state.config.metrics_token.as_deref();
    Ok(exposition(&req, token, &state.pool, &metrics).await)
}

/// `/metrics` on the metrics listener.
pub async fn metrics_only(req: HttpRequest, source: web::Data<MetricsSource>) -> HttpResponse {
    exposition(&req, source.token.as_deref(), &source.pool, &source.metrics).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}
