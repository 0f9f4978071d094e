//! `/graphql` over HTTP: `POST` with a JSON body `{query, variables, operationName}` runs
//! queries and mutations; `GET ?query=…` runs queries only (a mutation over GET is refused with
//! 405, so that a link or a prefetch can never change anything); `GET` from a browser without a
//! query shows GraphiQL when the tools are on (development).
//!
//! The session cookie identifies the viewer through the same [`Actor`] extractor as every other
//! door, and the CSRF middleware (`web::csrf`) checks the `X-CSRF-Token` header of every POST
//! before it reaches this handler, as it does for the JSON API.
//!
//! The request is read here rather than by async-graphql-actix-web's extractor, for three rules
//! of ours that it does not enforce: a bounded body read as it arrives (the extractor buffers
//! whatever is sent), the GET-never-mutates rule, and errors shaped as GraphQL errors with a
//! code. It also spares the build the actor framework that the crate's subscriptions pull in.
//! async-graphql itself executes, as DESIGN.md §1 says.

use actix_session::Session;
use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use async_graphql::Response;
use futures_util::StreamExt;

use super::{
    RoostSchema,
    context::{Door, request_data},
    errors::{code, coded, label_executor_errors},
    graphiql, limits,
    rules::Sent,
    session::{SessionDesk, serve_while},
};
use crate::{
    accounts::client_ip, search::amenities::AmenityCatalog, service::Actor, web::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::get().to(get))
            .route(web::post().to(post))
            .default_service(web::to(method_not_allowed)),
    );
}

/// The pieces of the application a request needs, from `app_data`.
struct Parts {
    client_ip: String,
    actor: Actor,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
    schema: web::Data<RoostSchema>,
}

impl Parts {
    fn door(self) -> (RoostSchema, Door) {
        let door = Door {
            actor: self.actor,
            pool: self.state.pool.clone(),
            search_pool: self.state.search_pool.clone(),
            places: self.state.places.clone(),
            catalog: self.catalog.into_inner(),
            config: self.state.config.clone(),
            client_ip: self.client_ip,
        };
        (self.schema.get_ref().clone(), door)
    }
}

async fn get(
    req: HttpRequest,
    session: Session,
    actor: Actor,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
    schema: web::Data<RoostSchema>,
) -> HttpResponse {
    let query = req.query_string();
    if query.is_empty() {
        if state.config.graphql_tools && accepts_html(&req) {
            return graphiql::page(&req);
        }
        return refusal(
            StatusCode::BAD_REQUEST,
            code::BAD_REQUEST,
            "Send a query: GET /graphql?query={…} for queries, POST /graphql with a JSON body \
             for queries and mutations.",
        );
    }
    if query.len() > limits::MAX_QUERY_BYTES {
        return too_large();
    }
    let request = match async_graphql::http::parse_query_string(query) {
        Ok(request) => request,
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                code::BAD_REQUEST,
                format!("The query string could not be read: {error}"),
            );
        }
    };
    let parts = Parts {
        client_ip: client_ip(&req),
        actor,
        state,
        catalog,
        schema,
    };
    // A query's answer may differ per viewer: private caches only, revalidated.
    execute(&req, &session, parts, request, true, "private, no-cache").await
}

async fn post(
    req: HttpRequest,
    session: Session,
    actor: Actor,
    state: web::Data<AppState>,
    catalog: web::Data<AmenityCatalog>,
    schema: web::Data<RoostSchema>,
    payload: web::Payload,
) -> HttpResponse {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::BAD_REQUEST,
            "Send a JSON body (Content-Type: application/json) with `query`, and optionally \
             `variables` and `operationName`.",
        );
    }
    let Some(body) = read_bounded(payload).await else {
        return too_large();
    };
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                code::BAD_REQUEST,
                format!(
                    "The body is not one GraphQL request ({{\"query\": …}}; batches are not \
                     accepted): {error}"
                ),
            );
        }
    };
    let parts = Parts {
        client_ip: client_ip(&req),
        actor,
        state,
        catalog,
        schema,
    };
    execute(&req, &session, parts, request, false, "private, no-store").await
}

async fn method_not_allowed() -> HttpResponse {
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        code::BAD_REQUEST,
        "GraphQL takes GET (queries) and POST.",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET, POST"));
    response
}

/// The body, or `None` once it passes [`limits::MAX_QUERY_BYTES`] (the rest is not read).
async fn read_bounded(mut payload: web::Payload) -> Option<web::Bytes> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.ok()?;
        if body.len() + chunk.len() > limits::MAX_QUERY_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body.freeze())
}

async fn execute(
    req: &HttpRequest,
    session: &Session,
    parts: Parts,
    request: async_graphql::Request,
    over_get: bool,
    cache: &str,
) -> HttpResponse {
    let (schema, door) = parts.door();
    let (door, loader) = request_data(door);
    let sent = Sent {
        over_get,
        operation_name: request.operation_name.clone(),
    };
    let (desk, desk_requests) = SessionDesk::new();
    let request = request.data(door).data(loader).data(sent).data(desk);
    let execution = tokio::time::timeout(limits::TIMEOUT, schema.execute(request));
    let mut response = match serve_while(req, session, desk_requests, execution).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("GraphQL request over its deadline");
            Response::from_errors(vec![
                coded(
                    code::TIMEOUT,
                    format!(
                        "The request took longer than {} seconds and was stopped; ask for less.",
                        limits::TIMEOUT.as_secs()
                    ),
                )
                .into_server_error(Default::default()),
            ])
        }
    };
    label_executor_errors(&mut response);
    let body = serde_json::to_vec(&response).unwrap_or_default();
    if over_get && has_code(&response, code::MUTATION_OVER_GET) {
        return HttpResponse::MethodNotAllowed()
            .content_type("application/json")
            .insert_header((header::ALLOW, "GET, POST"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body);
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Cookie"))
        .body(body)
}

fn has_code(response: &Response, wanted: &str) -> bool {
    response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .is_some_and(|value| *value == async_graphql::Value::from(wanted))
    })
}

/// A request refused before execution, as a GraphQL response with one coded error.
fn refusal(status: StatusCode, code: &'static str, message: impl Into<String>) -> HttpResponse {
    let response = Response::from_errors(vec![
        coded(code, message).into_server_error(Default::default()),
    ]);
    HttpResponse::build(status)
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_vec(&response).unwrap_or_default())
}

fn too_large() -> HttpResponse {
    refusal(
        StatusCode::PAYLOAD_TOO_LARGE,
        code::QUERY_TOO_LARGE,
        format!(
            "The request is over {} KiB; send a smaller document.",
            limits::MAX_QUERY_BYTES / 1024
        ),
    )
}

fn accepts_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"))
}
