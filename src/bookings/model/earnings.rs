//! The host's earnings: payouts by month of check-in and currency, from the stays that happen
//! (confirmed, in progress, completed), in one query; and their totals per currency.

use chrono::NaiveDate;
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

/// Payouts in one currency (a month's, or all months' together), as people read them. The
/// pages that show them bring it into scope (`use … Payouts as _`).
pub trait Payouts {
    fn currency(&self) -> &str;
    /// Minor units of completed stays.
    fn paid_out(&self) -> i64;
    /// Minor units of confirmed and running stays.
    fn upcoming(&self) -> i64;

    fn paid_out_label(&self) -> String {
        money::format(self.paid_out(), self.currency())
    }

    fn upcoming_label(&self) -> String {
        money::format(self.upcoming(), self.currency())
    }

    fn total_label(&self) -> String {
        money::format(self.paid_out() + self.upcoming(), self.currency())
    }
}

impl Payouts for MonthlyEarnings {
    fn currency(&self) -> &str {
        &self.currency
    }

    fn paid_out(&self) -> i64 {
        self.paid_out
    }

    fn upcoming(&self) -> i64 {
        self.upcoming
    }
}

impl MonthlyEarnings {
    /// "November 2026" (the stored `YYYY-MM` when it is not one).
    pub fn month_name(&self) -> String {
        month_name(&self.month)
    }
}

/// "November 2026" for `2026-11` (the text itself when it is not a month).
pub fn month_name(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|first| first.format("%B %Y").to_string())
        .unwrap_or_else(|_| month.to_string())
}

/// All the months' payouts in one currency (minor units).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencyTotal {
    pub currency: String,
    pub stays: i64,
    pub paid_out: i64,
    pub upcoming: i64,
}

impl Payouts for CurrencyTotal {
    fn currency(&self) -> &str {
        &self.currency
    }

    fn paid_out(&self) -> i64 {
        self.paid_out
    }

    fn upcoming(&self) -> i64 {
        self.upcoming
    }
}

/// The totals per currency of `months`, by currency code (amounts in different currencies are
/// never added together).
pub fn totals(months: &[MonthlyEarnings]) -> Vec<CurrencyTotal> {
    let mut totals: Vec<CurrencyTotal> = Vec::new();
    for month in months {
        match totals.iter_mut().find(|t| t.currency == month.currency) {
            Some(total) => {
                total.stays += month.stays;
                total.paid_out += month.paid_out;
                total.upcoming += month.upcoming;
            }
            None => totals.push(CurrencyTotal {
                currency: month.currency.clone(),
                stays: month.stays,
                paid_out: month.paid_out,
                upcoming: month.upcoming,
            }),
        }
    }
    totals.sort_by(|a, b| a.currency.cmp(&b.currency));
    totals
}

/// The payouts of a host's stays, by month of check-in and currency; `$2`, when not NULL,
/// keeps one month (`YYYY-MM`).
const MONTHLY: &str = "SELECT to_char(b.check_in, 'YYYY-MM') AS month, b.currency, count(*) AS stays, \
       coalesce(sum(b.host_payout) FILTER (WHERE b.status = 'completed'), 0)::bigint AS paid_out, \
       coalesce(sum(b.host_payout) FILTER (WHERE b.status IN ('confirmed', 'checked_in')), 0)::bigint AS upcoming \
     FROM bookings b JOIN listings l ON l.id = b.listing_id \
     WHERE l.host_id = $1 AND b.status IN ('confirmed', 'checked_in', 'completed') \
       AND ($2::text IS NULL OR to_char(b.check_in, 'YYYY-MM') = $2) \
     GROUP BY 1, 2 ORDER BY 1 DESC, 2";

async fn load_monthly(
    conn: &mut AsyncPgConnection,
    host_id: i64,
    month: Option<String>,
) -> diesel::QueryResult<Vec<MonthlyEarnings>> {
    diesel::sql_query(MONTHLY)
        .bind::<BigInt, _>(host_id)
        .bind::<diesel::sql_types::Nullable<Text>, _>(month)
        .load(conn)
        .await
}

/// A host's earnings, newest month first.
pub async fn monthly(
    conn: &mut AsyncPgConnection,
    host_id: i64,
) -> diesel::QueryResult<Vec<MonthlyEarnings>> {
    load_monthly(conn, host_id, None).await
}

/// A host's earnings of the month of `day` (by check-in), one row per currency.
pub async fn of_month(
    conn: &mut AsyncPgConnection,
    host_id: i64,
    day: NaiveDate,
) -> diesel::QueryResult<Vec<MonthlyEarnings>> {
    load_monthly(conn, host_id, Some(day.format("%Y-%m").to_string())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(month: &str, currency: &str, paid_out: i64, upcoming: i64) -> MonthlyEarnings {
        MonthlyEarnings {
            month: month.into(),
            currency: currency.into(),
            stays: 1,
            paid_out,
            upcoming,
        }
    }

    #[test]
    fn months_read_as_names() {
        assert_eq!(month_name("2026-11"), "November 2026");
        assert_eq!(month_name("nonsense"), "nonsense");
    }

    #[test]
    fn totals_add_up_each_currency_apart() {
        let months = [
            month("2026-12", "USD", 0, 500),
            month("2026-11", "EUR", 1_000, 200),
            month("2026-10", "EUR", 300, 0),
        ];
        let totals = totals(&months);
        assert_eq!(
            totals,
            [
                CurrencyTotal {
                    currency: "EUR".into(),
                    stays: 2,
                    paid_out: 1_300,
                    upcoming: 200
                },
                CurrencyTotal {
                    currency: "USD".into(),
                    stays: 1,
                    paid_out: 0,
                    upcoming: 500
                },
            ]
        );
    }
}
