//! `listings.booked_nights`: one bit per night from 2026-01-01 (bit 1), set when a calendar entry
//! (a booking or a host's block) holds the night; nights past the last bit are free. Triggers on
//! `calendar_entries` keep it equal to the calendar in the same transaction (migration 000008),
//! so it answers "is this night taken?" exactly: search filters on it in SQL, and the listing
//! page reads its calendar and quote from it instead of querying the calendar.

use chrono::{Days, NaiveDate};

/// The night bit 1 stands for.
const FIRST_NIGHT: (i32, u32, u32) = (2026, 1, 1);

fn first_night() -> NaiveDate {
    let (year, month, day) = FIRST_NIGHT;
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The (1-based) bit for the night starting on `date`. Stays are never in the past, so never
/// before the first bit; an earlier date reads from bit 1.
pub fn bit_of(date: NaiveDate) -> i32 {
    let days = (date - first_night()).num_days().max(0);
    i32::try_from(days + 1).unwrap_or(i32::MAX)
}

/// The first night whose bit exists on or after `date` (the night `bit_of(date)` stands for).
pub fn night_of_bit_for(date: NaiveDate) -> NaiveDate {
    date.max(first_night())
}

/// The taken nights of one listing from `from` on, as read with
/// `substring(booked_nights FROM bit_of(from))::text` (a string of `0` and `1`).
#[derive(Clone, Debug, Default)]
pub struct BookedNights {
    from: NaiveDate,
    bits: Vec<u8>,
}

impl BookedNights {
    /// The nights from `from` (as given to [`bit_of`]) read as text.
    pub fn from_text(from: NaiveDate, text: &str) -> Self {
        BookedNights {
            from: night_of_bit_for(from),
            bits: text.as_bytes().to_vec(),
        }
    }

    /// Whether the night starting on `night` is taken; `None` for a night before what was read.
    pub fn is_taken(&self, night: NaiveDate) -> Option<bool> {
        let offset = usize::try_from((night - self.from).num_days()).ok()?;
        Some(self.bits.get(offset) == Some(&b'1'))
    }

    /// Whether every night of `[check_in, check_out)` is free; `None` when the stay starts
    /// before what was read.
    pub fn all_free(&self, check_in: NaiveDate, check_out: NaiveDate) -> Option<bool> {
        let start = usize::try_from((check_in - self.from).num_days()).ok()?;
        let nights = usize::try_from((check_out - check_in).num_days()).unwrap_or(0);
        let end = start.saturating_add(nights).min(self.bits.len());
        Some(start >= end || !self.bits[start..end].contains(&b'1'))
    }

    /// The night after the last one read: every night from here on is free.
    pub fn free_from(&self) -> NaiveDate {
        self.from
            .checked_add_days(Days::new(self.bits.len() as u64))
            .unwrap_or(self.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn bits_count_nights_from_the_first_of_january_2026() {
        assert_eq!(bit_of(day(2026, 1, 1)), 1);
        assert_eq!(bit_of(day(2026, 1, 2)), 2);
        assert_eq!(bit_of(day(2027, 1, 1)), 366);
        assert_eq!(bit_of(day(2025, 6, 1)), 1);
    }

    #[test]
    fn nights_are_taken_where_their_bit_is_set_and_free_past_the_end() {
        // Read from 10 March: the 11th and 12th are taken.
        let nights = BookedNights::from_text(day(2027, 3, 10), "0110");
        assert_eq!(nights.is_taken(day(2027, 3, 9)), None);
        assert_eq!(nights.is_taken(day(2027, 3, 10)), Some(false));
        assert_eq!(nights.is_taken(day(2027, 3, 11)), Some(true));
        assert_eq!(nights.is_taken(day(2027, 3, 12)), Some(true));
        assert_eq!(nights.is_taken(day(2027, 3, 13)), Some(false));
        assert_eq!(nights.is_taken(day(2028, 1, 1)), Some(false));
        assert_eq!(nights.all_free(day(2027, 3, 9), day(2027, 3, 10)), None);
        assert_eq!(
            nights.all_free(day(2027, 3, 10), day(2027, 3, 11)),
            Some(true)
        );
        assert_eq!(
            nights.all_free(day(2027, 3, 10), day(2027, 3, 12)),
            Some(false)
        );
        assert_eq!(
            nights.all_free(day(2027, 3, 12), day(2027, 3, 20)),
            Some(false)
        );
        assert_eq!(
            nights.all_free(day(2027, 3, 13), day(2027, 3, 20)),
            Some(true)
        );
        assert_eq!(nights.free_from(), day(2027, 3, 14));
    }

    #[test]
    fn a_read_before_the_first_bit_starts_at_the_first_bit() {
        let nights = BookedNights::from_text(day(2025, 12, 1), "1");
        assert_eq!(nights.is_taken(day(2026, 1, 1)), Some(true));
        assert_eq!(nights.is_taken(day(2026, 1, 2)), Some(false));
    }
}
