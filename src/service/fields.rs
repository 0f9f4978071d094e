//! Messages about input, keyed by field name: what a service returns inside
//! [`ServiceError::Invalid`](super::ServiceError::Invalid). The HTML door shows each message
//! beside its field with what the user typed kept; the JSON door lists them in a 422 problem
//! document. Parsers take raw text (so that deserialising a form never fails) and record here.

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Errors with one message.
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Records the first message for `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// The message of `field`, if any (used by templates).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every field and its message, in field-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0
            .iter()
            .map(|(field, message)| (*field, message.as_str()))
    }

    /// Keeps a parsed value; on failure records its message and returns `None`.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded, else these errors as a [`ServiceError::Invalid`].
    ///
    /// [`ServiceError::Invalid`]: super::ServiceError::Invalid
    pub fn into_result(self) -> Result<(), super::ServiceError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(super::ServiceError::Invalid(self))
        }
    }
}
