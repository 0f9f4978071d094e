//! Listing cards: the row every list of stays reads (search, home page, wishlist) in one
//! query with its thumbnail, and what the card template shows.

use diesel::{
    ExpressionMethods, QueryDsl, QueryableByName,
    sql_types::{BigInt, Double, Integer, Nullable, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    listings::model::property_type_label,
    money,
    pricing::{self, PricingPolicy, Rates},
    schema::wishlist_items,
    stays::stay::StayDates,
};

/// The listing columns a card needs (`l` is `listings`).
pub const CARD_COLUMNS: &str = "l.id, l.title, l.city, l.region, l.country, l.property_type, \
     l.max_guests, l.bedrooms, l.nightly_price, l.cleaning_fee, l.currency, \
     l.weekly_discount_pct, l.monthly_discount_pct, l.review_count, l.rating_avg, \
     l.cover_photo_id, l.published_at";

/// Wraps a query returning [`CARD_COLUMNS`] (already ordered and limited) with each row's
/// thumbnail: the cover photo, else the first by position. Only the rows of the page are
/// looked up; `order` repeats the inner order, which a join may not keep.
pub fn with_thumbnails(inner: &str, order: &str) -> String {
    format!(
        "SELECT p.*, ph.thumb_key FROM ({inner}) p \
         LEFT JOIN LATERAL (SELECT f.thumb_key FROM listing_photos f WHERE f.listing_id = p.id \
         ORDER BY (f.id IS NOT DISTINCT FROM p.cover_photo_id) DESC, f.position, f.id LIMIT 1) ph \
         ON true ORDER BY {order}"
    )
}

#[derive(Clone, Debug, QueryableByName)]
pub struct CardRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub city: String,
    #[diesel(sql_type = Text)]
    pub region: String,
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Text)]
    pub property_type: String,
    #[diesel(sql_type = Integer)]
    pub max_guests: i32,
    #[diesel(sql_type = Integer)]
    pub bedrooms: i32,
    #[diesel(sql_type = BigInt)]
    pub nightly_price: i64,
    #[diesel(sql_type = BigInt)]
    pub cleaning_fee: i64,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = Integer)]
    pub weekly_discount_pct: i32,
    #[diesel(sql_type = Integer)]
    pub monthly_discount_pct: i32,
    #[diesel(sql_type = Integer)]
    pub review_count: i32,
    #[diesel(sql_type = Nullable<Double>)]
    pub rating_avg: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub thumb_key: Option<String>,
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
        let rates = Rates {
            nightly_price: row.nightly_price,
            cleaning_fee: row.cleaning_fee,
            weekly_discount_pct: row.weekly_discount_pct,
            monthly_discount_pct: row.monthly_discount_pct,
            currency: row.currency.clone(),
        };
        let total = dates.map(|dates| {
            let quote = pricing::quote(&rates, dates.nights(), &PricingPolicy::default());
            money::format(quote.total_amount, &quote.currency)
        });
        let place = [&row.city, &row.country]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let bedrooms = if row.bedrooms == 0 {
            "Studio".to_string()
        } else {
            plural(row.bedrooms, "bedroom", "bedrooms")
        };
        ListingCard {
            id: row.id,
            summary: format!(
                "{} · {} · {}",
                property_type_label(&row.property_type),
                plural(row.max_guests, "guest", "guests"),
                bedrooms
            ),
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
