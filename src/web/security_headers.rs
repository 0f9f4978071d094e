//! Security headers on every response: a strict Content-Security-Policy (no inline scripts or
//! styles, no eval: htmx is configured for that), no MIME sniffing, no framing, a careful referrer.

use actix_web::{HttpResponseBuilder, middleware::DefaultHeaders};

/// The policy with the given `font-src` sources.
macro_rules! policy {
    ($fonts:literal) => {
        concat!(
            "default-src 'self'; script-src 'self'; style-src 'self'; ",
            "img-src 'self' data: blob:; font-src ",
            $fonts,
            "; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; ",
            "frame-ancestors 'none'"
        )
    };
}

/// The policy. Images may come from `data:`/`blob:` so that photo previews work.
pub const CONTENT_SECURITY_POLICY: &str = policy!("'self'");

/// The policy of the GraphiQL page (development only): the same, but GraphiQL's vendored
/// stylesheet embeds its fonts as `data:` URIs, which a font source cannot abuse to run code or
/// send data anywhere. Scripts stay `'self'`: no eval, no inline code.
pub const GRAPHIQL_CONTENT_SECURITY_POLICY: &str = policy!("'self' data:");

const HEADERS: [(&str, &str); 6] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

/// Adds the headers to every response that passes through (`DefaultHeaders` leaves a header a
/// handler set itself, as the GraphiQL page sets its policy).
pub fn middleware(production: bool) -> DefaultHeaders {
    let headers = HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, header| {
            headers.add(*header)
        });
    if production {
        headers.add((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Adds the headers to a response built outside the middleware chain (error pages rendered for
/// a failed middleware bypass `DefaultHeaders`).
pub fn apply(builder: &mut HttpResponseBuilder) {
    for header in HEADERS {
        builder.insert_header(header);
    }
}
