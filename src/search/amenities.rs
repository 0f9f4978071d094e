//! The amenity vocabulary, read once per worker and kept in memory: it only changes with a
//! migration, and the search form shows it on every page. The rows and their query are the
//! one amenity catalogue of [`crate::listings::amenities`].

use std::sync::Arc;

use tokio::sync::OnceCell;

pub use crate::listings::amenities::Amenity;
use crate::{db::DbPool, service::ServiceResult};

/// The cached list (registered as `web::Data<AmenityCatalog>` by `search::configure`).
#[derive(Default)]
pub struct AmenityCatalog {
    cell: OnceCell<Arc<Vec<Amenity>>>,
}

impl AmenityCatalog {
    /// The amenities in display order (one query the first time, none afterwards).
    pub async fn get(&self, pool: &DbPool) -> ServiceResult<Arc<Vec<Amenity>>> {
        let list = self
            .cell
            .get_or_try_init(|| async {
                let mut conn = crate::db::connection(pool).await?;
                let list = crate::listings::amenities::all(&mut conn).await?;
                Ok::<_, crate::service::ServiceError>(Arc::new(list))
            })
            .await?;
        Ok(list.clone())
    }
}
