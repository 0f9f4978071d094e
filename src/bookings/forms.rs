//! Door-neutral parsing of what a booking form sends (raw text) into the services' input. The
//! dates, guests and key are checked by [`super::service::book`] against the listing (its
//! time zone, its limits), so they travel as typed; what needs no listing is parsed here.

use super::domain::Status;
use crate::service::ListingId;

/// The booking form as typed.
#[derive(Clone, Debug, Default)]
pub struct BookingInput<'a> {
    pub check_in: &'a str,
    pub check_out: &'a str,
    pub guests: &'a str,
    pub idempotency_key: &'a str,
}

/// The host's reservation filters: a status and a listing; anything unknown means "all".
pub fn reservation_filters(status: &str, listing: &str) -> (Option<Status>, Option<ListingId>) {
    (
        Status::parse(status),
        listing.trim().parse::<i64>().ok().map(ListingId::new),
    )
}

/// The refund the cancel form showed (minor units), if it sent a number.
pub fn expected_refund(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok()
}
