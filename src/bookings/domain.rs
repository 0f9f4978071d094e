//! Booking values checked once, when they enter the system: the status vocabulary, the dates
//! of a stay and the number of guests (parse, don't validate).

use chrono::NaiveDate;

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
    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Status::PendingPayment => "Awaiting payment",
            Status::Requested => "Awaiting the host",
            Status::Accepted => "Accepted, awaiting payment",
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

/// The dates of a stay, `[check_in, check_out)`: check-in is not in the past (in the listing's
/// time zone) and check-out is after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StayDates {
    check_in: NaiveDate,
    check_out: NaiveDate,
}

/// Which field a date problem belongs to, and what to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> DateProblem {
    DateProblem {
        field,
        message: message.into(),
    }
}

fn parse_date(raw: &str, field: &'static str, what: &str) -> Result<NaiveDate, DateProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(problem(field, format!("Choose a {what} date.")));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| problem(field, "Enter a date like 2026-12-24."))
}

impl StayDates {
    /// Parses typed dates; `today` is the current date where the listing is. The rules (not in
    /// the past, within two years, check-out after check-in, at most a year long) are the ones
    /// search and the quote use: `stays::stay::StayDates::new` is their one definition.
    pub fn parse(check_in: &str, check_out: &str, today: NaiveDate) -> Result<Self, DateProblem> {
        let check_in = parse_date(check_in, "check_in", "check-in")?;
        let check_out = parse_date(check_out, "check_out", "check-out")?;
        let dates = crate::stays::stay::StayDates::new(check_in, check_out, today)
            .map_err(|rule| problem(rule.field, rule.message))?;
        Ok(StayDates {
            check_in: dates.check_in(),
            check_out: dates.check_out(),
        })
    }

    /// Checks the listing's minimum and maximum stay.
    pub fn within(self, min_nights: i32, max_nights: i32) -> Result<Self, DateProblem> {
        let nights = self.nights();
        if nights < min_nights {
            return Err(problem(
                "check_out",
                format!("This place has a minimum stay of {min_nights} nights."),
            ));
        }
        if nights > max_nights {
            return Err(problem(
                "check_out",
                format!("This place can be booked for at most {max_nights} nights."),
            ));
        }
        Ok(self)
    }

    pub fn check_in(self) -> NaiveDate {
        self.check_in
    }

    pub fn check_out(self) -> NaiveDate {
        self.check_out
    }

    pub fn nights(self) -> i32 {
        i32::try_from((self.check_out - self.check_in).num_days()).unwrap_or(i32::MAX)
    }
}

/// The key that makes a double submit create one booking: what the form sent, or a fresh one.
pub fn idempotency_key(raw: &str) -> Result<String, String> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(uuid::Uuid::new_v4().to_string());
    }
    if key.len() > 100 || key.chars().any(char::is_control) {
        return Err("The form was damaged; reload the page and try again.".into());
    }
    Ok(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Status::parse("paid"), None);
    }

    #[test]
    fn stay_dates_refuse_the_past_and_backwards_stays() {
        let today = day("2026-12-01");
        let stay = StayDates::parse("2026-12-01", "2026-12-04", today).unwrap();
        assert_eq!(stay.nights(), 3);
        let past = StayDates::parse("2026-11-30", "2026-12-04", today).unwrap_err();
        assert_eq!(past.field, "check_in");
        let backwards = StayDates::parse("2026-12-05", "2026-12-04", today).unwrap_err();
        assert_eq!(backwards.field, "check_out");
        let same_day = StayDates::parse("2026-12-05", "2026-12-05", today).unwrap_err();
        assert_eq!(same_day.field, "check_out");
        assert!(StayDates::parse("tomorrow", "2026-12-04", today).is_err());
        assert!(StayDates::parse("", "2026-12-04", today).is_err());
        assert!(StayDates::parse("2029-01-01", "2029-01-04", today).is_err());
    }

    #[test]
    fn stays_respect_the_minimum_and_maximum_nights() {
        let today = day("2026-12-01");
        let stay = StayDates::parse("2026-12-02", "2026-12-04", today).unwrap();
        assert!(stay.within(3, 30).is_err());
        assert!(stay.within(2, 30).is_ok());
        assert!(stay.within(1, 1).is_err());
    }
}
