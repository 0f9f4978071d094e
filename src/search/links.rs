//! Links that keep, drop or change parameters of the current search: pagination, and the
//! "widen your search" links of an empty result.

use super::forms::{PriceBound, SearchFilters, Sort};
use crate::money;

/// Links that keep, drop or change parameters of the current search.
impl SearchFilters {
    /// The search as query pairs, in canonical form (valid values only, no page).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.location.is_empty() {
            pairs.push(("location", self.location.clone()));
        }
        if let Some(dates) = &self.dates {
            pairs.push(("check_in", dates.check_in().to_string()));
            pairs.push(("check_out", dates.check_out().to_string()));
        }
        if let Some(guests) = self.guests {
            pairs.push(("guests", guests.get().to_string()));
        }
        let decimal = |bound: PriceBound| money::to_input(bound.0, "EUR");
        if let Some(min) = self.min_price {
            pairs.push(("min_price", decimal(min)));
        }
        if let Some(max) = self.max_price {
            pairs.push(("max_price", decimal(max)));
        }
        if let Some(kind) = self.property_type {
            pairs.push(("property_type", kind.to_string()));
        }
        for (_, slug) in &self.amenities {
            pairs.push(("amenities", slug.clone()));
        }
        if let Some(bedrooms) = self.bedrooms {
            pairs.push(("bedrooms", bedrooms.to_string()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.param().to_string()));
        }
        pairs
    }

    /// `/search?…` without the parameters in `drop`, on `page` (1 = no page parameter).
    pub fn url(&self, drop: &[&str], page: i64) -> String {
        self.url_keeping(|key, _| !drop.contains(&key), page)
    }

    /// `/search?…` on the first page without the one pair `key=value` (one amenity of
    /// several), every other filter kept.
    pub fn url_without(&self, key: &str, value: &str) -> String {
        self.url_keeping(|k, v| !(k == key && v == value), 1)
    }

    /// The query string of the whole search (no page), "" when nothing is set: the filters
    /// step keeps it in its own URL.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
    }

    fn url_keeping(&self, keep: impl Fn(&str, &str) -> bool, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .pairs()
            .into_iter()
            .filter(|(key, value)| keep(key, value))
            .collect();
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("/search?{query}"),
            _ => "/search".to_string(),
        }
    }

    /// `?check_in=…&check_out=…&guests=…`: the searched stay, for the result cards' links (the
    /// listing page then quotes it at once); empty when neither dates nor guests were given.
    pub fn stay_query(&self) -> String {
        let stay: Vec<(&str, String)> = self
            .pairs()
            .into_iter()
            .filter(|(key, _)| matches!(*key, "check_in" | "check_out" | "guests"))
            .collect();
        match serde_urlencoded::to_string(&stay) {
            Ok(query) if !query.is_empty() => format!("?{query}"),
            _ => String::new(),
        }
    }

    pub fn page_url(&self, page: i64) -> String {
        self.url(&[], page)
    }
}
