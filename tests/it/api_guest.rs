//! A guest through the JSON API alone: signing up and confirming the address from the dev
//! mailbox, searching, quoting, booking (one booking per `Idempotency-Key`), paying with the
//! sandbox card, the cancellation preview and cancelling at that refund; new dates; and every
//! booking URL tried by someone else (404) or a visitor (401), never answering with the booking.

use serde_json::{Value, json};

use crate::{
    api::{Client, confirm_address, json_of, problem},
    bookings_support::{CARD_OK, count_bookings, date, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// Books through the API with an `Idempotency-Key`.
async fn book(client: &Client, key: &str, body: Value) -> reqwest::Response {
    client
        .browser
        .client
        .post(client.browser.url("/api/v1/bookings"))
        .header("X-CSRF-Token", &client.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .expect("POST /api/v1/bookings")
}

fn stay(listing: i64, from: i64, nights: i64) -> Value {
    json!({
        "listing_id": listing,
        "check_in": date(from),
        "check_out": date(from + nights),
        "guests": 2,
    })
}

/// Asks to move booking `id` to `from`..`to` days ahead.
async fn move_to(client: &Client, id: i64, from: i64, to: i64) -> reqwest::Response {
    let dates = json!({"check_in": date(from), "check_out": date(to)});
    let path = format!("/api/v1/bookings/{id}/change");
    client.send("POST", &path, Some(dates)).await
}

/// A confirmed booking of `client` on `listing`, paid through the API; returns its id.
async fn booked_and_paid(client: &Client, listing: i64, from: i64, nights: i64) -> i64 {
    let key = uuid::Uuid::new_v4().to_string();
    let booking = json_of(book(client, &key, stay(listing, from, nights)).await, 201).await;
    let id = booking["id"].as_i64().expect("id");
    pay(client, id).await;
    id
}

/// Pays what is due on booking `id` with the sandbox card that pays: it is confirmed.
async fn pay(client: &Client, id: i64) {
    let card = json!({"card_number": CARD_OK, "expiry": "12/40", "cvc": "123"});
    let path = format!("/api/v1/bookings/{id}/payments");
    let paid = json_of(client.send("POST", &path, Some(card)).await, 200).await;
    assert_eq!(paid["booking"]["status"], "confirmed", "{paid}");
    assert_eq!(paid["provider"], "sandbox");
}

#[tokio::test]
async fn a_guest_signs_up_books_pays_and_cancels_through_the_api_alone() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;

    // Sign up, and confirm the address with the token of the email.
    let visitor = Client::visitor(&app).await;
    let signup =
        json!({"name": "Gina", "email": "gina@example.com", "password": fixtures::PASSWORD});
    let notice = json_of(
        visitor.send("POST", "/api/v1/users", Some(signup)).await,
        202,
    )
    .await;
    assert!(
        notice["detail"]
            .as_str()
            .unwrap_or("")
            .contains("gina@example.com")
    );
    let verified = confirm_address(&app, &visitor, "gina@example.com").await;
    assert_eq!(verified["email_verified"], true, "{verified}");
    let guest = Client::signed_in(&app, "gina@example.com").await;

    // Search, then the quote of the stay.
    let (check_in, check_out) = (date(30), date(33));
    let found = json_of(
        guest
            .get(&format!(
                "/api/v1/listings?location=Amsterdam&check_in={check_in}&check_out={check_out}&guests=2"
            ))
            .await,
        200,
    )
    .await;
    assert_eq!(found["listings"][0]["id"], listing, "{found}");
    let quote = json_of(
        guest
            .get(&format!(
                "/api/v1/listings/{listing}/quote?check_in={check_in}&check_out={check_out}&guests=2"
            ))
            .await,
        200,
    )
    .await;
    let total = quote["total"]["amount"].as_i64().expect("total");

    // Book; the same request again (a retry) is the same booking, not a second.
    let key = uuid::Uuid::new_v4().to_string();
    let response = book(&guest, &key, stay(listing, 30, 3)).await;
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    let booking = json_of(response, 201).await;
    let id = booking["id"].as_i64().expect("id");
    assert_eq!(location, format!("/api/v1/bookings/{id}"));
    assert_eq!(booking["status"], "pending_payment");
    assert_eq!(
        booking["price"]["total"]["amount"], total,
        "the quoted price"
    );
    let again = json_of(book(&guest, &key, stay(listing, 30, 3)).await, 201).await;
    assert_eq!(again["id"], id, "a retry answers with the same booking");
    assert_eq!(count_bookings(&app).await, 1);

    let before = json_of(guest.get(&location).await, 200).await;
    assert_eq!(before["balance_due"]["amount"], total, "{before}");
    assert_eq!(before["listing"]["timezone"], "Europe/Amsterdam");

    // Pay with the sandbox card: confirmed.
    pay(&guest, id).await;
    let trip = json_of(guest.get(&location).await, 200).await;
    assert_eq!(trip["status"], "confirmed");
    assert!(trip["balance_due"].is_null(), "{trip}");
    assert_eq!(trip["payments"][0]["kind"], "charge");
    assert_eq!(trip["payments"][0]["status"], "succeeded");
    assert_eq!(trip["payments"][0]["amount"]["amount"], total);
    let history: Vec<&str> = trip["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|event| event["to_status"].as_str())
        .collect();
    assert_eq!(history, ["pending_payment", "confirmed"]);
    let upcoming = json_of(guest.get("/api/v1/bookings?tab=upcoming").await, 200).await;
    assert_eq!(upcoming["bookings"][0]["id"], id, "{upcoming}");

    // The preview, a refund that is no longer the previewed one (409), then the cancellation.
    let preview = json_of(
        guest.get(&format!("/api/v1/bookings/{id}/cancel")).await,
        200,
    )
    .await;
    assert_eq!(preview["cancellable"], true);
    let refund = preview["refund"]["amount"].as_i64().expect("refund");
    assert_eq!(refund, total, "a month ahead, moderate: everything back");
    let cancel = format!("/api/v1/bookings/{id}/cancel");
    problem(
        guest
            .send(
                "POST",
                &cancel,
                Some(json!({"expected_refund": refund - 1})),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(status_of(&app, id).await, "confirmed");
    let cancelled = json_of(
        guest
            .send("POST", &cancel, Some(json!({"expected_refund": refund})))
            .await,
        200,
    )
    .await;
    assert_eq!(cancelled["booking"]["status"], "cancelled_by_guest");
    assert_eq!(cancelled["refunded"]["amount"], refund);
    let tab = json_of(guest.get("/api/v1/bookings?tab=cancelled").await, 200).await;
    assert_eq!(tab["bookings"][0]["id"], id, "{tab}");
    let upcoming = json_of(guest.get("/api/v1/bookings").await, 200).await;
    assert_eq!(upcoming["bookings"], json!([]));
}

#[tokio::test]
async fn nobody_but_the_guest_reaches_a_booking_through_the_api() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hana@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "gus@example.com", false).await;
    fixtures::user(&app, "olga@example.com", false).await;
    let guest = Client::signed_in(&app, "gus@example.com").await;
    let id = booked_and_paid(&guest, listing, 20, 2).await;

    let visitor = Client::visitor(&app).await;
    let other_guest = Client::signed_in(&app, "olga@example.com").await;
    let the_host = Client::signed_in(&app, "hana@example.com").await;
    let card = json!({"card_number": CARD_OK, "expiry": "12/40", "cvc": "123"});
    let tries: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/bookings/{id}"), None),
        ("GET", format!("/api/v1/bookings/{id}/cancel"), None),
        (
            "POST",
            format!("/api/v1/bookings/{id}/cancel"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/api/v1/bookings/{id}/change"),
            Some(json!({"check_in": date(40), "check_out": date(41)})),
        ),
        (
            "POST",
            format!("/api/v1/bookings/{id}/payments"),
            Some(card),
        ),
    ];
    for (method, path, body) in &tries {
        for (who, client, status) in [
            ("another guest", &other_guest, 404),
            ("the host", &the_host, 404),
            ("a visitor", &visitor, 401),
        ] {
            let response = client.send(method, path, body.clone()).await;
            assert_eq!(response.status(), status, "{who}: {method} {path}");
            let (_, body) = problem(response, status).await;
            assert!(body.get("id").is_none(), "{who} got the booking: {body}");
        }
    }
    let listed = json_of(other_guest.get("/api/v1/bookings").await, 200).await;
    assert_eq!(listed["bookings"], json!([]), "another guest lists nothing");
    problem(visitor.get("/api/v1/bookings").await, 401).await;
    assert_eq!(status_of(&app, id).await, "confirmed", "nothing changed");
}

#[tokio::test]
async fn a_booking_refuses_fields_it_does_not_take_and_taken_dates_are_409() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hal@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "gwen@example.com", false).await;
    fixtures::user(&app, "otto@example.com", false).await;
    let guest = Client::signed_in(&app, "gwen@example.com").await;

    for (field, value) in [
        ("status", json!("confirmed")),
        ("total", json!(1)),
        ("guest_id", json!(1)),
        ("total_amount", json!(1)),
    ] {
        let mut body = stay(listing, 10, 2);
        body[field] = value;
        let (_, problem_body) = problem(book(&guest, field, body).await, 422).await;
        assert_eq!(problem_body["errors"][0]["field"], field, "{problem_body}");
    }
    assert_eq!(count_bookings(&app).await, 0);

    let (_, wrong) = problem(
        book(
            &guest,
            "bad-dates",
            json!({"listing_id": listing, "check_in": "someday", "check_out": date(3), "guests": 99}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = wrong["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    assert!(fields.contains(&"check_in"), "{wrong}");

    let long_key = "k".repeat(101);
    let (_, body) = problem(book(&guest, &long_key, stay(listing, 10, 2)).await, 422).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("idempotency key"),
        "{body}"
    );
    json_of(book(&guest, "first", stay(listing, 10, 2)).await, 201).await;
    let other = Client::signed_in(&app, "otto@example.com").await;
    problem(book(&other, "second", stay(listing, 11, 2)).await, 409).await;
    problem(
        book(&other, "third", stay(listing + 1000, 11, 2)).await,
        404,
    )
    .await;
    assert_eq!(count_bookings(&app).await, 1);
}

#[tokio::test]
async fn new_dates_through_the_api_give_the_price_difference() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hedy@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::user(&app, "gale@example.com", false).await;
    let guest = Client::signed_in(&app, "gale@example.com").await;
    let id = booked_and_paid(&guest, listing, 20, 3).await;

    // One night fewer: moved at once, the surplus refunded.
    let shorter = json_of(move_to(&guest, id, 20, 22).await, 200).await;
    assert_eq!(shorter["outcome"], "moved", "{shorter}");
    assert_eq!(shorter["booking"]["nights"], 2);
    let difference = shorter["price_difference"]["amount"]
        .as_i64()
        .expect("difference");
    assert!(difference < 0, "{shorter}");
    assert_eq!(shorter["refunded"]["amount"], -difference);

    // Two nights more: waits for the difference.
    let longer = json_of(move_to(&guest, id, 20, 24).await, 200).await;
    assert_eq!(longer["outcome"], "awaiting_payment", "{longer}");
    assert_eq!(
        longer["booking"]["nights"], 2,
        "the stay keeps its dates until paid"
    );
    let due = longer["due"]["amount"].as_i64().expect("due");
    assert!(due > 0);
    assert_eq!(longer["price_difference"]["amount"], due);
    let path = format!("/api/v1/bookings/{id}");
    let trip = json_of(guest.get(&path).await, 200).await;
    assert_eq!(trip["balance_due"]["amount"], due, "{trip}");
    assert_eq!(trip["pending_change"]["nights"], 4);

    // The dates it has already are refused, and so is a field the change does not take.
    let (_, same) = problem(move_to(&guest, id, 20, 22).await, 422).await;
    assert_eq!(same["errors"][0]["field"], "check_in", "{same}");
    let sneaky = json!({"check_in": date(20), "check_out": date(24), "total_amount": 1});
    let change = format!("/api/v1/bookings/{id}/change");
    let (_, body) = problem(guest.send("POST", &change, Some(sneaky)).await, 422).await;
    assert_eq!(body["errors"][0]["field"], "total_amount", "{body}");

    // Once the difference is paid, the stay has its new dates.
    pay(&guest, id).await;
    let trip = json_of(guest.get(&path).await, 200).await;
    assert_eq!(trip["nights"], 4, "{trip}");
    assert!(trip["balance_due"].is_null() && trip["pending_change"].is_null());
}

#[tokio::test]
async fn every_account_and_booking_operation_documents_its_refusals() {
    let app = TestApp::spawn().await;
    let client = Client::visitor(&app).await;
    let document = json_of(client.get("/api/v1/openapi.json").await, 200).await;
    let paths = document["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (path, operations) in paths {
        let mine = [
            "/api/v1/bookings",
            "/api/v1/me",
            "/api/v1/users",
            "/api/v1/password-",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix));
        if !mine || path == "/api/v1/me/wishlist" {
            continue;
        }
        for (method, operation) in operations.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            let has = |status: &str| responses.contains_key(status);
            let signed_in =
                !path.starts_with("/api/v1/users") && !path.starts_with("/api/v1/password-");
            if signed_in {
                assert!(has("401"), "{method} {path}: no 401");
            }
            if method != "get" {
                assert!(has("403"), "{method} {path}: no 403 (CSRF)");
            }
            if operation.get("requestBody").is_some() {
                assert!(has("415") && has("422"), "{method} {path}: no 415/422");
            }
            if path.contains("{id}") && path.starts_with("/api/v1/bookings") {
                assert!(has("404"), "{method} {path}: no 404");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations");
}

#[tokio::test]
async fn a_created_booking_links_to_reading_paying_and_cancelling_it() {
    let app = TestApp::spawn().await;
    let client = Client::visitor(&app).await;
    let document = json_of(client.get("/api/v1/openapi.json").await, 200).await;
    let links = &document["paths"]["/api/v1/bookings"]["post"]["responses"]["201"]["links"];
    for (name, operation) in [
        ("show", "booking_show"),
        ("pay", "booking_pay"),
        ("cancel_preview", "booking_cancel_preview"),
        ("cancel", "booking_cancel"),
    ] {
        assert_eq!(links[name]["operationId"], operation, "{links}");
        assert_eq!(links[name]["parameters"]["id"], "$response.body#/id");
    }
}
