//! Value shapes every part of the schema shares: `Money` (integer minor units, the currency
//! and the same formatted: never a float), Relay's `PageInfo` and the opaque cursors of a
//! connection. Dates travel as ISO 8601 strings (`2027-03-14`, `2027-03-14T09:30:00Z`).

use async_graphql::SimpleObject;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::errors::{code, coded};

/// An amount of money.
#[derive(Clone, Debug, SimpleObject)]
pub struct Money {
    /// Minor units (cents for EUR; yen for JPY).
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// For display, e.g. "€120.00".
    pub formatted: String,
}

impl Money {
    pub fn new(amount_minor: i64, currency: &str) -> Money {
        Money {
            amount_minor,
            currency: currency.to_string(),
            formatted: crate::money::format(amount_minor, currency),
        }
    }
}

/// Relay's page information.
#[derive(Clone, Debug, SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page of `count` items from `offset`, the cursors those of its first and last item.
    pub fn of(offset: i64, count: usize, has_next_page: bool) -> PageInfo {
        let last = offset + count as i64 - 1;
        PageInfo {
            has_next_page,
            has_previous_page: offset > 0,
            start_cursor: (count > 0).then(|| cursor(offset)),
            end_cursor: (count > 0).then(|| cursor(last)),
        }
    }
}

/// The prefix that makes a cursor ours (and versions its meaning).
const CURSOR_PREFIX: &str = "offset:";

/// The cursor of the item at `offset` (0-based) of a result list: opaque to clients.
pub fn cursor(offset: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{offset}"))
}

/// Where the items after `after` start: 0 without a cursor, else one past the cursor's item.
/// A cursor we did not make is a `VALIDATION` error on `after`.
pub fn offset_after(after: Option<&str>) -> async_graphql::Result<i64> {
    let Some(after) = after else {
        return Ok(0);
    };
    URL_SAFE_NO_PAD
        .decode(after.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse::<i64>().ok())
        .filter(|offset| *offset >= 0)
        .and_then(|offset| offset.checked_add(1))
        .ok_or_else(|| {
            async_graphql::ErrorExtensions::extend_with(
                coded(code::VALIDATION, "`after` is not a cursor of this list."),
                |_, extensions| extensions.set("field", "after"),
            )
        })
}

/// An id sent by a client as the typed id it names (`ListingId`, `BookingId`, …): text that
/// is not a number names nothing, so it is `NOT_FOUND` like any unknown id.
pub fn typed_id<T: std::str::FromStr>(id: &async_graphql::ID) -> async_graphql::Result<T> {
    id.trim()
        .parse::<T>()
        .map_err(|_| super::errors::service(crate::service::ServiceError::NotFound))
}

/// `2027-03-14`.
pub fn date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `2027-03-14T09:30:00Z`.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_come_back_as_the_next_offset_and_foreign_ones_are_refused() {
        assert_eq!(offset_after(None).ok(), Some(0));
        assert_eq!(offset_after(Some(&cursor(19))).ok(), Some(20));
        assert!(offset_after(Some("bm9wZQ")).is_err());
        assert!(offset_after(Some("%%%")).is_err());
        assert!(offset_after(Some(&URL_SAFE_NO_PAD.encode("offset:-4"))).is_err());
    }
}
