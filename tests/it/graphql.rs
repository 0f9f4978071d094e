//! GraphQL at `/graphql` over HTTP: the guest journey (search → listing with reviews → quote →
//! book → pay → cancel), what nobody may read (another guest's booking, a draft listing: top
//! level and nested), the CSRF header and GET-never-mutates, the limits with their codes, the
//! number of statements of the nested listings query, and the committed SDL.

use chrono::{Duration, Utc};
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::{
    api::{Client, json_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// Runs `query` with `variables` over POST (with the CSRF header) and returns the response body.
pub async fn gql(client: &Client, query: &str, variables: Value) -> Value {
    json_of(
        client
            .send(
                "POST",
                "/graphql",
                Some(json!({"query": query, "variables": variables})),
            )
            .await,
        200,
    )
    .await
}

/// The data of an answer that must have no errors.
pub fn data(answer: &Value) -> &Value {
    assert!(answer["errors"].is_null(), "unexpected errors: {answer}");
    &answer["data"]
}

/// The code of the answer's first error.
pub fn first_code(answer: &Value) -> String {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {answer}"))
        .to_string()
}

pub fn day(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Gives the listing three photos and three amenities.
pub async fn furnish(app: &TestApp, listing_id: i64) {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(format!(
        "INSERT INTO listing_photos (listing_id, image_key, thumb_key, width, height, position, caption) \
         SELECT {listing_id}, 'listings/p' || n || '.jpg', 'listings/t' || n || '.jpg', 800, 600, n, 'Room ' || n \
         FROM generate_series(1, 3) AS n"
    ))
    .execute(&mut conn)
    .await
    .expect("photos");
    diesel::sql_query(format!(
        "INSERT INTO listing_amenities (listing_id, amenity_id) \
         SELECT {listing_id}, id FROM amenities ORDER BY position LIMIT 3"
    ))
    .execute(&mut conn)
    .await
    .expect("amenities");
}

const LISTING_PAGE: &str = "query Listing($id: ID!) {
  listing(id: $id) {
    id title status description cancellationPolicy
    nightlyPrice { amountMinor currency formatted }
    host { name bio memberSince }
    photos { url thumbnailUrl caption }
    amenities { slug name }
    reviewCount rating
    reviews(first: 3) { rating comment publishedAt author { name } }
  }
}";

#[tokio::test]
async fn a_guest_searches_reads_quotes_books_pays_and_cancels_through_graphql() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    furnish(&app, listing).await;
    let reviewer = fixtures::user(&app, "rita@example.com", false).await;
    fixtures::published_review(&app, listing, host, reviewer, 5).await;
    fixtures::user(&app, "gus@example.com", false).await;
    let guest = Client::signed_in(&app, "gus@example.com").await;

    let found = gql(
        &guest,
        "{ listings(location: \"Amsterdam\", first: 5) {
             edges { cursor node { id title city nightlyPrice { amountMinor currency formatted } } }
             pageInfo { hasNextPage hasPreviousPage endCursor } } }",
        json!({}),
    )
    .await;
    let edges = &data(&found)["listings"]["edges"];
    assert_eq!(edges[0]["node"]["id"], listing.to_string(), "{found}");
    assert_eq!(edges[0]["node"]["nightlyPrice"]["amountMinor"], 12_000);
    assert_eq!(edges[0]["node"]["nightlyPrice"]["currency"], "EUR");
    assert_eq!(found["data"]["listings"]["pageInfo"]["hasNextPage"], false);

    let page = gql(&guest, LISTING_PAGE, json!({"id": listing.to_string()})).await;
    let shown = &data(&page)["listing"];
    assert_eq!(shown["status"], "published");
    assert_eq!(shown["host"]["name"], "host");
    assert_eq!(shown["photos"].as_array().map(Vec::len), Some(3), "{page}");
    assert_eq!(
        shown["amenities"].as_array().map(Vec::len),
        Some(3),
        "{page}"
    );
    assert_eq!(shown["reviews"][0]["rating"], 5);
    assert_eq!(shown["reviews"][0]["author"]["name"], "rita");
    // A host is a public profile: there is no address or phone to ask for.
    let nosy = gql(
        &guest,
        "query($id: ID!) { listing(id: $id) { host { email } } }",
        json!({"id": listing.to_string()}),
    )
    .await;
    assert_eq!(first_code(&nosy), "BAD_REQUEST", "{nosy}");

    let (check_in, check_out) = (day(30), day(33));
    let quoted = gql(
        &guest,
        "query($id: ID!, $in: String!, $out: String!) {
           quote(listingId: $id, checkIn: $in, checkOut: $out, guests: 2) {
             nights base { amountMinor } total { amountMinor formatted } listing { title } } }",
        json!({"id": listing.to_string(), "in": check_in, "out": check_out}),
    )
    .await;
    let quote = &data(&quoted)["quote"];
    assert_eq!(quote["nights"], 3);
    assert_eq!(quote["base"]["amountMinor"], 36_000);
    let total = quote["total"]["amountMinor"].as_i64().expect("total");
    assert!(total > 36_000, "{quoted}");

    const BOOK: &str = "mutation($id: ID!, $in: String!, $out: String!, $key: String!) {
      book(listingId: $id, checkIn: $in, checkOut: $out, guests: 2, idempotencyKey: $key) {
        id status checkIn checkOut price { total { amountMinor } } amountDue { amountMinor } } }";
    let variables = json!({"id": listing.to_string(), "in": check_in, "out": check_out,
                           "key": "graphql-journey-1"});
    let booked = gql(&guest, BOOK, variables.clone()).await;
    let booking = data(&booked)["book"].clone();
    assert_eq!(booking["status"], "pending_payment");
    assert_eq!(booking["checkIn"], check_in);
    assert_eq!(
        booking["price"]["total"]["amountMinor"], total,
        "the quoted price"
    );
    assert_eq!(booking["amountDue"]["amountMinor"], total);
    let again = gql(&guest, BOOK, variables).await;
    assert_eq!(
        data(&again)["book"]["id"],
        booking["id"],
        "one booking per key"
    );

    let paid = gql(
        &guest,
        "mutation($id: ID!) { payBooking(bookingId: $id, cardNumber: \"4242 4242 4242 4242\",
           expiry: \"12/40\", cvc: \"123\") { clientSecret booking { status amountDue { amountMinor }
           payments { kind status amount { amountMinor } } history { toStatus } } } }",
        json!({"id": booking["id"]}),
    )
    .await;
    let after_payment = &data(&paid)["payBooking"]["booking"];
    assert_eq!(after_payment["status"], "confirmed", "{paid}");
    assert!(after_payment["amountDue"].is_null());
    assert_eq!(after_payment["payments"][0]["kind"], "charge");
    assert_eq!(after_payment["payments"][0]["amount"]["amountMinor"], total);

    let trips = gql(
        &guest,
        "{ viewer { profile { email } trips { id status } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        data(&trips)["viewer"]["profile"]["email"],
        "gus@example.com"
    );
    assert_eq!(trips["data"]["viewer"]["trips"][0]["id"], booking["id"]);

    let preview = gql(
        &guest,
        "query($id: ID!) { cancellationPreview(bookingId: $id) { cancellable rule
           refund { amountMinor } } }",
        json!({"id": booking["id"]}),
    )
    .await;
    let preview = &data(&preview)["cancellationPreview"];
    assert_eq!(preview["cancellable"], true);
    let refund = preview["refund"]["amountMinor"].as_i64().expect("refund");
    assert!(refund > 0, "a moderate stay a month away: {preview}");

    let cancelled = gql(
        &guest,
        "mutation($id: ID!, $refund: Int) { cancelBooking(bookingId: $id,
           expectedRefundMinor: $refund) { refunded { amountMinor } booking { status canCancel } } }",
        json!({"id": booking["id"], "refund": refund}),
    )
    .await;
    let cancelled = &data(&cancelled)["cancelBooking"];
    assert_eq!(cancelled["booking"]["status"], "cancelled_by_guest");
    assert_eq!(cancelled["refunded"]["amountMinor"], refund);
    assert_eq!(cancelled["booking"]["canCancel"], false);
}

#[tokio::test]
async fn another_guests_booking_and_a_draft_listing_are_unreadable_at_the_top_and_nested() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let draft = fixtures::listing(
        &app,
        host,
        ListingSpec {
            title: "Secret draft".into(),
            status: "draft".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    fixtures::user(&app, "ana@example.com", false).await;
    fixtures::user(&app, "bob@example.com", false).await;
    let ana = Client::signed_in(&app, "ana@example.com").await;
    let bob = Client::signed_in(&app, "bob@example.com").await;
    let visitor = Client::visitor(&app).await;
    let host_client = Client::signed_in(&app, "host@example.com").await;

    let booked = gql(
        &ana,
        "mutation($id: ID!, $in: String!, $out: String!) { book(listingId: $id, checkIn: $in,
           checkOut: $out, guests: 1, idempotencyKey: \"ana-1\") { id } }",
        json!({"id": listing.to_string(), "in": day(20), "out": day(22)}),
    )
    .await;
    let booking = data(&booked)["book"]["id"].clone();

    // Bob reads nothing of Ana's booking, whichever way he asks.
    for query in [
        "query($id: ID!) { booking(id: $id) { id status } }",
        "query($id: ID!) { cancellationPreview(bookingId: $id) { refund { amountMinor } } }",
    ] {
        let answer = gql(&bob, query, json!({"id": booking})).await;
        assert_eq!(first_code(&answer), "NOT_FOUND", "{query}: {answer}");
        let data = answer["data"]
            .as_object()
            .unwrap_or_else(|| panic!("data in {answer}"));
        assert!(data.values().all(Value::is_null), "{answer}");
    }
    let cancel = gql(
        &bob,
        "mutation($id: ID!) { cancelBooking(bookingId: $id) { booking { status } } }",
        json!({"id": booking}),
    )
    .await;
    assert_eq!(first_code(&cancel), "NOT_FOUND", "{cancel}");
    let trips = gql(&bob, "{ viewer { trips { id } } }", json!({})).await;
    assert_eq!(data(&trips)["viewer"]["trips"], json!([]));
    let mine = gql(
        &ana,
        "query($id: ID!) { booking(id: $id) { status } }",
        json!({"id": booking}),
    )
    .await;
    assert_eq!(data(&mine)["booking"]["status"], "pending_payment");

    // A draft is nobody's business but its host's: not by id, not by search, not through a
    // quote or the wishlist.
    for client in [&visitor, &bob] {
        let answer = gql(
            client,
            "query($id: ID!) { listing(id: $id) { title } }",
            json!({"id": draft.to_string()}),
        )
        .await;
        assert_eq!(first_code(&answer), "NOT_FOUND", "{answer}");
        assert!(answer["data"]["listing"].is_null());
        let quoted = gql(
            client,
            "query($id: ID!, $in: String!, $out: String!) { quote(listingId: $id, checkIn: $in,
               checkOut: $out) { total { amountMinor } listing { title } } }",
            json!({"id": draft.to_string(), "in": day(10), "out": day(12)}),
        )
        .await;
        assert_eq!(first_code(&quoted), "NOT_FOUND", "{quoted}");
        let searched = gql(
            client,
            "{ listings(first: 50) { edges { node { id title } } } }",
            json!({}),
        )
        .await;
        let titles = data(&searched)["listings"]["edges"].to_string();
        assert!(!titles.contains("Secret draft"), "{titles}");
    }
    let saved = gql(
        &bob,
        "mutation($id: ID!) { toggleFavourite(listingId: $id) { saved } }",
        json!({"id": draft.to_string()}),
    )
    .await;
    assert_eq!(first_code(&saved), "NOT_FOUND", "{saved}");
    let own = gql(
        &host_client,
        "query($id: ID!) { listing(id: $id) { title status } }",
        json!({"id": draft.to_string()}),
    )
    .await;
    assert_eq!(data(&own)["listing"]["status"], "draft");

    // Once the booked listing goes back to draft, Ana's booking no longer leads to it.
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(format!(
        "UPDATE listings SET status = 'draft' WHERE id = {listing}"
    ))
    .execute(&mut conn)
    .await
    .expect("unpublish");
    let nested = gql(
        &ana,
        "query($id: ID!) { booking(id: $id) { listingTitle listing { title description } } }",
        json!({"id": booking}),
    )
    .await;
    assert!(data(&nested)["booking"]["listing"].is_null(), "{nested}");
}

#[tokio::test]
async fn a_mutation_needs_post_with_the_csrf_header() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "ana@example.com", false).await;
    let ana = Client::signed_in(&app, "ana@example.com").await;
    let toggle = format!("mutation {{ toggleFavourite(listingId: \"{listing}\") {{ saved }} }}");

    let without_header = ana
        .browser
        .client
        .post(ana.browser.url("/graphql"))
        .json(&json!({"query": toggle}))
        .send()
        .await
        .expect("POST");
    assert_eq!(without_header.status(), 403);
    let over_get = ana
        .browser
        .client
        .get(ana.browser.url("/graphql"))
        .query(&[("query", toggle.as_str())])
        .header("X-CSRF-Token", &ana.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(over_get.status(), 405);
    assert_eq!(
        first_code(&json_of_any(over_get).await),
        "MUTATION_OVER_GET"
    );
    let wishlist = gql(&ana, "{ viewer { wishlist { id } } }", json!({})).await;
    assert_eq!(
        data(&wishlist)["viewer"]["wishlist"],
        json!([]),
        "nothing changed"
    );

    // Queries may use GET (for caches); the mutation with its header works.
    let read = ana
        .browser
        .client
        .get(ana.browser.url("/graphql"))
        .query(&[("query", "{ viewer { wishlist { id } } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(read.status(), 200);
    let saved = gql(&ana, &toggle, json!({})).await;
    assert_eq!(data(&saved)["toggleFavourite"]["saved"], true);
}

/// A JSON body, whatever the status.
pub async fn json_of_any(response: reqwest::Response) -> Value {
    let body = response.text().await.expect("body");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

#[tokio::test]
async fn depth_complexity_page_size_and_text_size_are_limited_with_their_codes() {
    let app = TestApp::spawn().await;
    let visitor = Client::visitor(&app).await;

    let too_many = gql(
        &visitor,
        "{ listings(first: 51) { edges { cursor } } }",
        json!({}),
    )
    .await;
    assert_eq!(first_code(&too_many), "PAGE_SIZE_LIMIT", "{too_many}");

    let costly = gql(
        &visitor,
        "{ listings(first: 50) { edges { node { id title reviews(first: 20) {
             id rating comment publishedAt hostReply author { id name bio avatarUrl memberSince } } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(first_code(&costly), "COMPLEXITY_LIMIT", "{costly}");

    let deep = format!(
        "{{ __schema {{ types {{ {}name{} }} }} }}",
        "ofType { ".repeat(16),
        " }".repeat(16)
    );
    let deep = gql(&visitor, &deep, json!({})).await;
    assert_eq!(first_code(&deep), "DEPTH_LIMIT", "{deep}");

    let padded = format!(
        "{{ listings {{ edges {{ cursor }} }} }} #{}",
        "x".repeat(40_000)
    );
    let large = visitor
        .send("POST", "/graphql", Some(json!({"query": padded})))
        .await;
    assert_eq!(large.status(), 413);
    assert_eq!(first_code(&json_of_any(large).await), "QUERY_TOO_LARGE");

    let unknown = gql(&visitor, "{ listings { nope } }", json!({})).await;
    assert_eq!(first_code(&unknown), "BAD_REQUEST", "{unknown}");
}

#[tokio::test]
async fn production_turns_introspection_and_graphiql_off() {
    let app = TestApp::spawn_with_config(|config| config.graphql_tools = false).await;
    let visitor = Client::visitor(&app).await;
    let introspection = gql(&visitor, "{ __schema { types { name } } }", json!({})).await;
    assert_eq!(
        first_code(&introspection),
        "INTROSPECTION_DISABLED",
        "{introspection}"
    );
    let page = visitor
        .browser
        .client
        .get(visitor.browser.url("/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 400, "no GraphiQL");
    // Queries still work.
    let listed = gql(&visitor, "{ listings { edges { cursor } } }", json!({})).await;
    assert_eq!(data(&listed)["listings"]["edges"], json!([]));
}

#[test]
fn the_committed_schema_is_the_codes_schema() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repository's root");
    assert!(
        committed == roost::graphql::sdl(),
        "schema.graphql differs from the code's schema: run `cargo run -- graphql-schema > schema.graphql` and commit it"
    );
}

const NESTED: &str = "query($first: Int!) {
  listings(first: $first) {
    edges { cursor node {
      id title city nightlyPrice { amountMinor currency formatted } rating reviewCount
      host { name avatarUrl memberSince }
      coverPhoto { url width height }
      amenities { slug name }
      reviews(first: 3) { rating comment publishedAt author { name avatarUrl } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}";

#[tokio::test]
async fn the_nested_query_of_twenty_listings_runs_a_few_statements_whatever_the_page_size() {
    let app = TestApp::spawn().await;
    let mut hosts = Vec::new();
    for n in 0..4 {
        hosts.push(fixtures::user(&app, &format!("host{n}@example.com"), true).await);
    }
    let reviewers = [
        fixtures::user(&app, "rita@example.com", false).await,
        fixtures::user(&app, "remy@example.com", false).await,
    ];
    for n in 0..20 {
        let host = hosts[n % hosts.len()];
        let listing = fixtures::listing(
            &app,
            host,
            ListingSpec {
                title: format!("Stay number {n}"),
                ..ListingSpec::default()
            },
        )
        .await;
        furnish(&app, listing).await;
        for reviewer in reviewers {
            fixtures::published_review(&app, listing, host, reviewer, 4).await;
        }
    }
    let visitor = Client::visitor(&app).await;
    let mut counts = Vec::new();
    for first in [5, 20] {
        // Twice at once to warm the pools (each relation's batch takes a connection of its
        // own) and the amenity catalogue, then counted.
        tokio::join!(
            gql(&visitor, NESTED, json!({"first": first})),
            gql(&visitor, NESTED, json!({"first": first}))
        );
        let (answer, statements) = app
            .statements_during(gql(&visitor, NESTED, json!({"first": first})))
            .await;
        let edges = data(&answer)["listings"]["edges"]
            .as_array()
            .expect("edges")
            .clone();
        assert_eq!(edges.len(), first, "{answer}");
        let node = &edges[0]["node"];
        assert_eq!(
            node["amenities"].as_array().map(Vec::len),
            Some(3),
            "{answer}"
        );
        assert_eq!(
            node["reviews"].as_array().map(Vec::len),
            Some(2),
            "{answer}"
        );
        assert!(node["reviews"][0]["author"]["name"].is_string(), "{answer}");
        assert!(node["coverPhoto"]["url"].is_string(), "{answer}");
        assert!(node["host"]["name"].is_string(), "{answer}");
        assert!(statements.count() <= 6, "{statements}");
        counts.push(statements.count());
    }
    assert_eq!(
        counts[0], counts[1],
        "the same statements for 5 listings as for 20"
    );
}

#[tokio::test]
async fn graphiql_is_served_in_development_from_vendored_files_without_inline_scripts() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let page = browser
        .client
        .get(browser.url("/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("CSP")
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    // GraphiQL's stylesheet embeds its fonts; nothing else is loosened.
    assert!(csp.contains("font-src 'self' data:;"), "{csp}");
    assert_eq!(
        csp.replace("font-src 'self' data:;", "font-src 'self';"),
        roost::web::security_headers::CONTENT_SECURITY_POLICY
    );
    let html = page.text().await.expect("body");
    assert!(html.contains("name=\"csrf-token\""), "{html}");
    let document = scraper::Html::parse_document(&html);
    let scripts = scraper::Selector::parse("script").expect("selector");
    let mut sources = Vec::new();
    for script in document.select(&scripts) {
        let src = script.value().attr("src").expect("no inline script");
        assert!(script.inner_html().trim().is_empty(), "no inline script");
        sources.push(src.to_string());
    }
    assert!(
        sources
            .iter()
            .any(|src| src.contains("vendor/graphiql/graphiql.min.js"))
    );
    for src in sources {
        let file = browser.get(&src).await;
        assert_eq!(file.status(), 200, "{src}");
    }
    let home = browser.get("/").await.text().await.expect("home");
    assert!(
        home.contains("href=\"/graphql\""),
        "linked from the footer in development"
    );
}
