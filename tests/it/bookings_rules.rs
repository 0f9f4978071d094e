//! The rules a booking obeys, over HTTP: bad input is refused clearly, adjacent stays both fit,
//! and nobody reaches another person's trip or reservation.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::users;

use crate::{
    bookings_support::{book, booked, count_bookings, date, location, page, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

#[tokio::test]
async fn bad_booking_requests_are_refused_clearly_and_book_nothing() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let spec = ListingSpec {
        min_nights: 2,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(&app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let cases = [
        (
            date(-1),
            date(2),
            "2",
            422,
            "Check-in cannot be in the past",
        ),
        (
            date(5),
            date(4),
            "2",
            422,
            "Check-out must be after check-in",
        ),
        (
            date(5),
            date(5),
            "2",
            422,
            "Check-out must be after check-in",
        ),
        (date(5), date(7), "5", 422, "at most 4 guests"),
        (date(5), date(7), "0", 422, "Guests must be between 1"),
        (date(5), date(6), "2", 422, "minimum stay of 2 nights"),
        (date(5), date(45), "2", 422, "at most 30 nights"),
        ("soon".to_string(), date(6), "2", 422, "Enter a date like"),
    ];
    for (check_in, check_out, guests, status, message) in cases {
        let response = book(&guest, listing, &check_in, &check_out, guests, "").await;
        assert_eq!(
            response.status(),
            status,
            "{check_in}..{check_out} {guests}"
        );
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{message}: {body}");
        assert!(
            body.contains(&format!("/listings/{listing}")),
            "a link back"
        );
    }

    let own = book(&host, listing, &date(5), &date(8), "2", "").await;
    assert_eq!(own.status(), 403);
    assert!(own.text().await.unwrap().contains("your own listing"));

    let (unverified_id, unverified) = fixtures::signed_in(&app, "una@example.com", false).await;
    let mut conn = app.pool.get().await.unwrap();
    diesel::update(users::table.find(unverified_id))
        .set(users::email_verified_at.eq(None::<chrono::DateTime<chrono::Utc>>))
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let refused = book(&unverified, listing, &date(5), &date(8), "2", "").await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("confirm your email"));

    // htmx gets a fragment with the same status.
    let page_html = guest.get("/trips").await.text().await.unwrap();
    let token = crate::support::csrf_token_in(&page_html).unwrap();
    let fragment = guest
        .client
        .post(guest.url(&format!("/listings/{listing}/book")))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(&[("check_in", date(-3)), ("check_out", date(2))])
        .send()
        .await
        .unwrap();
    assert_eq!(fragment.status(), 422);
    let body = fragment.text().await.unwrap();
    assert!(body.contains("in the past") && !body.contains("<html"));

    let anonymous = app.new_browser();
    let token = crate::support::csrf_token_in(&anonymous.get("/login").await.text().await.unwrap())
        .unwrap();
    let response = anonymous
        .client
        .post(anonymous.url(&format!("/listings/{listing}/book")))
        .form(&[("csrf_token", token.as_str()), ("check_in", &date(5))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));

    let missing = book(&guest, listing + 1000, &date(5), &date(8), "2", "").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(count_bookings(&app).await, 0);
}

#[tokio::test]
async fn adjacent_stays_both_succeed_but_overlapping_ones_do_not() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, first) = fixtures::signed_in(&app, "first@example.com", false).await;
    let (_, second) = fixtures::signed_in(&app, "second@example.com", false).await;
    let (_, third) = fixtures::signed_in(&app, "third@example.com", false).await;

    booked(&first, listing, 10, 2).await;
    // Check-out of one stay is the check-in of the next: [10, 12) and [12, 14) do not overlap.
    booked(&second, listing, 12, 2).await;
    let overlapping = book(&third, listing, &date(11), &date(13), "1", "").await;
    assert_eq!(overlapping.status(), 409);
    assert!(
        overlapping
            .text()
            .await
            .unwrap()
            .contains("Those dates were just taken")
    );
    assert_eq!(count_bookings(&app).await, 2);
}

#[tokio::test]
async fn a_guest_cannot_see_pay_change_or_cancel_another_guests_trip() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, owner) = fixtures::signed_in(&app, "owner@example.com", false).await;
    let (_, other) = fixtures::signed_in(&app, "other@example.com", false).await;
    let id = booked(&owner, listing, 10, 2).await;

    for path in ["", "/pay", "/cancel", "/change"] {
        let (status, _) = page(&other, &format!("/trips/{id}{path}")).await;
        assert_eq!(status, 404, "GET /trips/{{id}}{path}");
        let (status, _) = page(&other, &format!("/trips/{}{path}", id + 999)).await;
        assert_eq!(status, 404, "a missing id looks the same");
    }
    for (path, form) in [
        ("/cancel", vec![]),
        (
            "/pay",
            vec![
                ("card_number", "4242424242424242"),
                ("expiry", "12/40"),
                ("cvc", "123"),
            ],
        ),
        (
            "/change",
            vec![("check_in", "2030-01-01"), ("check_out", "2030-01-03")],
        ),
    ] {
        let response = other
            .submit("/trips", &format!("/trips/{id}{path}"), &form)
            .await;
        assert_eq!(response.status(), 404, "POST /trips/{{id}}{path}");
    }
    let (_, trips) = page(&other, "/trips").await;
    assert!(!trips.contains(&format!("/trips/{id}\"")));
    assert_eq!(status_of(&app, id).await, "pending_payment");
}

#[tokio::test]
async fn a_host_cannot_see_or_act_on_another_hosts_reservation() {
    let app = TestApp::spawn().await;
    let owner_id = fixtures::user(&app, "owner@example.com", true).await;
    let spec = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(&app, owner_id, spec).await;
    let (_, other_host) = fixtures::signed_in(&app, "other-host@example.com", true).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let id = crate::bookings_support::requested(&guest, listing, 10, 2).await;

    let (status, _) = page(&other_host, &format!("/host/reservations/{id}")).await;
    assert_eq!(status, 404);
    for action in ["accept", "decline", "check-in", "check-out", "cancel"] {
        for target in [id, id + 999] {
            let response = other_host
                .submit(
                    "/host/reservations",
                    &format!("/host/reservations/{target}/{action}"),
                    &[],
                )
                .await;
            assert_eq!(response.status(), 404, "{action} {target}");
        }
    }
    // The guest is not the host either.
    let response = guest
        .submit("/trips", &format!("/host/reservations/{id}/accept"), &[])
        .await;
    assert_eq!(response.status(), 404);
    let (_, list) = page(&other_host, "/host/reservations").await;
    assert!(!list.contains("gina"));
    assert_eq!(status_of(&app, id).await, "requested");
}

#[tokio::test]
async fn a_guest_holds_at_most_three_unpaid_bookings_and_sixty_unpaid_nights() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let mut listings = Vec::new();
    for _ in 0..4 {
        let spec = ListingSpec {
            instant_book: false,
            ..ListingSpec::default()
        };
        listings.push(fixtures::listing(&app, host_id, spec).await);
    }
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    for listing in &listings[..3] {
        booked(&guest, *listing, 10, 5).await;
    }
    let fourth = book(&guest, listings[3], &date(10), &date(12), "1", "fourth").await;
    assert_eq!(fourth.status(), 409);
    let html = fourth.text().await.unwrap();
    assert!(html.contains("waiting for payment or for a host"), "{html}");
    assert_eq!(count_bookings(&app).await, 3);

    let (_, other) = fixtures::signed_in(&app, "olga@example.com", false).await;
    booked(&other, listings[0], 40, 30).await;
    booked(&other, listings[1], 40, 30).await;
    let over = book(&other, listings[2], &date(40), &date(41), "1", "over").await;
    assert_eq!(over.status(), 409);
    let html = over.text().await.unwrap();
    assert!(html.contains("at most 60 nights"), "{html}");
}

#[tokio::test]
async fn booking_attempts_are_rate_limited_per_guest() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    // Refused attempts count too: each could have been a hold.
    for n in 0..20 {
        let response = book(&guest, listing, &date(12), &date(10), "1", &format!("k{n}")).await;
        assert_eq!(response.status(), 422, "attempt {n}");
    }
    let response = book(&guest, listing, &date(10), &date(12), "1", "last").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(count_bookings(&app).await, 0);
}

#[tokio::test]
async fn a_host_deciding_on_a_request_sees_how_many_bookings_the_guest_let_lapse() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let spec = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(&app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let lapsed = booked(&guest, listing, 10, 2).await;
    crate::bookings_support::execute(
        &app,
        &format!("UPDATE bookings SET status = 'expired' WHERE id = {lapsed}"),
    )
    .await;
    let request = booked(&guest, listing, 20, 2).await;
    let (status, html) = page(&host, &format!("/host/reservations/{request}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("this guest let <strong>1</strong> booking lapse"),
        "{html}"
    );
}
