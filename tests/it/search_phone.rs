//! Search on a phone, over HTTP: the result count, the applied filters as removable chips,
//! the filters as a step of their own without JavaScript (a sheet with it), and the link that
//! skips from the filters to the results.

use scraper::{Html, Selector};

use crate::{
    fixtures::{self, ListingSpec},
    search::{day, give_amenities, spec, sql},
    support::TestApp,
};

/// The most statements a visitor's search page may send (as the listing and home pages).
const PAGE_BUDGET: i64 = 2;

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.expect("body")
}

/// `path` as htmx asks for it, swapping the element of id `target`.
async fn htmx(app: &TestApp, path: &str, target: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header("HX-Request", "true")
        .header("HX-Target", target)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.expect("body")
}

fn select<'a>(document: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(selector).expect("selector");
    document.select(&selector).collect()
}

fn text(element: &scraper::ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_string()
}

/// The status line of the results: "23 stays · …".
fn count_line(html: &str) -> String {
    let document = Html::parse_document(html);
    select(&document, "#search-results .results-header [role=status]")
        .first()
        .map(text)
        .expect("a status line")
}

/// The query pairs of a link, in order.
fn pairs(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    serde_urlencoded::from_str(query).expect("query")
}

/// 23 stays in Oslo (three of them for five guests or more, one of which has five bedrooms)
/// and two in Bergen, the other Norwegian city.
async fn norway(app: &TestApp) {
    let host = fixtures::user(app, "host@example.com", true).await;
    for n in 0..23 {
        let listing = ListingSpec {
            max_guests: if n < 3 { 6 } else { 2 },
            bedrooms: if n == 0 { 5 } else { 1 },
            ..spec(&format!("Oslo stay {n:02}"), "Oslo", "Norway")
        };
        fixtures::listing(app, host, listing).await;
    }
    for n in 0..2 {
        fixtures::listing(
            app,
            host,
            spec(&format!("Bergen stay {n}"), "Bergen", "Norway"),
        )
        .await;
    }
}

#[tokio::test]
async fn the_results_say_how_many_stays_match_on_every_page_and_in_every_scope() {
    let app = TestApp::spawn().await;
    norway(&app).await;
    let cases = [
        ("location=oslo", "23 stays"),
        ("location=oslo&page=2", "23 stays · Showing 21–23"),
        ("location=oslo&guests=5", "3 stays"),
        ("location=oslo&guests=5&bedrooms=5", "1 stay"),
        ("location=oslo&guests=50", "No stays match"),
        ("location=oslo&page=3", "No stays on this page"),
        // Two places, each walked on its own and merged; and no location at all.
        ("location=norway", "25 stays"),
        ("", "25 stays"),
        // Words that name no place search the titles.
        ("location=bergen%20stay", "2 stays"),
    ];
    for (query, count) in cases {
        let html = page(&app, &format!("/search?{query}")).await;
        assert_eq!(count_line(&html), count, "/search?{query}");
    }

    // htmx's fragment refreshes the count of the filters' "Show … stays" out of band.
    let fragment = htmx(&app, "/search?location=oslo&guests=5", "search-results").await;
    assert_eq!(count_line(&fragment), "3 stays");
    assert!(
        fragment
            .contains(r#"<span id="filters-apply-label" hx-swap-oob="true">Show 3 stays</span>"#),
        "{fragment}"
    );
    let full = Html::parse_document(&page(&app, "/search?location=oslo").await);
    let apply = select(&full, "#search-filters button[type=submit]");
    assert_eq!(
        apply.iter().map(text).collect::<Vec<_>>(),
        ["Show 23 stays"]
    );
}

#[tokio::test]
async fn counting_costs_a_search_page_no_statement_of_its_own() {
    let app = TestApp::spawn().await;
    norway(&app).await;
    for path in [
        "/search?location=oslo",
        "/search?location=norway&guests=2&sort=price_asc",
        "/search?guests=5&page=1",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
        let (response, statements) = app.statements_during(app.get(path)).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(statements.count() <= PAGE_BUDGET, "{path} ran {statements}");
    }
}

/// One loft in Lisbon with wifi and a pool.
async fn lisbon_loft(app: &TestApp) {
    let host = fixtures::user(app, "host@example.com", true).await;
    let loft = fixtures::listing(app, host, spec("Alfama loft", "Lisbon", "Portugal")).await;
    give_amenities(app, loft, &["wifi", "pool"]).await;
}

#[tokio::test]
async fn applied_filters_are_chips_each_linking_to_the_search_without_it() {
    let app = TestApp::spawn().await;
    lisbon_loft(&app).await;
    let search = format!(
        "location=Lisbon&check_in={}&check_out={}&guests=2&min_price=50&max_price=150\
         &property_type=loft&amenities=wifi&amenities=pool&bedrooms=2&sort=price_asc",
        day(10),
        day(13)
    );
    let html = page(&app, &format!("/search?{search}")).await;
    let document = Html::parse_document(&html);
    let chips = select(&document, "#search-results .chips a.chip:not(.chip--clear)");
    let labels: Vec<String> = chips.iter().map(text).collect();
    let stay = roost::dates::stay(day(10), day(13));
    assert_eq!(
        labels,
        [
            "Lisbon ×".to_string(),
            format!("{stay} ×"),
            "2 guests ×".into(),
            "From 50 a night ×".into(),
            "Up to 150 a night ×".into(),
            "Loft ×".into(),
            "2+ bedrooms ×".into(),
            "Wifi ×".into(),
            "Pool ×".into(),
        ]
    );
    // What each chip removes: exactly its own pairs, every other filter and the order kept.
    let all = pairs(&format!("/search?{search}"));
    let removed: [&[(&str, &str)]; 9] = [
        &[("location", "Lisbon")],
        &[("check_in", ""), ("check_out", "")],
        &[("guests", "2")],
        &[("min_price", "")],
        &[("max_price", "")],
        &[("property_type", "loft")],
        &[("bedrooms", "2")],
        &[("amenities", "wifi")],
        &[("amenities", "pool")],
    ];
    for (chip, removed) in chips.iter().zip(removed) {
        let href = chip.value().attr("href").expect("href");
        assert!(href.starts_with("/search"), "{href}");
        assert_eq!(chip.value().attr("hx-get"), Some(href));
        assert_eq!(chip.value().attr("hx-target"), Some("#search-layout"));
        let gone = |(key, value): &(String, String)| {
            removed
                .iter()
                .any(|(k, v)| k == key && (v.is_empty() || v == value))
        };
        let mut wanted: Vec<(String, String)> = all.iter().filter(|p| !gone(p)).cloned().collect();
        let mut kept = pairs(href);
        // Prices come back in canonical form ("50.00"): compare the keys and the rest.
        for list in [&mut wanted, &mut kept] {
            for (key, value) in list.iter_mut() {
                if key.ends_with("_price") {
                    value.clear();
                }
            }
            list.sort();
        }
        assert_eq!(kept, wanted, "{href}");
        let label = chip.value().attr("aria-label").expect("a name");
        assert!(label.starts_with("Remove "), "{label}");
    }
    // Clear all keeps only the order; "Filters" counts what is applied.
    let clear = select(&document, "#search-results .chips a.chip--clear");
    assert_eq!(
        clear[0].value().attr("href"),
        Some("/search?sort=price_asc")
    );
    let opener = select(&document, "#search-results a.filters-open");
    assert_eq!(text(&opener[0]), "Filters (9)");

    // No filter, no chips.
    let plain = Html::parse_document(&page(&app, "/search?sort=newest").await);
    assert!(select(&plain, ".chips").is_empty());
    assert_eq!(text(&select(&plain, "a.filters-open")[0]), "Filters");
}

#[tokio::test]
async fn a_chip_removed_with_htmx_swaps_the_filters_with_the_results() {
    let app = TestApp::spawn().await;
    lisbon_loft(&app).await;
    let html = page(
        &app,
        "/search?location=Lisbon&amenities=wifi&amenities=pool",
    )
    .await;
    let document = Html::parse_document(&html);
    let without_wifi = select(&document, r#"a.chip[aria-label="Remove Wifi"]"#)[0]
        .value()
        .attr("hx-get")
        .expect("hx-get")
        .to_string();
    assert_eq!(without_wifi, "/search?location=Lisbon&amenities=pool");

    let fragment = htmx(&app, &without_wifi, "search-layout").await;
    assert!(!fragment.contains("<html"), "{fragment}");
    let swapped = Html::parse_document(&fragment);
    assert_eq!(select(&swapped, "#search-layout").len(), 1);
    // The form forgets the removed filter (its next change would bring it back otherwise).
    assert!(select(&swapped, r#"#search-filters input[value="wifi"][checked]"#).is_empty());
    assert_eq!(
        select(&swapped, r#"#search-filters input[value="pool"][checked]"#).len(),
        1
    );
    assert_eq!(count_line(&fragment), "1 stay");
}

#[tokio::test]
async fn without_javascript_filters_are_a_step_that_keeps_the_search_and_submits_to_it() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    fixtures::listing(&app, host, spec("Alfama loft", "Lisbon", "Portugal")).await;
    let search = "location=Lisbon&guests=2&amenities=wifi&sort=price_asc";
    let results = Html::parse_document(&page(&app, &format!("/search?{search}")).await);
    let step = select(&results, "#search-results a.filters-open")[0]
        .value()
        .attr("href")
        .expect("href")
        .to_string();
    assert_eq!(step, format!("/search/filters?{search}"));

    let html = page(&app, &step).await;
    let document = Html::parse_document(&html);
    let form = select(&document, "form#search-filters");
    assert_eq!(form.len(), 1);
    assert_eq!(form[0].value().attr("action"), Some("/search"));
    assert_eq!(form[0].value().attr("method"), Some("get"));
    assert_eq!(form[0].value().attr("hx-get"), None, "a plain form");
    assert_eq!(select(&document, "h1#filters-title").len(), 1);
    let value = |selector: &str| {
        select(&document, selector)
            .first()
            .and_then(|element| element.value().attr("value").map(str::to_string))
    };
    assert_eq!(value("#filter-location").as_deref(), Some("Lisbon"));
    assert_eq!(value("#filter-guests").as_deref(), Some("2"));
    assert_eq!(
        select(
            &document,
            r#"input[name="amenities"][value="wifi"][checked]"#
        )
        .len(),
        1
    );
    assert_eq!(
        value(r#"#filter-sort option[selected]"#).as_deref(),
        Some("price_asc")
    );
    assert!(select(&document, "#search-results").is_empty(), "no search");
    let back = select(&document, r#".filters-step a[href^="/search?"]"#);
    assert_eq!(
        back[0].value().attr("href"),
        Some(format!("/search?{search}").as_str())
    );

    // What cannot be understood is said beside its field, as on the search page.
    let bad = Html::parse_document(&page(&app, "/search/filters?guests=0").await);
    let message = select(&bad, "#filter-error-guests");
    assert!(
        text(&message[0]).starts_with("Guests must be"),
        "{}",
        text(&message[0])
    );
}

#[tokio::test]
async fn after_the_filters_a_link_skips_to_the_results_heading() {
    let app = TestApp::spawn().await;
    let html = page(&app, "/search?guests=2").await;
    let document = Html::parse_document(&html);
    // The last stop of the form, after its controls.
    let stops = select(
        &document,
        "#search-filters :is(a[href], button, input, select, textarea)",
    );
    let last = stops.last().expect("controls");
    assert_eq!(text(last), "Skip to results");
    let target = last.value().attr("href").expect("href");
    assert_eq!(target, "#results-title");
    let heading = select(&document, target);
    assert_eq!(heading.len(), 1, "the skip link's target exists");
    assert_eq!(heading[0].value().name(), "h1");
    assert_eq!(heading[0].value().attr("tabindex"), Some("-1"));

    // The sheet phones open with JavaScript: a dialog named by the filters' heading.
    let sheet = select(&document, "dialog#filters-sheet");
    assert_eq!(sheet.len(), 1);
    let named_by = sheet[0].value().attr("aria-labelledby").expect("a name");
    assert_eq!(select(&document, &format!("#{named_by}")).len(), 1);
    assert_eq!(select(&document, "dialog [data-sheet-close]").len(), 1);
}

#[tokio::test]
async fn past_a_thousand_matches_the_count_says_more_than_and_the_deepest_page_is_still_full() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    fixtures::listing(&app, host, spec("Oslo stay", "Oslo", "Norway")).await;
    // A thousand copies of it: 1 001 stays in Oslo.
    sql(
        &app,
        "INSERT INTO listings (host_id, status, title, description, property_type, address, \
         city, country, timezone, max_guests, bedrooms, beds, bathrooms_tenths, nightly_price, \
         cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, min_nights, \
         max_nights, instant_book, cancellation_policy, published_at) \
         SELECT host_id, status, title || ' ' || n, description, property_type, address, city, \
         country, timezone, max_guests, bedrooms, beds, bathrooms_tenths, nightly_price + n, \
         cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, min_nights, \
         max_nights, instant_book, cancellation_policy, published_at \
         FROM listings, generate_series(1, 1000) AS n",
    )
    .await;
    let html = page(&app, "/search?location=oslo").await;
    assert_eq!(count_line(&html), "More than 1,000 stays");
    let document = Html::parse_document(&html);
    let apply = select(&document, "#search-filters button[type=submit]");
    assert_eq!(text(&apply[0]), "Show 1,000+ stays");
    // The walk that counts keeps enough for the deepest page served.
    let deepest = page(&app, "/search?location=oslo&sort=price_asc&page=50").await;
    assert_eq!(crate::search::titles(&deepest).len(), 20);
    assert_eq!(
        count_line(&deepest),
        "More than 1,000 stays · Showing 981–1000"
    );
    // Below the limit the count is exact again.
    let cheap = page(&app, "/search?location=oslo&max_price=125").await;
    assert_eq!(count_line(&cheap), "501 stays");
}
