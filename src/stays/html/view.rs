//! The listing as its page shows it: formatted details, review averages, policy wording.

use crate::listings::model::Listing;

/// A review category and its average ("Cleanliness", "4.8").
pub struct Category {
    pub name: &'static str,
    pub average: String,
}

pub struct ListingView {
    pub listing: Listing,
}

fn plural(count: i32, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

impl ListingView {
    pub fn id(&self) -> i64 {
        self.listing.id.get()
    }

    pub fn title(&self) -> &str {
        &self.listing.title
    }

    pub fn place(&self) -> String {
        self.listing.place()
    }

    pub fn kind(&self) -> &'static str {
        self.listing.property_type.label()
    }

    /// "4 guests · 2 bedrooms · 3 beds · 1.5 baths".
    pub fn facts(&self) -> String {
        let l = &self.listing;
        let bedrooms = if l.bedrooms == 0 {
            "Studio".to_string()
        } else {
            plural(l.bedrooms, "bedroom", "bedrooms")
        };
        let baths = l.bathrooms();
        format!(
            "{} · {} · {} · {} bath{}",
            plural(l.max_guests, "guest", "guests"),
            bedrooms,
            plural(l.beds, "bed", "beds"),
            baths,
            if baths == "1" { "" } else { "s" }
        )
    }

    /// The description split into paragraphs at blank lines.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.listing
            .description
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    pub fn house_rules(&self) -> &str {
        self.listing.house_rules.trim()
    }

    pub fn check_in_time(&self) -> String {
        self.listing.check_in_time.format("%H:%M").to_string()
    }

    pub fn check_out_time(&self) -> String {
        self.listing.check_out_time.format("%H:%M").to_string()
    }

    pub fn policy_label(&self) -> &'static str {
        self.listing.cancellation_policy.label()
    }

    pub fn policy_explanation(&self) -> &'static str {
        self.listing.cancellation_policy.explanation()
    }

    pub fn stay_limits(&self) -> String {
        let l = &self.listing;
        format!(
            "Stays of {} to {} nights.",
            l.min_nights.max(1),
            l.max_nights
        )
    }

    pub fn discounts(&self) -> Option<String> {
        let l = &self.listing;
        match (l.weekly_discount_pct, l.monthly_discount_pct) {
            (0, 0) => None,
            (weekly, 0) => Some(format!("{weekly}% off stays of a week or more.")),
            (0, monthly) => Some(format!("{monthly}% off stays of 28 nights or more.")),
            (weekly, monthly) => Some(format!(
                "{weekly}% off stays of a week or more, {monthly}% off 28 nights or more."
            )),
        }
    }

    pub fn instant_book(&self) -> bool {
        self.listing.instant_book
    }

    pub fn is_published(&self) -> bool {
        self.listing.is_published()
    }

    pub fn max_guests(&self) -> i32 {
        self.listing.max_guests
    }

    pub fn review_count(&self) -> i32 {
        self.listing.review_count
    }

    /// "4.87", or `None` without reviews.
    pub fn rating(&self) -> Option<String> {
        crate::reviews::rating::overall(self.listing.rating_sum, self.listing.review_count)
    }

    /// Category averages from the listing's running sums (none without reviews).
    pub fn categories(&self) -> Vec<Category> {
        let l = &self.listing;
        if l.review_count == 0 {
            return Vec::new();
        }
        let average =
            |sum: i32| crate::reviews::rating::category(sum, l.review_count).unwrap_or_default();
        vec![
            Category {
                name: "Cleanliness",
                average: average(l.cleanliness_sum),
            },
            Category {
                name: "Accuracy",
                average: average(l.accuracy_sum),
            },
            Category {
                name: "Check-in",
                average: average(l.check_in_sum),
            },
            Category {
                name: "Communication",
                average: average(l.communication_sum),
            },
            Category {
                name: "Location",
                average: average(l.location_sum),
            },
            Category {
                name: "Value",
                average: average(l.value_sum),
            },
        ]
    }

    /// The search for this listing's city (breadcrumb).
    pub fn city_search_url(&self) -> String {
        let query = serde_urlencoded::to_string([("location", self.listing.city.as_str())])
            .unwrap_or_default();
        format!("/search?{query}")
    }
}
