//! The stay a guest typed (dates and guests as text, from the listing page's query string or
//! the booking widget), kept as typed so that nothing is lost; [`super::stay`] parses it into
//! checked dates and guests.

/// The stay as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct StayQuery {
    #[serde(default)]
    pub check_in: String,
    #[serde(default)]
    pub check_out: String,
    #[serde(default)]
    pub guests: String,
}

impl StayQuery {
    /// Reads a query string, ignoring every other key (never fails).
    pub fn from_query(query: &str) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let mut stay = StayQuery::default();
        for (key, value) in pairs {
            match key.as_str() {
                "check_in" => stay.check_in = value,
                "check_out" => stay.check_out = value,
                "guests" => stay.guests = value,
                _ => {}
            }
        }
        stay
    }

    /// The listing page URL showing this stay's quote.
    pub fn listing_url(&self, listing_id: i64) -> String {
        let pairs = [
            ("check_in", self.check_in.trim()),
            ("check_out", self.check_out.trim()),
            ("guests", self.guests.trim()),
        ];
        let kept: Vec<_> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
        match serde_urlencoded::to_string(kept) {
            Ok(query) if !query.is_empty() => format!("/listings/{listing_id}?{query}#booking"),
            _ => format!("/listings/{listing_id}#booking"),
        }
    }
}
