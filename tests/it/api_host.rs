//! A host's work through the JSON API alone: a listing created, photographed (a multipart
//! upload of several real images), ordered, published, its dates blocked; a guest's request
//! accepted, the guest checked in and out and reviewed; the reservations filtered and the
//! earnings by month. Also the host's fields refused when they are not the form's.

use std::io::Cursor;

use reqwest::Response;
use serde_json::{Value, json};

use crate::{
    api::{Client, json_of, problem},
    bookings_support::{CARD_OK, book, date, execute, location, pay, trip_id},
    fixtures,
    support::TestApp,
};

fn encoded(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    encoded(image::ImageFormat::Png, width, height)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(image::ImageFormat::Jpeg, width, height)
}

/// Posts `files` as the `photos` parts of a multipart body, with the client's CSRF header.
pub async fn upload(client: &Client, path: &str, files: Vec<(&str, Vec<u8>)>) -> Response {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        let mime = if name.ends_with(".png") {
            "image/png"
        } else {
            "image/jpeg"
        };
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .expect("mime");
        form = form.part("photos", part);
    }
    client
        .browser
        .client
        .post(client.browser.url(path))
        .header("X-CSRF-Token", &client.token)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// A new listing's fields, as the host listing form names them.
pub fn listing_fields(title: &str) -> Value {
    json!({
        "title": title,
        "description": "Two rooms over the water.",
        "property_type": "loft",
        "address": "1 Prinsengracht",
        "city": "Amsterdam",
        "country": "Netherlands",
        "timezone": "Europe/Amsterdam",
        "max_guests": 4,
        "bedrooms": 2,
        "beds": 2,
        "bathrooms": 1.5,
        "nightly_price": 12000,
        "cleaning_fee": 3000,
        "currency": "EUR",
        "min_nights": 1,
        "max_nights": 30,
        "instant_book": false,
        "cancellation_policy": "moderate",
        "amenities": ["wifi", "kitchen"]
    })
}

/// The fields a 422 problem document names.
fn fields_of(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect()
}

fn ids(photos: &Value) -> Vec<i64> {
    photos["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .filter_map(|photo| photo["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn a_host_lists_photographs_publishes_and_blocks_a_listing_through_the_api() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "hana@example.com", true).await;
    let host = Client::signed_in(&app, "hana@example.com").await;

    let response = host
        .send(
            "POST",
            "/api/v1/host/listings",
            Some(listing_fields("Canal loft")),
        )
        .await;
    let url = location(&response);
    let created = json_of(response, 201).await;
    let id = created["id"].as_i64().expect("id");
    assert_eq!(url, format!("/api/v1/host/listings/{id}"));
    assert_eq!(created["status"], "draft");
    assert_eq!(created["nightly_price"]["amount"], 12000);
    assert_eq!(created["bathrooms"], 1.5);
    assert_eq!(created["amenities"], json!(["wifi", "kitchen"]));
    assert_eq!(created["instant_book"], false);

    // Not without a photo.
    let (_, body) = problem(
        host.send("POST", &format!("{url}/publish"), None).await,
        422,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap_or("").contains("photo"),
        "{body}"
    );

    // Two real images in one multipart body: both stored, the first one the cover.
    let photos_url = format!("{url}/photos");
    let response = upload(
        &host,
        &photos_url,
        vec![("front.jpg", jpeg(64, 48)), ("garden.png", png(40, 30))],
    )
    .await;
    assert_eq!(location(&response), photos_url);
    let uploaded = json_of(response, 201).await;
    let order = ids(&uploaded);
    assert_eq!(order.len(), 2, "{uploaded}");
    assert_eq!(uploaded["added"], json!(order));
    assert_eq!(uploaded["cover_photo_id"], order[0]);
    assert_eq!(uploaded["photos"][0]["width"], 64);
    let thumbnail = uploaded["photos"][0]["thumbnail_url"]
        .as_str()
        .expect("url");
    assert_eq!(host.get(thumbnail).await.status(), 200);

    // Not an image: refused, nothing added.
    let (_, body) = problem(
        upload(
            &host,
            &photos_url,
            vec![("notes.jpg", b"not a photo".to_vec())],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "photos", "{body}");
    // Not multipart.
    problem(
        host.send("POST", &photos_url, Some(json!({"photos": []})))
            .await,
        415,
    )
    .await;

    // Reordered, and the second photo made the cover.
    let reversed = vec![order[1], order[0]];
    let reordered = json_of(
        host.send(
            "PUT",
            &format!("{photos_url}/order"),
            Some(json!({"photo_ids": reversed})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&reordered), reversed);
    let (_, body) = problem(
        host.send(
            "PUT",
            &format!("{photos_url}/order"),
            Some(json!({"photo_ids": [order[0]]})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "photo_ids", "{body}");
    let covered = json_of(
        host.send("POST", &format!("{photos_url}/{}/cover", order[1]), None)
            .await,
        200,
    )
    .await;
    assert_eq!(covered["cover_photo_id"], order[1]);
    assert_eq!(covered["photos"][0]["is_cover"], true);

    let published = json_of(
        host.send("POST", &format!("{url}/publish"), None).await,
        200,
    )
    .await;
    assert_eq!(published["status"], "published");
    let public = json_of(host.get(&format!("/api/v1/listings/{id}")).await, 200).await;
    assert_eq!(public["photos"][0]["id"], order[1], "the cover first");

    // A field changed, the others kept; a wrong one named.
    let patched = json_of(
        host.send(
            "PATCH",
            &url,
            Some(json!({"title": "Canal loft with a view", "nightly_price": 13500})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(patched["title"], "Canal loft with a view");
    assert_eq!(patched["nightly_price"]["amount"], 13500);
    assert_eq!(patched["city"], "Amsterdam");
    assert_eq!(patched["amenities"], json!(["wifi", "kitchen"]));
    let (_, body) = problem(
        host.send("PATCH", &url, Some(json!({"max_guests": 0})))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "max_guests", "{body}");

    // Dates blocked, read back, refused when they overlap, released.
    let blocks_url = format!("{url}/blocks");
    let response = host
        .send(
            "POST",
            &blocks_url,
            Some(json!({"start": date(30), "end": date(33), "note": "Painting"})),
        )
        .await;
    let block_url = location(&response);
    let block = json_of(response, 201).await;
    assert_eq!(block["nights"], 3);
    assert_eq!(block_url, block["url"].as_str().unwrap_or(""));
    assert_eq!(
        json_of(host.get(&block_url).await, 200).await["note"],
        "Painting"
    );
    problem(
        host.send(
            "POST",
            &blocks_url,
            Some(json!({"start": date(31), "end": date(35)})),
        )
        .await,
        409,
    )
    .await;
    let (_, body) = problem(
        host.send(
            "POST",
            &blocks_url,
            Some(json!({"start": date(-3), "end": date(2)})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "start", "{body}");
    let listed = json_of(host.get(&blocks_url).await, 200).await;
    assert_eq!(listed["blocks"].as_array().map(Vec::len), Some(1));
    let taken = json_of(
        host.get(&format!(
            "/api/v1/listings/{id}/availability?from={}&to={}",
            date(29),
            date(40)
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(taken["taken"][0]["start"], date(30));
    assert_eq!(host.send("DELETE", &block_url, None).await.status(), 204);
    problem(host.get(&block_url).await, 404).await;

    // The last photo of a published listing stays.
    assert_eq!(
        host.send("DELETE", &format!("{photos_url}/{}", order[0]), None)
            .await
            .status(),
        204
    );
    problem(
        host.send("DELETE", &format!("{photos_url}/{}", order[1]), None)
            .await,
        409,
    )
    .await;

    let unlisted = json_of(host.send("POST", &format!("{url}/unlist"), None).await, 200).await;
    assert_eq!(unlisted["status"], "unlisted");
    let mine = json_of(host.get("/api/v1/host/listings").await, 200).await;
    assert_eq!(mine["listings"][0]["id"], id);
    assert_eq!(mine["listings"][0]["status"], "unlisted");
}

#[tokio::test]
async fn a_host_accepts_a_request_checks_the_guest_in_and_out_and_reviews_them() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "hana@example.com", true).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let created = json_of(
        host.send(
            "POST",
            "/api/v1/host/listings",
            Some(listing_fields("Canal loft")),
        )
        .await,
        201,
    )
    .await;
    let listing = created["id"].as_i64().expect("id");
    let url = format!("/api/v1/host/listings/{listing}");
    json_of(
        upload(
            &host,
            &format!("{url}/photos"),
            vec![("a.jpg", jpeg(32, 24))],
        )
        .await,
        201,
    )
    .await;
    json_of(
        host.send("POST", &format!("{url}/publish"), None).await,
        200,
    )
    .await;

    // The guest asks (through the pages) for one night from today.
    let (_, guest) = fixtures::signed_in(&app, "gus@example.com", false).await;
    let response = book(&guest, listing, &date(0), &date(1), "2", "journey-1").await;
    let booking = trip_id(&response);
    // The request reaches the host once the guest's card is authorized.
    assert_eq!(pay(&guest, booking, CARD_OK).await.status(), 303);
    let reservation = format!("/api/v1/host/reservations/{booking}");

    let requested = json_of(
        host.get("/api/v1/host/reservations?status=requested").await,
        200,
    )
    .await;
    assert_eq!(requested["reservations"][0]["id"], booking, "{requested}");
    assert_eq!(requested["reservations"][0]["guest"]["name"], "gus");
    let shown = json_of(host.get(&reservation).await, 200).await;
    assert_eq!(shown["reservation"]["status"], "requested");
    assert_eq!(shown["actions"], json!(["accept", "decline", "cancel"]));

    // Checking in before the guest has paid is a state conflict.
    problem(
        host.send("POST", &format!("{reservation}/check-in"), None)
            .await,
        409,
    )
    .await;
    let accepted = json_of(
        host.send("POST", &format!("{reservation}/accept"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(accepted["reservation"]["status"], "accepted");
    assert!(accepted["reservation"]["hold_expires_at"].is_string());
    // Accepting charges the authorized card (a job), which confirms the stay.
    app.run_jobs().await;

    let checked_in = json_of(
        host.send("POST", &format!("{reservation}/check-in"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(checked_in["reservation"]["status"], "checked_in");
    let completed = json_of(
        host.send("POST", &format!("{reservation}/check-out"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(completed["reservation"]["status"], "completed");
    let history: Vec<&str> = completed["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|event| event["to_status"].as_str())
        .collect();
    assert!(
        history.ends_with(&["accepted", "confirmed", "checked_in", "completed"]),
        "{history:?}"
    );
    assert_eq!(completed["payments"][0]["kind"], "charge");

    let payout = completed["reservation"]["price"]["host_payout"]["amount"].clone();
    let earnings = json_of(host.get("/api/v1/host/earnings").await, 200).await;
    assert_eq!(earnings["months"][0]["paid_out"]["amount"], payout);
    assert_eq!(earnings["months"][0]["stays"], 1);

    // Reviews open when the stay is over, at midnight of the check-out day.
    let review = format!("{reservation}/review");
    let guest_review = json!({"rating": 5, "comment": "Left the place spotless."});
    problem(
        host.send("POST", &review, Some(guest_review.clone())).await,
        422,
    )
    .await;
    execute(
        &app,
        &format!(
            "UPDATE bookings SET check_in = check_in - 2, check_out = check_out - 2 \
             WHERE id = {booking}"
        ),
    )
    .await;
    let (_, body) = problem(
        host.send(
            "POST",
            &review,
            Some(json!({"rating": 5, "comment": "Spotless.", "cleanliness": 5})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "cleanliness", "{body}");
    let written = json_of(
        host.send("POST", &review, Some(guest_review.clone())).await,
        201,
    )
    .await;
    assert_eq!(written["published"], false, "double blind");
    problem(host.send("POST", &review, Some(guest_review)).await, 409).await;

    // The guest's review of the stay publishes both; the host replies to it.
    let guest_api = Client::signed_in(&app, "gus@example.com").await;
    let stay_review = json!({
        "rating": 4, "cleanliness": 5, "accuracy": 4, "check_in": 5,
        "communication": 5, "location": 3, "value": 4, "comment": "Lovely light."
    });
    let written = json_of(
        guest_api
            .send(
                "POST",
                &format!("/api/v1/bookings/{booking}/review"),
                Some(stay_review),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(written["published"], true);
    let reviews = json_of(
        host.get(&format!("/api/v1/listings/{listing}/reviews"))
            .await,
        200,
    )
    .await;
    let review_id = reviews["reviews"][0]["id"].as_i64().expect("published");
    let replied = json_of(
        host.send(
            "POST",
            &format!("/api/v1/reviews/{review_id}/reply"),
            Some(json!({"reply": "Thank you, come back soon!"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(replied["listing_id"], listing);
    let reviews = json_of(
        host.get(&format!("/api/v1/listings/{listing}/reviews"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        reviews["reviews"][0]["host_reply"],
        "Thank you, come back soon!"
    );
}

#[tokio::test]
async fn reservations_are_filtered_and_paginated_with_links() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    let spec = fixtures::ListingSpec {
        instant_book: false,
        ..fixtures::ListingSpec::default()
    };
    let first = fixtures::listing(&app, host_id, spec.clone()).await;
    let second = fixtures::listing(&app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(&app, "gus@example.com", false).await;
    for (n, listing) in [(0, first), (1, first), (2, second)] {
        let start = 10 + n * 5;
        let key = format!("filter-{n}");
        let response = book(&guest, listing, &date(start), &date(start + 2), "2", &key).await;
        trip_id(&response);
    }
    let host = Client::signed_in(&app, "hana@example.com").await;

    let response = host
        .get(&format!(
            "/api/v1/host/reservations?listing={first}&per_page=1"
        ))
        .await;
    let link = response
        .headers()
        .get("link")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    let page = json_of(response, 200).await;
    assert_eq!(page["reservations"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["page"]["has_next"], true);
    assert!(link.contains("page=2>; rel=\"next\""), "{link}");
    assert!(link.contains(&format!("listing={first}")), "{link}");
    let last = json_of(
        host.get(&format!(
            "/api/v1/host/reservations?listing={first}&per_page=1&page=2"
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(last["page"]["has_next"], false);

    let window = json_of(
        host.get(&format!(
            "/api/v1/host/reservations?from={}&to={}",
            date(14),
            date(16)
        ))
        .await,
        200,
    )
    .await;
    let found: Vec<&Value> = window["reservations"]
        .as_array()
        .expect("list")
        .iter()
        .collect();
    assert_eq!(found.len(), 1, "{window}");
    assert_eq!(found[0]["check_in"], date(15));

    let (_, body) = problem(
        host.get("/api/v1/host/reservations?status=paid&from=soon&per_page=500")
            .await,
        422,
    )
    .await;
    let fields = fields_of(&body);
    assert!(
        fields.contains(&"status") && fields.contains(&"from"),
        "{body}"
    );
}

#[tokio::test]
async fn fields_that_are_not_the_forms_are_refused_and_named() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    let other = fixtures::user(&app, "olga@example.com", true).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    for (field, value) in [
        ("host_id", json!(other)),
        ("status", json!("published")),
        ("rating", json!(5)),
        ("review_count", json!(900)),
        ("cover_photo_id", json!(1)),
    ] {
        let mut body = listing_fields("Sneaky loft");
        body[field] = value;
        let (_, problem_body) = problem(
            host.send("POST", "/api/v1/host/listings", Some(body)).await,
            422,
        )
        .await;
        assert_eq!(problem_body["errors"][0]["field"], field, "{problem_body}");
    }
    let mine = json_of(host.get("/api/v1/host/listings").await, 200).await;
    assert_eq!(mine["listings"], json!([]), "nothing was created");

    let listing = fixtures::listing(&app, host_id, fixtures::ListingSpec::default()).await;
    let url = format!("/api/v1/host/listings/{listing}");
    for (field, value) in [("status", json!("draft")), ("host_id", json!(other))] {
        let (_, body) = problem(
            host.send("PATCH", &url, Some(json!({ field: value })))
                .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    let (_, body) = problem(
        host.send(
            "POST",
            &format!("{url}/blocks"),
            Some(json!({"start": date(3), "end": date(4), "kind": "booking"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "kind", "{body}");
    let shown = json_of(host.get(&url).await, 200).await;
    assert_eq!(shown["status"], "published");
    // A create without the fields that have no default names each of them.
    let (_, body) = problem(
        host.send("POST", "/api/v1/host/listings", Some(json!({})))
            .await,
        422,
    )
    .await;
    let fields = fields_of(&body);
    for required in ["title", "address", "city", "country", "nightly_price"] {
        assert!(fields.contains(&required), "{required} in {body}");
    }
}

#[tokio::test]
async fn odd_values_are_named_never_a_server_error() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, fixtures::ListingSpec::default()).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let url = format!("/api/v1/host/listings/{listing}");
    for (field, value) in [
        ("nightly_price", json!(i64::MAX)),
        ("nightly_price", json!(-1)),
        ("cleaning_fee", json!(i64::MIN)),
        ("max_guests", json!(2.5)),
        ("max_guests", json!(u64::MAX)),
        ("bathrooms", json!(1e300)),
        ("latitude", json!(1e300)),
        ("title", json!("A\u{0}B")),
        ("timezone", json!("Mars/Olympus")),
        ("currency", json!("XXX")),
        ("amenities", json!(["Not a slug"])),
    ] {
        let (_, body) = problem(
            host.send("PATCH", &url, Some(json!({ field: value })))
                .await,
            422,
        )
        .await;
        assert!(fields_of(&body).contains(&field), "{field}: {body}");
    }
    // `null` clears the coordinates, absent keeps them.
    let placed = json_of(
        host.send(
            "PATCH",
            &url,
            Some(json!({"latitude": 52.37, "longitude": 4.89})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(placed["latitude"], 52.37);
    let kept = json_of(
        host.send("PATCH", &url, Some(json!({"title": "Renamed"})))
            .await,
        200,
    )
    .await;
    assert_eq!(kept["longitude"], 4.89);
    let cleared = json_of(
        host.send(
            "PATCH",
            &url,
            Some(json!({"latitude": null, "longitude": null})),
        )
        .await,
        200,
    )
    .await;
    assert!(cleared["latitude"].is_null(), "{cleared}");

    let blocks = format!("{url}/blocks");
    for body in [
        json!({"start": "2027-02-30", "end": date(3)}),
        json!({"start": date(3), "end": date(4), "note": "a\u{0}b"}),
    ] {
        problem(host.send("POST", &blocks, Some(body)).await, 422).await;
    }
    for path in [
        format!("{url}/blocks/99999999999999999999"),
        "/api/v1/host/reservations/-1".to_string(),
        "/api/v1/host/listings/0/photos".to_string(),
    ] {
        problem(host.get(&path).await, 404).await;
    }
    let (_, body) = problem(
        host.send(
            "POST",
            "/api/v1/reviews/1/reply",
            Some(json!({"reply": "nul \u{0} inside"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields_of(&body), ["reply"]);
}

#[tokio::test]
async fn check_in_instructions_are_written_and_read_through_the_api_and_checked_like_the_form() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hana@example.com", true).await;
    let host = Client::signed_in(&app, "hana@example.com").await;
    let listing = fixtures::listing(&app, host_id, fixtures::ListingSpec::default()).await;
    let url = format!("/api/v1/host/listings/{listing}");

    let instructions = "Key box by the door, code 4711.";
    let updated = json_of(
        host.send(
            "PATCH",
            &url,
            Some(json!({ "check_in_instructions": instructions })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(updated["check_in_instructions"], instructions);
    let shown = json_of(host.get(&url).await, 200).await;
    assert_eq!(shown["check_in_instructions"], instructions);

    let (_, body) = problem(
        host.send(
            "PATCH",
            &url,
            Some(json!({ "check_in_instructions": "x".repeat(5_001) })),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields_of(&body), ["check_in_instructions"], "{body}");
    let shown = json_of(host.get(&url).await, 200).await;
    assert_eq!(shown["check_in_instructions"], instructions);
}
