//! Request ids, structured request logs and metrics, in one outermost middleware.
//!
//! Each request gets an id (a sane incoming `X-Request-Id` is kept, so a proxy's id carries
//! through), echoed in the response, attached to every log line of the request through a
//! tracing span, and shown on error pages so a user's report can be matched to the log.

use std::time::Instant;

use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use tracing::Instrument;

use super::metrics::Metrics;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the current request, stored in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    sane.then(|| value.to_string())
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", id = %request_id, %method, %path);
    let started = Instant::now();

    let mut response = match next.call(req).instrument(span.clone()).await {
        Ok(response) => response,
        Err(error) => {
            // A middleware failed before routing finished; the error carries its own page.
            let status = error.as_response_error().status_code().as_u16();
            if let Some(metrics) = metrics {
                metrics.observe(&method, "unmatched", status, started.elapsed());
            }
            // The error-page middleware has logged why, in this span: one line is enough.
            span.in_scope(|| tracing::debug!(status, "request ended by a middleware error"));
            return Err(error);
        }
    };

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    span.in_scope(|| {
        let millis = elapsed.as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(status, %route, millis, "request failed");
        } else {
            tracing::info!(status, %route, millis, "request answered");
        }
    });
    Ok(response)
}
