//! Door-neutral parsing of the sandbox's card form into a test card, field by field.

use chrono::NaiveDate;

use super::sandbox::{self, TestCard};
use crate::service::{FieldErrors, ServiceError, ServiceResult};

/// The card as typed on the sandbox form (Stripe's form never reaches Roost).
#[derive(Clone, Debug, Default)]
pub struct CardInput<'a> {
    pub card_number: &'a str,
    pub expiry: &'a str,
    pub cvc: &'a str,
}

impl CardInput<'_> {
    /// The test card typed, or `Invalid` with a message beside each wrong field.
    pub fn test_card(&self, today: NaiveDate) -> ServiceResult<TestCard> {
        sandbox::parse_card(self.card_number, self.expiry, self.cvc, today).map_err(|problems| {
            let mut errors = FieldErrors::new();
            for (field, message) in problems {
                errors.add(field, message);
            }
            ServiceError::Invalid(errors)
        })
    }
}
