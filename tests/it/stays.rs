//! The listing page, its live quote and the wishlist, over HTTP.

use roost::{
    money,
    pricing::{self, PricingPolicy, Rates},
};

use crate::{
    fixtures::{self, ListingSpec},
    search::{block, book, day, give_amenities, sql, titles},
    support::{TestApp, csrf_token_in},
};

fn rates(spec: &ListingSpec) -> Rates {
    Rates {
        nightly_price: spec.nightly_price,
        cleaning_fee: spec.cleaning_fee,
        weekly_discount_pct: spec.weekly_discount_pct,
        monthly_discount_pct: spec.monthly_discount_pct,
        currency: spec.currency.clone(),
    }
}

/// The quote fragment for a stay, as htmx asks for it.
async fn quote(app: &TestApp, listing: i64, check_in: i64, check_out: i64, guests: i32) -> String {
    let response = app
        .client
        .get(app.url(&format!(
            "/listings/{listing}/quote?check_in={}&check_out={}&guests={guests}",
            day(check_in),
            day(check_out)
        )))
        .header("HX-Request", "true")
        .send()
        .await
        .expect("GET quote");
    assert_eq!(response.status(), 200);
    response.text().await.expect("body")
}

/// The listing page as a visitor sees it.
async fn listing_page(app: &TestApp, id: i64) -> String {
    app.get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .expect("body")
}

/// The attribute `name` of the first element matching `selector`.
pub fn attribute(html: &str, selector: &str, name: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .next()
        .and_then(|element| element.value().attr(name).map(str::to_string))
}

#[tokio::test]
async fn the_listing_page_shows_details_amenities_host_reviews_and_calendar() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "marta@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    give_amenities(&app, id, &["wifi", "hot_tub"]).await;
    block(&app, id, day(3), day(5)).await;
    let html = listing_page(&app, id).await;
    for expected in [
        "Sunny loft by the canal",
        "Amsterdam, Netherlands",
        "Loft hosted by marta",
        "4 guests · 2 bedrooms · 2 beds · 1 bath",
        "A calm place to stay.",
        "Wifi",
        "Hot tub",
        "Member since",
        "Moderate.",
        "Full refund until 5 days before check-in",
        "From 15:00",
        "No reviews yet.",
        "€120.00",
        "Reserve",
        "Add your dates to see the price.",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert_eq!(html.matches("calendar__title").count(), 3, "three months");
    assert!(
        html.contains("unavailable"),
        "the blocked nights are marked"
    );
    // Reviews: average and category averages from the running sums.
    sql(
        &app,
        &format!(
            "UPDATE listings SET review_count = 2, rating_sum = 9, cleanliness_sum = 10, \
             accuracy_sum = 8, check_in_sum = 10, communication_sum = 10, location_sum = 7, \
             value_sum = 9 WHERE id = {id}"
        ),
    )
    .await;
    let html = listing_page(&app, id).await;
    assert!(html.contains("4.50 · 2 reviews"));
    assert!(html.contains("<dt>Location</dt><dd>3.5</dd>"));
}

#[tokio::test]
async fn an_unpublished_listing_is_not_found_for_others_but_visible_to_its_host() {
    let app = TestApp::spawn().await;
    let (host, host_browser) = fixtures::signed_in(&app, "host@example.com", true).await;
    let (_, other) = fixtures::signed_in(&app, "other@example.com", false).await;
    let draft = ListingSpec {
        status: "draft".into(),
        ..ListingSpec::default()
    };
    let id = fixtures::listing(&app, host, draft).await;
    let path = format!("/listings/{id}");
    assert_eq!(app.get(&path).await.status(), 404);
    assert_eq!(other.get(&path).await.status(), 404);
    assert_eq!(other.get(&format!("{path}/quote")).await.status(), 404);
    let own = host_browser.get(&path).await;
    assert_eq!(own.status(), 200);
    assert!(
        own.text()
            .await
            .expect("body")
            .contains("This listing is not published")
    );
    assert_eq!(app.get("/listings/999999").await.status(), 404);
    assert_eq!(app.get("/listings/not-a-number").await.status(), 404);
}

#[tokio::test]
async fn the_quote_matches_the_pricing_function_and_changes_with_the_dates() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let spec = ListingSpec::default();
    let id = fixtures::listing(&app, host, spec.clone()).await;

    let three = quote(&app, id, 10, 13, 2).await;
    let q3 = pricing::quote(&rates(&spec), 3, &PricingPolicy::default());
    assert!(three.contains("€120.00 × 3 nights"), "{three}");
    for amount in [
        q3.base_amount,
        q3.cleaning_fee,
        q3.service_fee,
        q3.total_amount,
    ] {
        assert!(three.contains(&money::format(amount, "EUR")), "{three}");
    }
    assert!(!three.contains("discount"));

    let week = quote(&app, id, 10, 17, 2).await;
    let q7 = pricing::quote(&rates(&spec), 7, &PricingPolicy::default());
    assert!(week.contains("Weekly discount (10%)"));
    assert!(week.contains(&format!("−{}", money::format(q7.discount_amount, "EUR"))));
    assert!(week.contains(&money::format(q7.total_amount, "EUR")));
    assert_ne!(q3.total_amount, q7.total_amount);
    assert!(week.starts_with(&format!(r#"<div id="quote-{id}""#)));
}

#[tokio::test]
async fn the_quote_explains_why_a_stay_cannot_be_priced() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let guest = fixtures::user(&app, "guest@example.com", false).await;
    let spec = ListingSpec {
        min_nights: 3,
        max_nights: 10,
        max_guests: 4,
        ..ListingSpec::default()
    };
    let id = fixtures::listing(&app, host, spec).await;
    book(&app, id, guest, day(40), day(45)).await;

    assert!(
        quote(&app, id, 10, 12, 2)
            .await
            .contains("The minimum stay here is 3 nights.")
    );
    assert!(
        quote(&app, id, 10, 21, 2)
            .await
            .contains("The maximum stay here is 10 nights.")
    );
    assert!(
        quote(&app, id, 10, 13, 5)
            .await
            .contains("at most 4 guests")
    );
    assert!(
        quote(&app, id, 43, 47, 2)
            .await
            .contains("Those dates are not available")
    );
    assert!(
        quote(&app, id, 13, 10, 2)
            .await
            .contains("Check-out must be after check-in.")
    );
    assert!(
        quote(&app, id, -3, 1, 2)
            .await
            .contains("cannot be in the past")
    );
    // Leaving on the day the next guest arrives is fine.
    assert!(quote(&app, id, 37, 40, 2).await.contains("Total"));
    let garbage = app
        .get(&format!(
            "/listings/{id}/quote?check_in=soon&check_out=&guests=many"
        ))
        .await;
    assert_eq!(garbage.status(), 200);
}

#[tokio::test]
async fn without_javascript_the_listing_page_shows_the_quote_of_its_query() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let spec = ListingSpec::default();
    let id = fixtures::listing(&app, host, spec.clone()).await;
    let (_, browser) = fixtures::signed_in(&app, "guest@example.com", false).await;

    // A visitor's "Check price" is a GET of the page itself with the stay.
    let anonymous = listing_page(&app, id).await;
    assert!(anonymous.contains(&format!(
        r#"formaction="/listings/{id}" formnovalidate>Check price"#
    )));

    // Signed in, "Check price" posts the form and lands on the page with the stay in its query.
    let page = browser
        .get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .expect("body");
    let token = csrf_token_in(&page).expect("token");
    let (check_in, check_out) = (day(20).to_string(), day(24).to_string());
    let redirect = browser
        .client
        .post(browser.url(&format!("/listings/{id}/quote")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("check_in", &check_in),
            ("check_out", &check_out),
            ("guests", "2"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(redirect.status(), 303);
    let location = redirect.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert_eq!(
        location,
        format!("/listings/{id}?check_in={check_in}&check_out={check_out}&guests=2#booking")
    );
    let html = browser.get(&location).await.text().await.expect("body");
    let q = pricing::quote(&rates(&spec), 4, &PricingPolicy::default());
    assert!(html.contains(&money::format(q.total_amount, "EUR")));
    assert!(html.contains(&format!(r#"value="{check_in}""#)));
    assert!(html.contains("calendar__day--selected"));
}

#[tokio::test]
async fn the_booking_widget_posts_to_book_with_a_fresh_idempotency_key_each_time() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let request = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let id = fixtures::listing(&app, host, request).await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let first = guest
        .get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .expect("body");
    let second = guest
        .get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .expect("body");
    let form = format!(r#"form[action="/listings/{id}/book"]"#);
    assert_eq!(attribute(&first, &form, "method").as_deref(), Some("post"));
    let key = |html: &str| attribute(html, "input[name=idempotency_key]", "value");
    assert!(key(&first).is_some_and(|k| uuid::Uuid::parse_str(&k).is_ok()));
    assert_ne!(key(&first), key(&second));
    assert!(csrf_token_in(&first).is_some());
    for field in ["check_in", "check_out", "guests"] {
        assert!(first.contains(&format!(r#"name="{field}""#)));
    }
    assert!(first.contains("Request to book"));
    assert!(first.contains(&format!(r#"hx-get="/listings/{id}/quote""#)));
}

#[tokio::test]
async fn a_heart_saves_a_stay_to_the_wishlist_and_a_second_click_removes_it() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let html = guest.get("/search").await.text().await.expect("body");
    assert_eq!(
        attribute(&html, ".listing-card__favorite", "aria-pressed").as_deref(),
        Some("false")
    );
    let token = csrf_token_in(&html).expect("token");
    let toggle = async || {
        guest
            .client
            .post(guest.url(&format!("/listings/{id}/favorite")))
            .header("HX-Request", "true")
            .form(&[
                ("csrf_token", token.as_str()),
                ("next", "/search"),
                ("variant", "card"),
            ])
            .send()
            .await
            .expect("POST")
    };
    let saved = toggle().await;
    assert_eq!(saved.status(), 200);
    let fragment = saved.text().await.expect("body");
    assert!(fragment.contains(r#"aria-pressed="true""#), "{fragment}");
    assert!(!fragment.contains("<html"));

    let wishlist = guest.get("/wishlist").await.text().await.expect("body");
    assert_eq!(titles(&wishlist), ["Sunny loft by the canal"]);
    let html = guest.get("/search").await.text().await.expect("body");
    assert_eq!(
        attribute(&html, ".listing-card__favorite", "aria-pressed").as_deref(),
        Some("true")
    );

    let removed = toggle().await.text().await.expect("body");
    assert!(removed.contains(r#"aria-pressed="false""#));
    let wishlist = guest.get("/wishlist").await.text().await.expect("body");
    assert!(titles(&wishlist).is_empty());
    assert!(wishlist.contains("Nothing saved yet"));
}

#[tokio::test]
async fn saving_without_javascript_redirects_back_and_anonymous_visitors_are_asked_to_log_in() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    let draft = ListingSpec {
        status: "draft".into(),
        ..ListingSpec::default()
    };
    let hidden = fixtures::listing(&app, host, draft).await;

    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let back = guest
        .submit(
            &format!("/listings/{id}"),
            &format!("/listings/{id}/favorite"),
            &[("next", "/search?location=amsterdam"), ("variant", "page")],
        )
        .await;
    assert_eq!(back.status(), 303);
    assert_eq!(back.headers()["location"], "/search?location=amsterdam");
    let page = guest
        .get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("was saved to your wishlist"));
    assert!(page.contains(">Saved<"));
    let foreign = guest
        .submit(
            "/wishlist",
            &format!("/listings/{id}/favorite"),
            &[("next", "https://evil.example")],
        )
        .await;
    assert_eq!(
        foreign.headers()["location"],
        format!("/listings/{id}").as_str()
    );
    let unpublished = guest
        .submit("/wishlist", &format!("/listings/{hidden}/favorite"), &[])
        .await;
    assert_eq!(unpublished.status(), 404);

    // Anonymous: the heart is a login link, and a post goes to the login page.
    let anonymous = app.new_browser();
    let html = anonymous.get("/search").await.text().await.expect("body");
    assert_eq!(
        attribute(&html, "a.listing-card__favorite", "href"),
        Some(format!("/login?next=/listings/{id}"))
    );
    // (A token from the login page: the listing page gives visitors none.)
    let post = anonymous
        .submit("/login", &format!("/listings/{id}/favorite"), &[])
        .await;
    assert_eq!(post.status(), 303);
    assert_eq!(
        post.headers()["location"],
        format!("/login?next=/listings/{id}").as_str()
    );
    assert_eq!(anonymous.get("/wishlist").await.status(), 303);
}

#[tokio::test]
async fn a_visitor_browses_without_a_session_and_books_after_logging_in_with_the_stay_kept() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "guest@example.com", false).await;
    let stay = format!("check_in={}&check_out={}&guests=2", day(20), day(23));

    // Browsing opens no session: no cookie, no CSRF token, the widget is a plain GET form.
    let visitor = app.new_browser();
    let page = visitor.get(&format!("/listings/{listing}?{stay}")).await;
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("set-cookie").is_none());
    let html = page.text().await.expect("body");
    assert!(csrf_token_in(&html).is_none());
    assert!(html.contains(&format!(
        "<form class=\"form\" method=\"get\" action=\"/listings/{listing}/book\">"
    )));
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().await.expect("connection");
    let sessions: Count = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT count(*) AS n FROM sessions"),
        &mut conn,
    )
    .await
    .expect("count sessions");
    assert_eq!(sessions.n, 0);

    // "Reserve" leads to the login page, and logging in leads back to the same stay.
    let reserve = visitor
        .get(&format!("/listings/{listing}/book?{stay}"))
        .await;
    assert_eq!(reserve.status(), 303);
    let login = reserve.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let back = format!("/listings/{listing}?{stay}#booking");
    assert!(login.starts_with("/login?next="), "{login}");
    let next = login.trim_start_matches("/login?next=");
    let next: Vec<(String, String)> =
        serde_urlencoded::from_str(&format!("n={next}")).expect("next");
    let next = next[0].1.clone();
    assert_eq!(next, back);
    let login_page = visitor.get(&login).await.text().await.expect("login page");
    assert!(login_page.contains("Log in to book or save this stay"));
    let logged_in = visitor
        .submit(
            &login,
            "/login",
            &[
                ("email", "guest@example.com"),
                ("password", fixtures::PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(logged_in.status(), 303);
    assert_eq!(logged_in.headers()["location"], back.as_str());
    // Signed in, the widget posts with a token.
    let html = visitor.get(&back).await.text().await.expect("body");
    assert!(html.contains(&format!(
        "<form class=\"form\" method=\"post\" action=\"/listings/{listing}/book\">"
    )));
    assert!(csrf_token_in(&html).is_some());
    let again = visitor
        .get(&format!("/listings/{listing}/book?{stay}"))
        .await;
    assert_eq!(again.headers()["location"], back.as_str());
}

/// Typing a date changes the field at every digit of its year: the widget waits for the typing
/// to stop before asking for a quote, and queues rather than aborts a request still in flight
/// (htmx logs an aborted one as an `htmx:sendAbort` console error).
#[tokio::test]
async fn the_booking_widget_debounces_its_quote_requests_and_queues_them() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    let html = listing_page(&app, id).await;
    let fields = ".booking-widget__fields";
    assert_eq!(
        attribute(&html, fields, "hx-get").as_deref(),
        Some(format!("/listings/{id}/quote").as_str())
    );
    let trigger = attribute(&html, fields, "hx-trigger").expect("hx-trigger");
    assert!(trigger.starts_with("change delay:"), "{trigger}");
    assert_eq!(
        attribute(&html, fields, "hx-sync").as_deref(),
        Some("this:queue last")
    );
}
