//! GraphQL at `/graphql` (DESIGN.md §1, §3): the same services as the pages and the JSON API,
//! the same session and CSRF rules, N+1-free and bounded.
//!
//! This folder is the schema's shell: [`schema`] builds it (roots merged from the features'
//! `graphql.rs` files, the limits of [`limits`]), [`context`] is what a resolver reaches (the
//! request's [`Actor`](crate::service::Actor), the pools, the per-request DataLoader),
//! [`errors`] maps `ServiceError` to `extensions.code`, [`values`] holds the shared value
//! types (`Money`, `PageInfo`, cursors), `rules` refuses mutations over GET and introspection
//! in production, and [`http`] is the actix handler with GraphiQL.
//!
//! The object types live beside their features: `search/graphql.rs` (the `listings`
//! connection), `stays/graphql.rs` (`Listing`, `listing`, `quote`, the wishlist),
//! `reviews/graphql.rs`, `bookings/graphql.rs` (trips, `booking`, booking, paying,
//! cancelling) and `accounts/graphql.rs` (`viewer`). Each resolver calls one service with the
//! request's actor, as every other door does: no rule is written here.

pub mod context;
pub mod errors;
mod graphiql;
pub mod http;
pub mod limits;
mod rules;
pub mod schema;
pub mod session;
pub mod values;

pub use schema::{RoostSchema, build, sdl};

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    http::configure(cfg);
}
