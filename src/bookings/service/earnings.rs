//! The host's earnings page: their own payouts, never another host's.

use diesel_async::AsyncPgConnection;

use crate::{
    bookings::model::earnings::{self, CurrencyTotal, MonthlyEarnings},
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

/// The host's earnings by month and their totals per currency.
#[derive(Debug)]
pub struct Earnings {
    /// Newest month first, one row per currency.
    pub months: Vec<MonthlyEarnings>,
    /// By currency code.
    pub totals: Vec<CurrencyTotal>,
}

/// The acting member's earnings with their totals per currency (one statement).
pub async fn earnings_with_totals(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
) -> ServiceResult<Earnings> {
    let months = earnings(conn, actor).await?;
    let totals = earnings::totals(&months);
    Ok(Earnings { months, totals })
}
