//! Display currencies over HTTP: a visitor picks a currency (a cookie, no account), search,
//! home and listing pages show prices converted and marked approximate with what is charged
//! beside them, the price filter reads the display currency, the pay page names the currency
//! charged, and an admin's rate edit (sudo, audited, checked) changes the pages.

use crate::{
    admin::{audit_rows, confirm},
    bookings_support::{booked, date},
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp},
};

/// A listing of `host` titled `title` at `nightly_price` minor units of `currency`.
async fn priced(app: &TestApp, host: i64, title: &str, nightly_price: i64, currency: &str) -> i64 {
    fixtures::listing(
        app,
        host,
        ListingSpec {
            title: title.into(),
            nightly_price,
            currency: currency.into(),
            ..ListingSpec::default()
        },
    )
    .await
}

/// Picks `currency` ("" for each listing's own) in `browser`'s picker, coming from `next`.
async fn pick(browser: &Browser, currency: &str, next: &str) -> reqwest::Response {
    browser
        .submit(
            &format!("/currency?next={next}"),
            "/currency",
            &[("currency", currency), ("next", next)],
        )
        .await
}

async fn text(browser: &Browser, path: &str) -> String {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

#[tokio::test]
async fn a_visitor_who_picks_a_currency_sees_every_price_converted_and_marked_approximate() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    // $108.50 is €100.00 at the seeded 1.085 dollars per euro.
    let listing = priced(&app, host, "Dollar loft", 10_850, "USD").await;
    let visitor = app.new_browser();

    let before = text(&visitor, "/search").await;
    assert!(before.contains("$108.50"), "{before}");
    assert!(!before.contains("≈"));
    assert!(
        before.contains("href=\"/currency?next=%2Fsearch\""),
        "{before}"
    );

    let picked = pick(&visitor, "EUR", "/search").await;
    assert_eq!(picked.status(), 303);
    assert_eq!(picked.headers()["location"], "/search");
    let cookie = picked.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie.starts_with("roost_currency=EUR"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );

    let search = text(&visitor, "/search").await;
    assert!(search.contains("≈ €100.00"), "{search}");
    assert!(search.contains("Charged as $108.50 a night"), "{search}");
    assert!(search.contains("Currency: EUR"), "{search}");
    assert!(search.contains("In EUR, your display currency"), "{search}");
    let home = text(&visitor, "/").await;
    assert!(home.contains("≈ €100.00"), "{home}");

    // The listing page: the nightly price and the whole quote, with the charge named.
    let stay = format!("check_in={}&check_out={}&guests=2", date(10), date(12));
    let page = text(&visitor, &format!("/listings/{listing}?{stay}")).await;
    assert!(page.contains("≈ €100.00"), "{page}");
    assert!(
        page.contains("charged as $108.50 a night, in USD"),
        "{page}"
    );
    assert!(page.contains("≈ €200.00"), "two nights: {page}");
    assert!(page.contains("You will be charged $"), "{page}");
    assert!(page.contains(" USD."), "{page}");
    let fragment = text(&visitor, &format!("/listings/{listing}/quote?{stay}")).await;
    assert!(fragment.contains("≈ €200.00"), "{fragment}");

    // An unknown currency is refused beside the field; "each listing's own" undoes the choice.
    let unknown = pick(&visitor, "XYZ", "/search").await;
    assert_eq!(unknown.status(), 422);
    let body = unknown.text().await.expect("body");
    assert!(body.contains("id=\"currency-error\""), "{body}");
    assert!(
        body.contains("Choose one of the currencies listed."),
        "{body}"
    );
    let undone = pick(&visitor, "", "/search").await;
    assert_eq!(undone.status(), 303);
    let after = text(&visitor, "/search").await;
    assert!(after.contains("$108.50") && !after.contains("≈"), "{after}");
}

#[tokio::test]
async fn the_price_filter_reads_its_bounds_in_the_display_currency() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    // Two listings at €100.00 once converted, one at €120.00.
    priced(&app, host, "Dollar loft", 10_850, "USD").await;
    priced(&app, host, "Yen loft", 16_200, "JPY").await;
    priced(&app, host, "Euro loft", 12_000, "EUR").await;
    let visitor = app.new_browser();
    let found = async |path: &str| {
        let html = text(&visitor, path).await;
        ["Dollar loft", "Yen loft", "Euro loft"]
            .into_iter()
            .filter(|title| html.contains(title))
            .collect::<Vec<_>>()
    };

    // Without a display currency each bound is in the listing's own currency: 95 to 105
    // matches none ($108.50, ¥16,200, €120).
    assert!(found("/search?min_price=95&max_price=105").await.is_empty());

    assert_eq!(pick(&visitor, "EUR", "/search").await.status(), 303);
    assert_eq!(
        found("/search?min_price=95&max_price=105").await,
        ["Dollar loft", "Yen loft"]
    );
    assert_eq!(
        found("/search?min_price=100&max_price=100").await,
        ["Dollar loft", "Yen loft"]
    );
    assert!(found("/search?max_price=99.99").await.is_empty());
    assert_eq!(found("/search?min_price=100.01").await, ["Euro loft"]);

    // In dollars: €120 is $130.20, the other two $108.50.
    assert_eq!(pick(&visitor, "USD", "/search").await.status(), 303);
    assert_eq!(found("/search?min_price=130").await, ["Euro loft"]);
    assert_eq!(
        found("/search?max_price=108.50").await,
        ["Dollar loft", "Yen loft"]
    );
}

#[tokio::test]
async fn the_pay_page_says_the_charge_is_in_the_listing_s_currency() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = priced(&app, host, "Dollar loft", 10_850, "USD").await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    assert_eq!(pick(&guest, "EUR", "/trips").await.status(), 303);

    // Two nights: 2 × $108.50 + $30 cleaning + 14 % service fee = $281.58.
    let id = booked(&guest, listing, 3, 2).await;
    let pay = text(&guest, &format!("/trips/{id}/pay")).await;
    assert!(
        pay.contains("You will be charged $281.58 USD, in the listing's currency, not in EUR"),
        "{pay}"
    );
    assert!(
        pay.contains("Charged in the listing's currency: $281.58 USD."),
        "{pay}"
    );
}

#[tokio::test]
async fn an_admin_edits_a_rate_checked_and_audited_and_the_pages_follow() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    priced(&app, host, "Dollar loft", 10_850, "USD").await;
    fixtures::admin(&app, "admin@example.com").await;
    let admin = fixtures::log_in(&app, "admin@example.com").await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let visitor = app.new_browser();
    assert_eq!(pick(&visitor, "EUR", "/search").await.status(), 303);
    assert!(text(&visitor, "/search").await.contains("≈ €100.00"));

    // Only admins have the page.
    assert_eq!(guest.get("/admin/rates").await.status(), 404);
    assert_eq!(visitor.get("/admin/rates").await.status(), 404);
    let list = text(&admin, "/admin/rates").await;
    assert!(list.contains("value=\"1.085\""), "{list}");
    assert!(list.contains("1 (the base)"), "{list}");

    let set = async |code: &str, rate: &str| {
        admin
            .submit(
                "/admin/rates",
                &format!("/admin/rates/{code}"),
                &[("rate", rate), ("reason", "Monday's rates")],
            )
            .await
    };
    // Sudo mode first.
    let unconfirmed = set("USD", "1.24").await;
    assert_eq!(unconfirmed.status(), 303);
    assert!(
        unconfirmed.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/admin/confirm")
    );
    confirm(&admin).await;
    let audited = audit_rows(&app).await;

    // A rate that is zero, negative or not a number is refused beside its field.
    for (typed, message) in [
        ("0", "A rate must be more than zero."),
        ("-1", "A rate must be more than zero."),
        ("abc", "Enter a number, such as 1.085."),
    ] {
        let refused = set("USD", typed).await;
        assert_eq!(refused.status(), 422, "{typed}");
        let body = refused.text().await.expect("body");
        assert!(body.contains("id=\"rate-USD-error\""), "{typed}: {body}");
        assert!(body.contains(message), "{typed}: {body}");
        assert!(body.contains(&format!("value=\"{typed}\"")), "{typed}");
    }
    let base = set("EUR", "2").await;
    assert_eq!(base.status(), 422);
    assert_eq!(audit_rows(&app).await, audited);

    let saved = set("USD", "1.24").await;
    assert_eq!(saved.status(), 303);
    assert_eq!(audit_rows(&app).await, audited + 1);
    let list = text(&admin, "/admin/rates").await;
    assert!(list.contains("value=\"1.24\""), "{list}");
    assert!(list.contains("exchange_rate.set"), "{list}");
    assert!(list.contains("by admin@example.com"), "{list}");

    // $108.50 at 1.24 dollars per euro is €87.50, at once.
    let search = text(&visitor, "/search").await;
    assert!(search.contains("≈ €87.50"), "{search}");
}

#[tokio::test]
async fn a_price_filter_in_a_display_currency_keeps_the_walk_of_one_ordered_index() {
    use std::sync::Arc;

    use roost::{
        currency::model::{Display, RateTable},
        db,
        search::{
            amenities::Amenity,
            params::{RawSearch, SearchFilters},
            query,
        },
        web::forms::FormErrors,
    };

    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for n in 0..30 {
        let currency = ["EUR", "USD", "JPY"][n % 3];
        let price = if currency == "JPY" { 15_000 } else { 9_000 } + n as i64;
        priced(&app, host, &format!("Stay {n}"), price, currency).await;
    }
    let pool = db::search_pool(&app.database_url, 1).expect("search pool");
    let mut conn = db::connection(&pool).await.expect("connection");
    diesel_async::RunQueryDsl::execute(diesel::sql_query("ANALYZE listings"), &mut conn)
        .await
        .expect("analyze");
    let rates = Arc::new(RateTable::new([
        ("EUR".to_string(), 1_000_000),
        ("USD".to_string(), 1_085_000),
        ("JPY".to_string(), 162_000_000),
    ]));
    let display = Display::into_currency("EUR", rates);
    for (query, index) in [
        (
            "location=Amsterdam&sort=price_asc",
            "listings_place_price_idx",
        ),
        ("sort=price_asc", "listings_published_price_idx"),
        ("location=Amsterdam", "listings_place_rating_idx"),
    ] {
        let query = format!("{query}&min_price=80&max_price=120");
        let amenities: Vec<Amenity> = Vec::new();
        let mut errors = FormErrors::new();
        let today = chrono::Utc::now().date_naive();
        let mut filters = SearchFilters::parse(
            &RawSearch::from_query(&query),
            &amenities,
            today,
            &mut errors,
        );
        filters.price_ranges = display.price_ranges(8_000, 12_000);
        assert!(filters.price_ranges.is_some());
        let plan = query::explain(&mut conn, &filters)
            .await
            .expect("explain")
            .join("\n");
        assert!(
            plan.contains(&format!("using {index} on listings")),
            "{query}:\n{plan}"
        );
        assert!(!plan.contains("Seq Scan on listings"), "{query}:\n{plan}");
        assert!(!plan.contains("Sort Key"), "{query}:\n{plan}");
    }
}

#[tokio::test]
async fn a_display_currency_keeps_the_visitor_s_page_budgets() {
    let app = TestApp::spawn().await;
    let listing = crate::api_costs::listings_in(&app, "Lisbon", 3).await[0];
    let visitor = app.browser();
    assert_eq!(pick(&visitor, "USD", "/").await.status(), 303);
    let stay = format!("check_in={}&check_out={}&guests=2", date(10), date(13));
    for path in [
        "/".to_string(),
        format!("/listings/{listing}?{stay}"),
        "/search?location=Lisbon&min_price=50".to_string(),
    ] {
        // The first view reads the rates (once a minute at most); the next reads none.
        assert_eq!(visitor.get(&path).await.status(), 200, "{path}");
        let (response, statements) = app.statements_during(visitor.get(&path)).await;
        let html = response.text().await.expect("body");
        assert!(html.contains("≈ $"), "{path}: {html}");
        assert!(
            !statements
                .0
                .iter()
                .any(|(_, text)| text.contains("exchange_rates")),
            "{path} read the rates again: {statements}"
        );
        assert!(statements.count() <= 2, "{path} ran {statements}");
    }
}
