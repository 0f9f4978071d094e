//! Search over HTTP: every filter, sort orders, pagination, htmx fragments, bad parameters,
//! empty results, the home page's featured stays, and the demo seed.

use chrono::{Duration, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Date, Text};
use diesel_async::RunQueryDsl;
use roost::pricing::{self, PricingPolicy, Rates};

use crate::{
    fixtures::{self, ListingSpec},
    stays::attribute,
    support::TestApp,
};

/// A date `days` from today, as forms send it.
pub fn day(days: i64) -> NaiveDate {
    Utc::now().date_naive() + Duration::days(days)
}

pub fn spec(title: &str, city: &str, country: &str) -> ListingSpec {
    ListingSpec {
        title: title.into(),
        city: city.into(),
        country: country.into(),
        ..ListingSpec::default()
    }
}

/// Closes `[from, to)` of a listing as a host block.
pub async fn block(app: &TestApp, listing: i64, from: NaiveDate, to: NaiveDate) {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(
        "INSERT INTO calendar_entries (listing_id, stay, kind) \
         VALUES ($1, daterange($2, $3, '[)'), 'blocked')",
    )
    .bind::<BigInt, _>(listing)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .execute(&mut conn)
    .await
    .expect("insert a block");
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// A confirmed booking of `[from, to)` by `guest`, holding its calendar entry.
pub async fn book(app: &TestApp, listing: i64, guest: i64, from: NaiveDate, to: NaiveDate) {
    let mut conn = app.pool.get().await.expect("connection");
    let nights = (to - from).num_days();
    let booking: Id = diesel::sql_query(
        "INSERT INTO bookings (listing_id, guest_id, check_in, check_out, guests, status, \
         currency, nightly_price, nights, base_amount, cleaning_fee, service_fee, total_amount, \
         host_fee, host_payout, cancellation_policy, idempotency_key) \
         VALUES ($1, $2, $3, $4, 1, 'confirmed', 'EUR', 10000, $5::int, 10000 * $5, 0, 0, \
         10000 * $5, 0, 10000 * $5, 'moderate', gen_random_uuid()::text) RETURNING id",
    )
    .bind::<BigInt, _>(listing)
    .bind::<BigInt, _>(guest)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<BigInt, _>(nights)
    .get_result(&mut conn)
    .await
    .expect("insert a booking");
    diesel::sql_query(
        "INSERT INTO calendar_entries (listing_id, stay, kind, booking_id) \
         VALUES ($1, daterange($2, $3, '[)'), 'booking', $4)",
    )
    .bind::<BigInt, _>(listing)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<BigInt, _>(booking.id)
    .execute(&mut conn)
    .await
    .expect("insert the booking's calendar entry");
}

pub async fn give_amenities(app: &TestApp, listing: i64, slugs: &[&str]) {
    let mut conn = app.pool.get().await.expect("connection");
    let slugs: Vec<String> = slugs.iter().map(|s| s.to_string()).collect();
    diesel::sql_query(
        "INSERT INTO listing_amenities (listing_id, amenity_id) \
         SELECT $1, id FROM amenities WHERE slug = ANY($2)",
    )
    .bind::<BigInt, _>(listing)
    .bind::<Array<Text>, _>(slugs)
    .execute(&mut conn)
    .await
    .expect("insert amenities");
}

/// Runs SQL against the app's database (test set-up only).
pub async fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(statement)
        .execute(&mut conn)
        .await
        .expect(statement);
}

async fn page(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/search?{query}")).await;
    assert_eq!(response.status(), 200, "GET /search?{query}");
    response.text().await.expect("body")
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .map(|element| element.text().collect::<String>().trim().to_string())
        .collect()
}

/// Titles of the result cards, in order.
pub fn titles(html: &str) -> Vec<String> {
    texts(html, ".listing-card__title")
}

async fn titles_for(app: &TestApp, query: &str) -> Vec<String> {
    titles(&page(app, query).await)
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

#[tokio::test]
async fn location_search_matches_city_prefix_country_and_title_words() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    fixtures::listing(&app, host, spec("Canal loft", "Amsterdam", "Netherlands")).await;
    fixtures::listing(&app, host, spec("Tiled cottage", "Lisbon", "Portugal")).await;
    fixtures::listing(&app, host, spec("Harbour flat", "Porto", "Portugal")).await;

    assert_eq!(titles_for(&app, "location=amster").await, ["Canal loft"]);
    assert_eq!(
        sorted(titles_for(&app, "location=Portugal").await),
        ["Harbour flat", "Tiled cottage"]
    );
    assert_eq!(
        titles_for(&app, "location=cottage").await,
        ["Tiled cottage"]
    );
    assert_eq!(
        titles_for(&app, "location=Lisbon%20Portugal").await,
        ["Tiled cottage"]
    );
    assert!(titles_for(&app, "location=Madrid").await.is_empty());
    assert_eq!(titles_for(&app, "location=").await.len(), 3);
}

#[tokio::test]
async fn dates_exclude_listings_blocked_or_booked_on_overlapping_nights_but_not_adjacent_ones() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let guest = fixtures::user(&app, "guest@example.com", false).await;
    let blocked = fixtures::listing(&app, host, spec("Blocked", "Oslo", "Norway")).await;
    let booked = fixtures::listing(&app, host, spec("Booked", "Oslo", "Norway")).await;
    let before = fixtures::listing(&app, host, spec("Left before", "Oslo", "Norway")).await;
    let after = fixtures::listing(&app, host, spec("Arrives after", "Oslo", "Norway")).await;
    fixtures::listing(&app, host, spec("Free", "Oslo", "Norway")).await;
    let (check_in, check_out) = (day(30), day(33));
    block(&app, blocked, day(32), day(40)).await;
    book(&app, booked, guest, day(28), day(31)).await;
    // Adjacent stays: one leaves on our check-in day, one arrives on our check-out day.
    book(&app, before, guest, day(27), check_in).await;
    block(&app, after, check_out, day(36)).await;

    let found = titles_for(
        &app,
        &format!("location=Oslo&check_in={check_in}&check_out={check_out}"),
    )
    .await;
    assert_eq!(sorted(found), ["Arrives after", "Free", "Left before"]);
}

#[tokio::test]
async fn dates_respect_each_listings_minimum_and_maximum_nights() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let long = ListingSpec {
        min_nights: 5,
        ..spec("Long stays only", "Oslo", "Norway")
    };
    let short = ListingSpec {
        max_nights: 2,
        ..spec("Short stays only", "Oslo", "Norway")
    };
    fixtures::listing(&app, host, long).await;
    fixtures::listing(&app, host, short).await;

    let three = format!("check_in={}&check_out={}", day(10), day(13));
    assert!(titles_for(&app, &three).await.is_empty());
    let two = format!("check_in={}&check_out={}", day(10), day(12));
    assert_eq!(titles_for(&app, &two).await, ["Short stays only"]);
    let six = format!("check_in={}&check_out={}", day(10), day(16));
    assert_eq!(titles_for(&app, &six).await, ["Long stays only"]);
}

#[tokio::test]
async fn guests_keep_only_listings_that_welcome_that_many() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for (title, max_guests) in [("Two", 2), ("Six", 6), ("Ten", 10)] {
        let listing = ListingSpec {
            max_guests,
            ..spec(title, "Oslo", "Norway")
        };
        fixtures::listing(&app, host, listing).await;
    }
    assert_eq!(sorted(titles_for(&app, "guests=6").await), ["Six", "Ten"]);
    assert_eq!(titles_for(&app, "guests=7").await, ["Ten"]);
}

#[tokio::test]
async fn the_price_range_compares_nightly_prices_in_each_listings_currency() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for (title, price, currency) in [
        ("Eighty euros", 8_000, "EUR"),
        ("Hundred twenty euros", 12_000, "EUR"),
        ("Two hundred euros", 20_000, "EUR"),
        ("Fifteen thousand yen", 15_000, "JPY"),
    ] {
        let listing = ListingSpec {
            nightly_price: price,
            currency: currency.into(),
            ..spec(title, "Oslo", "Norway")
        };
        fixtures::listing(&app, host, listing).await;
    }
    assert_eq!(
        titles_for(&app, "min_price=100&max_price=150").await,
        ["Hundred twenty euros"]
    );
    assert_eq!(
        sorted(titles_for(&app, "max_price=120.00").await),
        ["Eighty euros", "Hundred twenty euros"]
    );
    assert_eq!(
        titles_for(&app, "min_price=10000").await,
        ["Fifteen thousand yen"]
    );
}

#[tokio::test]
async fn property_type_and_bedrooms_narrow_the_results() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for (title, kind, bedrooms) in [
        ("Small cabin", "cabin", 1),
        ("Big cabin", "cabin", 4),
        ("Big villa", "villa", 5),
    ] {
        let listing = ListingSpec {
            property_type: kind.into(),
            bedrooms,
            ..spec(title, "Oslo", "Norway")
        };
        fixtures::listing(&app, host, listing).await;
    }
    assert_eq!(
        sorted(titles_for(&app, "property_type=cabin").await),
        ["Big cabin", "Small cabin"]
    );
    assert_eq!(
        sorted(titles_for(&app, "bedrooms=4").await),
        ["Big cabin", "Big villa"]
    );
    assert_eq!(
        titles_for(&app, "property_type=cabin&bedrooms=2").await,
        ["Big cabin"]
    );
}

#[tokio::test]
async fn amenities_keep_only_listings_that_have_all_of_them() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let both = fixtures::listing(&app, host, spec("Pool and wifi", "Oslo", "Norway")).await;
    let wifi = fixtures::listing(&app, host, spec("Wifi only", "Oslo", "Norway")).await;
    fixtures::listing(&app, host, spec("Nothing", "Oslo", "Norway")).await;
    give_amenities(&app, both, &["wifi", "pool", "kitchen"]).await;
    give_amenities(&app, wifi, &["wifi"]).await;

    assert_eq!(
        sorted(titles_for(&app, "amenities=wifi").await),
        ["Pool and wifi", "Wifi only"]
    );
    assert_eq!(
        titles_for(&app, "amenities=wifi&amenities=pool").await,
        ["Pool and wifi"]
    );
    // The form keeps the boxes ticked.
    let html = page(&app, "amenities=wifi&amenities=pool").await;
    assert!(html.contains(r#"value="pool" checked"#));
}

#[tokio::test]
async fn results_are_sorted_by_price_rating_or_newest() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let cheap = ListingSpec {
        nightly_price: 5_000,
        ..spec("Cheap", "Oslo", "Norway")
    };
    let mid = ListingSpec {
        nightly_price: 9_000,
        ..spec("Mid", "Oslo", "Norway")
    };
    let dear = ListingSpec {
        nightly_price: 30_000,
        ..spec("Dear", "Oslo", "Norway")
    };
    let cheap = fixtures::listing(&app, host, cheap).await;
    let mid = fixtures::listing(&app, host, mid).await;
    let dear = fixtures::listing(&app, host, dear).await;
    sql(
        &app,
        &format!("UPDATE listings SET review_count = 4, rating_sum = 19 WHERE id = {mid}"),
    )
    .await;
    sql(
        &app,
        &format!("UPDATE listings SET review_count = 2, rating_sum = 8 WHERE id = {dear}"),
    )
    .await;
    for (id, days_ago) in [(cheap, 1), (mid, 30), (dear, 10)] {
        sql(
            &app,
            &format!(
                "UPDATE listings SET published_at = now() - interval '{days_ago} days' WHERE id = {id}"
            ),
        )
        .await;
    }
    assert_eq!(
        titles_for(&app, "sort=price_asc").await,
        ["Cheap", "Mid", "Dear"]
    );
    assert_eq!(
        titles_for(&app, "sort=price_desc").await,
        ["Dear", "Mid", "Cheap"]
    );
    assert_eq!(
        titles_for(&app, "sort=rating").await,
        ["Mid", "Dear", "Cheap"]
    );
    assert_eq!(
        titles_for(&app, "sort=newest").await,
        ["Cheap", "Dear", "Mid"]
    );
    // The unrated listing says it is new; the rated ones show their average.
    let html = page(&app, "sort=rating").await;
    let ratings = texts(&html, ".listing-card .rating");
    assert!(ratings[0].starts_with("4.75"), "{ratings:?}");
    assert_eq!(ratings[2], "New");
}

#[tokio::test]
async fn results_come_twenty_per_page_with_links_between_pages() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for n in 0..23 {
        let listing = ListingSpec {
            nightly_price: 10_000 + n,
            ..spec(&format!("Stay {n:02}"), "Oslo", "Norway")
        };
        fixtures::listing(&app, host, listing).await;
    }
    let first = page(&app, "location=oslo&sort=price_asc").await;
    assert_eq!(titles(&first).len(), 20);
    assert!(first.contains(r#"rel="next""#));
    assert!(first.contains("page=2"));
    assert!(!first.contains(r#"rel="prev""#));
    let second = page(&app, "location=oslo&sort=price_asc&page=2").await;
    assert_eq!(titles(&second), ["Stay 20", "Stay 21", "Stay 22"]);
    assert!(second.contains(r#"rel="prev""#));
    assert!(!second.contains(r#"rel="next""#));
}

#[tokio::test]
async fn htmx_gets_the_results_fragment_and_a_plain_request_the_whole_page() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    fixtures::listing(&app, host, spec("Canal loft", "Amsterdam", "Netherlands")).await;

    let full = page(&app, "location=amsterdam").await;
    assert!(full.starts_with("<!doctype html>"));
    assert!(full.contains(r#"id="search-filters""#));
    assert!(full.contains(r#"hx-push-url="true""#));

    let response = app
        .client
        .get(app.url("/search?location=amsterdam&guests=0"))
        .header("HX-Request", "true")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["vary"], "HX-Request, HX-Target");
    let fragment = response.text().await.expect("body");
    assert!(!fragment.contains("<html"));
    assert!(!fragment.contains(r#"id="search-filters""#));
    assert!(fragment.contains(r#"id="search-results""#));
    assert_eq!(titles(&fragment), ["Canal loft"]);
    // The messages beside the filters are refreshed out of band.
    assert!(fragment.contains(r#"id="filter-error-guests" hx-swap-oob="true">Guests must be"#));
}

#[tokio::test]
async fn bad_parameters_still_render_the_page_with_a_message_beside_each_filter() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    fixtures::listing(&app, host, spec("Canal loft", "Amsterdam", "Netherlands")).await;
    let query = format!(
        "check_in={}&check_out={}&guests=0&min_price=cheap&max_price=-5&property_type=castle\
         &amenities=moat&bedrooms=lots&sort=random&page=-3&location=%27%3A*%26%7C",
        day(9),
        day(5)
    );
    let html = page(&app, &query).await;
    for field in [
        "check_out",
        "guests",
        "min_price",
        "max_price",
        "property_type",
        "amenities",
        "bedrooms",
        "sort",
    ] {
        let message = texts(&html, &format!("#filter-error-{field}"));
        assert!(
            <[String]>::first(&message).is_some_and(|m| !m.is_empty()),
            "no message beside {field}"
        );
    }
    assert!(html.contains("Check-out must be after check-in."));
    // What was typed is kept, and the valid part of the search still ran.
    assert!(html.contains(r#"value="cheap""#));
    assert_eq!(titles(&html), ["Canal loft"]);
    for query in [
        "guests=99999999999999999999",
        "page=1e9",
        "check_in=2020-01-01&check_out=x",
    ] {
        page(&app, query).await;
    }
}

#[tokio::test]
async fn an_empty_result_explains_itself_and_offers_to_widen_the_search() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let loft = fixtures::listing(&app, host, spec("Canal loft", "Amsterdam", "Netherlands")).await;
    block(&app, loft, day(10), day(20)).await;
    let html = page(
        &app,
        &format!(
            "location=amsterdam&check_in={}&check_out={}&amenities=pool",
            day(12),
            day(14)
        ),
    )
    .await;
    assert!(titles(&html).is_empty());
    assert!(html.contains("No stays match your search"));
    let links = texts(&html, ".empty-state a");
    assert!(
        links.contains(&"Search without dates".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"Remove the amenities".to_string()));
    assert!(links.contains(&"Search everywhere".to_string()));
    // Following "without dates" and "without amenities" finds the loft again.
    let widened = page(&app, "location=amsterdam").await;
    assert_eq!(titles(&widened), ["Canal loft"]);
}

#[tokio::test]
async fn only_published_listings_are_found() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    for (title, status) in [
        ("Live", "published"),
        ("Draft", "draft"),
        ("Hidden", "unlisted"),
    ] {
        let listing = ListingSpec {
            status: status.into(),
            ..spec(title, "Oslo", "Norway")
        };
        fixtures::listing(&app, host, listing).await;
    }
    assert_eq!(titles_for(&app, "location=oslo").await, ["Live"]);
}

#[tokio::test]
async fn cards_show_the_nightly_price_and_the_total_for_the_stay_from_the_pricing_function() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = ListingSpec::default();
    fixtures::listing(&app, host, listing.clone()).await;
    let html = page(&app, &format!("check_in={}&check_out={}", day(20), day(27))).await;
    let rates = Rates {
        nightly_price: listing.nightly_price,
        cleaning_fee: listing.cleaning_fee,
        weekly_discount_pct: listing.weekly_discount_pct,
        monthly_discount_pct: listing.monthly_discount_pct,
        currency: listing.currency.clone(),
    };
    let quote = pricing::quote(&rates, 7, &PricingPolicy::default());
    let price = texts(&html, ".listing-card__price");
    assert_eq!(
        price,
        [format!(
            "€120.00 night · {} total for 7 nights",
            roost::money::format(quote.total_amount, "EUR")
        )]
    );
    // Without a photo the card shows a placeholder.
    assert!(html.contains("listing-card__placeholder"));
}

#[tokio::test]
async fn the_home_page_features_published_listings() {
    let app = TestApp::spawn().await;
    let empty = app.get("/").await.text().await.expect("body");
    assert!(empty.contains("No stays are listed yet"));
    let host = fixtures::user(&app, "host@example.com", true).await;
    let loft = fixtures::listing(&app, host, spec("Canal loft", "Amsterdam", "Netherlands")).await;
    sql(
        &app,
        &format!("UPDATE listings SET review_count = 3, rating_sum = 14 WHERE id = {loft}"),
    )
    .await;
    let draft = ListingSpec {
        status: "draft".into(),
        ..spec("Unfinished draft", "Oslo", "Norway")
    };
    fixtures::listing(&app, host, draft).await;
    for n in 0..9 {
        fixtures::listing(&app, host, spec(&format!("Extra {n}"), "Oslo", "Norway")).await;
    }
    let html = app.get("/").await.text().await.expect("body");
    let featured = titles(&html);
    assert_eq!(featured.len(), 8, "{featured:?}");
    assert_eq!(featured[0], "Canal loft", "the best rated comes first");
    assert!(!featured.contains(&"Unfinished draft".to_string()));
    assert!(html.contains(r#"action="/search""#));
}

#[derive(diesel::QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = BigInt)]
    listing_price: i64,
    #[diesel(sql_type = BigInt)]
    listing_cleaning: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    weekly: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    monthly: i32,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    nights: i32,
    #[diesel(sql_type = BigInt)]
    base_amount: i64,
    #[diesel(sql_type = BigInt)]
    discount_amount: i64,
    #[diesel(sql_type = BigInt)]
    service_fee: i64,
    #[diesel(sql_type = BigInt)]
    total_amount: i64,
    #[diesel(sql_type = BigInt)]
    host_payout: i64,
}

#[tokio::test]
async fn the_demo_seed_makes_searchable_stays_whose_bookings_are_priced_like_the_pricing_function()
{
    use roost::seed::stays::{Plan, stays};
    let app = TestApp::spawn().await;
    let storage: roost::storage::Storage = std::sync::Arc::new(roost::storage::LocalDisk::new(
        app.config.data_dir.join("uploads"),
    ));
    let mut conn = roost::db::connect(&app.database_url)
        .await
        .expect("connect");
    let plan = Plan {
        listings: 80,
        bookings: 600,
    };
    let made = stays(&mut conn, &storage, plan).await.expect("seed");
    assert_eq!(made.listings, 80);
    assert_eq!(made.bookings, 600);
    assert!(made.calendar_entries > 500, "{made:?}");
    // Every demo stay tells its guests how to get in (shown once a stay is confirmed).
    let without_instructions: i64 = {
        use diesel::{ExpressionMethods, QueryDsl};
        use diesel_async::RunQueryDsl;
        roost::schema::listings::table
            .filter(roost::schema::listings::check_in_instructions.eq(""))
            .count()
            .get_result(&mut conn)
            .await
            .expect("count")
    };
    assert_eq!(without_instructions, 0);

    let snapshots: Vec<Snapshot> = diesel::sql_query(
        "SELECT l.nightly_price AS listing_price, l.cleaning_fee AS listing_cleaning, \
         l.weekly_discount_pct AS weekly, l.monthly_discount_pct AS monthly, b.currency, \
         b.nights, b.base_amount, b.discount_amount, b.service_fee, b.total_amount, b.host_payout \
         FROM bookings b JOIN listings l ON l.id = b.listing_id",
    )
    .load(&mut conn)
    .await
    .expect("bookings");
    assert_eq!(snapshots.len(), 600);
    for b in &snapshots {
        let rates = Rates {
            nightly_price: b.listing_price,
            cleaning_fee: b.listing_cleaning,
            weekly_discount_pct: b.weekly,
            monthly_discount_pct: b.monthly,
            currency: b.currency.clone(),
        };
        let q = pricing::quote(&rates, b.nights, &PricingPolicy::default());
        assert_eq!(
            (
                q.base_amount,
                q.discount_amount,
                q.service_fee,
                q.total_amount,
                q.host_payout
            ),
            (
                b.base_amount,
                b.discount_amount,
                b.service_fee,
                b.total_amount,
                b.host_payout
            )
        );
    }

    // Every seeded listing with photos has its first photo as cover, as hosts' listings do.
    #[derive(diesel::QueryableByName)]
    struct Missing {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let missing: Missing = diesel::sql_query(
        "SELECT count(*) AS n FROM listings l WHERE l.cover_photo_id IS NULL \
         AND EXISTS (SELECT 1 FROM listing_photos p WHERE p.listing_id = l.id)",
    )
    .get_result(&mut conn)
    .await
    .expect("count");
    assert_eq!(missing.n, 0, "seeded listings have a cover photo");

    // A seeded stay is completed only once it is over wherever its listing is (its check-out
    // day before today in UTC), and checked in only once it has begun everywhere: a stay
    // ending today in Miami is not over yet, and its review would not be open.
    let early: Missing = diesel::sql_query(
        "SELECT count(*) AS n FROM bookings \
         WHERE (status = 'completed' AND check_out >= (now() AT TIME ZONE 'UTC')::date) \
            OR (status = 'checked_in' AND check_in >= (now() AT TIME ZONE 'UTC')::date)",
    )
    .get_result(&mut conn)
    .await
    .expect("count");
    assert_eq!(
        early.n, 0,
        "no seeded stay is over or begun before its time"
    );

    // The seeded stays are found, with their placeholder photos served from storage.
    let html = page(&app, "sort=newest").await;
    assert_eq!(titles(&html).len(), 20);
    let document = scraper::Html::parse_document(&html);
    let image = scraper::Selector::parse("img.listing-card__photo").expect("selector");
    let src = document
        .select(&image)
        .next()
        .and_then(|img| img.value().attr("src"))
        .expect("a card photo")
        .to_string();
    assert!(src.starts_with("/media/seed/"), "{src}");
    let photo = app.get(&src).await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let link = scraper::Selector::parse(".listing-card > a").expect("selector");
    let href = document
        .select(&link)
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("a card link")
        .to_string();
    let listing = app.get(&href).await;
    assert_eq!(listing.status(), 200);
    assert!(
        listing
            .text()
            .await
            .expect("body")
            .contains("gallery__item")
    );
}

/// Live filtering waits for the typing to stop (a typed date changes at every digit of its year,
/// and each request would push a URL into the history) and queues rather than aborts.
#[tokio::test]
async fn live_filtering_is_debounced_and_queued() {
    let app = TestApp::spawn().await;
    let html = page(&app, "").await;
    let form = "#search-filters";
    let trigger = attribute(&html, form, "hx-trigger").expect("hx-trigger");
    assert_eq!(trigger.split(", ").next(), Some("submit"), "{trigger}");
    assert!(trigger.contains("change delay:"), "{trigger}");
    assert_eq!(
        attribute(&html, form, "hx-sync").as_deref(),
        Some("this:queue last")
    );
    assert_eq!(
        attribute(&html, form, "hx-push-url").as_deref(),
        Some("true")
    );
}
