//! A stay as a guest types it: dates `[check_in, check_out)` and a number of guests. Parsed
//! once into [`StayDates`] and [`Guests`]; search, the quote and the listing page share them.

use chrono::{Duration, NaiveDate};

/// Longest stay anyone can ask for, in nights.
pub const MAX_NIGHTS: i64 = 365;
/// How far ahead a stay may start, in days.
pub const MAX_DAYS_AHEAD: i64 = 730;
/// Most guests a listing may welcome (the database checks it too).
pub const MAX_GUESTS: i32 = 50;

/// A message about one field (`check_in`, `check_out` or `guests`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field,
        message: message.into(),
    }
}

/// Valid stay dates: check-out after check-in, not in the past, within the bookable horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StayDates {
    check_in: NaiveDate,
    check_out: NaiveDate,
}

fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldProblem> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| problem(field, "Enter a date like 2027-03-14."))
}

/// A stay too short or too long for a listing's minimum and maximum nights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NightsProblem {
    TooShort { min_nights: i32 },
    TooLong { max_nights: i32 },
}

/// The listing's minimum and maximum stay: the one rule for the quote, booking and changes.
pub fn check_nights(nights: i32, min_nights: i32, max_nights: i32) -> Result<(), NightsProblem> {
    if nights < min_nights {
        Err(NightsProblem::TooShort { min_nights })
    } else if nights > max_nights {
        Err(NightsProblem::TooLong { max_nights })
    } else {
        Ok(())
    }
}

impl NightsProblem {
    /// Beside the check-out field of the booking and change-of-dates forms.
    pub fn message(self) -> String {
        match self {
            NightsProblem::TooShort { min_nights } => {
                format!("This place has a minimum stay of {min_nights} nights.")
            }
            NightsProblem::TooLong { max_nights } => {
                format!("This place can be booked for at most {max_nights} nights.")
            }
        }
    }

    /// The sentence the quote on the listing page shows instead of prices.
    pub fn quote_message(self) -> String {
        match self {
            NightsProblem::TooShort { min_nights } => {
                format!("The minimum stay here is {min_nights} nights.")
            }
            NightsProblem::TooLong { max_nights } => {
                format!("The maximum stay here is {max_nights} nights.")
            }
        }
    }
}

impl StayDates {
    /// Checks two dates against the rules; `today` is the first day that may be booked.
    pub fn new(
        check_in: NaiveDate,
        check_out: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, FieldProblem> {
        if check_in < today {
            return Err(problem("check_in", "Check-in cannot be in the past."));
        }
        if check_in > today + Duration::days(MAX_DAYS_AHEAD) {
            return Err(problem(
                "check_in",
                "Choose a check-in date within the next two years.",
            ));
        }
        if check_out <= check_in {
            return Err(problem("check_out", "Check-out must be after check-in."));
        }
        if (check_out - check_in).num_days() > MAX_NIGHTS {
            return Err(problem(
                "check_out",
                format!("A stay can last at most {MAX_NIGHTS} nights."),
            ));
        }
        Ok(StayDates {
            check_in,
            check_out,
        })
    }

    /// Parses the two typed fields: both empty is no dates at all (`Ok(None)`).
    pub fn parse(
        check_in: &str,
        check_out: &str,
        today: NaiveDate,
    ) -> Result<Option<Self>, FieldProblem> {
        match (check_in.trim().is_empty(), check_out.trim().is_empty()) {
            (true, true) => Ok(None),
            (false, true) => Err(problem("check_out", "Add a check-out date too.")),
            (true, false) => Err(problem("check_in", "Add a check-in date too.")),
            (false, false) => {
                let check_in = parse_date("check_in", check_in)?;
                let check_out = parse_date("check_out", check_out)?;
                StayDates::new(check_in, check_out, today).map(Some)
            }
        }
    }

    /// Parses the two fields of a form where both dates are required (booking, change of
    /// dates): an empty one asks for its date.
    pub fn parse_required(
        check_in: &str,
        check_out: &str,
        today: NaiveDate,
    ) -> Result<Self, FieldProblem> {
        if check_in.trim().is_empty() {
            return Err(problem("check_in", "Choose a check-in date."));
        }
        if check_out.trim().is_empty() {
            return Err(problem("check_out", "Choose a check-out date."));
        }
        let check_in = parse_date("check_in", check_in)?;
        let check_out = parse_date("check_out", check_out)?;
        StayDates::new(check_in, check_out, today)
    }

    /// These dates, if they fit the listing's minimum and maximum stay (the message goes
    /// beside the check-out field).
    pub fn within(self, min_nights: i32, max_nights: i32) -> Result<Self, FieldProblem> {
        check_nights(self.nights(), min_nights, max_nights)
            .map(|()| self)
            .map_err(|nights| problem("check_out", nights.message()))
    }

    pub fn check_in(&self) -> NaiveDate {
        self.check_in
    }

    pub fn check_out(&self) -> NaiveDate {
        self.check_out
    }

    pub fn nights(&self) -> i32 {
        // At most MAX_NIGHTS, so the conversion cannot fail.
        i32::try_from((self.check_out - self.check_in).num_days()).unwrap_or(i32::MAX)
    }

    /// Whether `day` is a night of this stay.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.check_in <= day && day < self.check_out
    }
}

/// A number of guests between 1 and [`MAX_GUESTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guests(i32);

impl Guests {
    /// One guest: what a stay is priced for when nobody said how many.
    pub const ONE: Guests = Guests(1);

    /// Parses the typed field: empty is `Ok(None)`.
    pub fn parse(raw: &str) -> Result<Option<Self>, FieldProblem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let count: i64 = raw
            .parse()
            .map_err(|_| problem("guests", "Enter the number of guests, like 2."))?;
        if !(1..=i64::from(MAX_GUESTS)).contains(&count) {
            return Err(problem(
                "guests",
                format!("Guests must be between 1 and {MAX_GUESTS}."),
            ));
        }
        Ok(Some(Guests(count as i32)))
    }

    /// The guests of a stay at a listing welcoming `capacity`: empty means one. The one
    /// rule for the quote and the booking, so both say the same thing.
    pub fn for_stay(raw: &str, capacity: i32) -> Result<Self, FieldProblem> {
        let guests = Guests::parse(raw)?.unwrap_or(Guests::ONE);
        guests.fit(capacity)?;
        Ok(guests)
    }

    /// Refuses more guests than the listing welcomes.
    pub fn fit(&self, capacity: i32) -> Result<(), FieldProblem> {
        if self.0 <= capacity {
            return Ok(());
        }
        let plural = if capacity == 1 { "" } else { "s" };
        Err(problem(
            "guests",
            format!("This place welcomes at most {capacity} guest{plural}."),
        ))
    }

    pub fn get(&self) -> i32 {
        self.0
    }
}

/// The earliest date that is still "today" somewhere on earth (UTC−12): search accepts it as
/// a check-in; the quote then applies the listing's own time zone.
pub fn earliest_today() -> NaiveDate {
    (chrono::Utc::now() - Duration::hours(12)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stay_has_one_guest_unless_told_and_no_more_than_the_listing_welcomes() {
        assert_eq!(Guests::for_stay("2", 4).map(|g| g.get()), Ok(2));
        assert_eq!(Guests::for_stay("", 4).map(|g| g.get()), Ok(1));
        assert_eq!(Guests::for_stay(" 4 ", 4).map(|g| g.get()), Ok(4));
        let too_many = Guests::for_stay("5", 4).expect_err("5 > 4");
        assert_eq!(too_many.message, "This place welcomes at most 4 guests.");
        assert_eq!(
            Guests::for_stay("2", 1).expect_err("2 > 1").message,
            "This place welcomes at most 1 guest."
        );
        assert!(Guests::for_stay("0", 4).is_err());
        assert!(Guests::for_stay("two", 4).is_err());
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn dates_must_be_ordered_and_in_the_future() {
        let today = day("2027-01-10");
        let stay = StayDates::parse("2027-01-12", "2027-01-15", today)
            .expect("valid")
            .expect("some");
        assert_eq!(stay.nights(), 3);
        assert_eq!(StayDates::parse("", "", today), Ok(None));
        assert_eq!(
            StayDates::parse("2027-01-15", "2027-01-12", today)
                .unwrap_err()
                .field,
            "check_out"
        );
        assert_eq!(
            StayDates::parse("2027-01-01", "2027-01-03", today)
                .unwrap_err()
                .field,
            "check_in"
        );
        assert!(StayDates::parse("soon", "2027-01-03", today).is_err());
        assert!(StayDates::parse("2027-01-12", "", today).is_err());
    }

    #[test]
    fn required_dates_ask_for_each_missing_one_and_refuse_the_past_and_backwards_stays() {
        let today = day("2026-12-01");
        let stay = StayDates::parse_required("2026-12-01", "2026-12-04", today).expect("valid");
        assert_eq!(stay.nights(), 3);
        let field = |check_in: &str, check_out: &str| {
            StayDates::parse_required(check_in, check_out, today)
                .expect_err("refused")
                .field
        };
        assert_eq!(field("2026-11-30", "2026-12-04"), "check_in");
        assert_eq!(field("2026-12-05", "2026-12-04"), "check_out");
        assert_eq!(field("2026-12-05", "2026-12-05"), "check_out");
        assert_eq!(field("tomorrow", "2026-12-04"), "check_in");
        assert_eq!(field("", "2026-12-04"), "check_in");
        assert_eq!(field("2026-12-04", " "), "check_out");
        assert_eq!(field("2029-01-01", "2029-01-04"), "check_in");
    }

    #[test]
    fn stays_respect_the_minimum_and_maximum_nights_with_one_rule_for_both_wordings() {
        let today = day("2026-12-01");
        let stay = StayDates::parse_required("2026-12-02", "2026-12-04", today).expect("valid");
        assert_eq!(
            stay.within(3, 30).expect_err("too short").message,
            "This place has a minimum stay of 3 nights."
        );
        assert!(stay.within(2, 30).is_ok());
        assert_eq!(stay.within(1, 1).expect_err("too long").field, "check_out");
        assert_eq!(check_nights(2, 2, 2), Ok(()));
        assert_eq!(
            check_nights(1, 3, 10).map_err(NightsProblem::quote_message),
            Err("The minimum stay here is 3 nights.".to_string())
        );
        assert_eq!(
            check_nights(11, 3, 10).map_err(NightsProblem::quote_message),
            Err("The maximum stay here is 10 nights.".to_string())
        );
    }

    #[test]
    fn guests_are_between_one_and_fifty() {
        assert_eq!(Guests::parse("2").unwrap().map(|g| g.get()), Some(2));
        assert_eq!(Guests::parse(" ").unwrap(), None);
        assert!(Guests::parse("0").is_err());
        assert!(Guests::parse("51").is_err());
        assert!(Guests::parse("lots").is_err());
        assert!(Guests::parse("99999999999999999999").is_err());
    }
}
