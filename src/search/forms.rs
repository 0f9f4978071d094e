//! The search query string: raw parameters (strings, so that reading them never fails) and
//! their parsing into [`SearchFilters`]. A bad parameter is dropped with a message for its
//! field; the search still runs with the others.

use chrono::NaiveDate;

use super::amenities::Amenity;
pub use super::sort::Sort;
use crate::{
    listings::model::PROPERTY_TYPES,
    money,
    stays::stay::{Guests, StayDates},
    web::forms::FormErrors,
};

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// Deepest page served (deep OFFSETs cost; nobody reads 1 000 results).
pub const MAX_PAGE: i64 = 50;
/// Longest location text considered.
const MAX_LOCATION_CHARS: usize = 100;
/// Most words of a location turned into the full-text query.
const MAX_LOCATION_WORDS: usize = 8;

/// The query string as typed (every field optional).
#[derive(Clone, Debug, Default)]
pub struct RawSearch {
    pub location: String,
    pub check_in: String,
    pub check_out: String,
    pub guests: String,
    pub min_price: String,
    pub max_price: String,
    pub property_type: String,
    pub amenities: Vec<String>,
    pub bedrooms: String,
    pub sort: String,
    pub page: String,
}

impl RawSearch {
    /// Reads a query string; repeated `amenities` accumulate, unknown keys are ignored.
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let mut raw = RawSearch::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "location" => &mut raw.location,
                "check_in" => &mut raw.check_in,
                "check_out" => &mut raw.check_out,
                "guests" => &mut raw.guests,
                "min_price" => &mut raw.min_price,
                "max_price" => &mut raw.max_price,
                "property_type" => &mut raw.property_type,
                "bedrooms" => &mut raw.bedrooms,
                "sort" => &mut raw.sort,
                "page" => &mut raw.page,
                "amenities" => {
                    if !value.trim().is_empty() {
                        raw.amenities.push(value);
                    }
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        raw
    }
}

/// A price bound typed as a decimal ("80" or "80.50"), kept in hundredths of a unit; the
/// query converts it into each listing's minor units (see `query.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceBound(pub i64);

/// Valid filters of a search.
#[derive(Clone, Debug, Default)]
pub struct SearchFilters {
    /// What was typed, for display.
    pub location: String,
    /// The prefix full-text query built from it (`amster:*`), if it has any word.
    pub location_query: Option<String>,
    pub dates: Option<StayDates>,
    pub guests: Option<Guests>,
    pub min_price: Option<PriceBound>,
    pub max_price: Option<PriceBound>,
    pub property_type: Option<&'static str>,
    /// Selected amenities (ids and slugs), all of which a listing must have.
    pub amenities: Vec<(i32, String)>,
    pub bedrooms: Option<i32>,
    pub sort: Sort,
    /// 1-based.
    pub page: i64,
    /// Which results to show instead of page `page`'s [`PAGE_SIZE`]: a GraphQL client asks
    /// for `first` results after a cursor (see `search::service::search_window`).
    pub window: Option<Window>,
    /// The price bounds typed in a display currency, as the nightly prices that match in
    /// each currency (`(code, lowest, highest)` in its minor units; see
    /// `currency::model::Display::price_ranges`). `None`: the bounds are each listing's own.
    pub price_ranges: Option<Vec<(String, i64, i64)>>,
}

/// Results `offset..offset + size` of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub offset: i64,
    pub size: i64,
}

/// Turns typed words into a prefix tsquery: "New Yo" → `new:* & yo:*`. Only letters and
/// digits survive, so the result is always a valid query.
pub fn location_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_LOCATION_WORDS)
        .map(|word| format!("{}:*", word.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

fn parse_price(raw: &str) -> Result<Option<PriceBound>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    money::parse(raw, "EUR").map(|amount| Some(PriceBound(amount)))
}

fn parse_bedrooms(raw: &str) -> Result<Option<i32>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(0) => Ok(None),
        Ok(n) if (1..=50).contains(&n) => Ok(Some(n)),
        _ => Err("Choose a number of bedrooms between 1 and 50.".into()),
    }
}

fn parse_page(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(1);
    }
    match raw.parse::<i64>() {
        Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
        Ok(page) if page > MAX_PAGE => Err(format!(
            "Only the first {MAX_PAGE} pages are shown; narrow your search to see more."
        )),
        _ => Err("That page number is not valid; showing the first page.".into()),
    }
}

impl SearchFilters {
    /// Parses what can be parsed; the rest goes to `errors`, keyed by field name.
    pub fn parse(
        raw: &RawSearch,
        catalog: &[Amenity],
        today: NaiveDate,
        errors: &mut FormErrors,
    ) -> SearchFilters {
        let location: String = raw
            .location
            .trim()
            .chars()
            .take(MAX_LOCATION_CHARS)
            .collect();
        let dates = match StayDates::parse(&raw.check_in, &raw.check_out, today) {
            Ok(dates) => dates,
            Err(problem) => {
                errors.add(problem.field, problem.message);
                None
            }
        };
        let guests = Guests::parse(&raw.guests).unwrap_or_else(|problem| {
            errors.add(problem.field, problem.message);
            None
        });
        let min_price = errors
            .check("min_price", parse_price(&raw.min_price))
            .flatten();
        let mut max_price = errors
            .check("max_price", parse_price(&raw.max_price))
            .flatten();
        if let (Some(min), Some(max)) = (min_price, max_price)
            && max.0 < min.0
        {
            errors.add("max_price", "The maximum must not be below the minimum.");
            max_price = None;
        }
        let property_type = match raw.property_type.trim() {
            "" => None,
            typed => {
                let known = PROPERTY_TYPES.iter().find(|(value, _)| *value == typed);
                if known.is_none() {
                    errors.add("property_type", "Choose a type from the list.");
                }
                known.map(|(value, _)| *value)
            }
        };
        let mut amenities: Vec<(i32, String)> = Vec::new();
        for slug in &raw.amenities {
            match catalog.iter().find(|amenity| amenity.slug == slug.trim()) {
                Some(amenity) if !amenities.iter().any(|(id, _)| *id == amenity.id) => {
                    amenities.push((amenity.id, amenity.slug.clone()));
                }
                Some(_) => {}
                None => errors.add("amenities", "An unknown amenity was ignored."),
            }
        }
        let bedrooms = errors
            .check("bedrooms", parse_bedrooms(&raw.bedrooms))
            .flatten();
        let sort = match raw.sort.trim() {
            "" => Sort::default(),
            typed => Sort::parse(typed).unwrap_or_else(|| {
                errors.add("sort", "Unknown order; showing top rated first.");
                Sort::default()
            }),
        };
        let page = errors.check("page", parse_page(&raw.page)).unwrap_or(1);
        SearchFilters {
            location_query: location_query(&location),
            location,
            dates,
            guests,
            min_price,
            max_price,
            property_type,
            amenities,
            bedrooms,
            sort,
            page,
            window: None,
            price_ranges: None,
        }
    }

    pub fn offset(&self) -> i64 {
        match self.window {
            Some(window) => window.offset,
            None => (self.page - 1) * PAGE_SIZE,
        }
    }

    /// How many results a page holds.
    pub fn page_size(&self) -> i64 {
        self.window.map_or(PAGE_SIZE, |window| window.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<Amenity> {
        vec![
            Amenity {
                id: 1,
                slug: "wifi".into(),
                name: "Wifi".into(),
            },
            Amenity {
                id: 11,
                slug: "pool".into(),
                name: "Pool".into(),
            },
        ]
    }

    fn parse(query: &str) -> (SearchFilters, FormErrors) {
        let mut errors = FormErrors::new();
        let today = NaiveDate::from_ymd_opt(2027, 1, 10).expect("date");
        let filters = SearchFilters::parse(
            &RawSearch::from_query(query),
            &catalog(),
            today,
            &mut errors,
        );
        (filters, errors)
    }

    #[test]
    fn locations_become_prefix_queries_of_plain_words() {
        assert_eq!(location_query("amster").as_deref(), Some("amster:*"));
        assert_eq!(
            location_query("New York!").as_deref(),
            Some("new:* & york:*")
        );
        assert_eq!(location_query("'&|:*()"), None);
        assert_eq!(
            location_query("São Paulo").as_deref(),
            Some("são:* & paulo:*")
        );
    }

    #[test]
    fn repeated_amenities_and_all_fields_are_read() {
        let (filters, errors) = parse(
            "location=Lisbon&check_in=2027-02-01&check_out=2027-02-04&guests=3&min_price=50\
             &max_price=150.5&property_type=loft&amenities=wifi&amenities=pool&amenities=wifi\
             &bedrooms=2&sort=price_desc&page=3",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(filters.location_query.as_deref(), Some("lisbon:*"));
        assert_eq!(filters.dates.map(|d| d.nights()), Some(3));
        assert_eq!(filters.guests.map(|g| g.get()), Some(3));
        assert_eq!(filters.min_price, Some(PriceBound(5_000)));
        assert_eq!(filters.max_price, Some(PriceBound(15_050)));
        assert_eq!(filters.property_type, Some("loft"));
        assert_eq!(filters.amenities.len(), 2);
        assert_eq!(filters.bedrooms, Some(2));
        assert_eq!(filters.sort, Sort::PriceDesc);
        assert_eq!(filters.offset(), 40);
        assert!(
            filters
                .page_url(4)
                .contains("amenities=wifi&amenities=pool")
        );
        assert!(
            !filters
                .url(&["check_in", "check_out"], 1)
                .contains("check_in")
        );
    }

    #[test]
    fn garbage_is_dropped_with_a_message_per_field() {
        let (filters, errors) = parse(
            "guests=0&min_price=abc&max_price=-3&property_type=castle&amenities=moat\
             &bedrooms=many&sort=cheapest&page=zero&check_in=2027-02-05&check_out=2027-02-01",
        );
        for field in [
            "guests",
            "min_price",
            "max_price",
            "property_type",
            "amenities",
            "bedrooms",
            "sort",
            "page",
            "check_out",
        ] {
            assert!(errors.has(field), "no message for {field}");
        }
        assert!(filters.dates.is_none() && filters.guests.is_none());
        assert_eq!(filters.page, 1);
        assert_eq!(filters.sort, Sort::Rating);
    }
}
