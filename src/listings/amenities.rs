//! The amenity catalogue (seeded by the migration) and the amenities of each listing.

use crate::service::ListingId;
use diesel::{
    ExpressionMethods, IntoSql, QueryDsl, Queryable, Selectable, SelectableHelper, sql_types,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{amenities, listing_amenities};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = amenities, check_for_backend(diesel::pg::Pg))]
pub struct Amenity {
    pub id: i32,
    pub slug: String,
    pub name: String,
}

/// Every amenity, in display order.
pub async fn all(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<Amenity>> {
    amenities::table
        .order((amenities::position, amenities::id))
        .select(Amenity::as_select())
        .load(conn)
        .await
}

/// The amenities of one listing, in display order (one query).
pub async fn of_listing(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> diesel::QueryResult<Vec<Amenity>> {
    amenities::table
        .inner_join(listing_amenities::table)
        .filter(listing_amenities::listing_id.eq(listing_id))
        .order((amenities::position, amenities::id))
        .select(Amenity::as_select())
        .load(conn)
        .await
}

/// Makes the listing's amenities exactly those named by `slugs` (unknown slugs are ignored:
/// the form only offers the catalogue). Two statements; call it inside the caller's transaction.
pub async fn replace_for_listing(
    conn: &mut AsyncPgConnection,
    listing_id: i64,
    slugs: &[String],
) -> diesel::QueryResult<()> {
    diesel::delete(listing_amenities::table.filter(listing_amenities::listing_id.eq(listing_id)))
        .execute(conn)
        .await?;
    if slugs.is_empty() {
        return Ok(());
    }
    diesel::insert_into(listing_amenities::table)
        .values(
            amenities::table
                .filter(amenities::slug.eq_any(slugs))
                .select((listing_id.into_sql::<sql_types::BigInt>(), amenities::id)),
        )
        .into_columns((listing_amenities::listing_id, listing_amenities::amenity_id))
        .execute(conn)
        .await?;
    Ok(())
}
