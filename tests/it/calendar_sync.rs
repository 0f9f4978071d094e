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

/// A calendar site on 127.0.0.1: `/feed.ics` (a real feed with folded lines, a time zone and
/// both date forms, with an ETag), `/moved` (a redirect to it), `/inside` (a redirect to a
/// private address), `/huge` (3 MiB) and `/missing` (404).
async fn feed_site() -> String {
    use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//Sync//EN\r\n\
        BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n\
        TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
        BEGIN:VEVENT\r\nUID:stay-1@elsewhere.example\r\nDTSTAMP:20261201T000000Z\r\n\
        DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270304\r\n\
        SUMMARY:Reserved by a guest of the other site whose summary is long enough to\r\n  fold\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:stay-2@elsewhere.example\r\nDTSTAMP:20261201T000000Z\r\n\
        DTSTART;TZID=Europe/Amsterdam:20270310T150000\r\nDTEND;TZID=Europe/Amsterdam:20270312T110000\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";
    const TAG: &str = "\"v1\"";

    async fn feed(req: HttpRequest) -> HttpResponse {
        let unchanged = req
            .headers()
            .get("If-None-Match")
            .is_some_and(|tag| tag == TAG);
        if unchanged {
            return HttpResponse::NotModified().finish();
        }
        HttpResponse::Ok()
            .content_type("text/calendar")
            .insert_header(("ETag", TAG))
            .body(FEED)
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = HttpServer::new(|| {
        App::new()
            .route("/feed.ics", web::get().to(feed))
            .route(
                "/moved",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header(("Location", "/feed.ics"))
                        .finish()
                }),
            )
            .route(
                "/inside",
                web::get().to(|| async {
                    HttpResponse::Found()
                        .insert_header(("Location", "http://10.0.0.1/feed.ics"))
                        .finish()
                }),
            )
            .route(
                "/huge",
                web::get().to(|| async { HttpResponse::Ok().body(vec![b'x'; 3 * 1024 * 1024]) }),
            )
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_feed_is_fetched_conditionally_redirects_are_checked_and_limits_hold() {
    use roost::calendar_sync::{
        fetch::{AddressPolicy, FetchError, Fetched, Validators, check_address, fetch},
        parse::parse,
    };
    let site = feed_site().await;
    let url = |path: &str| check_address(&format!("{site}{path}")).expect("well formed");
    let loopback = AddressPolicy::AllowLoopback;

    // Production refuses the very same address: it is this machine.
    assert_eq!(
        fetch(
            &url("/feed.ics"),
            &Validators::default(),
            AddressPolicy::PublicOnly
        )
        .await,
        Err(FetchError::PrivateAddress)
    );

    let Ok(Fetched::Body { text, validators }) =
        fetch(&url("/moved"), &Validators::default(), loopback).await
    else {
        panic!("the feed, through the redirect");
    };
    assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
    let zone: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
    let parsed = parse(&text, zone, from, to).expect("a feed");
    let nights: Vec<String> = parsed
        .events
        .iter()
        .map(|event| format!("{} {}..{}", event.uid, event.start, event.end))
        .collect();
    assert_eq!(
        nights,
        [
            "stay-1@elsewhere.example 2027-03-01..2027-03-04",
            "stay-2@elsewhere.example 2027-03-10..2027-03-12",
        ]
    );
    assert!(parsed.events[0].summary.ends_with("long enough to fold"));

    assert_eq!(
        fetch(&url("/feed.ics"), &validators, loopback).await,
        Ok(Fetched::NotModified),
        "the ETag makes an unchanged feed a 304"
    );
    assert_eq!(
        fetch(&url("/inside"), &Validators::default(), loopback).await,
        Err(FetchError::PrivateAddress),
        "a redirect is checked as the address was"
    );
    assert_eq!(
        fetch(&url("/huge"), &Validators::default(), loopback).await,
        Err(FetchError::TooLarge)
    );
    assert_eq!(
        fetch(&url("/missing"), &Validators::default(), loopback).await,
        Err(FetchError::Status(404))
    );
}
