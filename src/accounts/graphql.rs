//! The GraphQL door of accounts: `viewer`, the signed-in member as they see themselves (their
//! profile, their trips by state, their wishlist, and for a host their listings, reservations
//! and earnings; `null` for a visitor); and signing up, logging
//! in and out through the same services as the login page and `/api/v1/session` (the same
//! throttles, security log and cookie session: see [`crate::graphql::session`]).

use async_graphql::{Context, ID, Object, SimpleObject};

use super::{
    forms::{LoginForm, SignupForm},
    service,
};
use crate::{
    bookings::graphql::{
        self as bookings, BookingNode, EarningsMonth, ReservationFilterInput, ReservationPage,
    },
    graphql::{context::door, errors::Answer, limits, session::desk, values::date},
    listings::graphql::{self as listings, HostListingPage},
    service::{Actor, ServiceError},
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

    /// A host's own listings, every status, newest first (`FORBIDDEN` for a member who does
    /// not host).
    #[graphql(complexity = "limits::list_cost(first, child_complexity)")]
    async fn listings(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<HostListingPage> {
        listings::host_listings(ctx, first, after).await
    }

    /// The reservations of the viewer's listings, latest check-in first.
    #[graphql(complexity = "limits::list_cost(first, child_complexity)")]
    async fn reservations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: ReservationFilterInput,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ReservationPage> {
        bookings::host_reservations(ctx, filter, first, after).await
    }

    /// The viewer's earnings as a host, newest month first, one entry per month and currency.
    async fn earnings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EarningsMonth>> {
        bookings::earnings(ctx).await
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

/// Who signed in.
#[derive(SimpleObject)]
pub struct SessionUser {
    pub id: ID,
    pub name: String,
    pub is_host: bool,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
}

/// A session started by `logIn`.
#[derive(SimpleObject)]
pub struct SignedIn {
    pub user: SessionUser,
    /// The new session's token: send it as the `X-CSRF-Token` header from now on (the one
    /// used to log in is no longer accepted).
    pub csrf_token: String,
}

/// What was done, in words.
#[derive(SimpleObject)]
pub struct Notice {
    pub detail: String,
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Opens an account: it starts unverified and a confirmation link is emailed; nobody is
    /// signed in (use `logIn`). The answer is the same when the address already has an account
    /// (its owner is told by email instead).
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        name: String,
        email: String,
        password: String,
    ) -> async_graphql::Result<Notice> {
        let input = SignupForm {
            name,
            email,
            password,
        }
        .parse()
        .map_err(ServiceError::Invalid)
        .answer()?;
        let detail = format!(
            "Check your inbox: we sent a message to {}. Open its link to confirm the address, \
             then log in.",
            input.email
        );
        door(ctx)
            .call(move |mut call| async move {
                let base_url = call.config.base_url.clone();
                service::sign_up(&mut call.conn, &input, &base_url, &call.client_ip).await
            })
            .await?;
        Ok(Notice { detail })
    }

    /// Logs in: sets the session cookie and answers with the new session's CSRF token.
    /// Throttled per address and per account (`RATE_LIMITED` with `retryAfter`); a wrong pair
    /// is `VALIDATION`, a suspended account `FORBIDDEN`.
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<SignedIn> {
        let form = LoginForm {
            email,
            password,
            next: String::new(),
        };
        let email = form.parse().map_err(ServiceError::Invalid).answer()?;
        let password = form.password;
        let user = door(ctx)
            .call(move |mut call| async move {
                service::log_in(&mut call.conn, &email, &password, &call.client_ip).await
            })
            .await?;
        let csrf_token = desk(ctx).start(user.user_id).await?;
        Ok(SignedIn {
            user: SessionUser {
                id: ID(user.user_id.to_string()),
                name: user.name,
                is_host: user.is_host,
                email_verified: user.email_verified,
                avatar_url: user.avatar_url,
            },
            csrf_token,
        })
    }

    /// Logs out: the session ends on the server (a copy of the cookie is worthless after).
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        if let Some(user_id) = door(ctx).actor.user_id() {
            door(ctx)
                .call(move |mut call| async move {
                    service::log_out(&mut call.conn, user_id, &call.client_ip).await
                })
                .await?;
        }
        desk(ctx).end().await?;
        Ok(true)
    }
}
