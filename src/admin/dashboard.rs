//! The dashboard's counts for today (UTC): new users, bookings made today by state, dead jobs.
//! Three statements, whatever the data.

use chrono::{DateTime, Utc};
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
