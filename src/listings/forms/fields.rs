//! Parsers for the listing form's fields: each turns typed text into a value or the message to
//! show next to the field.

use chrono::NaiveTime;
use chrono_tz::Tz;

use crate::money;

/// Time zones offered in the form's suggestion list (any IANA name is accepted).
pub const COMMON_TIMEZONES: [&str; 36] = [
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Stockholm",
    "Europe/Copenhagen",
    "Europe/Oslo",
    "Europe/Prague",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Atlantic/Reykjavik",
    "Atlantic/Canary",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Dubai",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
    "Africa/Cape_Town",
    "UTC",
];

/// Inclusive bounds of a whole number.
#[derive(Clone, Copy, Debug)]
pub struct Bounds(pub i32, pub i32);

/// Trimmed text of `min..=max` characters without control characters (new lines allowed).
pub fn text(raw: &str, what: &str, min: usize, max: usize) -> Result<String, String> {
    let text = raw.trim();
    let length = text.chars().count();
    if length == 0 && min > 0 {
        return Err(format!("Enter {what}."));
    }
    if length < min {
        return Err(format!("Use at least {min} characters."));
    }
    if length > max {
        return Err(format!("Use at most {max} characters."));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("This contains characters that are not allowed.".into());
    }
    Ok(text.to_string())
}

/// One of the offered values.
pub fn choice<const N: usize>(
    raw: &str,
    offered: [&'static str; N],
) -> Result<&'static str, String> {
    offered
        .into_iter()
        .find(|value| *value == raw.trim())
        .ok_or_else(|| "Choose one of the options.".to_string())
}

/// A whole number within `bounds`.
pub fn int(raw: &str, Bounds(min, max): Bounds) -> Result<i32, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter a number.".into());
    }
    let out_of_range = || format!("Enter a number from {min} to {max}.");
    match raw.parse::<i64>() {
        Ok(value) if (i64::from(min)..=i64::from(max)).contains(&value) => Ok(value as i32),
        Ok(_) => Err(out_of_range()),
        Err(_) if raw.starts_with('-') && raw[1..].bytes().all(|b| b.is_ascii_digit()) => {
            Err(out_of_range())
        }
        Err(_) => Err("Enter a whole number, like 2.".into()),
    }
}

/// A whole number within `bounds`, 0 when left empty.
pub fn optional_int(raw: &str, bounds: Bounds) -> Result<i32, String> {
    if raw.trim().is_empty() {
        return Ok(0);
    }
    int(raw, bounds)
}

/// Bathrooms in halves ("1", "1.5", "2.0") as tenths, 0 to 50.
pub fn bathrooms(raw: &str) -> Result<i32, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter a number.".into());
    }
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let half = match fraction.trim_end_matches('0') {
        "" => 0,
        "5" => 5,
        _ => return Err("Use whole or half bathrooms, like 1 or 1.5.".into()),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Use whole or half bathrooms, like 1 or 1.5.".into());
    }
    match whole.parse::<i32>() {
        Ok(whole) if whole * 10 + half <= 500 => Ok(whole * 10 + half),
        _ => Err("Enter a number from 0 to 50.".into()),
    }
}

/// A time of day as `HH:MM` (seconds, if a browser sends them, are accepted and dropped).
pub fn time(raw: &str) -> Result<NaiveTime, String> {
    let raw = raw.trim();
    NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .map_err(|_| "Enter a time like 15:00.".to_string())
}

/// An IANA time zone name such as `Europe/Paris`.
pub fn timezone(raw: &str) -> Result<Tz, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Choose the time zone of the place.".into());
    }
    raw.parse::<Tz>()
        .map_err(|_| "Choose a time zone from the list, like Europe/Paris.".to_string())
}

/// A latitude or longitude in `-limit..=limit`, or nothing.
pub fn coordinate(raw: &str, limit: f64) -> Result<Option<f64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
        _ => Err(format!("Enter a number from -{limit} to {limit}.")),
    }
}

/// A nightly price: an amount above zero.
pub fn price(raw: &str, currency: &str) -> Result<i64, String> {
    match money::parse(raw, currency)? {
        0 => Err("The nightly price must be above zero.".into()),
        amount => Ok(amount),
    }
}

/// A fee: an amount, zero when left empty.
pub fn fee(raw: &str, currency: &str) -> Result<i64, String> {
    if raw.trim().is_empty() {
        return Ok(0);
    }
    money::parse(raw, currency)
}

/// Amenity slugs as the form sends them: lower-case words, no repeats.
pub fn slugs(raw: &[String]) -> Result<Vec<String>, String> {
    let mut slugs: Vec<String> = Vec::with_capacity(raw.len());
    for slug in raw {
        let well_formed = !slug.is_empty()
            && slug.len() <= 64
            && slug.starts_with(|c: char| c.is_ascii_lowercase())
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err("Choose amenities from the list.".into());
        }
        if !slugs.contains(slug) {
            slugs.push(slug.clone());
        }
    }
    Ok(slugs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bathrooms_come_in_halves() {
        assert_eq!(bathrooms("1"), Ok(10));
        assert_eq!(bathrooms("1.5"), Ok(15));
        assert_eq!(bathrooms("2.0"), Ok(20));
        assert_eq!(bathrooms("0"), Ok(0));
        assert!(bathrooms("1.25").is_err());
        assert!(bathrooms("-1").is_err());
        assert!(bathrooms("51").is_err());
        assert!(bathrooms("abc").is_err());
    }

    #[test]
    fn numbers_are_whole_and_bounded() {
        assert_eq!(int(" 4 ", Bounds(1, 50)), Ok(4));
        assert_eq!(
            int("0", Bounds(1, 50)),
            Err("Enter a number from 1 to 50.".into())
        );
        assert_eq!(
            int("-3", Bounds(1, 50)),
            Err("Enter a number from 1 to 50.".into())
        );
        assert!(int("2.5", Bounds(1, 50)).is_err());
        assert_eq!(optional_int("", Bounds(0, 90)), Ok(0));
    }

    #[test]
    fn time_zones_and_times_are_checked() {
        assert_eq!(timezone("Europe/Paris"), Ok(chrono_tz::Europe::Paris));
        assert!(timezone("Mars/Olympus_Mons").is_err());
        assert!(time("15:00").is_ok());
        assert!(time("25:00").is_err());
    }

    #[test]
    fn prices_are_positive_amounts() {
        assert_eq!(price("120.00", "EUR"), Ok(12_000));
        assert!(price("0", "EUR").is_err());
        assert!(price("-5", "EUR").is_err());
        assert_eq!(fee("", "EUR"), Ok(0));
    }
}
