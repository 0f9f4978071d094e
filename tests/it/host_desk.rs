//! The host's pages over HTTP: the dashboard's "what now" sections (each shows its booking and
//! links to its action, another host's never appear, one statement per section whatever the
//! bookings), the reservation tabs (exactly their bookings; an htmx request gets the fragment)
//! and the earnings (month names, totals per currency, the CSV download).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel_async::RunQueryDsl;

use crate::{
    bookings_support::{day, execute},
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp},
};

/// A booking of `guest` at `listing` in `status`, from `check_in` for `nights` nights, paying
/// the host `payout` (minor units of `currency`); a held status holds for 20 hours. Written
/// straight to the database: these tests are about what the host's pages show.
async fn stay(
    app: &TestApp,
    (listing, guest): (i64, i64),
    status: &str,
    check_in: NaiveDate,
    nights: i64,
    (payout, currency): (i64, &str),
) -> i64 {
    let check_out = check_in + Duration::days(nights);
    let hold = if matches!(status, "pending_payment" | "requested" | "accepted") {
        "now() + interval '20 hours'"
    } else {
        "NULL"
    };
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let mut conn = app.pool.get().await.expect("connection");
    let row: Id = diesel::sql_query(format!(
        "INSERT INTO bookings (listing_id, guest_id, check_in, check_out, guests, status, \
           hold_expires_at, currency, nightly_price, nights, base_amount, discount_amount, \
           cleaning_fee, service_fee, tax_amount, total_amount, host_fee, host_payout, \
           cancellation_policy, idempotency_key) \
         VALUES ({listing}, {guest}, '{check_in}', '{check_out}', 2, '{status}', {hold}, \
           '{currency}', {payout}, {nights}, {base}, 0, 0, 0, 0, {base}, 0, {base}, 'moderate', \
           '{key}') RETURNING id",
        payout = payout / nights,
        base = payout / nights * nights,
        key = uuid::Uuid::new_v4(),
    ))
    .get_result(&mut conn)
    .await
    .expect("insert booking");
    row.id
}

/// A change of dates of `booking` to `check_in` + 2 nights, waiting for its payment.
async fn pending_change(app: &TestApp, booking: i64, check_in: NaiveDate) {
    let check_out = check_in + Duration::days(2);
    execute(
        app,
        &format!(
            "INSERT INTO booking_changes (booking_id, check_in, check_out, nightly_price, nights, \
               base_amount, discount_amount, cleaning_fee, service_fee, tax_amount, total_amount, \
               host_fee, host_payout, hold_expires_at) \
             VALUES ({booking}, '{check_in}', '{check_out}', 20000, 2, 40000, 0, 0, 0, 0, 40000, \
               0, 40000, now() + interval '1 hour')"
        ),
    )
    .await;
}

async fn html(browser: &Browser, path: &str) -> scraper::Html {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    scraper::Html::parse_document(&response.text().await.expect("body"))
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).expect("selector");
    doc.select(&selector).collect()
}

fn text_of(doc: &scraper::Html, css: &str) -> String {
    select(doc, css)
        .iter()
        .map(|element| element.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The reservation ids linked from `css` in `doc`, in order.
fn reservation_links(doc: &scraper::Html, css: &str) -> Vec<i64> {
    select(doc, &format!("{css} a[href^=\"/host/reservations/\"]"))
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| href.strip_prefix("/host/reservations/")?.parse().ok())
        .collect()
}

/// Two hosts with a listing each, a guest, and the first host signed in.
struct Hosts {
    app: TestApp,
    host: Browser,
    host_id: i64,
    listing: i64,
    guest: i64,
    /// The other host's listing and their own guest ("bruno").
    other_host: i64,
    other_listing: i64,
    other_guest: i64,
}

async fn hosts() -> Hosts {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let guest = fixtures::user(&app, "gina@example.com", false).await;
    let other_host = fixtures::user(&app, "olga@example.com", true).await;
    let other_listing = fixtures::listing(
        &app,
        other_host,
        ListingSpec {
            title: "Olga's cabin".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let other_guest = fixtures::user(&app, "bruno@example.com", false).await;
    Hosts {
        app,
        host,
        host_id,
        listing,
        guest,
        other_host,
        other_listing,
        other_guest,
    }
}

/// The other host's bookings of every kind the dashboard shows, and a review of their listing;
/// answers their booking ids.
async fn other_host_s_bookings(h: &Hosts) -> Vec<i64> {
    let theirs = (h.other_listing, h.other_guest);
    let mut ids = Vec::new();
    for (status, from) in [
        ("requested", 20),
        ("confirmed", 2),
        ("accepted", 30),
        ("pending_payment", 31),
    ] {
        ids.push(stay(&h.app, theirs, status, day(from), 2, (30_000, "EUR")).await);
    }
    ids.push(stay(&h.app, theirs, "checked_in", day(-1), 3, (30_000, "EUR")).await);
    let (booking, _) =
        fixtures::published_review(&h.app, h.other_listing, h.other_host, h.other_guest, 2).await;
    ids.push(booking);
    ids
}

#[tokio::test]
async fn each_dashboard_section_shows_its_booking_with_a_link_to_act_and_never_another_host_s() {
    let h = hosts().await;
    let ours = (h.listing, h.guest);
    let request = stay(&h.app, ours, "requested", day(20), 2, (24_000, "EUR")).await;
    let arrival = stay(&h.app, ours, "confirmed", day(2), 3, (36_000, "EUR")).await;
    let far_arrival = stay(&h.app, ours, "confirmed", day(12), 3, (36_000, "EUR")).await;
    let departure = stay(&h.app, ours, "checked_in", day(-2), 5, (60_000, "EUR")).await;
    let unpaid = stay(&h.app, ours, "accepted", day(30), 2, (24_000, "EUR")).await;
    let changed = stay(&h.app, ours, "confirmed", day(40), 2, (24_000, "EUR")).await;
    pending_change(&h.app, changed, day(50)).await;
    let (_, review) = fixtures::published_review(&h.app, h.listing, h.host_id, h.guest, 4).await;
    let first_of_month = Utc::now().date_naive().with_day(1).expect("the 1st");
    stay(
        &h.app,
        ours,
        "completed",
        first_of_month,
        1,
        (77_700, "GBP"),
    )
    .await;
    let theirs = other_host_s_bookings(&h).await;

    let page = html(&h.host, "/host").await;
    assert_eq!(reservation_links(&page, "#desk-requests"), [request]);
    assert!(
        text_of(&page, "#desk-requests").contains("Answer by"),
        "the request's deadline"
    );
    assert_eq!(
        reservation_links(&page, "#desk-arrivals"),
        [arrival],
        "a check-in beyond a week waits: {far_arrival}"
    );
    assert_eq!(reservation_links(&page, "#desk-departures"), [departure]);
    let mut waiting = reservation_links(&page, "#desk-unpaid");
    waiting.sort();
    assert_eq!(waiting, [unpaid, changed]);
    let unpaid_text = text_of(&page, "#desk-unpaid");
    assert!(
        unpaid_text.contains("Accepted, payment in progress"),
        "{unpaid_text}"
    );
    assert!(
        unpaid_text.contains("the difference is due by"),
        "{unpaid_text}"
    );
    assert_eq!(
        select(
            &page,
            &format!("#desk-reviews form[action=\"/reviews/{review}/reply\"] textarea[name=reply]")
        )
        .len(),
        1,
        "the reply form of the review"
    );
    assert_eq!(select(&page, "#desk-reviews form").len(), 1);
    let earnings = text_of(&page, "#desk-earnings");
    assert!(earnings.contains("£777.00"), "{earnings}");
    assert!(
        earnings.contains(&Utc::now().date_naive().format("%B %Y").to_string()),
        "{earnings}"
    );
    assert_eq!(
        select(&page, "#desk-earnings a[href=\"/host/earnings\"]").len(),
        1
    );

    let body = page.html();
    for id in theirs {
        assert!(
            !body.contains(&format!("/host/reservations/{id}\"")),
            "another host's booking {id} shows"
        );
    }
    assert!(!body.contains("bruno") && !body.contains("Olga"), "{body}");

    // A reply leaves the list.
    let replied = h
        .host
        .submit(
            "/host",
            &format!("/reviews/{review}/reply"),
            &[("reply", "Thank you, come again!")],
        )
        .await;
    assert_eq!(replied.status(), 303);
    let page = html(&h.host, "/host").await;
    assert!(select(&page, "#desk-reviews form").is_empty());
    assert!(text_of(&page, "#desk-reviews").contains("No review waits for your reply"));
}

#[tokio::test]
async fn an_idle_host_s_dashboard_says_what_to_do_in_each_section() {
    let h = hosts().await;
    other_host_s_bookings(&h).await;
    let page = html(&h.host, "/host").await;
    for (section, says) in [
        ("#desk-requests", "No request waits for your answer"),
        ("#desk-arrivals", "No guest arrives this week"),
        ("#desk-departures", "No guest leaves this week"),
        ("#desk-unpaid", "Every stay is paid"),
        ("#desk-reviews", "No review waits for your reply"),
        ("#desk-earnings", "No stay checks in this month yet"),
    ] {
        let text = text_of(&page, section);
        assert!(text.contains(says), "{section}: {text}");
        assert!(reservation_links(&page, section).is_empty(), "{section}");
    }
}

/// Seeds `copies` bookings of each dashboard section for the host.
async fn busy(h: &Hosts, copies: i64) {
    let ours = (h.listing, h.guest);
    for copy in 0..copies {
        let shift = copy * 100;
        stay(
            &h.app,
            ours,
            "requested",
            day(200 + shift),
            2,
            (24_000, "EUR"),
        )
        .await;
        stay(&h.app, ours, "confirmed", day(1), 1, (12_000, "EUR")).await;
        stay(&h.app, ours, "checked_in", day(-1), 3, (36_000, "USD")).await;
        stay(
            &h.app,
            ours,
            "accepted",
            day(210 + shift),
            2,
            (24_000, "EUR"),
        )
        .await;
        let changed = stay(
            &h.app,
            ours,
            "confirmed",
            day(220 + shift),
            2,
            (24_000, "EUR"),
        )
        .await;
        pending_change(&h.app, changed, day(230 + shift)).await;
        fixtures::published_review(&h.app, h.listing, h.host_id, h.guest, 5).await;
    }
}

/// The dashboard's sections, each read in one statement (of `bookings` or `reviews`).
const SECTIONS: i64 = 5;
/// The statements of the host's dashboard: the session (read, then renewed), the member (read
/// twice, by the page's context and the acting party) and the listings, then the sections.
const DASHBOARD_BUDGET: i64 = 5 + SECTIONS;

#[tokio::test]
async fn the_dashboard_reads_one_statement_per_section_whatever_the_bookings() {
    let h = hosts().await;
    // The section statements are counted apart from the total, which the session's renewal
    // (sent on some requests only) makes vary by one.
    for copies in [1, 3] {
        busy(&h, copies).await;
        let warm = h.host.get("/host").await;
        assert_eq!(warm.status(), 200);
        let (response, statements) = h.app.statements_during(h.host.get("/host")).await;
        assert_eq!(response.status(), 200);
        let body = response.text().await.expect("body");
        let page = scraper::Html::parse_document(&body);
        assert!(reservation_links(&page, "#desk-requests").len() as i64 >= copies);
        println!("{copies} of each: {statements}");
        assert!(
            statements.count() <= DASHBOARD_BUDGET,
            "the dashboard ran {statements}"
        );
        let sections: i64 = statements
            .0
            .iter()
            .filter(|(_, text)| text.contains("bookings") || text.contains("reviews"))
            .map(|(calls, _)| calls)
            .sum();
        assert_eq!(
            sections, SECTIONS,
            "one statement per section: {statements}"
        );
    }
}

/// One booking of the host in each status (the guest's name says it), and one of the other
/// host; answers (status, id) of the host's.
async fn one_of_each_status(h: &Hosts) -> Vec<(&'static str, i64)> {
    let ours = (h.listing, h.guest);
    let mut ids = Vec::new();
    for (offset, status) in [
        (10, "pending_payment"),
        (20, "requested"),
        (30, "accepted"),
        (5, "confirmed"),
        (-1, "checked_in"),
        (-30, "completed"),
        (40, "declined"),
        (50, "expired"),
        (60, "cancelled_by_guest"),
        (70, "cancelled_by_host"),
    ] {
        ids.push((
            status,
            stay(&h.app, ours, status, day(offset), 2, (20_000, "EUR")).await,
        ));
    }
    stay(
        &h.app,
        (h.other_listing, h.other_guest),
        "confirmed",
        day(3),
        2,
        (20_000, "EUR"),
    )
    .await;
    ids
}

#[tokio::test]
async fn each_reservation_tab_shows_exactly_its_bookings_and_htmx_gets_the_list_alone() {
    let h = hosts().await;
    let ids = one_of_each_status(&h).await;
    let of = |statuses: &[&str]| -> Vec<i64> {
        ids.iter()
            .filter(|(status, _)| statuses.contains(status))
            .map(|(_, id)| *id)
            .collect()
    };
    let id = |status: &str| of(&[status])[0];
    // Each tab in its order: what needs the host soonest first.
    let tabs: [(&str, Vec<i64>); 6] = [
        (
            "all",
            vec![
                id("checked_in"),
                id("confirmed"),
                id("pending_payment"),
                id("requested"),
                id("accepted"),
                id("cancelled_by_host"),
                id("cancelled_by_guest"),
                id("expired"),
                id("declined"),
                id("completed"),
            ],
        ),
        ("requests", vec![id("requested")]),
        (
            "upcoming",
            vec![id("confirmed"), id("pending_payment"), id("accepted")],
        ),
        ("current", vec![id("checked_in")]),
        ("past", vec![id("completed")]),
        (
            "cancelled",
            of(&[
                "declined",
                "expired",
                "cancelled_by_guest",
                "cancelled_by_host",
            ]),
        ),
    ];
    for (tab, expected) in &tabs {
        let path = format!("/host/reservations?tab={tab}");
        let page = html(&h.host, &path).await;
        let mut shown = reservation_links(&page, "#reservations tbody");
        if *tab == "cancelled" {
            // Most recently changed first: inserted together, their order is the ids'.
            shown.sort();
        }
        assert_eq!(&shown, expected, "{path}");
        let current: Vec<String> = select(&page, "#reservations nav a[aria-current=page]")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert_eq!(current, [path.as_str()], "the selected tab is marked");
        assert_eq!(
            select(&page, "#reservations nav a[hx-get][hx-push-url=true]").len(),
            6
        );
        assert!(page.html().contains("<h1"), "a whole page without htmx");

        let fragment = h
            .host
            .client
            .get(h.host.url(&path))
            .header("HX-Request", "true")
            .send()
            .await
            .expect("htmx GET");
        assert_eq!(fragment.status(), 200);
        let body = fragment.text().await.expect("body");
        assert!(
            body.trim_start().starts_with("<div id=\"reservations\""),
            "{path} answers htmx with the list alone: {body}"
        );
        assert!(!body.contains("<html") && !body.contains("<h1"), "{body}");
        let fragment = scraper::Html::parse_fragment(&body);
        let mut shown = reservation_links(&fragment, "#reservations tbody");
        if *tab == "cancelled" {
            shown.sort();
        }
        assert_eq!(&shown, expected, "htmx {path}");
        assert!(body.contains(&format!(
            "id=\"tab-{tab}\" href=\"{path}\" hx-get=\"{path}\""
        )));
    }
    // Without a tab (an old link, or the menu's), all of them.
    let page = html(&h.host, "/host/reservations").await;
    assert_eq!(reservation_links(&page, "#reservations tbody"), tabs[0].1);
    assert!(
        select(&page, "select[name=listing]").is_empty(),
        "one listing, no filter"
    );

    // A second listing: the tabs keep the listing chosen.
    let second = fixtures::listing(
        &h.app,
        h.host_id,
        ListingSpec {
            title: "Second home".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let there = stay(
        &h.app,
        (second, h.guest),
        "confirmed",
        day(8),
        2,
        (20_000, "EUR"),
    )
    .await;
    let path = format!("/host/reservations?tab=upcoming&listing={second}");
    let page = html(&h.host, &path).await;
    assert_eq!(reservation_links(&page, "#reservations tbody"), [there]);
    assert_eq!(
        select(
            &page,
            &format!("a#tab-past[href=\"/host/reservations?tab=past&listing={second}\"]")
        )
        .len(),
        1
    );
    assert_eq!(
        select(&page, "form[hx-get] input[name=tab][value=upcoming]").len(),
        1
    );
}

#[tokio::test]
async fn earnings_name_their_months_total_each_currency_and_download_as_csv() {
    let h = hosts().await;
    let ours = (h.listing, h.guest);
    let on = |raw: &str| NaiveDate::parse_from_str(raw, "%Y-%m-%d").expect("date");
    stay(
        &h.app,
        ours,
        "completed",
        on("2026-03-10"),
        2,
        (12_346, "EUR"),
    )
    .await;
    stay(
        &h.app,
        ours,
        "completed",
        on("2026-04-05"),
        2,
        (10_000, "EUR"),
    )
    .await;
    stay(
        &h.app,
        ours,
        "confirmed",
        on("2026-04-20"),
        2,
        (50_000, "USD"),
    )
    .await;
    stay(
        &h.app,
        ours,
        "completed",
        on("2026-04-21"),
        2,
        (12_000, "JPY"),
    )
    .await;
    // Neither a cancelled stay nor another host's counts.
    stay(
        &h.app,
        ours,
        "cancelled_by_guest",
        on("2026-04-22"),
        2,
        (90_000, "EUR"),
    )
    .await;
    stay(
        &h.app,
        (h.other_listing, h.other_guest),
        "completed",
        on("2026-04-23"),
        2,
        (70_000, "EUR"),
    )
    .await;

    let page = html(&h.host, "/host/earnings").await;
    let months = text_of(&page, "#earnings-months tbody th");
    assert!(
        months.contains("March 2026") && months.contains("April 2026"),
        "{months}"
    );
    assert!(!page.html().contains("2026-03"), "no bare YYYY-MM");
    let rows: Vec<String> = select(&page, "#earnings-totals tbody tr")
        .iter()
        .map(|row| {
            row.text()
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "EUR | 2 | €223.46 | €0.00 | €223.46",
            "JPY | 1 | ¥12,000 | ¥0 | ¥12,000",
            "USD | 1 | $0.00 | $500.00 | $500.00",
        ]
    );
    assert_eq!(
        select(&page, "a[href=\"/host/earnings.csv\"][download]").len(),
        1
    );

    let response = h.host.get("/host/earnings.csv").await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(header("content-type").starts_with("text/csv"));
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"earnings.csv\""
    );
    let body = response.text().await.expect("body");
    assert_eq!(
        body,
        "month,currency,stays,paid_out,upcoming,total\r\n\
         2026-04,EUR,1,100.00,0.00,100.00\r\n\
         2026-04,JPY,1,12000,0,12000\r\n\
         2026-04,USD,1,0.00,500.00,500.00\r\n\
         2026-03,EUR,1,123.46,0.00,123.46\r\n"
    );

    // A visitor is sent to sign in.
    let visitor = h.app.new_browser();
    let response = visitor.get("/host/earnings.csv").await;
    assert_ne!(response.status(), 200);
}
