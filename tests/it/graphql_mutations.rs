//! GraphQL mutations over HTTP beyond the guest journey of `graphql.rs`: signing up, logging in
//! and out on the cookie session; new dates; the host's listings, photos, calendar and
//! reservations; both sides' reviews and the host's reply; what another member's ids answer.

use serde_json::{Value, json};

use crate::{
    api::{Client, confirm_address, json_of},
    bookings_support::{date, execute},
    fixtures::{self, ListingSpec},
    graphql::{data, first_code, gql, json_of_any},
    support::TestApp,
};

/// The first error's `extensions.field`.
fn field_of(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {answer}"))
}

/// Inserts `count` photos of a listing, in position order; returns their ids in that order.
async fn photographs(app: &TestApp, listing: &str, count: i64) -> Vec<String> {
    use diesel_async::RunQueryDsl;
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(format!(
        "INSERT INTO listing_photos (listing_id, image_key, thumb_key, width, height, position, caption) \
         SELECT {listing}, 'listings/p' || n || '.jpg', 'listings/t' || n || '.jpg', 800, 600, n, 'Room ' || n \
         FROM generate_series(1, {count}) AS n"
    ))
    .execute(&mut conn)
    .await
    .expect("photos");
    drop(conn);
    ids_of_photos(app, listing).await
}

async fn ids_of_photos(app: &TestApp, listing: &str) -> Vec<String> {
    let host = Client::signed_in(app, "hana@example.com").await;
    let shown = gql(
        &host,
        "query($id: ID!) { listing(id: $id) { photos { id } } }",
        json!({"id": listing}),
    )
    .await;
    data(&shown)["listing"]["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .map(|photo| photo["id"].as_str().expect("id").to_string())
        .collect()
}

const LOG_IN: &str = "mutation($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { csrfToken user { id name emailVerified } } }";

const VIEWER: &str = "{ viewer { profile { email } } }";

#[tokio::test]
async fn signing_up_logging_in_and_out_through_graphql_use_the_cookie_session() {
    let app = TestApp::spawn().await;
    let mut client = Client::visitor(&app).await;
    const SIGN_UP: &str = "mutation($name: String!, $email: String!, $password: String!) {
      signUp(name: $name, email: $email, password: $password) { detail } }";
    let password = "correct horse battery staple";

    let wrong = gql(
        &client,
        SIGN_UP,
        json!({"name": "Ana Lima", "email": "not an address", "password": password}),
    )
    .await;
    assert_eq!(first_code(&wrong), "VALIDATION", "{wrong}");
    assert_eq!(field_of(&wrong), "email");
    let signed_up = gql(
        &client,
        SIGN_UP,
        json!({"name": "Ana Lima", "email": "ana@example.com", "password": password}),
    )
    .await;
    let detail = data(&signed_up)["signUp"]["detail"].to_string();
    assert!(detail.contains("ana@example.com"), "{signed_up}");
    confirm_address(&app, &client, "ana@example.com").await;

    let refused = gql(
        &client,
        LOG_IN,
        json!({"email": "ana@example.com", "password": "not her password"}),
    )
    .await;
    assert_eq!(first_code(&refused), "VALIDATION", "{refused}");
    assert!(refused["data"].is_null(), "{refused}");

    let logged_in = gql(
        &client,
        LOG_IN,
        json!({"email": "ana@example.com", "password": password}),
    )
    .await;
    let session = &data(&logged_in)["logIn"];
    assert_eq!(session["user"]["name"], "Ana Lima");
    assert_eq!(session["user"]["emailVerified"], true);
    let token = session["csrfToken"].as_str().expect("token").to_string();
    assert_ne!(token, client.token, "a new session has a new token");
    client.token = token;

    // The cookie the mutation set signs the viewer in, for GraphQL and the JSON API alike.
    let viewer = gql(&client, VIEWER, json!({})).await;
    assert_eq!(
        data(&viewer)["viewer"]["profile"]["email"],
        "ana@example.com"
    );
    let rest = json_of(client.get("/api/v1/session").await, 200).await;
    assert_eq!(rest["user"]["name"], "Ana Lima", "{rest}");
    assert_eq!(rest["csrf_token"], client.token.as_str());

    // A mutation without the header is refused before it runs: the session stays.
    let without_header = client
        .browser
        .client
        .post(client.browser.url("/graphql"))
        .json(&json!({"query": "mutation { logOut }"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(without_header.status(), 403);
    let still = gql(&client, VIEWER, json!({})).await;
    assert!(!data(&still)["viewer"].is_null(), "{still}");

    let out = gql(&client, "mutation { logOut }", json!({})).await;
    assert_eq!(data(&out)["logOut"], true);
    let rest = json_of(client.get("/api/v1/session").await, 200).await;
    assert!(rest["user"].is_null(), "signed out: {rest}");
    let read = client
        .browser
        .client
        .get(client.browser.url("/graphql"))
        .query(&[("query", VIEWER)])
        .send()
        .await
        .expect("GET");
    let read = json_of_any(read).await;
    assert!(data(&read)["viewer"].is_null(), "{read}");

    // Both ends were logged, as the other doors log them.
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Kind {
        #[diesel(sql_type = diesel::sql_types::Text)]
        kind: String,
    }
    let mut conn = app.pool.get().await.expect("connection");
    let kinds: Vec<Kind> = diesel::sql_query("SELECT kind FROM security_events ORDER BY id")
        .load(&mut conn)
        .await
        .expect("security events");
    let kinds: Vec<String> = kinds.into_iter().map(|row| row.kind).collect();
    assert!(
        kinds.iter().any(|kind| kind == "logout"),
        "the security log: {kinds:?}"
    );
}

#[tokio::test]
async fn logging_in_through_graphql_is_throttled_like_the_login_page() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "ana@example.com", false).await;
    let client = Client::visitor(&app).await;
    let mut codes = Vec::new();
    for _ in 0..12 {
        let answer = gql(
            &client,
            LOG_IN,
            json!({"email": "ana@example.com", "password": "guessing again"}),
        )
        .await;
        codes.push(first_code(&answer));
    }
    assert_eq!(codes[0], "VALIDATION");
    assert_eq!(
        codes.last().map(String::as_str),
        Some("RATE_LIMITED"),
        "{codes:?}"
    );
}

const CREATE: &str = "mutation($details: ListingDetails!) {
  createListing(details: $details) { id title status nightlyPrice { amountMinor currency } } }";
const UPDATE: &str = "mutation($id: ID!, $details: ListingDetails!) {
  updateListing(listingId: $id, details: $details) { title nightlyPrice { amountMinor } } }";
const PUBLISH: &str = "mutation($id: ID!) { publishListing(listingId: $id) { status } }";
const BLOCK: &str = "mutation($id: ID!, $start: String!, $end: String!) {
  addCalendarBlock(listingId: $id, start: $start, end: $end, note: \"Painting\") {
    id listingId start end nights note } }";
const RELEASE: &str = "mutation($id: ID!, $block: ID!) {
  releaseCalendarBlock(listingId: $id, blockId: $block) { id } }";

fn details() -> Value {
    json!({
        "title": "Canal loft", "description": "Two rooms over the water.",
        "propertyType": "loft", "address": "1 Prinsengracht", "city": "Amsterdam",
        "country": "Netherlands", "timezone": "Europe/Amsterdam", "maxGuests": 4,
        "bedrooms": 2, "beds": 2, "bathrooms": 1.5, "nightlyPrice": 12000,
        "cleaningFee": 3000, "currency": "EUR", "minNights": 1, "maxNights": 30,
        "instantBook": false, "cancellationPolicy": "moderate", "amenities": ["wifi", "kitchen"]
    })
}

#[tokio::test]
async fn a_host_creates_updates_photographs_publishes_and_blocks_a_listing_through_graphql() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "hana@example.com", true).await;
    fixtures::user(&app, "otto@example.com", true).await;
    fixtures::user(&app, "gus@example.com", false).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let other = Client::signed_in(&app, "otto@example.com").await;
    let guest = Client::signed_in(&app, "gus@example.com").await;

    let not_a_host = gql(&guest, CREATE, json!({"details": details()})).await;
    assert_eq!(first_code(&not_a_host), "FORBIDDEN", "{not_a_host}");
    let missing = gql(&host, CREATE, json!({"details": {"title": "Canal loft"}})).await;
    assert_eq!(first_code(&missing), "VALIDATION", "{missing}");
    assert!(
        missing["errors"][0]["extensions"]["fields"]
            .as_array()
            .is_some_and(|fields| fields.len() > 1),
        "every wrong field is named: {missing}"
    );

    let created = gql(&host, CREATE, json!({"details": details()})).await;
    let listing = data(&created)["createListing"].clone();
    assert_eq!(listing["status"], "draft");
    assert_eq!(listing["nightlyPrice"]["amountMinor"], 12_000);
    let id = listing["id"].as_str().expect("id").to_string();

    let updated = gql(
        &host,
        UPDATE,
        json!({"id": id, "details": {"title": "Canal loft with a view"}}),
    )
    .await;
    let updated = &data(&updated)["updateListing"];
    assert_eq!(updated["title"], "Canal loft with a view");
    assert_eq!(
        updated["nightlyPrice"]["amountMinor"], 12_000,
        "what is not sent stays"
    );
    let free = gql(
        &host,
        UPDATE,
        json!({"id": id, "details": {"nightlyPrice": 0}}),
    )
    .await;
    assert_eq!(first_code(&free), "VALIDATION", "{free}");
    assert_eq!(field_of(&free), "nightly_price");

    // Publishing needs a photo.
    let bare = gql(&host, PUBLISH, json!({"id": id})).await;
    assert_eq!(first_code(&bare), "VALIDATION", "{bare}");
    let photos = photographs(&app, &id, 3).await;
    let reversed: Vec<String> = photos.iter().rev().cloned().collect();
    let reordered = gql(
        &host,
        "mutation($id: ID!, $order: [ID!]!) { reorderPhotos(listingId: $id, photoIds: $order) {
           photos { id } } }",
        json!({"id": id, "order": reversed}),
    )
    .await;
    let order: Vec<&str> = data(&reordered)["reorderPhotos"]["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .filter_map(|photo| photo["id"].as_str())
        .collect();
    assert_eq!(order, reversed);
    let partial = gql(
        &host,
        "mutation($id: ID!, $order: [ID!]!) { reorderPhotos(listingId: $id, photoIds: $order) { id } }",
        json!({"id": id, "order": [photos[0]]}),
    )
    .await;
    assert_eq!(field_of(&partial), "photo_ids", "{partial}");
    let covered = gql(
        &host,
        "mutation($id: ID!, $photo: ID!) { setCoverPhoto(listingId: $id, photoId: $photo) {
           coverPhoto { id } } }",
        json!({"id": id, "photo": photos[1]}),
    )
    .await;
    assert_eq!(
        data(&covered)["setCoverPhoto"]["coverPhoto"]["id"],
        photos[1].as_str()
    );
    let published = gql(&host, PUBLISH, json!({"id": id})).await;
    assert_eq!(data(&published)["publishListing"]["status"], "published");

    let (start, end) = (date(40), date(43));
    let blocked = gql(&host, BLOCK, json!({"id": id, "start": start, "end": end})).await;
    let block = data(&blocked)["addCalendarBlock"].clone();
    assert_eq!(block["nights"], 3);
    assert_eq!(block["start"], start.as_str());
    assert_eq!(block["note"], "Painting");
    let overlapping = gql(
        &host,
        BLOCK,
        json!({"id": id, "start": date(42), "end": date(44)}),
    )
    .await;
    assert_eq!(first_code(&overlapping), "CONFLICT", "{overlapping}");
    let backwards = gql(&host, BLOCK, json!({"id": id, "start": end, "end": start})).await;
    assert_eq!(first_code(&backwards), "VALIDATION", "{backwards}");
    assert!(field_of(&backwards) == "start" || field_of(&backwards) == "end");

    // Another host reaches nothing of it.
    for (query, variables) in [
        (UPDATE, json!({"id": id, "details": {"title": "Mine now"}})),
        (PUBLISH, json!({"id": id})),
        (BLOCK, json!({"id": id, "start": date(50), "end": date(51)})),
        (RELEASE, json!({"id": id, "block": block["id"]})),
    ] {
        let answer = gql(&other, query, variables).await;
        assert_eq!(first_code(&answer), "NOT_FOUND", "{query}: {answer}");
    }

    let released = gql(&host, RELEASE, json!({"id": id, "block": block["id"]})).await;
    assert_eq!(data(&released)["releaseCalendarBlock"]["id"], id.as_str());
    let again = gql(&host, RELEASE, json!({"id": id, "block": block["id"]})).await;
    assert_eq!(first_code(&again), "NOT_FOUND", "{again}");

    let unlisted = gql(
        &host,
        "mutation($id: ID!) { unlistListing(listingId: $id) { status } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(data(&unlisted)["unlistListing"]["status"], "unlisted");
}

const BOOK: &str = "mutation($id: ID!, $in: String!, $out: String!, $key: String!) {
  book(listingId: $id, checkIn: $in, checkOut: $out, guests: 2, idempotencyKey: $key) { id status } }";
const PAY: &str =
    "mutation($id: ID!) { payBooking(bookingId: $id, cardNumber: \"4242 4242 4242 4242\",
  expiry: \"12/40\", cvc: \"123\") { booking { status } } }";

/// Books `from`..`to` days ahead through GraphQL; the booking's id and status.
async fn book(client: &Client, listing: i64, from: i64, to: i64) -> (String, String) {
    let booked = gql(
        client,
        BOOK,
        json!({"id": listing.to_string(), "in": date(from), "out": date(to),
               "key": uuid::Uuid::new_v4().to_string()}),
    )
    .await;
    let booking = &data(&booked)["book"];
    (
        booking["id"].as_str().expect("id").to_string(),
        booking["status"].as_str().expect("status").to_string(),
    )
}

/// Books `from`..`to` days ahead at a request-to-book listing and authorizes the card, which
/// sends the request to the host; the booking's id.
async fn request(client: &Client, listing: i64, from: i64, to: i64) -> String {
    let (id, _) = book(client, listing, from, to).await;
    let authorized = gql(client, PAY, json!({"id": id})).await;
    assert_eq!(
        data(&authorized)["payBooking"]["booking"]["status"],
        "requested",
        "{authorized}"
    );
    id
}

/// Runs a host action on a reservation.
async fn act(client: &Client, action: &str, id: &str) -> Value {
    gql(
        client,
        &format!(
            "mutation($id: ID!) {{ {action}(reservationId: $id) {{
               id status actions guestName history {{ toStatus }} payments {{ kind }} }} }}"
        ),
        json!({"id": id}),
    )
    .await
}

#[tokio::test]
async fn a_host_answers_requests_and_both_sides_review_the_stay_through_graphql() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    fixtures::user(&app, "otto@example.com", true).await;
    fixtures::user(&app, "gus@example.com", false).await;
    let listing = fixtures::listing(
        &app,
        host_id,
        ListingSpec {
            instant_book: false,
            ..ListingSpec::default()
        },
    )
    .await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let other = Client::signed_in(&app, "otto@example.com").await;
    let guest = Client::signed_in(&app, "gus@example.com").await;

    // A request waits for the guest's card, then for the host.
    let (stay, status) = book(&guest, listing, 0, 1).await;
    assert_eq!(status, "pending_payment");
    let authorized = gql(&guest, PAY, json!({"id": stay})).await;
    assert_eq!(
        data(&authorized)["payBooking"]["booking"]["status"],
        "requested"
    );
    let later = request(&guest, listing, 10, 12).await;

    // Nobody but the host answers a request: another host, or the guest themselves.
    for client in [&other, &guest] {
        let answer = act(client, "acceptReservation", &stay).await;
        assert_eq!(first_code(&answer), "NOT_FOUND", "{answer}");
    }
    let early = act(&host, "checkIn", &stay).await;
    assert_eq!(first_code(&early), "CONFLICT", "not paid yet: {early}");
    let accepted = act(&host, "acceptReservation", &stay).await;
    let accepted = &data(&accepted)["acceptReservation"];
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["guestName"], "gus");
    let declined = act(&host, "declineReservation", &later).await;
    assert_eq!(data(&declined)["declineReservation"]["status"], "declined");
    let third = request(&guest, listing, 20, 22).await;
    act(&host, "acceptReservation", &third).await;
    let theirs = act(&other, "cancelReservation", &third).await;
    assert_eq!(first_code(&theirs), "NOT_FOUND", "{theirs}");
    let cancelled = act(&host, "cancelReservation", &third).await;
    let cancelled = &data(&cancelled)["cancelReservation"];
    assert_eq!(cancelled["status"], "cancelled_by_host");
    assert_eq!(cancelled["actions"], json!([]), "nothing left to do");

    // Accepting charged the authorized card (a job), which confirmed the stay.
    app.run_jobs().await;
    let arrived = act(&host, "checkIn", &stay).await;
    assert_eq!(data(&arrived)["checkIn"]["status"], "checked_in");
    let left = act(&host, "checkOut", &stay).await;
    let left = &data(&left)["checkOut"];
    assert_eq!(left["status"], "completed");
    let history: Vec<&str> = left["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|event| event["toStatus"].as_str())
        .collect();
    assert!(
        history.ends_with(&["accepted", "confirmed", "checked_in", "completed"]),
        "{history:?}"
    );
    assert_eq!(left["payments"][0]["kind"], "charge");

    // Reviews open at midnight of the check-out day: move the stay into the past.
    const HOST_REVIEW: &str = "mutation($id: ID!) { writeHostReview(bookingId: $id, rating: 5,
      comment: \"Left the place spotless.\") { bookingId side published } }";
    let too_soon = gql(&host, HOST_REVIEW, json!({"id": stay})).await;
    assert_eq!(first_code(&too_soon), "VALIDATION", "{too_soon}");
    execute(
        &app,
        &format!(
            "UPDATE bookings SET check_in = check_in - 2, check_out = check_out - 2 WHERE id = {stay}"
        ),
    )
    .await;
    let written = gql(&host, HOST_REVIEW, json!({"id": stay})).await;
    let written = &data(&written)["writeHostReview"];
    assert_eq!(written["side"], "host");
    assert_eq!(written["published"], false, "double blind");
    let twice = gql(&host, HOST_REVIEW, json!({"id": stay})).await;
    assert_eq!(first_code(&twice), "CONFLICT", "{twice}");

    const GUEST_REVIEW: &str = "mutation($id: ID!, $review: GuestReviewInput!) {
      writeGuestReview(bookingId: $id, review: $review) { side published } }";
    let review = json!({"rating": 4, "cleanliness": 5, "accuracy": 4, "checkIn": 5,
                        "communication": 5, "location": 3, "value": 4, "comment": "Lovely light."});
    let mut wrong = review.clone();
    wrong["cleanliness"] = json!(9);
    let refused = gql(&guest, GUEST_REVIEW, json!({"id": stay, "review": wrong})).await;
    assert_eq!(first_code(&refused), "VALIDATION", "{refused}");
    assert_eq!(field_of(&refused), "cleanliness");
    let by_host = gql(&host, GUEST_REVIEW, json!({"id": stay, "review": review})).await;
    assert_ne!(
        by_host["errors"][0]["extensions"]["code"], "VALIDATION",
        "the host does not review their own stay as its guest: {by_host}"
    );
    assert!(by_host["data"].is_null(), "{by_host}");
    let published = gql(&guest, GUEST_REVIEW, json!({"id": stay, "review": review})).await;
    assert_eq!(
        data(&published)["writeGuestReview"]["published"],
        true,
        "both sides wrote theirs"
    );

    let reviews = gql(
        &host,
        "query($id: ID!) { listing(id: $id) { reviews { id hostReply } } }",
        json!({"id": listing.to_string()}),
    )
    .await;
    let review_id = data(&reviews)["listing"]["reviews"][0]["id"].clone();
    const REPLY: &str = "mutation($id: ID!, $reply: String!) {
      replyToReview(reviewId: $id, reply: $reply) { reviewId listingId reply } }";
    let theirs = gql(
        &other,
        REPLY,
        json!({"id": review_id, "reply": "Not my place."}),
    )
    .await;
    assert_eq!(first_code(&theirs), "NOT_FOUND", "{theirs}");
    let replied = gql(
        &host,
        REPLY,
        json!({"id": review_id, "reply": "  Thank you, come back soon!  "}),
    )
    .await;
    let replied = &data(&replied)["replyToReview"];
    assert_eq!(replied["listingId"], listing.to_string());
    assert_eq!(replied["reply"], "Thank you, come back soon!");
    let again = gql(&host, REPLY, json!({"id": review_id, "reply": "Again."})).await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let shown = gql(
        &guest,
        "query($id: ID!) { listing(id: $id) { reviews { hostReply } } }",
        json!({"id": listing.to_string()}),
    )
    .await;
    assert_eq!(
        data(&shown)["listing"]["reviews"][0]["hostReply"],
        "Thank you, come back soon!"
    );
}

#[tokio::test]
async fn new_dates_through_graphql_give_the_price_difference() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hedy@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "gale@example.com", false).await;
    fixtures::user(&app, "bob@example.com", false).await;
    let guest = Client::signed_in(&app, "gale@example.com").await;
    let bob = Client::signed_in(&app, "bob@example.com").await;
    let (id, _) = book(&guest, listing, 20, 23).await;
    let paid = gql(&guest, PAY, json!({"id": id})).await;
    assert_eq!(data(&paid)["payBooking"]["booking"]["status"], "confirmed");

    const CHANGE: &str = "mutation($id: ID!, $in: String!, $out: String!) {
      changeBookingDates(bookingId: $id, checkIn: $in, checkOut: $out) {
        outcome priceDifference { amountMinor currency } refunded { amountMinor }
        due { amountMinor } pendingChange { checkIn checkOut nights payBy total { amountMinor } }
        booking { checkOut price { nights } } } }";
    let move_to = |from: i64, to: i64| json!({"id": id, "in": date(from), "out": date(to)});

    // One night fewer: moved at once, the surplus refunded.
    let shorter = gql(&guest, CHANGE, move_to(20, 22)).await;
    let shorter = &data(&shorter)["changeBookingDates"];
    assert_eq!(shorter["outcome"], "moved", "{shorter}");
    assert_eq!(shorter["booking"]["price"]["nights"], 2);
    assert_eq!(shorter["booking"]["checkOut"], date(22).as_str());
    let difference = shorter["priceDifference"]["amountMinor"]
        .as_i64()
        .expect("difference");
    assert!(difference < 0, "{shorter}");
    assert_eq!(shorter["priceDifference"]["currency"], "EUR");
    assert_eq!(shorter["refunded"]["amountMinor"], -difference);
    assert!(shorter["due"].is_null() && shorter["pendingChange"].is_null());

    // Two nights more: waits for the difference.
    let longer = gql(&guest, CHANGE, move_to(20, 24)).await;
    let longer = &data(&longer)["changeBookingDates"];
    assert_eq!(longer["outcome"], "awaiting_payment", "{longer}");
    assert_eq!(
        longer["booking"]["price"]["nights"], 2,
        "the stay keeps its dates until paid"
    );
    let due = longer["due"]["amountMinor"].as_i64().expect("due");
    assert!(due > 0);
    assert_eq!(longer["priceDifference"]["amountMinor"], due);
    assert_eq!(longer["pendingChange"]["nights"], 4);
    assert!(longer["pendingChange"]["payBy"].is_string());

    // The dates it has already are refused on their field; nobody else moves it.
    let same = gql(&guest, CHANGE, move_to(20, 22)).await;
    assert_eq!(first_code(&same), "VALIDATION", "{same}");
    assert_eq!(field_of(&same), "check_in");
    let theirs = gql(&bob, CHANGE, move_to(30, 32)).await;
    assert_eq!(first_code(&theirs), "NOT_FOUND", "{theirs}");
}

const TRIPS: &str = "{ viewer { trips { id status
  history { fromStatus toStatus at } payments { kind status amount { amountMinor } } } } }";

#[tokio::test]
async fn a_viewers_trips_with_history_and_payments_cost_the_same_statements_for_two_or_six() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hedy@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "gale@example.com", false).await;
    let guest = Client::signed_in(&app, "gale@example.com").await;
    let mut counts = Vec::new();
    let mut booked = 0;
    for wanted in [2, 6] {
        while booked < wanted {
            let from = 10 + booked * 5;
            let (id, _) = book(&guest, listing, from, from + 2).await;
            let paid = gql(&guest, PAY, json!({"id": id})).await;
            assert_eq!(data(&paid)["payBooking"]["booking"]["status"], "confirmed");
            booked += 1;
        }
        // Twice at once to warm the pools (a batch takes a connection of its own), then counted.
        tokio::join!(gql(&guest, TRIPS, json!({})), gql(&guest, TRIPS, json!({})));
        let (answer, statements) = app.statements_during(gql(&guest, TRIPS, json!({}))).await;
        let trips = data(&answer)["viewer"]["trips"]
            .as_array()
            .expect("trips")
            .clone();
        assert_eq!(trips.len(), wanted as usize, "{answer}");
        for trip in &trips {
            assert_eq!(trip["status"], "confirmed");
            assert_eq!(trip["payments"][0]["kind"], "charge", "{answer}");
            let history = trip["history"].as_array().expect("history");
            assert_eq!(
                history.last().map(|event| &event["toStatus"]),
                Some(&json!("confirmed")),
                "{answer}"
            );
        }
        assert!(statements.count() <= 8, "{statements}");
        counts.push(statements.count());
    }
    assert_eq!(
        counts[0], counts[1],
        "the same statements for 2 trips as for 6"
    );
}

const HOSTING: &str = "query($status: String) { viewer {
  listings(first: 10) { nodes { id title status } pageInfo { hasNextPage } }
  reservations(filter: { status: $status }, first: 10) {
    nodes { id status listingTitle guestName checkIn total { amountMinor currency } payout { amountMinor } }
    pageInfo { hasNextPage endCursor } }
  earnings { month stays paidOut { amountMinor } upcoming { amountMinor currency } }
} }";

#[tokio::test]
async fn a_host_reads_their_listings_reservations_and_earnings_under_viewer() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    let other_id = fixtures::user(&app, "otto@example.com", true).await;
    fixtures::user(&app, "gus@example.com", false).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let draft = fixtures::listing(
        &app,
        host_id,
        ListingSpec {
            title: "Half-finished barn".into(),
            status: "draft".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    fixtures::listing(&app, other_id, ListingSpec::default()).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let other = Client::signed_in(&app, "otto@example.com").await;
    let guest = Client::signed_in(&app, "gus@example.com").await;
    let (stay, _) = book(&guest, listing, 3, 5).await;
    let paid = gql(&guest, PAY, json!({"id": stay})).await;
    assert_eq!(data(&paid)["payBooking"]["booking"]["status"], "confirmed");

    let answer = gql(&host, HOSTING, json!({})).await;
    let viewer = &data(&answer)["viewer"];
    let titles: Vec<(&str, &str)> = viewer["listings"]["nodes"]
        .as_array()
        .expect("listings")
        .iter()
        .map(|node| {
            (
                node["id"].as_str().unwrap_or(""),
                node["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        titles,
        [
            (draft.to_string().as_str(), "draft"),
            (listing.to_string().as_str(), "published")
        ],
        "their own listings, drafts included, newest first: {answer}"
    );
    let reservations = viewer["reservations"]["nodes"].as_array().expect("list");
    assert_eq!(reservations.len(), 1, "{answer}");
    assert_eq!(reservations[0]["id"], stay.as_str());
    assert_eq!(reservations[0]["status"], "confirmed");
    assert_eq!(reservations[0]["guestName"], "gus");
    assert_eq!(reservations[0]["checkIn"], date(3));
    assert!(reservations[0]["payout"]["amountMinor"].as_i64() > Some(0));
    let upcoming: i64 = viewer["earnings"]
        .as_array()
        .expect("earnings")
        .iter()
        .filter_map(|month| month["upcoming"]["amountMinor"].as_i64())
        .sum();
    assert_eq!(
        Some(upcoming),
        reservations[0]["payout"]["amountMinor"].as_i64(),
        "the confirmed stay is the upcoming payout: {answer}"
    );

    // The filter is the list's own: an unknown status names the field.
    let wrong = gql(&host, HOSTING, json!({"status": "lost"})).await;
    assert_eq!(first_code(&wrong), "VALIDATION", "{wrong}");
    assert_eq!(field_of(&wrong), "status", "{wrong}");
    let none = gql(&host, HOSTING, json!({"status": "declined"})).await;
    assert_eq!(data(&none)["viewer"]["reservations"]["nodes"], json!([]));

    // The host reads the reservation in full; another host and the guest cannot.
    const RESERVATION: &str = "query($id: ID!) { reservation(id: $id) { id status guestName actions history { toStatus } } }";
    let own = gql(&host, RESERVATION, json!({"id": stay})).await;
    assert_eq!(data(&own)["reservation"]["status"], "confirmed", "{own}");
    for client in [&other, &guest] {
        let theirs = gql(client, RESERVATION, json!({"id": stay})).await;
        assert!(theirs["data"]["reservation"].is_null(), "{theirs}");
        assert_eq!(first_code(&theirs), "NOT_FOUND", "{theirs}");
    }
    // Another host's lists hold only their own; a guest who does not host is refused.
    let theirs = gql(&other, HOSTING, json!({})).await;
    let their_listings = data(&theirs)["viewer"]["listings"]["nodes"].clone();
    assert_eq!(their_listings.as_array().map(Vec::len), Some(1), "{theirs}");
    assert_eq!(data(&theirs)["viewer"]["reservations"]["nodes"], json!([]));
    let not_host = gql(
        &guest,
        "{ viewer { listings { nodes { id } } } }",
        json!({}),
    )
    .await;
    assert_eq!(first_code(&not_host), "FORBIDDEN", "{not_host}");
}
