//! The host's earnings: payouts by month of check-in and currency, from the stays that happen
//! (confirmed, in progress, completed), in one query.

use diesel::{
    QueryableByName,
    sql_types::{BigInt, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::money;

/// One month's payouts in one currency (minor units).
#[derive(Clone, Debug, QueryableByName)]
pub struct MonthlyEarnings {
    /// `YYYY-MM` of the check-in.
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = BigInt)]
    pub stays: i64,
    /// Completed stays: paid out.
    #[diesel(sql_type = BigInt)]
    pub paid_out: i64,
    /// Confirmed and running stays: to be paid out.
    #[diesel(sql_type = BigInt)]
    pub upcoming: i64,
}

impl MonthlyEarnings {
    pub fn paid_out_label(&self) -> String {
        money::format(self.paid_out, &self.currency)
    }

    pub fn upcoming_label(&self) -> String {
        money::format(self.upcoming, &self.currency)
    }

    pub fn total_label(&self) -> String {
        money::format(self.paid_out + self.upcoming, &self.currency)
    }
}

/// A host's earnings, newest month first.
pub async fn monthly(
    conn: &mut AsyncPgConnection,
    host_id: i64,
) -> diesel::QueryResult<Vec<MonthlyEarnings>> {
    diesel::sql_query(
        "SELECT to_char(b.check_in, 'YYYY-MM') AS month, b.currency, count(*) AS stays, \
           coalesce(sum(b.host_payout) FILTER (WHERE b.status = 'completed'), 0)::bigint AS paid_out, \
           coalesce(sum(b.host_payout) FILTER (WHERE b.status IN ('confirmed', 'checked_in')), 0)::bigint AS upcoming \
         FROM bookings b JOIN listings l ON l.id = b.listing_id \
         WHERE l.host_id = $1 AND b.status IN ('confirmed', 'checked_in', 'completed') \
         GROUP BY 1, 2 ORDER BY 1 DESC, 2",
    )
    .bind::<BigInt, _>(host_id)
    .load(conn)
    .await
}
