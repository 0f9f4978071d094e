//! What the search templates show: the form as typed, the results, and the links that widen
//! a search that found nothing.

use std::sync::Arc;

use crate::search::{
    amenities::Amenity,
    cards::ListingCard,
    forms::{RawSearch, SearchFilters, Sort},
};
use crate::{listings::model::PROPERTY_TYPES, web::forms::FormErrors};

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

    /// "Showing 21–40" and whether more follow.
    pub fn range(&self) -> String {
        let first = self.filters.offset() + 1;
        let last = self.filters.offset() + self.cards.len() as i64;
        match (self.filters.page, self.has_next) {
            (1, false) if self.cards.len() == 1 => "1 stay".to_string(),
            (1, false) => format!("{} stays", self.cards.len()),
            (_, true) => format!("Showing {first}–{last} of more than {last} stays"),
            (_, false) => format!("Showing {first}–{last} of {last} stays"),
        }
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
