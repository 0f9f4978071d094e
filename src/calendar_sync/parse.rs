//! Reading another site's calendar feed (RFC 5545) into the nights it takes, with the
//! `icalendar` crate's parser (which unfolds lines and unescapes text). What an importer must
//! decide beyond parsing is here:
//!
//! - Nights are dates in the listing's time zone. `DATE` values are nights already (`DTEND`
//!   exclusive). `DATE-TIME` values (UTC, with a `TZID`, or floating, read as the listing's
//!   local time) take the nights from the start's date to the end's date, at least one.
//! - An event without `DTEND` lasts its `DURATION` (whole days or a time span) or one night.
//! - Repeating events (`RRULE`, `RDATE`) are refused, not guessed at: they are counted so the
//!   host is told, and the rest of the feed still counts. So are cancelled events
//!   (`STATUS:CANCELLED`) and events marked free time (`TRANSP:TRANSPARENT`).
//! - Bounds: a feed of more than [`MAX_EVENTS`] events is refused whole; events wholly outside
//!   the window the caller gives are dropped, and the others are clipped to it.

use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, Event, EventStatus,
};

/// Most events a feed may hold (a busy listing's two years are a few hundred).
pub const MAX_EVENTS: usize = 5_000;

/// One taken stretch of nights from a feed, `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEvent {
    /// The event's UID (or, for an event without one, a stand-in made from its dates and
    /// summary, so that the same event keeps the same key from one fetch to the next).
    pub uid: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub summary: String,
}

/// What a feed held.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedFeed {
    pub events: Vec<FeedEvent>,
    /// Repeating events, refused.
    pub repeating: usize,
    /// Events without a usable start, refused.
    pub unreadable: usize,
}

/// Why a whole feed was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error(
        "The address did not answer with an iCalendar file (a text starting with BEGIN:VCALENDAR)."
    )]
    NotICalendar,
    #[error("The calendar holds more than {MAX_EVENTS} events; only smaller calendars are read.")]
    TooManyEvents,
}

/// The nights the feed `text` takes in `[from, to)`, in the listing's time zone `zone`.
pub fn parse(
    text: &str,
    zone: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ParsedFeed, FeedError> {
    if !text.trim_start().starts_with("BEGIN:VCALENDAR") {
        return Err(FeedError::NotICalendar);
    }
    let calendar = Calendar::from_str(text).map_err(|_| FeedError::NotICalendar)?;
    let events: Vec<&Event> = calendar
        .components
        .iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .collect();
    if events.len() > MAX_EVENTS {
        return Err(FeedError::TooManyEvents);
    }
    let mut parsed = ParsedFeed::default();
    for event in events {
        if event.property_value("RRULE").is_some() || event.property_value("RDATE").is_some() {
            parsed.repeating += 1;
            continue;
        }
        if event.get_status() == Some(EventStatus::Cancelled)
            || event
                .property_value("TRANSP")
                .is_some_and(|value| value.eq_ignore_ascii_case("TRANSPARENT"))
        {
            continue;
        }
        let Some((start, end)) = nights(event, zone) else {
            parsed.unreadable += 1;
            continue;
        };
        let (start, end) = (start.max(from), end.min(to));
        if start >= end {
            continue;
        }
        let summary = event.get_summary().unwrap_or("").trim().to_string();
        let uid = match event.get_uid() {
            Some(uid) if !uid.trim().is_empty() => uid.trim().to_string(),
            _ => format!("no-uid-{start}-{end}-{summary}"),
        };
        parsed.events.push(FeedEvent {
            uid,
            start,
            end,
            summary,
        });
    }
    Ok(parsed)
}

/// The event's nights `[start, end)` in `zone`, or `None` without a readable start.
fn nights(event: &Event, zone: Tz) -> Option<(NaiveDate, NaiveDate)> {
    let start = event.get_start()?;
    let start_date = local_date(&start, zone)?;
    let end_date = match event.get_end() {
        Some(end) => local_date(&end, zone)?,
        None => match event.property_value("DURATION").and_then(parse_duration) {
            Some(duration) => match &start {
                DatePerhapsTime::Date(date) => date.checked_add_signed(duration).unwrap_or(*date),
                DatePerhapsTime::DateTime(_) => {
                    let instant = local_instant(&start, zone)?;
                    (instant + duration).date_naive()
                }
            },
            None => start_date,
        },
    };
    // At least one night: a one-day DATE event (DTEND = DTSTART) or a stay within a day.
    let end_date = end_date.max(start_date.checked_add_days(Days::new(1))?);
    Some((start_date, end_date))
}

/// A value's date where the listing is.
fn local_date(value: &DatePerhapsTime, zone: Tz) -> Option<NaiveDate> {
    match value {
        DatePerhapsTime::Date(date) => Some(*date),
        DatePerhapsTime::DateTime(_) => Some(local_instant(value, zone)?.date_naive()),
    }
}

/// A `DATE-TIME` as an instant in the listing's zone (a floating time is read as its local time;
/// a `TZID` that names no IANA zone, e.g. a Windows name, is read as floating).
fn local_instant(value: &DatePerhapsTime, zone: Tz) -> Option<DateTime<Tz>> {
    let in_zone = |naive: &NaiveDateTime, tz: Tz| tz.from_local_datetime(naive).earliest();
    match value {
        DatePerhapsTime::Date(date) => in_zone(&date.and_hms_opt(0, 0, 0)?, zone),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(instant)) => {
            Some(instant.with_timezone(&zone))
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            match tzid.parse::<Tz>() {
                Ok(tz) => Some(in_zone(date_time, tz)?.with_timezone(&zone)),
                Err(_) => in_zone(date_time, zone),
            }
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => in_zone(naive, zone),
    }
}

/// An RFC 5545 `DURATION` such as `P3D`, `P1W` or `PT36H` (a negative one is refused).
fn parse_duration(text: &str) -> Option<chrono::Duration> {
    let text = text.trim().strip_prefix('+').unwrap_or(text.trim());
    let rest = text.strip_prefix('P')?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((date, time)) => (date, time),
        None => (rest, ""),
    };
    let mut total = chrono::Duration::zero();
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let seconds = units.iter().find(|(unit, _)| *unit == c)?.1;
                let n: i64 = number.parse().ok()?;
                total += chrono::Duration::try_seconds(n.checked_mul(seconds)?)?;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    add(date_part, &[('W', 7 * 86_400), ('D', 86_400)])?;
    add(time_part, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    const WINDOW: (&str, &str) = ("2027-01-01", "2028-01-01");

    fn read(text: &str) -> ParsedFeed {
        let zone: Tz = "Europe/Amsterdam".parse().expect("a zone");
        parse(text, zone, day(WINDOW.0), day(WINDOW.1)).expect("a feed")
    }

    fn feed(events: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\n{events}END:VCALENDAR\r\n"
        )
    }

    #[test]
    fn date_events_are_nights_with_an_exclusive_end() {
        let parsed = read(&feed(
            "BEGIN:VEVENT\r\nUID:a@elsewhere\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART;VALUE=DATE:20270103\r\nDTEND;VALUE=DATE:20270107\r\nSUMMARY:Booked\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:b@elsewhere\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART;VALUE=DATE:20270110\r\nEND:VEVENT\r\n",
        ));
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(
            (parsed.events[0].start, parsed.events[0].end),
            (day("2027-01-03"), day("2027-01-07"))
        );
        assert_eq!(parsed.events[0].uid, "a@elsewhere");
        assert_eq!(
            (parsed.events[1].start, parsed.events[1].end),
            (day("2027-01-10"), day("2027-01-11")),
            "no DTEND: one night"
        );
    }

    #[test]
    fn date_times_are_read_in_the_listing_zone_whatever_form_they_take() {
        let parsed = read(&feed(
            // 23:30 UTC on the 2nd is the 3rd in Amsterdam.
            "BEGIN:VEVENT\r\nUID:utc\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART:20270102T233000Z\r\nDTEND:20270105T090000Z\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:tzid\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART;TZID=America/New_York:20270210T200000\r\n\
             DTEND;TZID=America/New_York:20270212T100000\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:floating\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART:20270301T150000\r\nDURATION:P2D\r\nEND:VEVENT\r\n",
        ));
        let nights: Vec<(NaiveDate, NaiveDate)> =
            parsed.events.iter().map(|e| (e.start, e.end)).collect();
        assert_eq!(
            nights,
            vec![
                (day("2027-01-03"), day("2027-01-05")),
                // 20:00 in New York is 02:00 the next day in Amsterdam.
                (day("2027-02-11"), day("2027-02-12")),
                (day("2027-03-01"), day("2027-03-03")),
            ]
        );
    }

    #[test]
    fn folded_lines_are_unfolded() {
        let parsed = read(&feed(
            "BEGIN:VEVENT\r\nUID:a-very-long-uid-that-the-other-site-folded-across-two-\r\n lines@elsewhere\r\n\
             DTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270103\r\nDTEND;VALUE=DATE:20270104\r\n\
             SUMMARY:Reserved by a guest whose booking has a summary long enough to be f\r\n olded\r\nEND:VEVENT\r\n",
        ));
        assert_eq!(
            parsed.events[0].uid,
            "a-very-long-uid-that-the-other-site-folded-across-two-lines@elsewhere"
        );
        assert!(parsed.events[0].summary.ends_with("to be folded"));
    }

    #[test]
    fn repeating_cancelled_and_free_events_take_no_nights() {
        let parsed = read(&feed(
            "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270104\r\n\
             RRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:gone\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270201\r\n\
             STATUS:CANCELLED\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:free\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270301\r\n\
             TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
        ));
        assert!(parsed.events.is_empty(), "{parsed:?}");
        assert_eq!(parsed.repeating, 1);
    }

    #[test]
    fn events_are_clipped_to_the_window_and_bad_feeds_are_refused() {
        let parsed = read(&feed(
            "BEGIN:VEVENT\r\nUID:old\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20261201\r\n\
             DTEND;VALUE=DATE:20261210\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:across\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20261230\r\n\
             DTEND;VALUE=DATE:20270103\r\nEND:VEVENT\r\n",
        ));
        assert_eq!(parsed.events.len(), 1);
        assert_eq!(parsed.events[0].start, day("2027-01-01"));
        let zone: Tz = "UTC".parse().expect("a zone");
        assert_eq!(
            parse("<html>Not found</html>", zone, day(WINDOW.0), day(WINDOW.1)),
            Err(FeedError::NotICalendar)
        );
        let many = "BEGIN:VEVENT\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270103\r\nEND:VEVENT\r\n"
            .repeat(MAX_EVENTS + 1);
        assert_eq!(
            parse(&feed(&many), zone, day(WINDOW.0), day(WINDOW.1)),
            Err(FeedError::TooManyEvents)
        );
    }

    #[test]
    fn durations_read_as_rfc_5545_writes_them() {
        assert_eq!(parse_duration("P3D"), Some(chrono::Duration::days(3)));
        assert_eq!(parse_duration("P1W"), Some(chrono::Duration::days(7)));
        assert_eq!(parse_duration("PT36H"), Some(chrono::Duration::hours(36)));
        assert_eq!(
            parse_duration("P1DT2H30M"),
            Some(chrono::Duration::minutes(26 * 60 + 30))
        );
        assert_eq!(parse_duration("-P1D"), None);
        assert_eq!(parse_duration("3 days"), None);
    }
}
