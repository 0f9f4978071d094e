//! The month view of a listing's calendar, the one definition for every calendar on the site:
//! weeks from Monday, each day free, blocked, booked or past. Pure functions over
//! [`CalendarEntry`] values. The host's calendar tells blocks from bookings; guests (the listing
//! page, [`guest_months`]) see only what they can book: a day is free or unavailable, and the
//! nights of the stay being quoted are marked.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate, Weekday};

use super::{booked_nights::BookedNights, calendar::CalendarEntry};

/// Column headings, Monday first: (abbreviation, full name).
pub const WEEKDAYS: [(&str, &str); 7] = [
    ("Mo", "Monday"),
    ("Tu", "Tuesday"),
    ("We", "Wednesday"),
    ("Th", "Thursday"),
    ("Fr", "Friday"),
    ("Sa", "Saturday"),
    ("Su", "Sunday"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayState {
    Free,
    Blocked,
    Booked,
    Past,
}

impl DayState {
    pub fn css(&self) -> &'static str {
        match self {
            DayState::Free => "free",
            DayState::Blocked => "blocked",
            DayState::Booked => "booked",
            DayState::Past => "past",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            DayState::Free => "available",
            DayState::Blocked => "blocked",
            DayState::Booked => "booked",
            DayState::Past => "past",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Day {
    pub date: NaiveDate,
    pub state: DayState,
    pub today: bool,
    /// A night of the stay a guest is looking at (guests' calendars only).
    pub selected: bool,
}

impl Day {
    pub fn number(&self) -> u32 {
        self.date.day()
    }

    /// `calendar__day calendar__day--free calendar__day--today`
    pub fn class(&self) -> String {
        let mut class = format!("calendar__day calendar__day--{}", self.state.css());
        if self.today {
            class.push_str(" calendar__day--today");
        }
        class
    }

    /// "Monday 14 March 2027", for assistive technology and tooltips.
    pub fn long_date(&self) -> String {
        LongDate(self.date).to_string()
    }

    pub fn iso(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    /// What a guest may know of the day: booked and blocked nights are alike "unavailable".
    fn guest_state(&self) -> (&'static str, &'static str) {
        match self.state {
            DayState::Past => ("past", "past"),
            DayState::Blocked | DayState::Booked => ("blocked", "unavailable"),
            DayState::Free => ("free", "available"),
        }
    }

    /// The CSS classes of the day on a guest's calendar (`calendar__day--selected` …),
    /// written straight into the page: a listing page has about 90 days, and a `String` per
    /// day and label was most of its calendar's cost (as `format!` was on search cards).
    pub fn guest_class(&self) -> GuestClass<'_> {
        GuestClass(self)
    }

    /// What a screen reader says on a guest's calendar: "Monday 3 March 2027, available"
    /// (written straight into the page, as [`Day::guest_class`]).
    pub fn guest_label(&self) -> GuestLabel<'_> {
        GuestLabel(self)
    }
}

/// Month names, January first (chrono's `%B` parses its format string on every call).
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "Monday 14 March 2027" (chrono's `%A %-d %B %Y`, without parsing a format).
pub struct LongDate(pub NaiveDate);

impl fmt::Display for LongDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.0;
        let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize].1;
        let month = MONTH_NAMES[date.month0() as usize];
        write!(f, "{weekday} {} {month} {}", date.day(), date.year())
    }
}

/// [`Day::guest_class`].
pub struct GuestClass<'a>(&'a Day);

impl fmt::Display for GuestClass<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("calendar__day calendar__day--")?;
        f.write_str(self.0.guest_state().0)?;
        if self.0.selected {
            f.write_str(" calendar__day--selected")?;
        }
        if self.0.today {
            f.write_str(" calendar__day--today")?;
        }
        Ok(())
    }
}

/// [`Day::guest_label`].
pub struct GuestLabel<'a>(&'a Day);

impl fmt::Display for GuestLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", LongDate(self.0.date), self.0.guest_state().1)?;
        if self.0.selected {
            f.write_str(", in your stay")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub struct Month {
    /// The first day of the month.
    pub first: NaiveDate,
    /// Empty cells before the first day (the grid starts on Monday).
    pub leading_blanks: usize,
    pub days: Vec<Day>,
}

impl Month {
    /// "March 2027"
    pub fn title(&self) -> String {
        self.first.format("%B %Y").to_string()
    }

    /// "2027-03", the value of a `?month=` parameter.
    pub fn key(&self) -> String {
        key(self.first)
    }

    /// One element per empty cell (templates loop over it).
    pub fn blanks(&self) -> Vec<()> {
        vec![(); self.leading_blanks]
    }
}

/// The first day of the month of `date`.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Parses `YYYY-MM` into the first day of that month.
pub fn parse_month(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d").ok()
}

/// The first month to show for a `?month=YYYY-MM` parameter: that month when it lies within a
/// year back and two years ahead of `today`, else the month of `today`.
pub fn first_shown(raw: &str, today: NaiveDate) -> NaiveDate {
    let current = month_of(today);
    parse_month(raw)
        .filter(|month| *month >= shift(current, -12) && *month <= shift(current, 24))
        .unwrap_or(current)
}

/// "2027-03", the `?month=` value of the month of `date`.
pub fn key(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// `first` moved by `delta` months.
pub fn shift(first: NaiveDate, delta: i32) -> NaiveDate {
    let months = Months::new(delta.unsigned_abs());
    let moved = if delta >= 0 {
        first.checked_add_months(months)
    } else {
        first.checked_sub_months(months)
    };
    moved.unwrap_or(first)
}

/// `[from, to)` covering `count` months from `first` (what to load from the database).
pub fn window(first: NaiveDate, count: u32) -> (NaiveDate, NaiveDate) {
    (first, shift(first, count as i32))
}

/// `count` months from `first`, each day in its state as of `today`. `entries` are those that
/// overlap the window; a booking wins over a block if both were ever present.
pub fn months(
    first: NaiveDate,
    count: u32,
    today: NaiveDate,
    entries: &[CalendarEntry],
) -> Vec<Month> {
    months_by(first, count, today, |date| state_of(date, today, entries))
}

/// `count` months from `first`, each day in the state `state` gives it.
fn months_by(
    first: NaiveDate,
    count: u32,
    today: NaiveDate,
    state: impl Fn(NaiveDate) -> DayState,
) -> Vec<Month> {
    (0..count as i32)
        .map(|i| {
            let first = shift(month_of(first), i);
            let next = shift(first, 1);
            let days = first
                .iter_days()
                .take_while(|date| *date < next)
                .map(|date| Day {
                    date,
                    state: state(date),
                    today: date == today,
                    selected: false,
                })
                .collect();
            Month {
                first,
                leading_blanks: first.weekday().days_since(Weekday::Mon) as usize,
                days,
            }
        })
        .collect()
}

/// Months a guest sees on a listing page: [`GUEST_MONTHS`] from `today`'s month, from the
/// listing's taken nights (guests only tell free from unavailable, so the listing row's bits
/// are all they need), the nights `[stay.start, stay.end)` of the stay being quoted marked as
/// selected. A night before what `taken` holds shows as free (callers read from the window's
/// start, see [`guest_window`]).
pub fn guest_months(
    today: NaiveDate,
    taken: &BookedNights,
    stay: Option<std::ops::Range<NaiveDate>>,
) -> Vec<Month> {
    let state = |date: NaiveDate| {
        if date < today {
            DayState::Past
        } else if taken.is_taken(date) == Some(true) {
            DayState::Booked
        } else {
            DayState::Free
        }
    };
    let mut grid = months_by(month_of(today), GUEST_MONTHS, today, state);
    if let Some(stay) = stay {
        for day in grid.iter_mut().flat_map(|month| month.days.iter_mut()) {
            day.selected = stay.contains(&day.date);
        }
    }
    grid
}

/// Months on a listing page.
pub const GUEST_MONTHS: u32 = 3;

/// `[from, to)` of the months on a listing page (what to load from the database).
pub fn guest_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    window(month_of(today), GUEST_MONTHS)
}

fn state_of(date: NaiveDate, today: NaiveDate, entries: &[CalendarEntry]) -> DayState {
    if date < today {
        return DayState::Past;
    }
    let mut state = DayState::Free;
    for entry in entries.iter().filter(|entry| entry.covers(date)) {
        if entry.is_booking() {
            return DayState::Booked;
        }
        state = DayState::Blocked;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::calendar::CalendarEntryKind::{self, Blocked, Booking};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn entry(kind: CalendarEntryKind, start: &str, end: &str) -> CalendarEntry {
        CalendarEntry {
            id: 1,
            listing_id: 1,
            start: d(start),
            end: d(end),
            kind,
            booking_id: (kind == Booking).then_some(7),
            note: String::new(),
        }
    }

    #[test]
    fn days_take_the_state_of_their_entries() {
        let entries = [
            entry(Blocked, "2027-03-10", "2027-03-12"),
            entry(Booking, "2027-03-20", "2027-03-22"),
        ];
        let grid = months(d("2027-03-01"), 2, d("2027-03-05"), &entries);
        assert_eq!(grid.len(), 2);
        let march = &grid[0];
        assert_eq!(march.title(), "March 2027");
        assert_eq!(march.leading_blanks, 0, "1 March 2027 is a Monday");
        assert_eq!(march.days.len(), 31);
        let state = |n: usize| march.days[n - 1].state;
        assert_eq!(state(4), DayState::Past);
        assert!(march.days[4].today);
        assert_eq!(state(10), DayState::Blocked);
        assert_eq!(state(11), DayState::Blocked);
        assert_eq!(state(12), DayState::Free, "check-out day stays free");
        assert_eq!(state(21), DayState::Booked);
        assert_eq!(grid[1].leading_blanks, 3, "1 April 2027 is a Thursday");
    }

    #[test]
    fn guests_see_taken_nights_as_unavailable_and_their_stay_selected() {
        let today = d("2027-03-10");
        // Read from 1 March: the nights of the 12th and 13th are taken.
        let taken = BookedNights::from_text(d("2027-03-01"), "00000000000110");
        let stay = d("2027-03-20")..d("2027-03-22");
        let months = guest_months(today, &taken, Some(stay));
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].title(), "March 2027");
        assert_eq!(months[0].days.len(), 31);
        let day = |n: usize| &months[0].days[n - 1];
        assert!(day(9).guest_class().to_string().contains("--past"));
        assert!(day(12).guest_class().to_string().contains("--blocked"));
        assert_eq!(
            day(12).guest_label().to_string(),
            "Friday 12 March 2027, unavailable"
        );
        assert!(
            day(14).guest_class().to_string().contains("--free"),
            "check-out day"
        );
        assert!(day(20).guest_class().to_string().contains("--selected"));
        assert!(!day(22).selected);
        assert!(
            day(10)
                .guest_class()
                .to_string()
                .ends_with("calendar__day--today")
        );
        assert_eq!(guest_window(today), (d("2027-03-01"), d("2027-06-01")));
    }

    #[test]
    fn long_dates_read_as_chrono_writes_them() {
        let mut date = d("2026-12-25");
        for _ in 0..800 {
            assert_eq!(
                LongDate(date).to_string(),
                date.format("%A %-d %B %Y").to_string()
            );
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn months_parse_and_shift() {
        assert_eq!(parse_month("2027-12"), Some(d("2027-12-01")));
        assert_eq!(parse_month("2027-13"), None);
        assert_eq!(shift(d("2027-12-01"), 1), d("2028-01-01"));
        assert_eq!(shift(d("2027-01-01"), -1), d("2026-12-01"));
        let today = d("2027-05-20");
        assert_eq!(first_shown("2027-07", today), d("2027-07-01"));
        assert_eq!(first_shown("", today), d("2027-05-01"));
        assert_eq!(
            first_shown("1999-01", today),
            d("2027-05-01"),
            "too far back"
        );
    }
}
