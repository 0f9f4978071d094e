//! The API's documentation: the OpenAPI 3.1 document generated from the handlers
//! (`GET /api/v1/openapi.json`) and Swagger UI (`GET /api/docs`), whose files are inside the
//! binary (`utoipa-swagger-ui`'s `vendored` feature: nothing is downloaded at build or run
//! time). The site's strict CSP applies to it unchanged: the page has no inline script or
//! style, and Swagger UI is started by a file of ours (`static/js/api-docs.js`), not by the
//! generated initializer.

use std::sync::{Arc, LazyLock};

use actix_web::{
    HttpResponse,
    http::{StatusCode, header},
    web,
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
};
use utoipa_actix_web::AppExt;

use super::problem::{ApiError, FieldError, Problem};
use crate::web::assets;

/// Title, description and shared components; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roost API",
        version = "1",
        description = "The same services as the Roost site, as JSON. Sign in with \
            `POST /api/v1/session`: it sets the session cookie and returns a CSRF token, which \
            every unsafe request (POST, PUT, PATCH, DELETE) must carry in the `X-CSRF-Token` \
            header. A visitor gets a token from `GET /api/v1/session` (it also sets the \
            visitor's CSRF cookie). Errors are RFC 9457 problem documents \
            (`application/problem+json`); money is integer minor units with the currency \
            code; dates are ISO 8601 (stays in the listing's time zone); lists are \
            paginated with `page` and `per_page` (at most 100) and `Link` headers."
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "listings", description = "Searching and reading listings"),
        (name = "wishlist", description = "The signed-in user's saved stays"),
        (name = "account", description = "Signing up, the emailed links, the signed-in user's account, password and sessions"),
        (name = "bookings", description = "The signed-in guest's bookings: booking, trips, paying, changing dates, cancelling"),
        (name = "host", description = "A host's listings, photos, calendar, reservations and earnings"),
        (name = "reviews", description = "Writing reviews and replying to them"),
    )
)]
struct ApiDoc;

/// The cookie session and the CSRF header, as security schemes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi
            .components
            .get_or_insert_with(utoipa::openapi::Components::new);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "roost_session",
                "The session cookie set by POST /api/v1/session (HttpOnly).",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The CSRF token returned by POST or GET /api/v1/session; required on every \
                 unsafe method.",
            ))),
        );
    }
}

/// The document: the base above plus every path registered under `/api/v1`.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let (_, document) = actix_web::App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .service(utoipa_actix_web::scope("/api/v1").configure(super::configure_v1))
            .split_for_parts();
        document
    });
    &DOCUMENT
}

/// The document as served, serialised once.
static DOCUMENT_JSON: LazyLock<Vec<u8>> =
    LazyLock::new(|| serde_json::to_vec(openapi()).unwrap_or_default());

pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(DOCUMENT_JSON.as_slice())
}

/// The docs page: Swagger UI's files and our initializer, nothing inline.
fn page() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Roost API</title>\n\
         <link rel=\"stylesheet\" href=\"/api/docs/swagger-ui.css\">\n\
         <link rel=\"icon\" href=\"{favicon}\">\n</head>\n<body>\n\
         <main id=\"swagger-ui\" aria-label=\"Roost API documentation\"></main>\n\
         <script src=\"/api/docs/swagger-ui-bundle.js\"></script>\n\
         <script src=\"{init}\"></script>\n</body>\n</html>\n",
        favicon = assets::url("img/favicon.svg"),
        init = assets::url("js/api-docs.js"),
    )
}

pub async fn ui() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page())
}

/// Only the files the page uses: not Swagger UI's own index or initializer.
const FILES: [&str; 2] = ["swagger-ui.css", "swagger-ui-bundle.js"];

static CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> =
    LazyLock::new(|| Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")));

pub async fn file(path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "No such file of the API docs.");
    if !FILES.contains(&name.as_str()) {
        return Err(not_found());
    }
    let file = utoipa_swagger_ui::serve(&name, CONFIG.clone())
        .map_err(|error| {
            tracing::error!(%error, "Swagger UI file");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.")
        })?
        .ok_or_else(not_found)?;
    let mut response = HttpResponse::Ok();
    response
        .content_type(file.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"));
    if file.gzpipped {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    Ok(response.body(file.bytes.into_owned()))
}
