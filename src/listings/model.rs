//! Listing rows and the fixed vocabularies of listings (property types, policies, statuses).

use chrono::{DateTime, NaiveTime, Utc};
use diesel::{
    ExpressionMethods, JoinOnDsl, NullableExpressionMethods, OptionalExtension, QueryDsl,
    Queryable, Selectable, SelectableHelper,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    money,
    pricing::Rates,
    schema::{listing_photos, listings},
    service::{ListingId, UserId},
};

crate::text_enum! {
    /// `listings.status`: only published listings are visible to guests.
    pub enum ListingStatus {
        Draft = "draft",
        Published = "published",
        Unlisted = "unlisted",
    }
}

crate::text_enum! {
    /// `listings.property_type`.
    pub enum PropertyType {
        Apartment = "apartment",
        House = "house",
        Cabin = "cabin",
        Villa = "villa",
        Cottage = "cottage",
        Loft = "loft",
        Room = "room",
        Other = "other",
    }
}

crate::text_enum! {
    /// `listings.cancellation_policy` (and the copy a booking keeps). See DESIGN.md §4.
    pub enum CancellationPolicy {
        Flexible = "flexible",
        Moderate = "moderate",
        Strict = "strict",
    }
}

/// Rows and tests compare a vocabulary with its spelling (`assert_eq!(row.status, "draft")`).
macro_rules! compares_with_text {
    ($($name:ident),+) => {$(
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
    )+};
}

compares_with_text!(ListingStatus, PropertyType, CancellationPolicy);

impl PropertyType {
    /// How forms and cards name it.
    pub const fn label(self) -> &'static str {
        match self {
            PropertyType::Apartment => "Apartment",
            PropertyType::House => "House",
            PropertyType::Cabin => "Cabin",
            PropertyType::Villa => "Villa",
            PropertyType::Cottage => "Cottage",
            PropertyType::Loft => "Loft",
            PropertyType::Room => "Private room",
            PropertyType::Other => "Other",
        }
    }
}

impl CancellationPolicy {
    pub const fn label(self) -> &'static str {
        match self {
            CancellationPolicy::Flexible => "Flexible",
            CancellationPolicy::Moderate => "Moderate",
            CancellationPolicy::Strict => "Strict",
        }
    }

    pub const fn explanation(self) -> &'static str {
        match self {
            CancellationPolicy::Flexible => "Full refund until 24 hours before check-in.",
            CancellationPolicy::Moderate => {
                "Full refund until 5 days before check-in, then 50% of the nights."
            }
            CancellationPolicy::Strict => {
                "50% refund until 7 days before check-in, then no refund."
            }
        }
    }
}

impl ListingStatus {
    /// How people read a status.
    pub const fn label(self) -> &'static str {
        match self {
            ListingStatus::Published => "Published",
            ListingStatus::Unlisted => "Unlisted",
            ListingStatus::Draft => "Draft",
        }
    }

    /// The badge modifier of a status (`badge--success`, …).
    pub const fn badge(self) -> &'static str {
        match self {
            ListingStatus::Published => "badge--success",
            ListingStatus::Unlisted => "badge--warning",
            ListingStatus::Draft => "badge--neutral",
        }
    }
}

/// Property types offered in forms: (value, label), from [`PropertyType`].
pub const PROPERTY_TYPES: [(&str, &str); 8] = {
    let mut table = [("", ""); 8];
    let mut i = 0;
    while i < table.len() {
        let kind = PropertyType::ALL[i];
        table[i] = (kind.as_str(), kind.label());
        i += 1;
    }
    table
};

/// Cancellation policies: (value, label, explanation), from [`CancellationPolicy`].
pub const CANCELLATION_POLICIES: [(&str, &str, &str); 3] = {
    let mut table = [("", "", ""); 3];
    let mut i = 0;
    while i < table.len() {
        let policy = CancellationPolicy::ALL[i];
        table[i] = (policy.as_str(), policy.label(), policy.explanation());
        i += 1;
    }
    table
};

/// The label of a property type spelled `value` ("Other" for an unknown one).
pub fn property_type_label(value: &str) -> &'static str {
    PropertyType::parse(value).map_or("Other", PropertyType::label)
}

/// The label of a policy spelled `value` (bookings keep their copy as text).
pub fn policy_label(value: &str) -> &'static str {
    CancellationPolicy::parse(value).map_or("Moderate", CancellationPolicy::label)
}

pub fn policy_explanation(value: &str) -> &'static str {
    CancellationPolicy::parse(value).map_or("", CancellationPolicy::explanation)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = listings, check_for_backend(diesel::pg::Pg))]
pub struct Listing {
    pub id: ListingId,
    pub host_id: UserId,
    pub status: ListingStatus,
    pub title: String,
    pub description: String,
    pub property_type: PropertyType,
    pub address: String,
    pub city: String,
    pub region: String,
    pub country: String,
    pub timezone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub beds: i32,
    pub bathrooms_tenths: i32,
    pub house_rules: String,
    pub check_in_time: NaiveTime,
    pub check_out_time: NaiveTime,
    pub nightly_price: i64,
    pub cleaning_fee: i64,
    pub currency: String,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub min_nights: i32,
    pub max_nights: i32,
    pub instant_book: bool,
    pub cancellation_policy: CancellationPolicy,
    pub review_count: i32,
    pub rating_sum: i32,
    pub cleanliness_sum: i32,
    pub accuracy_sum: i32,
    pub check_in_sum: i32,
    pub communication_sum: i32,
    pub location_sum: i32,
    pub value_sum: i32,
    pub rating_avg: Option<f64>,
    pub cover_photo_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// How to get in, for the guest of a confirmed stay only (like `address`).
    pub check_in_instructions: String,
}

impl Listing {
    pub fn is_published(&self) -> bool {
        self.status == ListingStatus::Published
    }

    /// The listing's time zone (UTC if the stored name is unknown, which forms prevent).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The date at the listing at the instant `now`: the one definition of "today at the
    /// listing", used by the calendar, the quote, booking, changes and the stay jobs.
    pub fn local_date(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.tz()).date_naive()
    }

    /// Today where the listing is (the earliest day a stay there may start).
    pub fn today(&self) -> chrono::NaiveDate {
        self.local_date(chrono::Utc::now())
    }

    /// "1.5" for 15 tenths.
    pub fn bathrooms(&self) -> String {
        if self.bathrooms_tenths % 10 == 0 {
            (self.bathrooms_tenths / 10).to_string()
        } else {
            format!(
                "{}.{}",
                self.bathrooms_tenths / 10,
                self.bathrooms_tenths % 10
            )
        }
    }

    pub fn rates(&self) -> Rates {
        Rates {
            nightly_price: self.nightly_price,
            cleaning_fee: self.cleaning_fee,
            weekly_discount_pct: self.weekly_discount_pct,
            monthly_discount_pct: self.monthly_discount_pct,
            currency: self.currency.clone(),
        }
    }

    /// "City, Region, Country" without empty parts.
    pub fn place(&self) -> String {
        [&self.city, &self.region, &self.country]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: ListingId,
) -> diesel::QueryResult<Option<Listing>> {
    listings::table
        .find(id)
        .select(Listing::as_select())
        .first(conn)
        .await
        .optional()
}

/// Several listings by id, in no particular order (missing ids are left out).
pub async fn find_many(
    conn: &mut AsyncPgConnection,
    ids: &[ListingId],
) -> diesel::QueryResult<Vec<Listing>> {
    listings::table
        .filter(listings::id.eq_any(ids.to_vec()))
        .select(Listing::as_select())
        .load(conn)
        .await
}

/// A listing as its viewer may see it: published ones for everybody, others only for their
/// host (`None` otherwise, which handlers answer with 404 so that ids cannot be probed).
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    id: ListingId,
    viewer: Option<UserId>,
) -> diesel::QueryResult<Option<Listing>> {
    Ok(find(conn, id)
        .await?
        .filter(|listing| listing.is_published() || Some(listing.host_id) == viewer))
}

/// A listing owned by `host_id` (`None` for anyone else's, whatever the id).
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    id: ListingId,
    host_id: UserId,
) -> diesel::QueryResult<Option<Listing>> {
    Ok(find(conn, id)
        .await?
        .filter(|listing| listing.host_id == host_id))
}

impl Listing {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn status_badge(&self) -> &'static str {
        self.status.badge()
    }
}

/// Most listings a host's pages list (bounded on purpose; nobody scrolls further).
pub const HOST_LISTINGS_LIMIT: i64 = 200;

/// A host's listing as their dashboard and listings page show it.
#[derive(Clone, Debug, Queryable)]
pub struct HostListing {
    pub id: i64,
    pub status: ListingStatus,
    pub title: String,
    pub city: String,
    pub country: String,
    pub nightly_price: i64,
    pub currency: String,
    pub cover_thumb_key: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl HostListing {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn status_badge(&self) -> &'static str {
        self.status.badge()
    }

    pub fn is_published(&self) -> bool {
        self.status == ListingStatus::Published
    }

    pub fn price(&self) -> String {
        money::format(self.nightly_price, &self.currency)
    }

    pub fn cover_url(&self) -> Option<String> {
        self.cover_thumb_key
            .as_ref()
            .map(|key| format!("/media/{key}"))
    }
}

/// The listings of a host, newest first, with their cover thumbnails (one query).
pub async fn for_host(
    conn: &mut AsyncPgConnection,
    host_id: i64,
) -> diesel::QueryResult<Vec<HostListing>> {
    for_host_page(conn, host_id, 0, HOST_LISTINGS_LIMIT).await
}

/// At most `limit` listings of a host from `offset`, newest first, as [`for_host`].
pub async fn for_host_page(
    conn: &mut AsyncPgConnection,
    host_id: i64,
    offset: i64,
    limit: i64,
) -> diesel::QueryResult<Vec<HostListing>> {
    listings::table
        .left_join(
            listing_photos::table.on(listing_photos::id.nullable().eq(listings::cover_photo_id)),
        )
        .filter(listings::host_id.eq(host_id))
        .order(listings::id.desc())
        .offset(offset)
        .limit(limit)
        .select((
            listings::id,
            listings::status,
            listings::title,
            listings::city,
            listings::country,
            listings::nightly_price,
            listings::currency,
            listing_photos::thumb_key.nullable(),
            listings::updated_at,
        ))
        .load(conn)
        .await
}
