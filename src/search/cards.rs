//! Listing cards: the row every list of stays reads (search, home page, wishlist) in one
//! query with its thumbnail, and what the card template shows.

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, Queryable,
    sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    listings::model::property_type_label,
    money,
    pricing::{self, PricingPolicy, Rates},
    schema::wishlist_items,
    stays::stay::StayDates,
};

/// The listing columns a card needs, in [`CardRow`]'s order. The thumbnail is kept on the
/// listing by triggers (migration 000008), so a page of cards reads no photo rows.
const CARD_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "city",
    "country",
    "property_type",
    "max_guests",
    "bedrooms",
    "nightly_price",
    "cleaning_fee",
    "currency",
    "weekly_discount_pct",
    "monthly_discount_pct",
    "review_count",
    "rating_avg",
    "card_thumb_key",
    "published_at",
];

/// The card columns of the table or subquery `alias`: "l.id, l.title, …".
pub fn card_columns(alias: &str) -> String {
    CARD_COLUMNS
        .iter()
        .map(|column| format!("{alias}.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL types of [`card_columns`], for `db::sql::SqlBuilder::build`.
pub type CardSql = (
    BigInt,
    Text,
    Text,
    Text,
    Text,
    Integer,
    Integer,
    BigInt,
    BigInt,
    Text,
    Integer,
    Integer,
    Integer,
    Nullable<Double>,
    Nullable<Text>,
    Nullable<Timestamptz>,
);

/// One row of [`card_columns`], read by position.
#[derive(Clone, Debug, Queryable)]
pub struct CardRow {
    pub id: i64,
    pub title: String,
    pub city: String,
    pub country: String,
    pub property_type: String,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub nightly_price: i64,
    pub cleaning_fee: i64,
    pub currency: String,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub review_count: i32,
    pub rating_avg: Option<f64>,
    pub thumb_key: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A card as templates show it.
#[derive(Clone, Debug)]
pub struct ListingCard {
    pub id: i64,
    pub title: String,
    /// "Lisbon, Portugal".
    pub place: String,
    /// "Loft · 4 guests · 2 bedrooms".
    pub summary: String,
    pub thumb_url: Option<String>,
    /// "4.87", or `None` for a listing without reviews ("New").
    pub rating: Option<String>,
    pub review_count: i32,
    /// The nightly price, formatted.
    pub price: String,
    /// The price of the whole stay, when dates were given (from `pricing::quote`).
    pub total: Option<String>,
    pub nights: i32,
    /// In the signed-in user's wishlist.
    pub saved: bool,
}

fn plural(count: i32, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

impl ListingCard {
    pub fn from_row(row: CardRow, dates: Option<&StayDates>) -> ListingCard {
        let total = dates.map(|dates| {
            let rates = Rates {
                nightly_price: row.nightly_price,
                cleaning_fee: row.cleaning_fee,
                weekly_discount_pct: row.weekly_discount_pct,
                monthly_discount_pct: row.monthly_discount_pct,
                currency: row.currency.clone(),
            };
            let quote = pricing::quote(&rates, dates.nights(), &PricingPolicy::default());
            money::format(quote.total_amount, &quote.currency)
        });
        let place = if row.country.is_empty() {
            row.city
        } else if row.city.is_empty() {
            row.country
        } else {
            format!("{}, {}", row.city, row.country)
        };
        // "Loft · 4 guests · 2 bedrooms", written once (a page has twenty cards).
        let (guests, guest_word) = (
            row.max_guests,
            if row.max_guests == 1 {
                "guest"
            } else {
                "guests"
            },
        );
        let summary = match row.bedrooms {
            0 => format!(
                "{} · {guests} {guest_word} · Studio",
                property_type_label(&row.property_type)
            ),
            1 => format!(
                "{} · {guests} {guest_word} · 1 bedroom",
                property_type_label(&row.property_type)
            ),
            n => format!(
                "{} · {guests} {guest_word} · {n} bedrooms",
                property_type_label(&row.property_type)
            ),
        };
        ListingCard {
            id: row.id,
            summary,
            place,
            thumb_url: row.thumb_key.map(|key| format!("/media/{key}")),
            rating: row
                .rating_avg
                .filter(|_| row.review_count > 0)
                .map(|avg| format!("{avg:.2}")),
            review_count: row.review_count,
            price: money::format(row.nightly_price, &row.currency),
            total,
            nights: dates.map(|d| d.nights()).unwrap_or(0),
            saved: false,
            title: row.title,
        }
    }

    /// "for 3 nights".
    pub fn nights_label(&self) -> String {
        plural(self.nights, "night", "nights")
    }
}

/// Marks the cards that `user_id` saved (one query for the whole list).
pub async fn mark_saved(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    cards: &mut [ListingCard],
) -> diesel::QueryResult<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = cards.iter().map(|card| card.id).collect();
    let saved: Vec<i64> = wishlist_items::table
        .filter(wishlist_items::user_id.eq(user_id))
        .filter(wishlist_items::listing_id.eq_any(&ids))
        .select(wishlist_items::listing_id)
        .load(conn)
        .await?;
    for card in cards.iter_mut() {
        card.saved = saved.contains(&card.id);
    }
    Ok(())
}
