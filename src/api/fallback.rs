//! What `/api/…` answers when no route took the request: 405 with `Allow` when the path exists
//! with other methods, else 404, both as problem documents. The methods of each path are read
//! from the OpenAPI document, which is generated from the routes themselves, so the two cannot
//! disagree.

use std::sync::LazyLock;

use actix_web::{
    HttpRequest, HttpResponse,
    dev::ResourceDef,
    http::{Method, StatusCode},
};

use super::{
    docs,
    problem::{ApiError, Problem},
};

/// Each documented path and its methods ("GET, POST"), plus the docs' own routes.
static ROUTES: LazyLock<Vec<(ResourceDef, String)>> = LazyLock::new(|| {
    let mut routes = vec![
        (ResourceDef::new("/api/v1/openapi.json"), "GET".to_string()),
        (ResourceDef::new("/api/docs"), "GET".to_string()),
        (ResourceDef::new("/api/docs/{file}"), "GET".to_string()),
    ];
    let document = serde_json::to_value(docs::openapi()).unwrap_or_default();
    if let Some(paths) = document.get("paths").and_then(|paths| paths.as_object()) {
        for (path, item) in paths {
            let mut methods: Vec<String> = ["get", "post", "put", "patch", "delete"]
                .iter()
                .filter(|method| item.get(**method).is_some())
                .map(|method| method.to_uppercase())
                .collect();
            methods.sort();
            routes.push((ResourceDef::new(path.as_str()), methods.join(", ")));
        }
    }
    routes
});

/// The methods `path` answers to, if it is a route of the API.
pub fn allowed(path: &str) -> Option<&'static str> {
    ROUTES
        .iter()
        .find(|(resource, _)| resource.is_match(path))
        .map(|(_, methods)| methods.as_str())
}

/// Whether a request with this method and path reaches an endpoint (otherwise [`answer`]
/// answers it: 404 or 405). The middlewares that refuse requests (CSRF, empty parameters) let
/// the others through, so that a wrong method is a 405 whatever else is wrong with it.
pub fn routed(method: &Method, path: &str) -> bool {
    let method = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    allowed(path).is_some_and(|methods| methods.split(", ").any(|known| known == method))
}

pub async fn answer(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(match allowed(req.path()) {
        Some(methods) => ApiError(Box::new(Problem {
            allow: Some(methods.to_string()),
            ..Problem::for_status(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "{} is not available here; this URL answers {methods}.",
                    req.method()
                ),
            )
        })),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "There is no such endpoint: see /api/docs for the list.",
        ),
    })
}
