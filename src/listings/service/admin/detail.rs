//! A listing's admin page, and taking it off the site or putting it back.

use chrono::{Days, NaiveDate, Utc};
use diesel::{ExpressionMethods, JoinOnDsl, QueryDsl, dsl::exists};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::{
    accounts::emails::{AccountNotice, account_notice},
    admin::{
        audit::{self, Action, AuditRow, Entry, ObjectType, Reason},
        sudo::Sudo,
    },
    bookings::domain::Status,
    listings::{
        calendar::{self, CalendarEntry},
        model::{self, Listing, ListingStatus},
        photos::{self, Photo},
        service::{NO_PHOTO, lock},
    },
    money,
    schema::{bookings, listing_photos, listings, users},
    service::{Admin, ListingId, ServiceError, ServiceResult},
};

/// Bookings and admin actions shown on the page, at most.
pub const SHOWN: i64 = 50;
/// How far ahead the page shows the calendar, in days.
pub const CALENDAR_DAYS: u64 = 365;

/// A booking of the listing, as its page lists it.
#[derive(Clone, Debug, diesel::Queryable)]
pub struct ListingBooking {
    pub id: i64,
    pub guest_id: i64,
    pub guest_email: String,
    pub check_in: NaiveDate,
    pub check_out: NaiveDate,
    pub status: Status,
    pub total_amount: i64,
    pub currency: String,
}

impl ListingBooking {
    pub fn total(&self) -> String {
        money::format(self.total_amount, &self.currency)
    }
}

/// One listing with everything around it.
#[derive(Clone, Debug)]
pub struct ListingDetail {
    pub listing: Listing,
    pub host_email: String,
    pub host_name: String,
    pub photos: Vec<Photo>,
    /// The entries of the next [`CALENDAR_DAYS`] days (blocks and stays), by start date.
    pub calendar: Vec<CalendarEntry>,
    pub bookings: Vec<ListingBooking>,
    pub history: Vec<AuditRow>,
}

impl ListingDetail {
    pub fn price(&self, amount: impl std::borrow::Borrow<i64>) -> String {
        money::format(*amount.borrow(), &self.listing.currency)
    }
}

/// A listing's admin page: six statements, however many photos, nights and bookings.
pub async fn detail(
    conn: &mut AsyncPgConnection,
    admin: &Admin,
    id: ListingId,
) -> ServiceResult<ListingDetail> {
    let listing = model::find(conn, id).await?.ok_or(ServiceError::NotFound)?;
    let (host_email, host_name): (String, String) = users::table
        .find(listing.host_id)
        .select((users::email, users::name))
        .first(conn)
        .await?;
    let photos = photos::for_listing(conn, id).await?;
    let today = listing.today();
    let until = today
        .checked_add_days(Days::new(CALENDAR_DAYS))
        .unwrap_or(today);
    let calendar = calendar::entries_between(conn, id, today, until).await?;
    let bookings: Vec<ListingBooking> = bookings::table
        .inner_join(users::table.on(users::id.eq(bookings::guest_id)))
        .filter(bookings::listing_id.eq(id))
        .order(bookings::id.desc())
        .limit(SHOWN)
        .select((
            bookings::id,
            bookings::guest_id,
            users::email,
            bookings::check_in,
            bookings::check_out,
            bookings::status,
            bookings::total_amount,
            bookings::currency,
        ))
        .load(conn)
        .await?;
    let history = audit::for_object(conn, admin, ObjectType::Listing, id.get(), SHOWN).await?;
    Ok(ListingDetail {
        listing,
        host_email,
        host_name,
        photos,
        calendar,
        bookings,
        history,
    })
}

/// Takes a published listing off the site (`listed` false: it is unlisted, its bookings
/// stay) or puts an unlisted one back (it needs a photo, as when its host publishes it). The
/// host is emailed the reason, in the same transaction as the change and its audit row.
pub async fn set_listed(
    conn: &mut AsyncPgConnection,
    base_url: &str,
    sudo: &Sudo,
    id: ListingId,
    listed: bool,
    reason: &Reason,
) -> ServiceResult<()> {
    let admin = sudo.admin();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let (status, _) = lock(conn, id).await?;
        let (from, to) = if listed {
            (ListingStatus::Unlisted, ListingStatus::Published)
        } else {
            (ListingStatus::Published, ListingStatus::Unlisted)
        };
        if status != from {
            return Err(ServiceError::conflict(format!(
                "This listing is {}, not {}.",
                status.label().to_lowercase(),
                from.label().to_lowercase()
            )));
        }
        if listed {
            let has_photo: bool = diesel::select(exists(
                listing_photos::table.filter(listing_photos::listing_id.eq(id)),
            ))
            .get_result(conn)
            .await?;
            if !has_photo {
                return Err(ServiceError::refused(NO_PHOTO));
            }
        }
        let now = Utc::now();
        diesel::update(listings::table.find(id))
            .set((listings::status.eq(to), listings::updated_at.eq(now)))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            admin,
            Entry {
                action: if listed {
                    Action::RelistListing
                } else {
                    Action::UnlistListing
                },
                object_type: ObjectType::Listing,
                object_id: id.get(),
                reason: reason.as_str(),
                before: json!({ "status": from }),
                after: json!({ "status": to }),
            },
        )
        .await?;
        let (title, email, name): (String, String, String) = listings::table
            .inner_join(users::table)
            .filter(listings::id.eq(id))
            .select((listings::title, users::email, users::name))
            .first(conn)
            .await?;
        let (subject, message) = if listed {
            (
                format!("“{title}” is back on Roost"),
                format!(
                    "Roost put your listing “{title}” back on the site. {}",
                    reason.as_str()
                ),
            )
        } else {
            (
                format!("“{title}” was taken off Roost"),
                format!(
                    "Roost took your listing “{title}” off the site: guests cannot find or book \
                     it any more; the stays already booked go ahead. Why: {}",
                    reason.as_str()
                ),
            )
        };
        let link = format!("{base_url}/host/listings/{id}/edit");
        account_notice(
            conn,
            &email,
            &name,
            AccountNotice {
                subject: &subject,
                message: &message,
                action: Some(("Your listing", &link)),
                closing: "Reply to this email if you have a question.",
            },
        )
        .await?;
        Ok(())
    })
    .await
}
