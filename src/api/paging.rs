//! Pagination of lists: `page` (from 1) and `per_page` (at most [`MAX_PER_PAGE`]) in the
//! query, and RFC 8288 `Link` headers (`next`, `prev`, `first`) on the answer, which keep the
//! request's other parameters.

use actix_web::{HttpRequest, HttpResponseBuilder, http::header};
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::ApiError;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;

/// A page asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// Reads `page` and `per_page` from a query string (`per_page` defaults to
    /// `default_per_page`); a bad value is a 422 naming it.
    pub fn from_query(query: &str, default_per_page: i64) -> Result<Paging, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let page = match value("page") {
            None => 1,
            Some(raw) => match raw.parse::<i64>() {
                Ok(page) if (1..=10_000).contains(&page) => page,
                _ => {
                    return Err(ApiError::field(
                        "page",
                        "Give a page number from 1 to 10000.",
                    ));
                }
            },
        };
        let per_page = match value("per_page") {
            None => default_per_page,
            Some(raw) => match raw.parse::<i64>() {
                Ok(size) if (1..=MAX_PER_PAGE).contains(&size) => size,
                _ => {
                    return Err(ApiError::field(
                        "per_page",
                        format!("Give a page size from 1 to {MAX_PER_PAGE}."),
                    ));
                }
            },
        };
        Ok(Paging { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// What a list answer says about its page (also in the `Link` header).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PageInfo {
    pub page: i64,
    pub per_page: i64,
    pub has_next: bool,
}

/// The URL of the same request on page `page`.
fn page_url(req: &HttpRequest, page: i64) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(key, _)| key != "page");
    if page > 1 {
        pairs.push(("page".into(), page.to_string()));
    }
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("{}?{query}", req.path()),
        _ => req.path().to_string(),
    }
}

/// The `Link` header value of a page: `next` when there is one, `prev` and `first` after
/// the first.
pub fn link_header(req: &HttpRequest, page: i64, has_next: bool) -> Option<String> {
    let mut links = Vec::new();
    if has_next {
        links.push(format!("<{}>; rel=\"next\"", page_url(req, page + 1)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", page_url(req, page - 1)));
        links.push(format!("<{}>; rel=\"first\"", page_url(req, 1)));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// Adds the `Link` header of this page to a response.
pub fn add_links(builder: &mut HttpResponseBuilder, req: &HttpRequest, info: &PageInfo) {
    if let Some(links) = link_header(req, info.page, info.has_next) {
        builder.insert_header((header::LINK, links));
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn pages_are_bounded() {
        assert_eq!(
            Paging::from_query("", 10).ok(),
            Some(Paging {
                page: 1,
                per_page: 10
            })
        );
        assert_eq!(
            Paging::from_query("page=3&per_page=100", 10)
                .ok()
                .map(|p| p.offset()),
            Some(200)
        );
        for bad in ["per_page=101", "per_page=0", "page=0", "page=x"] {
            assert!(Paging::from_query(bad, 10).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_keep_the_other_parameters() {
        let req = TestRequest::get()
            .uri("/api/v1/listings?location=Lisbon&page=2")
            .to_http_request();
        let links = link_header(&req, 2, true).expect("links");
        assert!(links.contains("</api/v1/listings?location=Lisbon&page=3>; rel=\"next\""));
        assert!(links.contains("</api/v1/listings?location=Lisbon>; rel=\"first\""));
        assert_eq!(link_header(&req, 1, false), None);
    }
}
