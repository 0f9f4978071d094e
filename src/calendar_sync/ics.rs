//! Writing a feed as iCalendar (RFC 5545) with the `icalendar` crate, which folds long lines
//! and escapes text. Each taken stretch of nights is an all-day event from its first night to
//! its check-out day (DTEND is exclusive, as our ranges are), with a UID that stays the same
//! from one fetch to the next, so that the other site updates the event instead of adding it
//! again. DTSTAMP is the day the feed is written (midnight UTC): the body, and so its ETag,
//! changes only when the nights do or once a day.

use chrono::{NaiveDate, NaiveTime};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use super::service::Feed;
use crate::listings::calendar::CalendarEntryKind;

/// `PRODID`: who wrote the feed.
const PRODUCT: &str = "-//Roost//Calendar export 1.0//EN";

/// The feed as an `.ics` body; `domain` (the site's host name) makes the UIDs global.
pub fn write(feed: &Feed, domain: &str, today: NaiveDate) -> String {
    let stamp = today.and_time(NaiveTime::MIN).and_utc();
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODUCT))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(&format!("{} (Roost)", feed.title));
    for entry in &feed.entries {
        // A booking keeps its UID when its dates change; a block is one row for its life.
        let (uid, summary) = match (entry.kind, entry.booking_id) {
            (CalendarEntryKind::Blocked, _) | (_, None) => {
                (format!("block-{}@{domain}", entry.id), "Not available")
            }
            (CalendarEntryKind::Booking, Some(booking)) => {
                (format!("booking-{booking}@{domain}"), "Reserved")
            }
            (CalendarEntryKind::ChangeHold, Some(booking)) => (
                format!("booking-{booking}-change@{domain}"),
                "Reserved (change pending)",
            ),
        };
        calendar.push(
            Event::new()
                .uid(&uid)
                .timestamp(stamp)
                .starts(entry.start)
                .ends(entry.end)
                .summary(summary)
                .add_property("TRANSP", "OPAQUE")
                .done(),
        );
    }
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use icalendar::{CalendarComponent, DatePerhapsTime};

    use super::*;
    use crate::listings::calendar::CalendarEntry;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    fn entry(
        id: i64,
        kind: CalendarEntryKind,
        booking: Option<i64>,
        from: &str,
        to: &str,
    ) -> CalendarEntry {
        CalendarEntry {
            id,
            listing_id: 7,
            start: date(from),
            end: date(to),
            kind,
            booking_id: booking,
            note: "the host's private note".into(),
        }
    }

    #[test]
    fn a_feed_reads_back_as_the_nights_it_was_written_from() {
        let feed = Feed {
            listing_id: crate::service::ListingId::new(7),
            title:
                "Loft; with a view, and a very long title that needs folding at seventy-five octets"
                    .into(),
            entries: vec![
                entry(
                    1,
                    CalendarEntryKind::Booking,
                    Some(40),
                    "2027-01-03",
                    "2027-01-07",
                ),
                entry(
                    2,
                    CalendarEntryKind::Blocked,
                    None,
                    "2027-01-10",
                    "2027-01-11",
                ),
            ],
        };
        let text = write(&feed, "roost.example", date("2026-12-02"));
        assert!(text.lines().all(|line| line.len() <= 75), "{text}");
        assert!(text.contains("DTSTART;VALUE=DATE:20270103"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20270107"), "{text}");
        assert!(!text.contains("private note"));
        assert_eq!(
            write(&feed, "roost.example", date("2026-12-02")),
            text,
            "stable"
        );

        let parsed = Calendar::from_str(&text).expect("valid iCalendar");
        let events: Vec<&Event> = parsed
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].get_uid(), Some("booking-40@roost.example"));
        assert_eq!(
            events[0].get_start(),
            Some(DatePerhapsTime::Date(date("2027-01-03")))
        );
        assert_eq!(
            events[0].get_end(),
            Some(DatePerhapsTime::Date(date("2027-01-07")))
        );
        assert_eq!(events[1].get_uid(), Some("block-2@roost.example"));
        assert_eq!(events[1].get_summary(), Some("Not available"));
    }
}
