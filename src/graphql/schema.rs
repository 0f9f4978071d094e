//! The schema: the roots merged from the features' GraphQL doors, with the limits of
//! [`super::limits`]; introspection only when the tools are on. [`sdl`] is the schema in SDL,
//! as committed in `schema.graphql` (a test compares them) and printed by
//! `roost graphql-schema`.

use async_graphql::{EmptySubscription, MergedObject, Schema};

use super::{limits, rules::Rules};
use crate::{
    accounts::graphql::{AccountsMutation, AccountsQuery},
    bookings::graphql::{
        BookingChangesMutation, BookingsMutation, BookingsQuery, ReservationsMutation,
    },
    listings::graphql::ListingsMutation,
    payments::graphql::PaymentsMutation,
    reviews::graphql::ReviewsMutation,
    search::graphql::SearchQuery,
    stays::graphql::{StaysMutation, StaysQuery},
};

/// Everything that can be read.
#[derive(MergedObject, Default)]
pub struct Query(SearchQuery, StaysQuery, BookingsQuery, AccountsQuery);

/// Everything that can be done (POST with the `X-CSRF-Token` header only).
#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountsMutation,
    StaysMutation,
    BookingsMutation,
    BookingChangesMutation,
    PaymentsMutation,
    ReviewsMutation,
    ListingsMutation,
    ReservationsMutation,
);

pub type RoostSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, with introspection when `tools` (development, `ROOST_GRAPHQL_TOOLS=1`).
pub fn build(tools: bool) -> RoostSchema {
    let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .limit_recursive_depth(limits::MAX_RECURSIVE_DEPTH)
        .extension(Rules { tools });
    if tools {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema in SDL.
pub fn sdl() -> String {
    build(true).sdl()
}
