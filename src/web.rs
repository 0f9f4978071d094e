//! Web plumbing shared by every feature: application state, middleware, the page context that
//! every template receives, static assets and the server-side session store.

pub mod assets;
pub mod conditional;
pub mod csrf;
pub mod error_pages;
pub mod flash;
pub mod forms;
pub mod head;
pub mod idle;
pub mod metrics;
pub mod observability;
pub mod page;
pub mod refused;
pub mod security_headers;
pub mod session_store;

use std::sync::Arc;

use crate::{config::Config, db::DbPool, storage::Storage};

/// State shared by all handlers (`web::Data<AppState>`).
pub struct AppState {
    pub pool: DbPool,
    /// Connections for search statements only, this worker's own (`db::SearchPools`).
    pub search_pool: DbPool,
    pub config: Arc<Config>,
    /// Uploaded files (avatars, listing photos).
    pub storage: Storage,
    /// The places each location query names, kept for search (`search::places`).
    pub places: Arc<crate::search::places::PlaceDirectory>,
    /// Where uploaded images are decoded, a few at a time (`images::pool`).
    pub images: Arc<crate::images::pool::ImagePool>,
    /// The exchange rates of display currencies, kept for a minute (`currency::service`).
    pub rates: Arc<crate::currency::service::RateCache>,
}

/// Whether the request was made by htmx (it then expects a fragment, not a page).
pub fn is_htmx(req: &actix_web::HttpRequest) -> bool {
    req.headers().contains_key("HX-Request")
}
