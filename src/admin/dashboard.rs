//! The dashboard's figures: today's counts (UTC: new users, bookings made today by state, dead
//! jobs; three statements) and the last twelve weeks for the charts ([`weekly`]: bookings and
//! gross booking value by currency, occupancy, sign-ups; three statements), whatever the data.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl, dsl::count_star};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    schema::{bookings, jobs, users},
    service::{Admin, ServiceResult},
};

/// Today's numbers.
#[derive(Clone, Debug)]
pub struct Today {
    pub new_users: i64,
    /// (state, bookings made today in it), most first.
    pub bookings_by_state: Vec<(String, i64)>,
    pub dead_jobs: i64,
}

impl Today {
    pub fn bookings_today(&self) -> i64 {
        self.bookings_by_state.iter().map(|(_, count)| count).sum()
    }

    /// A booking state as people read it ("Cancelled by the guest"), the stored text if unknown.
    pub fn state_label<'a>(&self, state: &'a str) -> &'a str {
        crate::bookings::domain::Status::parse(state).map_or(state, |status| status.label())
    }
}

fn start_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|midnight| midnight.and_utc())
        .unwrap_or(now)
}

pub async fn today(conn: &mut AsyncPgConnection, _admin: &Admin) -> ServiceResult<Today> {
    let since = start_of_day(Utc::now());
    let new_users: i64 = users::table
        .filter(users::created_at.ge(since))
        .count()
        .get_result(conn)
        .await?;
    let mut bookings_by_state: Vec<(String, i64)> = bookings::table
        .filter(bookings::created_at.ge(since))
        .group_by(bookings::status)
        .select((bookings::status, count_star()))
        .load(conn)
        .await?;
    bookings_by_state.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let dead_jobs: i64 = jobs::table
        .filter(jobs::status.eq("dead"))
        .count()
        .get_result(conn)
        .await?;
    Ok(Today {
        new_users,
        bookings_by_state,
        dead_jobs,
    })
}

/// How many weeks the charts cover (this one included).
pub const WEEKS: i64 = 12;

/// The figures of one week (Monday, UTC) and one currency.
#[derive(Clone, Debug, diesel::QueryableByName)]
struct WeekMoney {
    #[diesel(sql_type = diesel::sql_types::Date)]
    week: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Text)]
    currency: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bookings: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    gross: i64,
}

#[derive(Clone, Debug, diesel::QueryableByName)]
struct WeekCount {
    #[diesel(sql_type = diesel::sql_types::Date)]
    week: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    capacity: i64,
}

/// The last [`WEEKS`] weeks, oldest first, as the charts draw them.
#[derive(Clone, Debug)]
pub struct Weekly {
    pub weeks: Vec<NaiveDate>,
    /// Per currency (in name order): bookings made each week and their gross value (the total
    /// price of those that were paid: confirmed, checked in or completed now), minor units.
    pub by_currency: Vec<(String, Vec<(i64, i64)>)>,
    /// Nights booked (paid stays) each week, and the nights the published listings offer.
    pub occupancy: Vec<(i64, i64)>,
    pub sign_ups: Vec<i64>,
}

impl Weekly {
    fn labels(&self) -> impl Iterator<Item = String> + '_ {
        self.weeks
            .iter()
            .map(|week| week.format("%b %-d").to_string())
    }

    /// The charts, (title, SVG): bookings and gross value per currency, occupancy, sign-ups.
    pub fn charts(&self) -> Vec<(String, String)> {
        use super::charts::{Bar, bar_chart};
        let chart = |title: String, bars: &[Bar]| {
            let svg = bar_chart(&title, bars);
            (title, svg)
        };
        let mut charts = Vec::new();
        for (currency, weeks) in &self.by_currency {
            let bars: Vec<Bar> = self
                .labels()
                .zip(weeks)
                .map(|(label, (count, _))| Bar {
                    label,
                    value: *count as f64,
                    shown: count.to_string(),
                })
                .collect();
            charts.push(chart(
                format!("Bookings made per week in {currency}"),
                &bars,
            ));
            let bars: Vec<Bar> = self
                .labels()
                .zip(weeks)
                .map(|(label, (_, gross))| Bar {
                    label,
                    value: *gross as f64,
                    shown: crate::money::format(*gross, currency),
                })
                .collect();
            charts.push(chart(
                format!("Gross booking value per week in {currency}"),
                &bars,
            ));
        }
        let bars: Vec<Bar> = self
            .labels()
            .zip(&self.occupancy)
            .map(|(label, (nights, capacity))| {
                let share = if *capacity > 0 {
                    *nights as f64 * 100.0 / *capacity as f64
                } else {
                    0.0
                };
                Bar {
                    label,
                    value: share,
                    shown: format!("{share:.1} % ({nights} of {capacity} nights)"),
                }
            })
            .collect();
        charts.push(chart("Occupancy per week".into(), &bars));
        let bars: Vec<Bar> = self
            .labels()
            .zip(&self.sign_ups)
            .map(|(label, count)| Bar {
                label,
                value: *count as f64,
                shown: count.to_string(),
            })
            .collect();
        charts.push(chart("Sign-ups per week".into(), &bars));
        charts
    }
}

/// The weeks (Mondays) of the charts, as SQL: the last [`WEEKS`] of them, this one included.
const WEEKS_SQL: &str = "WITH weeks AS ( \
    SELECT generate_series(date_trunc('week', now() AT TIME ZONE 'UTC')::date - 7 * 11, \
                           date_trunc('week', now() AT TIME ZONE 'UTC')::date, '7 days')::date AS week)";

/// Three statements, whatever the data: bookings and value by week and currency, nights
/// booked by week, sign-ups by week.
pub async fn weekly(conn: &mut AsyncPgConnection, _admin: &Admin) -> ServiceResult<Weekly> {
    let money: Vec<WeekMoney> = diesel::sql_query(format!(
        "{WEEKS_SQL} SELECT w.week, b.currency, count(b.id)::bigint AS bookings, \
           coalesce(sum(b.total_amount) FILTER (WHERE b.status IN \
             ('confirmed', 'checked_in', 'completed')), 0)::bigint AS gross \
         FROM weeks w JOIN bookings b ON b.created_at >= w.week \
           AND b.created_at < w.week + 7 \
         GROUP BY w.week, b.currency ORDER BY b.currency, w.week"
    ))
    .load(conn)
    .await?;
    let occupancy: Vec<WeekCount> = diesel::sql_query(format!(
        "{WEEKS_SQL} SELECT w.week, \
           coalesce((SELECT sum(least(b.check_out, w.week + 7) - greatest(b.check_in, w.week)) \
             FROM bookings b WHERE b.status IN ('confirmed', 'checked_in', 'completed') \
               AND b.check_in < w.week + 7 AND b.check_out > w.week), 0)::bigint AS count, \
           (SELECT count(*) * 7 FROM listings l WHERE l.status = 'published')::bigint AS capacity \
         FROM weeks w ORDER BY w.week"
    ))
    .load(conn)
    .await?;
    let sign_ups: Vec<WeekCount> = diesel::sql_query(format!(
        "{WEEKS_SQL} SELECT w.week, count(u.id)::bigint AS count, 0::bigint AS capacity \
         FROM weeks w LEFT JOIN users u ON u.created_at >= w.week \
           AND u.created_at < w.week + 7 \
         GROUP BY w.week ORDER BY w.week"
    ))
    .load(conn)
    .await?;
    let weeks: Vec<NaiveDate> = occupancy.iter().map(|week| week.week).collect();
    let mut by_currency: Vec<(String, Vec<(i64, i64)>)> = Vec::new();
    for row in money {
        if by_currency
            .last()
            .is_none_or(|(currency, _)| *currency != row.currency)
        {
            by_currency.push((row.currency.clone(), vec![(0, 0); weeks.len()]));
        }
        if let (Some((_, figures)), Some(index)) = (
            by_currency.last_mut(),
            weeks.iter().position(|week| *week == row.week),
        ) {
            figures[index] = (row.bookings, row.gross);
        }
    }
    Ok(Weekly {
        by_currency,
        occupancy: occupancy
            .iter()
            .map(|week| (week.count, week.capacity))
            .collect(),
        sign_ups: sign_ups.iter().map(|week| week.count).collect(),
        weeks,
    })
}
