//! Door-neutral parsing of what a booking form sends (raw text) into the services' input. The
//! dates, guests and key are checked by [`super::service::book`] against the listing (its
//! time zone, its limits), so they travel as typed; what needs no listing is parsed here.

use chrono::NaiveDate;

use super::{domain::Status, model::ReservationFilter};
use crate::service::{FieldErrors, ListingId, ServiceResult};

/// The booking form as typed.
#[derive(Clone, Debug, Default)]
pub struct BookingInput<'a> {
    pub check_in: &'a str,
    pub check_out: &'a str,
    pub guests: &'a str,
    pub idempotency_key: &'a str,
}

/// The listing filter of the host's reservations page; anything but an id means "all".
pub fn listing_filter(listing: &str) -> Option<ListingId> {
    listing.trim().parse::<i64>().ok().map(ListingId::new)
}

/// The host's reservation filters as a program sends them (`status`, `listing`, `from`, `to`;
/// empty means "all"), each checked: what cannot be understood is named rather than dropped.
pub fn reservation_filter(
    status: &str,
    listing: &str,
    from: &str,
    to: &str,
) -> ServiceResult<ReservationFilter> {
    let mut errors = FieldErrors::new();
    let mut filter = ReservationFilter::default();
    let status = status.trim();
    if !status.is_empty() {
        filter.status = errors.check(
            "status",
            Status::parse(status).ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                format!("Choose one of: {}.", names.join(", "))
            }),
        );
    }
    let listing = listing.trim();
    if !listing.is_empty() {
        filter.listing = errors.check(
            "listing",
            listing
                .parse::<i64>()
                .map(ListingId::new)
                .map_err(|_| "Give a listing's id, a number.".to_string()),
        );
    }
    let date = |raw: &str| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| "Enter a date like 2027-03-14.".to_string())
    };
    if !from.trim().is_empty() {
        filter.from = errors.check("from", date(from));
    }
    if !to.trim().is_empty() {
        filter.to = errors.check("to", date(to));
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to <= from
    {
        errors.add("to", "Choose a day after `from`.");
    }
    errors.into_result()?;
    Ok(filter)
}

/// The refund the cancel form showed (minor units), if it sent a number.
pub fn expected_refund(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok()
}
