//! What one GraphQL request may cost, each refused with its own `extensions.code` (see
//! [`super::errors::code`]) before any statement runs: the text's size, the depth and
//! complexity of the document, the size of a page; and a deadline for the whole request.

use std::time::Duration;

/// Largest request text (the body of a POST, the query string of a GET).
pub const MAX_QUERY_BYTES: usize = 32 * 1024;
/// Deepest selection. GraphiQL's own introspection query nests 13 deep.
pub const MAX_DEPTH: usize = 15;
/// Most fields one document may resolve, lists counted by their `first` (each field costs 1).
pub const MAX_COMPLEXITY: usize = 2_500;
/// Nesting the parser accepts (fragments and lists in arguments).
pub const MAX_RECURSIVE_DEPTH: usize = 32;
/// Longest a request may run; then it is answered with `TIMEOUT`.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest `first` of a connection (the search service's own bound).
pub const MAX_PAGE_SIZE: i32 = crate::search::service::MAX_WINDOW as i32;
/// Largest `first` of a listing's reviews.
pub const MAX_REVIEWS: i32 = crate::reviews::service::MAX_LATEST as i32;

/// `first` if within `1..=max`, else the `PAGE_SIZE_LIMIT` error naming the bound.
pub fn page_size(first: i32, max: i32) -> async_graphql::Result<i64> {
    if (1..=max).contains(&first) {
        Ok(i64::from(first))
    } else {
        Err(async_graphql::ErrorExtensions::extend_with(
            async_graphql::Error::new(format!("`first` must be from 1 to {max}.")),
            |_, extensions| {
                extensions.set("code", super::errors::code::PAGE_SIZE_LIMIT);
                extensions.set("field", "first");
                extensions.set("max", max);
            },
        ))
    }
}

/// The complexity of a list of `first` items each costing `child`.
pub fn list_cost(first: i32, child: usize) -> usize {
    usize::try_from(first.max(1))
        .unwrap_or(usize::MAX)
        .saturating_mul(child)
        .saturating_add(1)
}
