//! Listing cards: the row every list of stays reads (search, home page, wishlist) in one
//! query with its thumbnail, and what the card template shows.

use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, QueryDsl, Queryable,
    sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::{
    currency::model::Display,
    listings::model::property_type_label,
    money,
    pricing::{self, PricingPolicy, Rates},
    schema::wishlist_items,
    stays::stay::StayDates,
};

/// The listing columns a card needs, in [`CardRow`]'s order. The thumbnail is kept on the
/// listing by triggers (migration 000008), so a page of cards reads no photo rows.
const CARD_COLUMNS: [&str; 17] = [
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
    "host_id",
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
    BigInt,
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
    pub host_id: i64,
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
    /// What is charged, when `price` and `total` are shown converted into a display currency
    /// ("$135.00", and the stay's total).
    pub charged: Option<String>,
    pub charged_total: Option<String>,
    pub nights: i32,
    /// In the signed-in user's wishlist.
    pub saved: bool,
    /// The raw values behind the labels, for the JSON API.
    pub facts: CardFacts,
}

/// What a card's labels were made from: minor units, codes and counts (the JSON API's card).
#[derive(Clone, Debug)]
pub struct CardFacts {
    pub city: String,
    pub country: String,
    pub property_type: String,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub nightly_price: i64,
    pub currency: String,
    /// The whole stay, when dates were given.
    pub total_amount: Option<i64>,
    pub rating_avg: Option<f64>,
    /// The host (GraphQL's `host` field loads their profile).
    pub host_id: i64,
    pub cleaning_fee: i64,
}

/// Appends `value` in decimal.
fn push_int(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// "Loft · 4 guests · 2 bedrooms".
fn summary(property_type: &str, max_guests: i32, bedrooms: i32) -> String {
    let mut out = String::with_capacity(48);
    out.push_str(property_type_label(property_type));
    out.push_str(" · ");
    push_int(&mut out, i64::from(max_guests));
    out.push_str(if max_guests == 1 { " guest" } else { " guests" });
    match bedrooms {
        0 => out.push_str(" · Studio"),
        1 => out.push_str(" · 1 bedroom"),
        n => {
            out.push_str(" · ");
            push_int(&mut out, i64::from(n));
            out.push_str(" bedrooms");
        }
    }
    out
}

/// "Lisbon, Portugal".
fn place(city: String, country: String) -> String {
    if country.is_empty() {
        return city;
    }
    if city.is_empty() {
        return country;
    }
    let mut out = city;
    out.reserve(2 + country.len());
    out.push_str(", ");
    out.push_str(&country);
    out
}

impl ListingCard {
    /// The card of `row`. A page has twenty: the labels are written with `push_str`, not
    /// `format!` (which was an eighth of the server's time on a search page).
    pub fn from_row(row: CardRow, dates: Option<&StayDates>) -> ListingCard {
        let rates = Rates {
            nightly_price: row.nightly_price,
            cleaning_fee: row.cleaning_fee,
            weekly_discount_pct: row.weekly_discount_pct,
            monthly_discount_pct: row.monthly_discount_pct,
            currency: row.currency,
        };
        let total_amount = dates.map(|dates| {
            pricing::quote(&rates, dates.nights(), &PricingPolicy::default()).total_amount
        });
        let total = total_amount.map(|amount| money::format(amount, &rates.currency));
        let facts = CardFacts {
            city: row.city.clone(),
            country: row.country.clone(),
            property_type: row.property_type.clone(),
            max_guests: row.max_guests,
            bedrooms: row.bedrooms,
            nightly_price: row.nightly_price,
            currency: rates.currency.clone(),
            total_amount,
            rating_avg: row.rating_avg.filter(|_| row.review_count > 0),
            host_id: row.host_id,
            cleaning_fee: row.cleaning_fee,
        };
        ListingCard {
            facts,
            id: row.id,
            summary: summary(&row.property_type, row.max_guests, row.bedrooms),
            place: place(row.city, row.country),
            thumb_url: row.thumb_key.map(|key| {
                let mut url = String::with_capacity(7 + key.len());
                url.push_str("/media/");
                url.push_str(&key);
                url
            }),
            rating: row.rating_avg.and_then(|average| {
                crate::reviews::rating::overall_from_average(average, row.review_count)
            }),
            review_count: row.review_count,
            price: money::format(row.nightly_price, &rates.currency),
            total,
            charged: None,
            charged_total: None,
            nights: dates.map(|d| d.nights()).unwrap_or(0),
            saved: false,
            title: row.title,
        }
    }

    /// Shows the prices as `display` says: converted into the display currency (marked
    /// approximate, with what is charged kept beside) or unchanged.
    pub fn show_in(&mut self, display: &Display) {
        if display.code().is_none() {
            return;
        }
        let nightly = display.price(self.facts.nightly_price, &self.facts.currency);
        self.price = nightly.text;
        self.charged = nightly.original;
        if let Some(total) = self.facts.total_amount {
            let total = display.price(total, &self.facts.currency);
            self.total = Some(total.text);
            self.charged_total = total.original;
        }
    }

    /// "night" or "nights", after the number of nights of the stay.
    pub fn nights_word(&self) -> &'static str {
        if self.nights == 1 { "night" } else { "nights" }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_and_places_read_like_sentences() {
        assert_eq!(summary("loft", 1, 0), "Loft · 1 guest · Studio");
        assert_eq!(summary("house", 4, 1), "House · 4 guests · 1 bedroom");
        assert_eq!(summary("villa", 12, 5), "Villa · 12 guests · 5 bedrooms");
        assert_eq!(
            place("Lisbon".into(), "Portugal".into()),
            "Lisbon, Portugal"
        );
        assert_eq!(place("".into(), "Portugal".into()), "Portugal");
        assert_eq!(place("Lisbon".into(), "".into()), "Lisbon");
    }
}
