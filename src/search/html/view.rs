//! What the search templates show: the form as typed, the results, and the links that widen
//! a search that found nothing.

use std::sync::Arc;

use crate::search::{
    amenities::Amenity,
    cards::ListingCard,
    forms::{PriceBound, RawSearch, SearchFilters, Sort},
    query::COUNT_LIMIT,
};
use crate::{
    listings::model::{PROPERTY_TYPES, property_type_label},
    money,
    web::forms::FormErrors,
};

/// An applied filter, shown as a chip that links to the same search without it.
pub struct Chip {
    /// "2 guests", "Wifi".
    pub label: String,
    pub url: String,
}

/// A link offered when nothing matched: (label, URL).
pub struct Widen {
    pub label: &'static str,
    pub url: String,
}

pub struct SearchView {
    /// The form as typed (kept even when invalid).
    pub raw: RawSearch,
    pub filters: SearchFilters,
    pub errors: FormErrors,
    pub cards: Vec<ListingCard>,
    pub has_next: bool,
    /// How many listings match (up to [`COUNT_LIMIT`] and one more); `None` past the last
    /// page.
    pub matches: Option<i64>,
    pub amenities: Arc<Vec<Amenity>>,
    /// The current URL (hearts come back here without JavaScript).
    pub current_url: String,
    /// The display currency the price bounds are typed in (`None`: each listing's own).
    pub price_currency: Option<String>,
}

/// Filter fields whose messages are shown beside them (and swapped out-of-band by htmx).
pub const FIELDS: [&str; 10] = [
    "location",
    "check_in",
    "check_out",
    "guests",
    "min_price",
    "max_price",
    "property_type",
    "amenities",
    "bedrooms",
    "sort",
];

impl SearchView {
    pub fn heading(&self) -> String {
        if self.filters.location.is_empty() {
            "Stays".to_string()
        } else {
            format!("Stays matching “{}”", self.filters.location)
        }
    }

    /// "312 stays", "1 stay", "No stays match", "More than 1,000 stays"; past the last page,
    /// "No stays on this page".
    pub fn count_label(&self) -> String {
        match self.matches {
            None => "No stays on this page".to_string(),
            Some(0) => "No stays match".to_string(),
            Some(1) => "1 stay".to_string(),
            Some(n) if n > COUNT_LIMIT => format!("More than {} stays", grouped(COUNT_LIMIT)),
            Some(n) => format!("{} stays", grouped(n)),
        }
    }

    /// "Showing 21–40" on a page after the first (the count says the rest).
    pub fn range(&self) -> Option<String> {
        if self.filters.page == 1 || self.cards.is_empty() {
            return None;
        }
        let first = self.filters.offset() + 1;
        let last = self.filters.offset() + self.cards.len() as i64;
        Some(format!("Showing {first}–{last}"))
    }

    /// The label of the button that applies the filters: "Show 312 stays".
    pub fn apply_label(&self) -> String {
        match self.matches {
            Some(1) => "Show 1 stay".to_string(),
            Some(n) if n > COUNT_LIMIT => format!("Show {}+ stays", grouped(COUNT_LIMIT)),
            Some(n) => format!("Show {} stays", grouped(n)),
            None => "Show stays".to_string(),
        }
    }

    /// The filters applied, each with the search without it.
    pub fn chips(&self) -> Vec<Chip> {
        let f = &self.filters;
        let mut chips = Vec::new();
        let mut chip = |label: String, url: String| chips.push(Chip { label, url });
        if !f.location.is_empty() {
            chip(f.location.clone(), f.url(&["location"], 1));
        }
        if let Some(dates) = f.dates {
            chip(
                crate::dates::stay(dates.check_in(), dates.check_out()),
                f.url(&["check_in", "check_out"], 1),
            );
        }
        if let Some(guests) = f.guests {
            let n = guests.get();
            chip(
                format!("{n} guest{}", if n == 1 { "" } else { "s" }),
                f.url(&["guests"], 1),
            );
        }
        // "150", "120.50": whole amounts without their cents.
        let price = |bound: PriceBound| {
            let decimal = money::to_input(bound.0, "EUR");
            match decimal.strip_suffix(".00") {
                Some(whole) => whole.to_string(),
                None => decimal,
            }
        };
        if let Some(min) = f.min_price {
            chip(
                format!("From {} a night", price(min)),
                f.url(&["min_price"], 1),
            );
        }
        if let Some(max) = f.max_price {
            chip(
                format!("Up to {} a night", price(max)),
                f.url(&["max_price"], 1),
            );
        }
        if let Some(kind) = f.property_type {
            chip(
                property_type_label(kind).to_string(),
                f.url(&["property_type"], 1),
            );
        }
        if let Some(bedrooms) = f.bedrooms {
            chip(
                format!(
                    "{bedrooms}+ bedroom{}",
                    if bedrooms == 1 { "" } else { "s" }
                ),
                f.url(&["bedrooms"], 1),
            );
        }
        for (id, slug) in &f.amenities {
            let name = self
                .amenities
                .iter()
                .find(|amenity| amenity.id == *id)
                .map_or_else(|| slug.clone(), |amenity| amenity.name.clone());
            chip(name, f.url_without("amenities", slug));
        }
        chips
    }

    /// The filters step of a phone without JavaScript, keeping the search.
    pub fn filters_url(&self) -> String {
        match self.filters.query() {
            query if query.is_empty() => "/search/filters".to_string(),
            query => format!("/search/filters?{query}"),
        }
    }

    /// "Clear all": the search with no filter, in the chosen order.
    pub fn clear_url(&self) -> String {
        self.filters.url(
            &[
                "location",
                "check_in",
                "check_out",
                "guests",
                "min_price",
                "max_price",
                "property_type",
                "amenities",
                "bedrooms",
            ],
            1,
        )
    }

    pub fn stay_summary(&self) -> Option<String> {
        let dates = self.filters.dates?;
        Some(format!(
            "{} · {} night{}",
            crate::dates::stay(dates.check_in(), dates.check_out()),
            dates.nights(),
            if dates.nights() == 1 { "" } else { "s" }
        ))
    }

    pub fn previous_url(&self) -> Option<String> {
        (self.filters.page > 1).then(|| self.filters.page_url(self.filters.page - 1))
    }

    pub fn next_url(&self) -> Option<String> {
        self.has_next
            .then(|| self.filters.page_url(self.filters.page + 1))
    }

    pub fn page_number(&self) -> i64 {
        self.filters.page
    }

    /// Messages about ignored parameters, for the summary above the results.
    pub fn problems(&self) -> Vec<&str> {
        FIELDS
            .iter()
            .chain(["page"].iter())
            .filter_map(|field| self.errors.get(field))
            .collect()
    }

    /// Links that drop a filter, for an empty result.
    pub fn widen(&self) -> Vec<Widen> {
        let f = &self.filters;
        let mut links = Vec::new();
        if f.dates.is_some() {
            links.push(Widen {
                label: "Search without dates",
                url: f.url(&["check_in", "check_out"], 1),
            });
        }
        if f.min_price.is_some() || f.max_price.is_some() {
            links.push(Widen {
                label: "Remove the price range",
                url: f.url(&["min_price", "max_price"], 1),
            });
        }
        if !f.amenities.is_empty() {
            links.push(Widen {
                label: "Remove the amenities",
                url: f.url(&["amenities"], 1),
            });
        }
        if f.property_type.is_some() || f.bedrooms.is_some() {
            links.push(Widen {
                label: "Any type and size",
                url: f.url(&["property_type", "bedrooms"], 1),
            });
        }
        if f.guests.is_some() {
            links.push(Widen {
                label: "Any number of guests",
                url: f.url(&["guests"], 1),
            });
        }
        if !f.location.is_empty() {
            links.push(Widen {
                label: "Search everywhere",
                url: f.url(&["location"], 1),
            });
        }
        if links.len() > 1 {
            links.push(Widen {
                label: "Clear all filters",
                url: "/search".to_string(),
            });
        }
        links
    }

    pub fn property_types(&self) -> &'static [(&'static str, &'static str)] {
        &PROPERTY_TYPES
    }

    pub fn sorts(&self) -> [Sort; 4] {
        Sort::ALL
    }

    pub fn sort_selected(&self, sort: &Sort) -> bool {
        self.filters.sort == *sort
    }

    pub fn amenity_checked(&self, slug: &str) -> bool {
        self.raw.amenities.iter().any(|typed| typed == slug)
    }

    pub fn bedroom_choices(&self) -> [i32; 6] {
        [1, 2, 3, 4, 5, 6]
    }

    pub fn bedrooms_selected(&self, n: &i32) -> bool {
        self.raw.bedrooms.trim() == n.to_string()
    }

    pub fn fields(&self) -> [&'static str; 10] {
        FIELDS
    }
}

/// "1,000": thousands grouped with commas.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(312), "312");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
