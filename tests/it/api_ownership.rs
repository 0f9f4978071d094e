//! The ownership matrix of the host's API: every URL of a host's objects (the listing, its
//! photos, its blocks, a reservation and each of its actions, the review of its guest
//! included), with every method, tried by another host, a guest, the reservation's own guest
//! and a visitor: a 404 (401 for the visitor) as a problem document, never the object, and
//! nothing changed.

use serde_json::{Value, json};

use crate::{
    api::{Client, json_of, problem},
    api_host::{jpeg, upload},
    bookings_support::{CARD_OK, book, date, pay, trip_id},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// What a request carries.
#[derive(Clone)]
enum Body {
    Empty,
    Json(Value),
    Photos,
}

/// Everything the owner can see of their objects, to compare before and after.
async fn snapshot(owner: &Client, listing: &str, reservation: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        listing.to_string(),
        format!("{listing}/photos"),
        format!("{listing}/blocks"),
        reservation.to_string(),
    ] {
        seen.push(json_of(owner.get(&path).await, 200).await);
    }
    seen
}

#[tokio::test]
async fn nobody_but_the_host_reaches_their_listing_photos_blocks_or_reservations() {
    let app = TestApp::spawn().await;
    let owner_id = fixtures::user(&app, "owner@example.com", true).await;
    fixtures::user(&app, "other-host@example.com", true).await;
    fixtures::user(&app, "other-guest@example.com", false).await;
    let spec = ListingSpec {
        title: "Owner's loft".into(),
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing_id = fixtures::listing(&app, owner_id, spec).await;
    let owner = Client::signed_in(&app, "owner@example.com").await;
    let listing = format!("/api/v1/host/listings/{listing_id}");

    let photos = json_of(
        upload(
            &owner,
            &format!("{listing}/photos"),
            vec![("a.jpg", jpeg(32, 24))],
        )
        .await,
        201,
    )
    .await;
    let photo = photos["photos"][0]["id"].as_i64().expect("photo");
    let block = json_of(
        owner
            .send(
                "POST",
                &format!("{listing}/blocks"),
                Some(json!({"start": date(40), "end": date(42)})),
            )
            .await,
        201,
    )
    .await;
    let block = block["id"].as_i64().expect("block");
    let (_, stay_guest) = fixtures::signed_in(&app, "stay-guest@example.com", false).await;
    let booking = trip_id(&book(&stay_guest, listing_id, &date(10), &date(12), "2", "own-1").await);
    // The request reaches the host once the guest's card is authorized.
    assert_eq!(pay(&stay_guest, booking, CARD_OK).await.status(), 303);
    let reservation = format!("/api/v1/host/reservations/{booking}");
    let before = snapshot(&owner, &listing, &reservation).await;

    let photo_url = format!("{listing}/photos/{photo}");
    let block_url = format!("{listing}/blocks/{block}");
    let requests: Vec<(&str, String, Body)> = vec![
        ("GET", listing.clone(), Body::Empty),
        (
            "PATCH",
            listing.clone(),
            Body::Json(json!({"title": "Mine now"})),
        ),
        ("POST", format!("{listing}/publish"), Body::Empty),
        ("POST", format!("{listing}/unlist"), Body::Empty),
        ("GET", format!("{listing}/photos"), Body::Empty),
        ("POST", format!("{listing}/photos"), Body::Photos),
        (
            "PUT",
            format!("{listing}/photos/order"),
            Body::Json(json!({"photo_ids": [photo]})),
        ),
        ("POST", format!("{photo_url}/cover"), Body::Empty),
        ("DELETE", photo_url.clone(), Body::Empty),
        ("GET", format!("{listing}/blocks"), Body::Empty),
        (
            "POST",
            format!("{listing}/blocks"),
            Body::Json(json!({"start": date(50), "end": date(51)})),
        ),
        ("GET", block_url.clone(), Body::Empty),
        ("DELETE", block_url.clone(), Body::Empty),
        ("GET", reservation.clone(), Body::Empty),
        ("POST", format!("{reservation}/accept"), Body::Empty),
        ("POST", format!("{reservation}/decline"), Body::Empty),
        ("POST", format!("{reservation}/check-in"), Body::Empty),
        ("POST", format!("{reservation}/check-out"), Body::Empty),
        ("POST", format!("{reservation}/cancel"), Body::Empty),
        (
            "POST",
            format!("{reservation}/review"),
            Body::Json(json!({"rating": 1, "comment": "Never stayed here."})),
        ),
    ];

    let strangers = [
        (
            "another host",
            Client::signed_in(&app, "other-host@example.com").await,
        ),
        (
            "a guest",
            Client::signed_in(&app, "other-guest@example.com").await,
        ),
        (
            "the reservation's guest",
            Client::signed_in(&app, "stay-guest@example.com").await,
        ),
        ("a visitor", Client::visitor(&app).await),
    ];
    for (who, client) in &strangers {
        for (method, path, body) in &requests {
            // The stay's guest knows the stay: the host's review form tells them it is not
            // their side (403), as the pages do; for everyone else it does not exist.
            let expected = match (*who, path.ends_with("/review")) {
                ("a visitor", _) => 401,
                ("the reservation's guest", true) => 403,
                _ => 404,
            };
            let response = match body {
                Body::Empty => client.send(method, path, None).await,
                Body::Json(value) => client.send(method, path, Some(value.clone())).await,
                Body::Photos => upload(client, path, vec![("b.jpg", jpeg(16, 12))]).await,
            };
            let status = response.status().as_u16();
            assert_eq!(status, expected, "{method} {path} as {who}");
            let (_, body) = problem(response, expected).await;
            let text = body.to_string();
            assert!(
                !text.contains("Owner's loft") && !text.contains("stay-guest"),
                "{method} {path} as {who} shows the object: {text}"
            );
        }
        if *who != "a visitor" {
            let theirs = json_of(client.get("/api/v1/host/reservations").await, 200).await;
            assert_eq!(theirs["reservations"], json!([]), "{who}");
        }
    }
    let mine = json_of(strangers[0].1.get("/api/v1/host/listings").await, 200).await;
    assert_eq!(mine["listings"], json!([]), "another host lists none of it");
    assert_eq!(
        snapshot(&owner, &listing, &reservation).await,
        before,
        "nothing changed"
    );
    let shown = json_of(owner.get(&reservation).await, 200).await;
    assert_eq!(shown["reservation"]["status"], "requested");
}
