//! Prometheus metrics: request counts and latency histograms by route pattern, method and status,
//! the connection pool, process-wide counters (pool waits, emails, rejected webhooks) and gauges
//! read from the database at scrape time (the job queue, bookings, payments, webhook events).
//!
//! Labels use the matched route pattern (`/listings/{id}`), never the raw path, so the number of
//! series stays bounded whatever URLs clients send. `deploy/` holds the Prometheus alerts and the
//! Grafana dashboard built on these names (a test checks each name it uses is served).

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

/// A process-wide counter (the mailer and the webhook receiver have no handle on [`Metrics`]).
pub struct Counter(AtomicU64);

impl Counter {
    const fn new() -> Self {
        Counter(AtomicU64::new(0))
    }

    pub fn add(&self, amount: u64) {
        self.0.fetch_add(amount, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Connections checked out of the application pool (`db::connection`).
pub static POOL_CHECKOUTS: Counter = Counter::new();
/// Microseconds spent waiting for those checkouts.
pub static POOL_WAIT_MICROS: Counter = Counter::new();
/// Checkouts that gave up (timeout or database down).
pub static POOL_CHECKOUT_FAILURES: Counter = Counter::new();
/// Emails handed to SMTP (or the development mailbox) by this process.
pub static EMAILS_SENT: Counter = Counter::new();
/// Deliveries that failed (each is retried by its job, and dies after its attempts).
pub static EMAILS_FAILED: Counter = Counter::new();
/// Payment webhooks refused before they were stored: a bad signature.
pub static WEBHOOK_BAD_SIGNATURE: Counter = Counter::new();
/// Payment webhooks refused before they were stored: a payload that is no event.
pub static WEBHOOK_BAD_PAYLOAD: Counter = Counter::new();
/// Payment webhooks that failed while being applied (the provider delivers them again).
pub static WEBHOOK_ERRORS: Counter = Counter::new();

/// The connection pool as `/metrics` shows it.
#[derive(Clone, Copy, Debug)]
pub struct PoolGauges {
    pub max_size: usize,
    pub size: usize,
    pub available: usize,
    pub waiting: usize,
}

/// Values read from the database at scrape time: (family, label value, value).
pub type DatabaseGauges = Vec<(String, String, f64)>;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Non-cumulative counts per bucket; the last slot is +Inf.
    buckets: [u64; BUCKETS.len() + 1],
}

/// Collected request metrics.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        // A poisoned lock only means another thread panicked mid-update; counts stay usable.
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let entry = series
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        entry.buckets[slot] += 1;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self, pool: Option<PoolGauges>, database: Option<&DatabaseGauges>) -> String {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP roost_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE roost_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "roost_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(method),
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP roost_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE roost_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!(
                "method=\"{}\",route=\"{}\",status=\"{status}\"",
                escape(method),
                escape(route)
            );
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(s.buckets.iter()) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "roost_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "roost_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "roost_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "roost_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        if let Some(pool) = pool {
            let in_use = pool.size.saturating_sub(pool.available);
            for (name, kind, help, value) in [
                (
                    "roost_db_pool_max_connections",
                    "gauge",
                    "Connections the pool may open.",
                    pool.max_size,
                ),
                (
                    "roost_db_pool_connections",
                    "gauge",
                    "Open database connections.",
                    pool.size,
                ),
                (
                    "roost_db_pool_idle_connections",
                    "gauge",
                    "Idle database connections.",
                    pool.available,
                ),
                (
                    "roost_db_pool_in_use_connections",
                    "gauge",
                    "Connections checked out.",
                    in_use,
                ),
                (
                    "roost_db_pool_waiting",
                    "gauge",
                    "Tasks waiting for a connection.",
                    pool.waiting,
                ),
            ] {
                family(&mut out, name, kind, help);
                let _ = writeln!(out, "{name} {value}");
            }
        }
        let wait_seconds = POOL_WAIT_MICROS.get() as f64 / 1_000_000.0;
        family(
            &mut out,
            "roost_db_pool_wait_seconds_total",
            "counter",
            "Time spent waiting for a pooled connection.",
        );
        let _ = writeln!(out, "roost_db_pool_wait_seconds_total {wait_seconds}");
        for (name, help, counter) in [
            (
                "roost_db_pool_checkouts_total",
                "Connections checked out of the pool.",
                &POOL_CHECKOUTS,
            ),
            (
                "roost_db_pool_checkout_failures_total",
                "Checkouts that timed out or found the database down.",
                &POOL_CHECKOUT_FAILURES,
            ),
            (
                "roost_emails_sent_total",
                "Emails delivered by this process.",
                &EMAILS_SENT,
            ),
            (
                "roost_emails_failed_total",
                "Email deliveries that failed (retried by their job).",
                &EMAILS_FAILED,
            ),
        ] {
            family(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", counter.get());
        }
        family(
            &mut out,
            "roost_payment_webhook_failures_total",
            "counter",
            "Payment webhooks refused or failed, by reason.",
        );
        for (reason, counter) in [
            ("signature", &WEBHOOK_BAD_SIGNATURE),
            ("payload", &WEBHOOK_BAD_PAYLOAD),
            ("error", &WEBHOOK_ERRORS),
        ] {
            let _ = writeln!(
                out,
                "roost_payment_webhook_failures_total{{reason=\"{reason}\"}} {}",
                counter.get()
            );
        }
        family(
            &mut out,
            "roost_database_up",
            "gauge",
            "Whether the scrape's database queries succeeded.",
        );
        let _ = writeln!(out, "roost_database_up {}", u8::from(database.is_some()));
        if let Some(rows) = database {
            render_database(&mut out, rows);
        }
        out
    }
}

/// A metric family's `# HELP` and `# TYPE` lines.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The families read from the database, by the family names of [`DATABASE_GAUGES_SQL`]:
/// (metric name, label name, help). A label name of `""` means the family has no label.
const DATABASE_FAMILIES: [(&str, &str, &str, &str); 6] = [
    (
        "jobs",
        "roost_jobs",
        "state",
        "Jobs in the queue: ready (due), scheduled (later), dead.",
    ),
    (
        "jobs_oldest_ready_age",
        "roost_jobs_oldest_ready_age_seconds",
        "",
        "How long the oldest due job has waited (0 when none is due).",
    ),
    (
        "emails_dead",
        "roost_email_jobs_dead",
        "",
        "Emails whose job gave up (dead send_email jobs).",
    ),
    (
        "bookings",
        "roost_bookings",
        "status",
        "Bookings by status.",
    ),
    (
        "payments",
        "roost_payments",
        "outcome",
        "Ledger rows by kind and status (charge_succeeded, refund_failed, …).",
    ),
    (
        "webhook_events",
        "roost_payment_webhook_events",
        "outcome",
        "Stored payment events: processed, refused (contradict the ledger), unprocessed.",
    ),
];

/// One round trip for every gauge the database knows; counts stay exact (no sampling) and
/// each is an index or small-table scan.
pub const DATABASE_GAUGES_SQL: &str = "\
    SELECT 'jobs' AS family, s.state AS label, count(j.id)::float8 AS value \
      FROM (VALUES ('ready'), ('scheduled'), ('dead')) AS s(state) \
      LEFT JOIN jobs j ON s.state = CASE WHEN j.status = 'dead' THEN 'dead' \
                                          WHEN j.run_at <= now() THEN 'ready' ELSE 'scheduled' END \
     GROUP BY s.state \
    UNION ALL SELECT 'jobs_oldest_ready_age', '', \
           coalesce(extract(epoch FROM now() - min(run_at)), 0)::float8 \
      FROM jobs WHERE status = 'pending' AND run_at <= now() \
    UNION ALL SELECT 'emails_dead', '', count(*)::float8 FROM jobs \
     WHERE kind = 'send_email' AND status = 'dead' \
    UNION ALL SELECT 'bookings', status, count(*)::float8 FROM bookings GROUP BY status \
    UNION ALL SELECT 'payments', kind || '_' || status, count(*)::float8 FROM payments \
     GROUP BY kind, status \
    UNION ALL SELECT 'webhook_events', o.outcome, count(e.id)::float8 \
      FROM (VALUES ('processed'), ('refused'), ('unprocessed')) AS o(outcome) \
      LEFT JOIN payment_events e ON o.outcome = CASE WHEN e.refusal IS NOT NULL THEN 'refused' \
                                   WHEN e.processed_at IS NOT NULL THEN 'processed' ELSE 'unprocessed' END \
     GROUP BY o.outcome";

fn render_database(out: &mut String, rows: &DatabaseGauges) {
    for (key, name, label, help) in DATABASE_FAMILIES {
        family(out, name, "gauge", help);
        for (_, value_label, value) in rows.iter().filter(|(family, _, _)| family == key) {
            if label.is_empty() {
                let _ = writeln!(out, "{name} {value}");
            } else {
                let _ = writeln!(out, "{name}{{{label}=\"{}\"}} {value}", escape(value_label));
            }
        }
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_count_matches() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/", 200, Duration::from_millis(3));
        metrics.observe("GET", "/", 200, Duration::from_millis(300));
        let text = metrics.render(None, None);
        assert!(
            text.contains("roost_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2")
        );
        assert!(text.contains(
            "roost_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",status=\"200\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "roost_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",status=\"200\",le=\"0.5\"} 2"
        ));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
