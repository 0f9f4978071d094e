//! Calendar export over HTTP: the host makes and renews a secret address; the feed is valid
//! iCalendar with the taken nights (never a guest's name or the host's notes), answers
//! conditional GETs, and is nobody else's to renew.

use std::str::FromStr;

use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};

use crate::{
    bookings_support::{booked, date, day},
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp, csrf_token_in},
};

/// Posts the calendar page's export form; returns the address the page then shows.
async fn renew(host: &Browser, listing: i64) -> String {
    let calendar = format!("/host/listings/{listing}/calendar");
    let page = host.get(&calendar).await.text().await.unwrap();
    let token = csrf_token_in(&page).expect("a CSRF token");
    let response = host
        .client
        .post(host.url(&format!("{calendar}/export")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = host.get(&calendar).await.text().await.unwrap();
    let start = page
        .find("id=\"export-url\"")
        .expect("the address is shown");
    let value = &page[start..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    let url = &value[..value.find('"').unwrap()];
    let path = &url[url.find("/calendars/").expect("a feed path")..];
    path.to_string()
}

#[tokio::test]
async fn a_host_exports_the_taken_nights_as_icalendar_at_a_secret_renewable_address() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@example.com", true).await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;

    let page = host
        .get(&format!("/host/listings/{listing}/calendar"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Create an export address"), "{page}");
    assert!(!page.contains("id=\"export-url\""));

    let booking = booked(&guest, listing, 10, 3).await;
    let block = host
        .submit(
            &format!("/host/listings/{listing}/calendar"),
            &format!("/host/listings/{listing}/calendar/block"),
            &[
                ("start", &date(20)),
                ("end", &date(22)),
                ("note", "Painters in"),
            ],
        )
        .await;
    assert_eq!(block.status(), 303);

    let feed = renew(&host, listing).await;
    let visitor = app.new_browser();
    let (response, statements) = app.statements_during(visitor.get(&feed)).await;
    assert_eq!(response.status(), 200);
    assert!(statements.count() <= 3, "{statements}");
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let body = response.text().await.unwrap();
    assert!(!body.contains("Painters"), "host notes stay private");
    assert!(!body.contains("guest@example.com"));
    let calendar = Calendar::from_str(&body).expect("valid iCalendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2, "{body}");
    let day = |days: i64| DatePerhapsTime::Date(day(days));
    let stay = events
        .iter()
        .find(|event| event.get_uid() == Some(&format!("booking-{booking}@127.0.0.1")))
        .unwrap_or_else(|| panic!("the booking's event: {body}"));
    assert_eq!(stay.get_start(), Some(day(10)));
    assert_eq!(stay.get_end(), Some(day(13)), "DTEND is the check-out day");
    assert_eq!(stay.get_summary(), Some("Reserved"));
    let blocked = events
        .iter()
        .find(|event| event.get_summary() == Some("Not available"))
        .expect("the block's event");
    assert_eq!(blocked.get_start(), Some(day(20)));
    assert_eq!(blocked.get_end(), Some(day(22)));

    // Polling costs a 304 while nothing changed.
    let again = visitor
        .client
        .get(visitor.url(&feed))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // A new address ends the old one.
    let renewed = renew(&host, listing).await;
    assert_ne!(renewed, feed);
    assert_eq!(visitor.get(&feed).await.status(), 404);
    assert_eq!(visitor.get(&renewed).await.status(), 200);
    assert_eq!(
        visitor.get("/calendars/not-a-token.ics").await.status(),
        404
    );
}

#[tokio::test]
async fn only_the_host_may_renew_a_listing_s_export_address() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@example.com", true).await;
    let (_, other_host) = fixtures::signed_in(&app, "other@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let feed = renew(&host, listing).await;

    let own_page = other_host.get("/host").await.text().await.unwrap();
    let token = csrf_token_in(&own_page).expect("a CSRF token");
    let response = other_host
        .client
        .post(other_host.url(&format!("/host/listings/{listing}/calendar/export")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // Without the CSRF token, not even the host.
    let forged = host
        .client
        .post(host.url(&format!("/host/listings/{listing}/calendar/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(
        app.new_browser().get(&feed).await.status(),
        200,
        "unchanged"
    );
}
