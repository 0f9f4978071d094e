//! Dates a host asks to block, checked once as they come in: a [`BlockRequest`] always starts
//! today or later, ends after it starts, lasts at most a year and carries a short note.

use std::ops::Range;

use chrono::{Days, NaiveDate};

/// Longest block, in nights.
pub const MAX_BLOCK_NIGHTS: u64 = 365;
/// How far ahead dates can be blocked, in days.
pub const MAX_DAYS_AHEAD: u64 = 2 * 365;
/// Longest note on a block, in characters (the database checks it too).
pub const MAX_NOTE_CHARS: usize = 200;

/// A problem with the request, and the form field it belongs to (`start`, `end` or `note`).
#[derive(Debug, PartialEq, Eq)]
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

/// Nights to block, `[start, end)`, and the host's note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRequest {
    pub dates: Range<NaiveDate>,
    pub note: String,
}

impl BlockRequest {
    /// Parses the block form as of `today` (in the listing's time zone).
    pub fn parse(
        start: &str,
        end: &str,
        note: &str,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let start = parse_date(start).map_err(|m| problems.push(problem("start", m)));
        let end = parse_date(end).map_err(|m| problems.push(problem("end", m)));
        let note = note.trim();
        if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
            let message = format!("Use at most {MAX_NOTE_CHARS} characters on one line.");
            problems.push(problem("note", message));
        }
        let dates = match (start, end) {
            (Ok(start), Ok(end)) => check_dates(start, end, today)
                .map_err(|p| problems.push(p))
                .ok(),
            _ => None,
        };
        match dates {
            Some(dates) if problems.is_empty() => Ok(BlockRequest {
                dates,
                note: note.to_string(),
            }),
            _ => Err(problems),
        }
    }

    /// "Mar 14 to Mar 20" (the year when not this one), the nights taken.
    pub fn describe(&self) -> String {
        let last = self.dates.end.pred_opt().unwrap_or(self.dates.end);
        format!(
            "{} to {}",
            crate::dates::day(self.dates.start),
            crate::dates::day(last)
        )
    }
}

/// Parses a date typed as `YYYY-MM-DD` (what `<input type="date">` sends).
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Choose a date.".into());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "Enter a date like 2027-03-14.".to_string())
}

/// Checks a range to block as of `today`.
pub fn check_dates(
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> Result<Range<NaiveDate>, FieldProblem> {
    if start < today {
        return Err(problem("start", "Choose a start date from today on."));
    }
    if end <= start {
        return Err(problem("end", "The end date must be after the start date."));
    }
    if (end - start).num_days() > MAX_BLOCK_NIGHTS as i64 {
        return Err(problem("end", "Block at most one year at a time."));
    }
    let horizon = today.checked_add_days(Days::new(MAX_DAYS_AHEAD));
    if horizon.is_some_and(|horizon| start > horizon) {
        return Err(problem(
            "start",
            "Dates can be blocked up to two years ahead.",
        ));
    }
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(result: Result<BlockRequest, Vec<FieldProblem>>) -> Vec<&'static str> {
        result.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_block_is_future_ordered_and_at_most_a_year() {
        let today = d("2027-01-10");
        let request = BlockRequest::parse("2027-01-10", "2027-01-17", " paint ", today).unwrap();
        assert_eq!(request.dates, d("2027-01-10")..d("2027-01-17"));
        assert_eq!(request.note, "paint");
        let (first, last) = (d("2027-01-10"), d("2027-01-16"));
        let expected = format!(
            "{} to {}",
            crate::dates::day(first),
            crate::dates::day(last)
        );
        assert_eq!(request.describe(), expected);
        let parse = |start, end| BlockRequest::parse(start, end, "", today);
        assert_eq!(fields(parse("2027-01-09", "2027-01-17")), ["start"]);
        assert_eq!(fields(parse("2027-01-17", "2027-01-17")), ["end"]);
        assert_eq!(fields(parse("2027-02-01", "2028-02-02")), ["end"]);
        assert_eq!(fields(parse("2030-01-01", "2030-01-02")), ["start"]);
        assert_eq!(fields(parse("soon", "")), ["start", "end"]);
        let long_note = "x".repeat(201);
        let noted = BlockRequest::parse("2027-01-10", "2027-01-11", &long_note, today);
        assert_eq!(fields(noted), ["note"]);
    }
}
