//! Booking values checked once, when they enter the system: the status vocabulary and the
//! idempotency key (parse, don't validate). The dates of a stay and its guests are
//! `stays::stay`'s, one definition for search, the quote, booking and changes.

crate::text_enum! {
    /// Where a booking is in its life (DESIGN.md §4). Stored as text in `bookings.status`,
    /// whose CHECK constraint lists the same values (tests/it/vocabularies_bookings.rs).
    pub enum Status {
        /// Instant book: dates held while the guest pays.
        PendingPayment = "pending_payment",
        /// Request to book: dates held while the host decides.
        Requested = "requested",
        /// The host said yes: dates held while the guest pays.
        Accepted = "accepted",
        Confirmed = "confirmed",
        CheckedIn = "checked_in",
        Completed = "completed",
        Declined = "declined",
        Expired = "expired",
        CancelledByGuest = "cancelled_by_guest",
        CancelledByHost = "cancelled_by_host",
    }
}

impl Status {
    /// The states of a booking that still holds, or may still hold, its dates: a stay ahead or
    /// under way.
    pub const LIVE: [Status; 5] = [
        Status::PendingPayment,
        Status::Requested,
        Status::Accepted,
        Status::Confirmed,
        Status::CheckedIn,
    ];

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Status::PendingPayment => "Awaiting payment",
            Status::Requested => "Awaiting the host",
            Status::Accepted => "Accepted, payment in progress",
            Status::Confirmed => "Confirmed",
            Status::CheckedIn => "Checked in",
            Status::Completed => "Completed",
            Status::Declined => "Declined",
            Status::Expired => "Expired",
            Status::CancelledByGuest => "Cancelled by the guest",
            Status::CancelledByHost => "Cancelled by the host",
        }
    }

    /// The badge modifier of the status (`badge--…`).
    pub fn badge(self) -> &'static str {
        match self {
            Status::Confirmed | Status::CheckedIn => "success",
            Status::PendingPayment | Status::Requested | Status::Accepted => "warning",
            Status::Completed => "neutral",
            Status::Declined
            | Status::Expired
            | Status::CancelledByGuest
            | Status::CancelledByHost => "danger",
        }
    }

    /// Whether a booking in this state no longer holds its dates (nor ever will again).
    pub fn is_dead(self) -> bool {
        matches!(
            self,
            Status::Declined | Status::Expired | Status::CancelledByGuest | Status::CancelledByHost
        )
    }

    /// Whether money is due from the guest in this state (before the hold runs out).
    pub fn awaits_payment(self) -> bool {
        matches!(self, Status::PendingPayment | Status::Accepted)
    }
}

/// Statuses as stored, for `eq_any` filters.
pub fn names(statuses: &[Status]) -> Vec<&'static str> {
    statuses.iter().map(|status| status.as_str()).collect()
}

/// The key that makes a double submit create one booking: what the form sent, or a fresh one.
pub fn idempotency_key(raw: &str) -> Result<String, String> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(uuid::Uuid::new_v4().to_string());
    }
    if key.len() > 100 || key.chars().any(char::is_control) {
        // Said to the page (whose hidden key someone altered) and to an API client (whose
        // `Idempotency-Key` header it is) alike.
        return Err(
            "The booking's idempotency key can't be used: it must be at most 100 characters, \
             without control characters. Reload the page, or send another key."
                .into(),
        );
    }
    Ok(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Status::parse("paid"), None);
    }
}
