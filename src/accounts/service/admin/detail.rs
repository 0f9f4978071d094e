//! A user's admin page: the account, their listings, their bookings as a guest, their live
//! sessions, the reviews they wrote, their security events and the admin actions on them.
//! Seven statements, each list capped at [`SHOWN`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{
    list::UserRow,
    security::{SecurityEventRow, recent_for_user},
};
use crate::{
    admin::audit::{self, AuditRow, ObjectType},
    schema::{bookings, listings, reviews, sessions, users},
    service::{Admin, ServiceError, ServiceResult, UserId},
};

/// Rows shown per section of the page.
pub const SHOWN: i64 = 50;

#[derive(Clone, Debug)]
pub struct UserDetail {
    pub user: UserRow,
    pub bio: String,
    pub listings: Vec<ListingLine>,
    pub bookings: Vec<BookingLine>,
    pub sessions: Vec<SessionLine>,
    pub reviews: Vec<ReviewLine>,
    pub security_events: Vec<SecurityEventRow>,
    pub history: Vec<AuditRow>,
}

/// A review the user wrote.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct ReviewLine {
    pub id: i64,
    pub listing_id: i64,
    pub listing_title: String,
    pub direction: String,
    pub rating: i16,
    pub published_at: Option<DateTime<Utc>>,
    pub hidden_at: Option<DateTime<Utc>>,
}

impl ReviewLine {
    pub fn state(&self) -> &'static str {
        match (self.published_at, self.hidden_at) {
            (_, Some(_)) => "Hidden",
            (Some(_), None) => "Published",
            (None, None) => "Not yet published",
        }
    }
}

#[derive(Clone, Debug, diesel::Queryable)]
pub struct ListingLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub city: String,
    pub country: String,
}

#[derive(Clone, Debug, diesel::Queryable)]
pub struct BookingLine {
    pub id: i64,
    pub listing_id: i64,
    pub listing_title: String,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub status: String,
    pub total_amount: i64,
    pub currency: String,
}

impl BookingLine {
    pub fn total(&self) -> String {
        crate::money::format(self.total_amount, &self.currency)
    }
}

#[derive(Clone, Debug, diesel::Queryable)]
pub struct SessionLine {
    pub public_id: String,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SessionLine {
    pub fn started(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    pub fn last_active(&self) -> String {
        self.updated_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

pub async fn detail(
    conn: &mut AsyncPgConnection,
    admin: &Admin,
    id: UserId,
) -> ServiceResult<UserDetail> {
    let (user, bio): (UserRow, String) = users::table
        .find(id.get())
        .select((
            (
                users::id,
                users::email,
                users::name,
                users::is_host,
                users::is_admin,
                users::email_verified_at,
                users::suspended_at,
                users::deleted_at,
                users::created_at,
            ),
            users::bio,
        ))
        .first(conn)
        .await
        .map_err(ServiceError::from)?;
    let listings: Vec<ListingLine> = listings::table
        .filter(listings::host_id.eq(id.get()))
        .order(listings::id.desc())
        .limit(SHOWN)
        .select((
            listings::id,
            listings::title,
            listings::status,
            listings::city,
            listings::country,
        ))
        .load(conn)
        .await?;
    let bookings: Vec<BookingLine> = bookings::table
        .inner_join(listings::table.on(listings::id.eq(bookings::listing_id)))
        .filter(bookings::guest_id.eq(id.get()))
        .order(bookings::id.desc())
        .limit(SHOWN)
        .select((
            bookings::id,
            bookings::listing_id,
            listings::title,
            bookings::check_in,
            bookings::check_out,
            bookings::status,
            bookings::total_amount,
            bookings::currency,
        ))
        .load(conn)
        .await?;
    let sessions: Vec<SessionLine> = sessions::table
        .filter(sessions::user_id.eq(id.get()))
        .filter(sessions::expires_at.gt(Utc::now()))
        .order(sessions::updated_at.desc())
        .limit(SHOWN)
        .select((
            sessions::public_id,
            sessions::user_agent,
            sessions::ip_address,
            sessions::created_at,
            sessions::updated_at,
        ))
        .load(conn)
        .await?;
    let reviews: Vec<ReviewLine> = reviews::table
        .inner_join(listings::table.on(listings::id.eq(reviews::listing_id)))
        .filter(reviews::author_id.eq(id.get()))
        .order(reviews::id.desc())
        .limit(SHOWN)
        .select((
            reviews::id,
            reviews::listing_id,
            listings::title,
            reviews::direction,
            reviews::rating,
            reviews::published_at,
            reviews::hidden_at,
        ))
        .load(conn)
        .await?;
    let security_events = recent_for_user(conn, id, SHOWN).await?;
    let history = audit::for_object(conn, admin, ObjectType::User, id.get(), SHOWN).await?;
    Ok(UserDetail {
        user,
        bio,
        listings,
        bookings,
        sessions,
        reviews,
        security_events,
        history,
    })
}
