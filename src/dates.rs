//! One way to write dates for people, everywhere: "Dec 5" this year, "Jan 11, 2027" in any
//! other; a stay as "Dec 5 – Dec 7"; and a deadline at the place it concerns, with that place's
//! time zone named ("Dec 5, 15:30 Amsterdam time"), since a guest and a host may be far apart.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// "Dec 5" in the current year, "Jan 11, 2027" in another.
pub fn day(date: NaiveDate) -> String {
    day_seen_in(date, Utc::now().year())
}

fn day_seen_in(date: NaiveDate, this_year: i32) -> String {
    if date.year() == this_year {
        date.format("%b %-d").to_string()
    } else {
        date.format("%b %-d, %Y").to_string()
    }
}

/// "Dec 5 – Dec 7": a stay from its check-in to its check-out day.
pub fn stay(check_in: NaiveDate, check_out: NaiveDate) -> String {
    format!("{} – {}", day(check_in), day(check_out))
}

/// `at` as the clock reads where `timezone` (an IANA name) is, the zone named:
/// "Dec 5, 15:30 Amsterdam time". An unknown name reads as UTC.
pub fn moment_in(at: DateTime<Utc>, timezone: &str) -> String {
    let zone: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    let local = at.with_timezone(&zone);
    format!(
        "{}, {} {}",
        day(local.date_naive()),
        local.format("%H:%M"),
        zone_name(zone)
    )
}

/// The day it is at `now` where `timezone` (an IANA name) is; an unknown name reads as UTC.
pub fn today_in(now: DateTime<Utc>, timezone: &str) -> NaiveDate {
    let zone: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    now.with_timezone(&zone).date_naive()
}

/// "Amsterdam time" for Europe/Amsterdam, "New York time" for America/New_York, "UTC" for UTC.
fn zone_name(zone: chrono_tz::Tz) -> String {
    let name = zone.name();
    match name.rsplit_once('/') {
        Some((_, city)) => format!("{} time", city.replace('_', " ")),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_year_is_written_only_when_it_is_not_this_one() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        assert_eq!(day_seen_in(date, 2026), "Dec 5");
        assert_eq!(day_seen_in(date, 2027), "Dec 5, 2026");
    }

    #[test]
    fn a_moment_is_written_in_the_zone_it_names() {
        let at = Utc
            .with_ymd_and_hms(2031, 1, 10, 14, 30, 0)
            .single()
            .expect("time");
        assert_eq!(
            moment_in(at, "Europe/Amsterdam"),
            "Jan 10, 2031, 15:30 Amsterdam time"
        );
        assert_eq!(
            moment_in(at, "America/New_York"),
            "Jan 10, 2031, 09:30 New York time"
        );
        assert_eq!(moment_in(at, "UTC"), "Jan 10, 2031, 14:30 UTC");
        assert_eq!(moment_in(at, "Nowhere/Else"), "Jan 10, 2031, 14:30 UTC");
    }
}
