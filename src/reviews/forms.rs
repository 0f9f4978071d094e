//! The review form: raw strings in, a validated review out, with a message per wrong field.

use serde::Deserialize;

use super::service::NewReview;
use crate::service::FieldErrors;

/// Category fields of a guest's review, with their labels, in display order.
pub const CATEGORIES: [(&str, &str); 6] = [
    ("cleanliness", "Cleanliness"),
    ("accuracy", "Accuracy"),
    ("check_in", "Check-in"),
    ("communication", "Communication"),
    ("location", "Location"),
    ("value", "Value"),
];

/// Longest comment, in characters (the database checks it too).
pub const MAX_COMMENT_CHARS: usize = 5000;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub cleanliness: String,
    #[serde(default)]
    pub accuracy: String,
    #[serde(default)]
    pub check_in: String,
    #[serde(default)]
    pub communication: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub comment: String,
}

impl ReviewForm {
    /// The typed value of a field (templates use it to keep the choice).
    pub fn field(&self, name: &str) -> &str {
        match name {
            "rating" => &self.rating,
            "cleanliness" => &self.cleanliness,
            "accuracy" => &self.accuracy,
            "check_in" => &self.check_in,
            "communication" => &self.communication,
            "location" => &self.location,
            "value" => &self.value,
            _ => "",
        }
    }

    /// Parses the form; `with_categories` for a guest's review.
    pub fn parse(&self, with_categories: bool, errors: &mut FieldErrors) -> Option<NewReview> {
        let rating = errors.check("rating", stars(&self.rating));
        let mut categories = [0i16; 6];
        let mut complete = true;
        if with_categories {
            for (slot, (name, _)) in categories.iter_mut().zip(CATEGORIES) {
                match errors.check(name, stars(self.field(name))) {
                    Some(value) => *slot = value,
                    None => complete = false,
                }
            }
        }
        let comment = self.comment.trim();
        if comment.is_empty() {
            errors.add("comment", "Write a few words about the stay.");
        } else if comment.chars().count() > MAX_COMMENT_CHARS {
            errors.add(
                "comment",
                format!("Use at most {MAX_COMMENT_CHARS} characters."),
            );
        }
        let rating = rating?;
        if !complete || !errors.is_empty() {
            return None;
        }
        Some(NewReview {
            rating,
            categories: with_categories.then_some(categories),
            comment: comment.to_string(),
        })
    }
}

/// A rating from 1 to 5 stars.
fn stars(raw: &str) -> Result<i16, String> {
    match raw.trim().parse::<i16>() {
        Ok(value @ 1..=5) => Ok(value),
        Ok(_) => Err("Choose a rating from 1 to 5.".into()),
        Err(_) if raw.trim().is_empty() => Err("Choose a rating from 1 to 5.".into()),
        Err(_) => Err("Choose a rating from 1 to 5.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_outside_one_to_five_are_refused() {
        for bad in ["0", "6", "", "x", "-1"] {
            let form = ReviewForm {
                rating: bad.into(),
                comment: "Nice".into(),
                ..ReviewForm::default()
            };
            let mut errors = FieldErrors::new();
            assert!(form.parse(false, &mut errors).is_none(), "{bad:?}");
            assert!(errors.has("rating"));
        }
        let good = ReviewForm {
            rating: "5".into(),
            comment: "Great guest".into(),
            ..ReviewForm::default()
        };
        let mut errors = FieldErrors::new();
        assert_eq!(good.parse(false, &mut errors).map(|r| r.rating), Some(5));
    }
}
