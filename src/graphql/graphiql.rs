//! GraphiQL at `GET /graphql` for a browser, when the tools are on (development, or
//! `ROOST_GRAPHQL_TOOLS=1`): the page loads the files vendored from the `graphiql` npm package
//! under `static/vendor/graphiql/` (no CDN) and our initializer `static/js/graphiql.js`, which
//! reads the CSRF token from the page's `<meta>` and sends it with every request. No inline
//! script or style, so the strict CSP holds (with one addition: GraphiQL's stylesheet embeds
//! its fonts as `data:` URIs, see [`security_headers::GRAPHIQL_CONTENT_SECURITY_POLICY`]).

use actix_session::SessionExt;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, http::header};

use crate::web::{csrf, security_headers};

/// Escapes text for an HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn page(req: &HttpRequest) -> HttpResponse {
    let session = req.get_session();
    let anonymous = req.extensions().get::<csrf::AnonymousToken>().cloned();
    let token = csrf::form_token(&session, anonymous.as_ref()).unwrap_or_default();
    let asset = |path: &str| crate::web::assets::url(path);
    let body = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"csrf-token\" content=\"{token}\">\n\
         <title>GraphiQL · Roost</title>\n\
         <link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n\
         <link rel=\"stylesheet\" href=\"{page_css}\">\n\
         </head>\n<body>\n<main id=\"graphiql\" aria-label=\"GraphiQL\">Loading GraphiQL…</main>\n\
         <script src=\"{react}\"></script>\n<script src=\"{react_dom}\"></script>\n\
         <script src=\"{graphiql}\"></script>\n<script src=\"{init}\"></script>\n\
         </body>\n</html>\n",
        token = attribute(&token),
        css = asset("vendor/graphiql/graphiql.min.css"),
        page_css = asset("css/graphiql.css"),
        react = asset("vendor/graphiql/react.production.min.js"),
        react_dom = asset("vendor/graphiql/react-dom.production.min.js"),
        graphiql = asset("vendor/graphiql/graphiql.min.js"),
        init = asset("js/graphiql.js"),
        icon = asset("img/favicon.svg"),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            security_headers::GRAPHIQL_CONTENT_SECURITY_POLICY,
        ))
        .body(body)
}
