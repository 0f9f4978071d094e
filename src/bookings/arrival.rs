//! What a guest needs to arrive: the exact address, check-in times and instructions, the house
//! rules, and who the host is and how to reach them. The address and the instructions are
//! private to the stay: only its guest sees them, once the stay is confirmed (the host has
//! them on their own listing); the listing page and the API never show them to anyone else.

use chrono::NaiveTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::domain::Status;
use crate::{
    listings::model::Listing,
    schema::{listings, users},
    service::ListingId,
};

/// The arrival details of a confirmed stay.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub address: String,
    /// "City, Region, Country".
    pub place: String,
    pub check_in_time: NaiveTime,
    pub check_out_time: NaiveTime,
    pub instructions: String,
    pub house_rules: String,
    pub host_first_name: String,
    /// Until guests and hosts have messages, the host's email is how to reach them.
    pub host_email: String,
}

impl Arrival {
    /// Whether a booking in `status` is a stay whose guest may know where and how to arrive:
    /// paid and not over or cancelled.
    pub fn shared_in(status: Status) -> bool {
        matches!(status, Status::Confirmed | Status::CheckedIn)
    }

    pub fn of(listing: &Listing, host_name: &str, host_email: &str) -> Arrival {
        Arrival {
            address: listing.address.trim().to_string(),
            place: listing.place(),
            check_in_time: listing.check_in_time,
            check_out_time: listing.check_out_time,
            instructions: listing.check_in_instructions.trim().to_string(),
            house_rules: listing.house_rules.trim().to_string(),
            host_first_name: first_name(host_name).to_string(),
            host_email: host_email.to_string(),
        }
    }

    /// The listing's and its host's details (one query); `None` if the listing is gone.
    pub async fn load(
        conn: &mut AsyncPgConnection,
        listing_id: ListingId,
    ) -> diesel::QueryResult<Option<Arrival>> {
        let row: Option<(Listing, String, String)> = listings::table
            .inner_join(users::table)
            .filter(listings::id.eq(listing_id))
            .select((Listing::as_select(), users::name, users::email))
            .first(conn)
            .await
            .optional()?;
        Ok(row.map(|(listing, name, email)| Arrival::of(&listing, &name, &email)))
    }

    /// "15:00".
    pub fn check_in(&self) -> String {
        self.check_in_time.format("%H:%M").to_string()
    }

    pub fn check_out(&self) -> String {
        self.check_out_time.format("%H:%M").to_string()
    }

    /// The details as (label, text) lines, for the emails' plain part and table.
    pub fn lines(&self) -> Vec<(String, String)> {
        let mut lines = vec![
            (
                "Address".to_string(),
                format!("{}, {}", self.address, self.place),
            ),
            (
                "Check-in".to_string(),
                format!(
                    "from {} · check-out until {}",
                    self.check_in(),
                    self.check_out()
                ),
            ),
        ];
        if !self.instructions.is_empty() {
            lines.push(("How to get in".into(), self.instructions.clone()));
        }
        if !self.house_rules.is_empty() {
            lines.push(("House rules".into(), self.house_rules.clone()));
        }
        lines.push((
            "Your host".into(),
            format!("{} · {}", self.host_first_name, self.host_email),
        ));
        lines
    }
}

/// The first word of a name ("Hugo" of "Hugo de Vries"), or the whole name if it has none.
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_name_is_the_first_word() {
        assert_eq!(first_name("Hugo de Vries"), "Hugo");
        assert_eq!(first_name("  Ana "), "Ana");
        assert_eq!(first_name(""), "");
    }

    #[test]
    fn only_a_paid_stay_that_is_not_over_shares_its_arrival() {
        assert!(Arrival::shared_in(Status::Confirmed));
        assert!(Arrival::shared_in(Status::CheckedIn));
        for status in [
            Status::PendingPayment,
            Status::Requested,
            Status::Accepted,
            Status::Declined,
            Status::Expired,
            Status::CancelledByGuest,
            Status::CancelledByHost,
            Status::Completed,
        ] {
            assert!(!Arrival::shared_in(status), "{status:?}");
        }
    }
}
