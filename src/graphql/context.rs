//! What a resolver reaches: the request's [`Door`] (the actor, the pools and the settings,
//! built once per request from the cookie session exactly as the other doors build theirs)
//! and the per-request DataLoader over [`Batch`], whose `Loader` impls live beside their
//! features (`stays/graphql.rs`, `reviews/graphql.rs`). A loader serves one request only: its
//! answers depend on who asks.

use std::sync::Arc;

use async_graphql::{Context, dataloader::DataLoader};

use super::errors::Answer;
use crate::{
    config::Config,
    db::{DbConn, DbPool},
    search::{amenities::AmenityCatalog, places::PlaceDirectory, service::Sources},
    service::Actor,
};

/// The request as resolvers see it.
pub struct Door {
    pub actor: Actor,
    pub pool: DbPool,
    pub search_pool: DbPool,
    pub places: Arc<PlaceDirectory>,
    pub catalog: Arc<AmenityCatalog>,
    pub config: Arc<Config>,
    /// The address the request came from (the throttles and the security log key on it).
    pub client_ip: String,
}

/// What a mutation's service call owns: it runs on this worker's thread (see
/// [`on_this_thread`]), so it takes its connection and the request's facts with it.
pub struct Call {
    pub conn: DbConn,
    pub actor: Actor,
    pub config: Arc<Config>,
    pub places: Arc<PlaceDirectory>,
    pub client_ip: String,
}

impl Door {
    /// Runs one service call with a connection of the primary pool and the request's actor,
    /// its error in this door's terms. For the mutations: many services write inside
    /// transactions whose futures are not `Send`.
    pub async fn call<F, Fut, T>(&self, call: F) -> async_graphql::Result<T>
    where
        F: FnOnce(Call) -> Fut + Send + 'static,
        Fut: Future<Output = crate::service::ServiceResult<T>> + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let (actor, config, places, client_ip) = (
            self.actor.clone(),
            self.config.clone(),
            self.places.clone(),
            self.client_ip.clone(),
        );
        on_this_thread(async move {
            let conn = crate::db::connection(&pool).await.answer()?;
            call(Call {
                conn,
                actor,
                config,
                places,
                client_ip,
            })
            .await
            .answer()
        })
        .await
    }

    /// A connection of the primary pool (`UNAVAILABLE` when none can be had).
    pub async fn conn(&self) -> async_graphql::Result<DbConn> {
        crate::db::connection(&self.pool).await.answer()
    }

    /// Where searches run.
    pub fn sources(&self) -> Sources<'_> {
        Sources {
            search_pool: &self.search_pool,
            pool: &self.pool,
            places: &self.places,
            catalog: &self.catalog,
        }
    }
}

/// The batch loader of one request: every relation (a listing's row, host, photos, amenities,
/// reviews) is read for all the objects of a level at once.
pub struct Batch {
    pub actor: Actor,
    pub pool: DbPool,
}

impl Batch {
    pub async fn conn(&self) -> async_graphql::Result<DbConn> {
        crate::db::connection(&self.pool).await.answer()
    }
}

/// The request's door.
pub fn door<'a>(ctx: &Context<'a>) -> &'a Door {
    ctx.data_unchecked::<Door>()
}

/// The request's loader.
pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<Batch> {
    ctx.data_unchecked::<DataLoader<Batch>>()
}

/// The request data for `door`: the door itself and a fresh loader for its actor.
pub fn request_data(door: Door) -> (Door, DataLoader<Batch>) {
    let loader = DataLoader::new(
        Batch {
            actor: door.actor.clone(),
            pool: door.pool.clone(),
        },
        tokio::spawn,
    );
    (door, loader)
}

/// Runs a service call on this worker's thread and waits for it. For the services whose
/// futures the compiler cannot prove `Send` (async closures inside transactions), which the
/// executor of a GraphQL document requires: the call is spawned at once (never held by the
/// resolver's future, which only holds the handle), and owns what it uses.
pub fn on_this_thread<F, T>(
    future: F,
) -> impl Future<Output = async_graphql::Result<T>> + Send + 'static
where
    F: Future<Output = async_graphql::Result<T>> + 'static,
    T: Send + 'static,
{
    let handle = actix_web::rt::spawn(future);
    async move {
        handle.await.map_err(|error| {
            super::errors::service(crate::service::ServiceError::internal(error))
        })?
    }
}
