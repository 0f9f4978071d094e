//! The amenity vocabulary, read once per worker and kept in memory: it only changes with a
//! migration, and the search form shows it on every page.

use std::sync::Arc;

use diesel::{QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::RunQueryDsl;
use tokio::sync::OnceCell;

use crate::{db::DbPool, errors::AppResult, schema::amenities};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = amenities, check_for_backend(diesel::pg::Pg))]
pub struct Amenity {
    pub id: i32,
    pub slug: String,
    pub name: String,
}

/// The cached list (registered as `web::Data<AmenityCatalog>` by `search::configure`).
#[derive(Default)]
pub struct AmenityCatalog {
    cell: OnceCell<Arc<Vec<Amenity>>>,
}

impl AmenityCatalog {
    /// The amenities in display order (one query the first time, none afterwards).
    pub async fn get(&self, pool: &DbPool) -> AppResult<Arc<Vec<Amenity>>> {
        let list = self
            .cell
            .get_or_try_init(|| async {
                let mut conn = crate::db::connection(pool).await?;
                let list = amenities::table
                    .order((amenities::position, amenities::id))
                    .select(Amenity::as_select())
                    .load(&mut conn)
                    .await?;
                Ok::<_, crate::errors::AppError>(Arc::new(list))
            })
            .await?;
        Ok(list.clone())
    }
}
