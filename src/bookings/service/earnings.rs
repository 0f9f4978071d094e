//! The host's earnings page: their own payouts, never another host's.

use diesel_async::AsyncPgConnection;

use crate::{
    bookings::model::earnings::{self, MonthlyEarnings},
    service::{Actor, ServiceResult},
};

/// The acting member's earnings from their listings, newest month first (none for a member
/// without listings).
pub async fn earnings(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
) -> ServiceResult<Vec<MonthlyEarnings>> {
    let host = actor.member()?;
    Ok(earnings::monthly(conn, host.id.get()).await?)
}
