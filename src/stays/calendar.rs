//! The availability calendar of the listing page: month grids (Monday first) whose days are
//! free, unavailable (booked or blocked: guests need not know which), past, or part of the
//! stay being quoted. The host's calendar (`listings::month_grid`) tells blocks from bookings;
//! guests see only what they can book.

use chrono::{Datelike, Months, NaiveDate};

use super::stay::StayDates;
use crate::listings::calendar::CalendarEntry;

/// Months shown.
pub const MONTHS: u32 = 3;

pub struct Day {
    pub number: u32,
    /// CSS classes (`calendar__day--free` …).
    pub classes: String,
    /// What a screen reader says: "Monday 3 March 2027, available".
    pub label: String,
}

pub struct Month {
    pub title: String,
    /// Empty cells before the 1st (its weekday, Monday = 0).
    pub leading: Vec<u32>,
    pub days: Vec<Day>,
}

/// The first day of `today`'s month and the day after the last shown month.
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = today.with_day(1).unwrap_or(today);
    let end = first
        .checked_add_months(Months::new(MONTHS))
        .unwrap_or(first);
    (first, end)
}

/// Builds the months of the window starting at `today`'s month.
pub fn months(
    today: NaiveDate,
    occupied: &[CalendarEntry],
    selected: Option<&StayDates>,
) -> Vec<Month> {
    let (first, _) = window(today);
    (0..MONTHS)
        .filter_map(|offset| first.checked_add_months(Months::new(offset)))
        .map(|start| month(start, today, occupied, selected))
        .collect()
}

fn month(
    start: NaiveDate,
    today: NaiveDate,
    occupied: &[CalendarEntry],
    selected: Option<&StayDates>,
) -> Month {
    let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
    let days = start
        .iter_days()
        .take_while(|day| *day < next)
        .map(|date| {
            let taken = occupied.iter().any(|entry| entry.covers(date));
            let (state, words) = if date < today {
                ("past", "past")
            } else if taken {
                ("blocked", "unavailable")
            } else {
                ("free", "available")
            };
            let mut classes = format!("calendar__day calendar__day--{state}");
            let chosen = selected.is_some_and(|stay| stay.contains(date));
            if chosen {
                classes.push_str(" calendar__day--selected");
            }
            if date == today {
                classes.push_str(" calendar__day--today");
            }
            Day {
                number: date.day(),
                classes,
                label: format!(
                    "{}, {words}{}",
                    date.format("%A %-d %B %Y"),
                    if chosen { ", in your stay" } else { "" }
                ),
            }
        })
        .collect();
    Month {
        title: start.format("%B %Y").to_string(),
        leading: (0..start.weekday().num_days_from_monday()).collect(),
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn three_month_grids_mark_taken_and_past_days() {
        let today = day("2027-03-10");
        let occupied = vec![CalendarEntry {
            id: 1,
            listing_id: 1,
            start: day("2027-03-12"),
            end: day("2027-03-14"),
            kind: "booking".into(),
            booking_id: Some(1),
            note: String::new(),
        }];
        let months = months(today, &occupied, None);
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].title, "March 2027");
        // 1 March 2027 is a Monday.
        assert!(months[0].leading.is_empty());
        assert_eq!(months[0].days.len(), 31);
        assert!(months[0].days[8].classes.contains("--past"));
        assert!(months[0].days[11].classes.contains("--blocked"));
        assert!(months[0].days[12].classes.contains("--blocked"));
        // Check-out day is free again.
        assert!(months[0].days[13].classes.contains("--free"));
        assert_eq!(months[1].leading.len(), 3, "1 April 2027 is a Thursday");
    }
}
