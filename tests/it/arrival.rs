//! After booking, the guest gets what they need to arrive — the exact address, the check-in
//! instructions, the house rules, the host's first name and email — on the trip page, in the
//! JSON API and in the confirmation email; nobody else ever sees the address or instructions.

use crate::{
    bookings_support::{CARD_OK, booked, execute, page, pay, status_of},
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp},
};

const ADDRESS: &str = "1 Example Street";
const INSTRUCTIONS: &str = "Key box left of the blue door, code 4711.";
const RULES: &str = "No parties after ten.";

/// Whether `html` gives away the private details of the stay.
fn reveals(html: &str) -> bool {
    html.contains(ADDRESS) || html.contains("code 4711")
}

async fn json(browser: &Browser, path: &str) -> (u16, serde_json::Value) {
    let response = browser.get(path).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_address_and_check_in_instructions_reach_only_the_guest_of_a_confirmed_stay() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    execute(
        &app,
        &format!("UPDATE users SET name = 'Hugo de Vries' WHERE id = {host_id}"),
    )
    .await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    execute(
        &app,
        &format!(
            "UPDATE listings SET check_in_instructions = '{INSTRUCTIONS}', \
             house_rules = '{RULES}' WHERE id = {listing}"
        ),
    )
    .await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let (_, other) = fixtures::signed_in(&app, "olga@example.com", false).await;
    let visitor = app.new_browser();
    let listing_page = format!("/listings/{listing}");

    for browser in [&visitor, &other, &guest] {
        let (status, html) = page(browser, &listing_page).await;
        assert_eq!(status, 200);
        assert!(!reveals(&html), "the listing page before booking");
    }
    let (_, api_listing) = page(&visitor, &format!("/api/v1/listings/{listing}")).await;
    assert!(!reveals(&api_listing), "{api_listing}");

    // Booked but not paid: not yet.
    let id = booked(&guest, listing, 3, 2).await;
    let trip_path = format!("/trips/{id}");
    let (_, trip) = page(&guest, &trip_path).await;
    assert!(!reveals(&trip));
    assert!(trip.contains("once your stay is confirmed"), "{trip}");
    let (status, answer) = json(&guest, &format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 200);
    assert!(answer["arrival"].is_null(), "{answer}");

    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");

    let (_, trip) = page(&guest, &trip_path).await;
    assert!(trip.contains(ADDRESS), "{trip}");
    assert!(trip.contains(INSTRUCTIONS) && trip.contains(RULES));
    assert!(trip.contains("mailto:hugo@example.com"));
    assert!(trip.contains("Email Hugo<"), "the host's first name");
    let (status, answer) = json(&guest, &format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["arrival"]["address"], ADDRESS);
    assert_eq!(answer["arrival"]["check_in_instructions"], INSTRUCTIONS);
    assert_eq!(answer["arrival"]["host_first_name"], "Hugo");
    assert_eq!(answer["arrival"]["host_email"], "hugo@example.com");

    let (subject, text) = app.last_email_to("gina@example.com").await.expect("email");
    assert!(subject.contains("is confirmed"), "{subject}");
    assert!(
        text.contains(ADDRESS) && text.contains(INSTRUCTIONS),
        "{text}"
    );
    assert!(
        text.contains(RULES) && text.contains("hugo@example.com"),
        "{text}"
    );

    // Nobody else: not the trip, not its JSON, not the listing page.
    let (status, html) = page(&other, &trip_path).await;
    assert_eq!(status, 404);
    assert!(!reveals(&html));
    let (status, html) = page(&visitor, &trip_path).await;
    assert_ne!(status, 200);
    assert!(!reveals(&html));
    let (status, answer) = json(&other, &format!("/api/v1/bookings/{id}")).await;
    assert_eq!(status, 404);
    assert!(!reveals(&answer.to_string()));
    for browser in [&visitor, &other, &guest] {
        let (_, html) = page(browser, &listing_page).await;
        assert!(!reveals(&html), "the listing page after booking");
    }
}
