//! The GraphQL door of accounts: `viewer`, the signed-in member as they see themselves (their
//! profile, their trips by state, their wishlist); `null` for a visitor.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::service;
use crate::{
    bookings::graphql::{self as bookings, BookingNode},
    graphql::{context::door, errors::Answer, values::date},
    service::Actor,
    stays::graphql::{self as stays, ListingNode},
};

/// The viewer's own profile (their address included: it is theirs).
#[derive(SimpleObject)]
pub struct OwnProfile {
    pub id: ID,
    pub name: String,
    pub email: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub email_verified: bool,
    pub is_host: bool,
    /// `YYYY-MM-DD`.
    pub member_since: String,
}

/// The signed-in member.
pub struct Viewer;

#[Object]
impl Viewer {
    async fn profile(&self, ctx: &Context<'_>) -> async_graphql::Result<OwnProfile> {
        let door = door(ctx);
        let mut conn = door.conn().await?;
        let user = service::account(&mut conn, &door.actor).await.answer()?;
        Ok(OwnProfile {
            id: ID(user.id.to_string()),
            email_verified: user.is_verified(),
            avatar_url: super::model::avatar_url(&user.avatar_key),
            member_since: date(user.created_at.date_naive()),
            name: user.name,
            email: user.email,
            bio: user.bio,
            is_host: user.is_host,
        })
    }

    /// Trips in one state: `upcoming` (the default), `past` or `cancelled`.
    async fn trips(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "String::from(\"upcoming\")")] state: String,
    ) -> async_graphql::Result<Vec<BookingNode>> {
        bookings::trips(ctx, &state).await
    }

    /// Saved stays that guests can see, newest first.
    async fn wishlist(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ListingNode>> {
        stays::wishlist(ctx).await
    }
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The signed-in member, or `null` for a visitor.
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        match door(ctx).actor {
            Actor::Member(_) => Some(Viewer),
            Actor::Visitor => None,
        }
    }
}
