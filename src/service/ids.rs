//! Typed ids: a `ListingId` cannot be passed where a `UserId` is meant. Each is an `i64` on the
//! wire and in the database (`BIGINT`), usable directly in Diesel queries
//! (`listings::id.eq(listing_id)`), in rows (`Queryable` fields), in paths (`web::Path<ListingId>`)
//! and in JSON (a plain number).

use std::{fmt, str::FromStr};

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

macro_rules! typed_ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize,
            Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The number, for URLs and logs.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }
    )+};
}

typed_ids! {
    /// `users.id`: guests, hosts and admins alike.
    UserId,
    /// `listings.id`.
    ListingId,
    /// `listing_photos.id`.
    PhotoId,
    /// `calendar_entries.id`: a host's block, a booking's hold or a date change's hold.
    CalendarEntryId,
    /// `bookings.id`.
    BookingId,
    /// `booking_changes.id`: a date change waiting for its payment.
    BookingChangeId,
    /// `payments.id`: one ledger row (charge or refund).
    PaymentId,
    /// `reviews.id`.
    ReviewId,
    /// `places.id`: a city, region or country that listings are in.
    PlaceId,
    /// `jobs.id`.
    JobId,
}

/// `amenities.id` (an `INTEGER`: there are at most 63 amenities, one bit each on a listing).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct AmenityId(i32);

impl AmenityId {
    pub const fn new(id: i32) -> Self {
        Self(id)
    }

    pub const fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for AmenityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_print_as_their_number() {
        let id: ListingId = "42".parse().expect("a number");
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
        assert!("4x".parse::<UserId>().is_err());
        assert_eq!(
            serde_json::to_string(&BookingId::new(7)).ok().as_deref(),
            Some("7")
        );
    }
}
