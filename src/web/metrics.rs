//! Prometheus metrics: request counts and latency histograms by route pattern, method and status.
//!
//! Labels use the matched route pattern (`/listings/{id}`), never the raw path, so the number of
//! series stays bounded whatever URLs clients send.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex, time::Duration};

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
    pub fn render(&self, pool: Option<(usize, usize)>) -> String {
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
        if let Some((size, available)) = pool {
            out.push_str("# HELP roost_db_pool_connections Open database connections.\n");
            out.push_str("# TYPE roost_db_pool_connections gauge\n");
            let _ = writeln!(out, "roost_db_pool_connections {size}");
            out.push_str("# HELP roost_db_pool_idle_connections Idle database connections.\n");
            out.push_str("# TYPE roost_db_pool_idle_connections gauge\n");
            let _ = writeln!(out, "roost_db_pool_idle_connections {available}");
        }
        out
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
        let text = metrics.render(None);
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
