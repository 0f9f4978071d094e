//! The GraphQL door of search: `listings(…)`, the filters of `/search` as arguments, paged as
//! a Relay connection (`first` up to 50, `after` a cursor), run by the same service
//! ([`service::search_window`]): one statement for the page, whatever is asked of each listing
//! (the relations load in batches, see `stays/graphql.rs`).
//!
//! `totalCount` is not offered: counting every match of a search costs as much as the search
//! without its `LIMIT`, which is what the page's single ordered walk avoids.

use async_graphql::{Context, Object, SimpleObject};

use super::{forms::RawSearch, service};
use crate::{
    graphql::{
        context::door,
        errors::Answer,
        limits,
        values::{PageInfo, cursor, offset_after},
    },
    stays::graphql::ListingNode,
};

/// A page of search results.
#[derive(SimpleObject)]
pub struct ListingConnection {
    pub edges: Vec<ListingEdge>,
    pub page_info: PageInfo,
}

#[derive(SimpleObject)]
pub struct ListingEdge {
    pub cursor: String,
    pub node: ListingNode,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Published listings matching the filters of `/search` (each optional; dates as
    /// `YYYY-MM-DD`, prices as decimals like "80.50", `sort` one of `rating`, `price_asc`,
    /// `price_desc`, `newest`). A filter that cannot be understood is a `VALIDATION` error
    /// naming it.
    #[graphql(complexity = "limits::list_cost(first, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn listings(
        &self,
        ctx: &Context<'_>,
        location: Option<String>,
        check_in: Option<String>,
        check_out: Option<String>,
        guests: Option<i32>,
        min_price: Option<String>,
        max_price: Option<String>,
        property_type: Option<String>,
        amenities: Option<Vec<String>>,
        bedrooms: Option<i32>,
        sort: Option<String>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ListingConnection> {
        let size = limits::page_size(first, limits::MAX_PAGE_SIZE)?;
        let offset = offset_after(after.as_deref())?;
        let raw = RawSearch {
            location: location.unwrap_or_default(),
            check_in: check_in.unwrap_or_default(),
            check_out: check_out.unwrap_or_default(),
            guests: guests.map(|n| n.to_string()).unwrap_or_default(),
            min_price: min_price.unwrap_or_default(),
            max_price: max_price.unwrap_or_default(),
            property_type: property_type.unwrap_or_default(),
            amenities: amenities.unwrap_or_default(),
            bedrooms: bedrooms.map(|n| n.to_string()).unwrap_or_default(),
            sort: sort.unwrap_or_default(),
            page: String::new(),
        };
        let door = door(ctx);
        let results = service::search_window(&door.sources(), &door.actor, &raw, offset, size)
            .await
            .answer()?;
        let edges: Vec<ListingEdge> = results
            .cards
            .into_iter()
            .zip(offset..)
            .map(|(card, at)| ListingEdge {
                cursor: cursor(at),
                node: ListingNode::from_card(card),
            })
            .collect();
        Ok(ListingConnection {
            page_info: PageInfo {
                has_next_page: results.has_next,
                has_previous_page: offset > 0,
                start_cursor: edges.first().map(|edge| edge.cursor.clone()),
                end_cursor: edges.last().map(|edge| edge.cursor.clone()),
            },
            edges,
        })
    }
}
