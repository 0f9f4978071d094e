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
    fn guests_are_between_one_and_fifty() {
        assert_eq!(Guests::parse("2").unwrap().map(|g| g.get()), Some(2));
        assert_eq!(Guests::parse(" ").unwrap(), None);
        assert!(Guests::parse("0").is_err());
        assert!(Guests::parse("51").is_err());
        assert!(Guests::parse("lots").is_err());
        assert!(Guests::parse("99999999999999999999").is_err());
    }
}
