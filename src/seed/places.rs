//! The places of the demo data: 60 cities across continents and time zones, each with its
//! currency, a typical nightly price and what kind of place it is. Listed roughly from the
//! most to the least popular: the seeder picks early entries more often.

/// What surroundings a city offers (some amenities only make sense there).
#[derive(Clone, Copy)]
pub enum Setting {
    City,
    Beach,
    Mountain,
}

impl Setting {
    pub fn as_str(&self) -> &'static str {
        match self {
            Setting::City => "city",
            Setting::Beach => "beach",
            Setting::Mountain => "mountain",
        }
    }
}

pub struct Place {
    pub city: &'static str,
    pub region: &'static str,
    pub country: &'static str,
    pub timezone: &'static str,
    pub currency: &'static str,
    /// A typical nightly price, in minor units of `currency`.
    pub price: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub setting: Setting,
}

const fn place(
    (city, region, country): (&'static str, &'static str, &'static str),
    timezone: &'static str,
    currency: &'static str,
    price: i64,
    (latitude, longitude): (f64, f64),
    setting: Setting,
) -> Place {
    Place {
        city,
        region,
        country,
        timezone,
        currency,
        price,
        latitude,
        longitude,
        setting,
    }
}

use Setting::{Beach, City, Mountain};

// One line per city reads better than rustfmt's one line per field.
#[rustfmt::skip]
pub const PLACES: [Place; 60] = [
    place(("Paris", "Île-de-France", "France"), "Europe/Paris", "EUR", 15_000, (48.857, 2.352), City),
    place(("London", "England", "United Kingdom"), "Europe/London", "GBP", 15_000, (51.507, -0.128), City),
    place(("New York", "New York", "United States"), "America/New_York", "USD", 20_000, (40.713, -74.006), City),
    place(("Barcelona", "Catalonia", "Spain"), "Europe/Madrid", "EUR", 12_000, (41.385, 2.173), Beach),
    place(("Rome", "Lazio", "Italy"), "Europe/Rome", "EUR", 11_000, (41.903, 12.496), City),
    place(("Amsterdam", "North Holland", "Netherlands"), "Europe/Amsterdam", "EUR", 16_000, (52.370, 4.895), City),
    place(("Lisbon", "Lisbon", "Portugal"), "Europe/Lisbon", "EUR", 9_500, (38.722, -9.139), Beach),
    place(("Tokyo", "Tokyo", "Japan"), "Asia/Tokyo", "JPY", 15_000, (35.676, 139.650), City),
    place(("Los Angeles", "California", "United States"), "America/Los_Angeles", "USD", 18_000, (34.052, -118.244), Beach),
    place(("Berlin", "Berlin", "Germany"), "Europe/Berlin", "EUR", 9_500, (52.520, 13.405), City),
    place(("Miami", "Florida", "United States"), "America/New_York", "USD", 17_000, (25.762, -80.192), Beach),
    place(("Sydney", "New South Wales", "Australia"), "Australia/Sydney", "AUD", 22_000, (-33.869, 151.209), Beach),
    place(("Florence", "Tuscany", "Italy"), "Europe/Rome", "EUR", 12_000, (43.770, 11.256), City),
    place(("Madrid", "Community of Madrid", "Spain"), "Europe/Madrid", "EUR", 10_000, (40.417, -3.704), City),
    place(("Vienna", "Vienna", "Austria"), "Europe/Vienna", "EUR", 10_000, (48.208, 16.374), City),
    place(("Prague", "Prague", "Czechia"), "Europe/Prague", "EUR", 7_000, (50.076, 14.438), City),
    place(("San Francisco", "California", "United States"), "America/Los_Angeles", "USD", 19_000, (37.775, -122.419), City),
    place(("Venice", "Veneto", "Italy"), "Europe/Rome", "EUR", 15_000, (45.441, 12.316), City),
    place(("Porto", "Porto", "Portugal"), "Europe/Lisbon", "EUR", 8_000, (41.158, -8.629), Beach),
    place(("Edinburgh", "Scotland", "United Kingdom"), "Europe/London", "GBP", 12_000, (55.953, -3.188), City),
    place(("Kyoto", "Kyoto", "Japan"), "Asia/Tokyo", "JPY", 18_000, (35.012, 135.768), City),
    place(("Toronto", "Ontario", "Canada"), "America/Toronto", "CAD", 16_000, (43.653, -79.383), City),
    place(("Copenhagen", "Capital Region", "Denmark"), "Europe/Copenhagen", "EUR", 14_000, (55.676, 12.568), City),
    place(("Athens", "Attica", "Greece"), "Europe/Athens", "EUR", 8_000, (37.984, 23.728), Beach),
    place(("Dublin", "Leinster", "Ireland"), "Europe/Dublin", "EUR", 14_000, (53.350, -6.260), City),
    place(("Budapest", "Central Hungary", "Hungary"), "Europe/Budapest", "EUR", 6_500, (47.498, 19.040), City),
    place(("Chicago", "Illinois", "United States"), "America/Chicago", "USD", 13_000, (41.878, -87.630), City),
    place(("Vancouver", "British Columbia", "Canada"), "America/Vancouver", "CAD", 18_000, (49.283, -123.121), City),
    place(("Seville", "Andalusia", "Spain"), "Europe/Madrid", "EUR", 9_000, (37.389, -5.984), City),
    place(("Munich", "Bavaria", "Germany"), "Europe/Berlin", "EUR", 12_000, (48.135, 11.582), City),
    place(("Nice", "Provence-Alpes-Côte d'Azur", "France"), "Europe/Paris", "EUR", 14_000, (43.710, 7.262), Beach),
    place(("Honolulu", "Hawaii", "United States"), "Pacific/Honolulu", "USD", 25_000, (21.307, -157.858), Beach),
    place(("Mexico City", "Mexico City", "Mexico"), "America/Mexico_City", "USD", 7_000, (19.433, -99.133), City),
    place(("Santorini", "South Aegean", "Greece"), "Europe/Athens", "EUR", 20_000, (36.393, 25.461), Beach),
    place(("Stockholm", "Stockholm County", "Sweden"), "Europe/Stockholm", "SEK", 120_000, (59.329, 18.069), City),
    place(("Zurich", "Zurich", "Switzerland"), "Europe/Zurich", "CHF", 18_000, (47.377, 8.541), City),
    place(("Melbourne", "Victoria", "Australia"), "Australia/Melbourne", "AUD", 18_000, (-37.814, 144.963), City),
    place(("Bangkok", "Bangkok", "Thailand"), "Asia/Bangkok", "USD", 5_000, (13.756, 100.502), City),
    place(("Singapore", "Singapore", "Singapore"), "Asia/Singapore", "USD", 16_000, (1.352, 103.820), City),
    place(("Montreal", "Quebec", "Canada"), "America/Toronto", "CAD", 13_000, (45.502, -73.567), City),
    place(("Valencia", "Valencian Community", "Spain"), "Europe/Madrid", "EUR", 8_500, (39.470, -0.376), Beach),
    place(("New Orleans", "Louisiana", "United States"), "America/Chicago", "USD", 14_000, (29.951, -90.072), City),
    place(("Austin", "Texas", "United States"), "America/Chicago", "USD", 15_000, (30.267, -97.743), City),
    place(("Dubrovnik", "Dubrovnik-Neretva", "Croatia"), "Europe/Zagreb", "EUR", 13_000, (42.651, 18.094), Beach),
    place(("Marrakesh", "Marrakesh-Safi", "Morocco"), "Africa/Casablanca", "EUR", 7_000, (31.629, -7.981), City),
    place(("Cape Town", "Western Cape", "South Africa"), "Africa/Johannesburg", "USD", 9_000, (-33.925, 18.424), Beach),
    place(("Istanbul", "Istanbul", "Turkey"), "Europe/Istanbul", "EUR", 7_000, (41.008, 28.978), City),
    place(("Dubai", "Dubai", "United Arab Emirates"), "Asia/Dubai", "USD", 20_000, (25.205, 55.271), Beach),
    place(("Rio de Janeiro", "Rio de Janeiro", "Brazil"), "America/Sao_Paulo", "USD", 8_000, (-22.907, -43.173), Beach),
    place(("Buenos Aires", "Buenos Aires", "Argentina"), "America/Argentina/Buenos_Aires", "USD", 6_000, (-34.604, -58.382), City),
    place(("Tulum", "Quintana Roo", "Mexico"), "America/Cancun", "USD", 12_000, (20.211, -87.465), Beach),
    place(("Ubud", "Bali", "Indonesia"), "Asia/Makassar", "USD", 6_000, (-8.507, 115.263), Mountain),
    place(("Osaka", "Osaka", "Japan"), "Asia/Tokyo", "JPY", 12_000, (34.694, 135.502), City),
    place(("Geneva", "Geneva", "Switzerland"), "Europe/Zurich", "CHF", 17_000, (46.204, 6.143), City),
    place(("Salzburg", "Salzburg", "Austria"), "Europe/Vienna", "EUR", 11_000, (47.810, 13.055), Mountain),
    place(("Denver", "Colorado", "United States"), "America/Denver", "USD", 12_000, (39.739, -104.990), Mountain),
    place(("Chamonix", "Auvergne-Rhône-Alpes", "France"), "Europe/Paris", "EUR", 18_000, (45.924, 6.869), Mountain),
    place(("Zermatt", "Valais", "Switzerland"), "Europe/Zurich", "CHF", 30_000, (46.020, 7.749), Mountain),
    place(("Banff", "Alberta", "Canada"), "America/Edmonton", "CAD", 22_000, (51.178, -115.571), Mountain),
    place(("Aspen", "Colorado", "United States"), "America/Denver", "USD", 35_000, (39.191, -106.818), Mountain),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_a_known_time_zone_and_currency() {
        for place in &PLACES {
            assert!(
                place.timezone.parse::<chrono_tz::Tz>().is_ok(),
                "{}",
                place.timezone
            );
            assert!(crate::money::CURRENCIES.contains(&place.currency));
        }
    }
}
