//! The `calendar_exports` table: a listing's export token.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, upsert::excluded};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rand::RngCore;

use crate::{schema::calendar_exports, service::ListingId};

/// 32 random bytes, URL-safe base64: 43 characters, as the table's CHECK wants.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The listing's export token, if the host made one.
pub async fn token_of(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> diesel::QueryResult<Option<String>> {
    calendar_exports::table
        .find(listing_id)
        .select(calendar_exports::token)
        .first(conn)
        .await
        .optional()
}

/// Gives the listing a new token, ending the old one (one statement).
pub async fn renew(
    conn: &mut AsyncPgConnection,
    listing_id: ListingId,
) -> diesel::QueryResult<String> {
    diesel::insert_into(calendar_exports::table)
        .values((
            calendar_exports::listing_id.eq(listing_id),
            calendar_exports::token.eq(new_token()),
        ))
        .on_conflict(calendar_exports::listing_id)
        .do_update()
        .set((
            calendar_exports::token.eq(excluded(calendar_exports::token)),
            calendar_exports::created_at.eq(diesel::dsl::now),
        ))
        .returning(calendar_exports::token)
        .get_result(conn)
        .await
}

/// The listing a token exports, if any.
pub async fn listing_of(
    conn: &mut AsyncPgConnection,
    token: &str,
) -> diesel::QueryResult<Option<ListingId>> {
    calendar_exports::table
        .filter(calendar_exports::token.eq(token))
        .select(calendar_exports::listing_id)
        .first::<i64>(conn)
        .await
        .optional()
        .map(|id| id.map(ListingId::new))
}
