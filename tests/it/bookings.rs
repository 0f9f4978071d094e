//! Booking journeys over HTTP: instant book and pay, request to book, declined cards,
//! cancellations at the refund the policy promised.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::{booking_events, payment_events};

use crate::{
    bookings_support::{
        CARD_DECLINED, CARD_OK, book, booked, calendar_holds, date, ledger, location, page, pay,
        status_of, total_of,
    },
    fixtures::{self, ListingSpec},
    support::TestApp,
};

#[tokio::test]
async fn an_instant_booking_is_confirmed_only_by_the_payment_event_and_cancelled_at_the_promised_refund()
 {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    // Two nights, three days ahead: 2 × €120 + €30 cleaning + 14 % service fee = €307.80.
    let id = booked(&guest, listing, 3, 2).await;
    assert_eq!(status_of(&app, id).await, "pending_payment");
    assert_eq!(total_of(&app, id).await, 30_780);
    assert_eq!(calendar_holds(&app, id).await, 1);
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(trip.contains("Awaiting payment"), "{trip}");
    assert!(trip.contains(&format!("/trips/{id}/pay")));
    assert!(trip.contains("€307.80"));

    // A browser coming back from a payment page proves nothing.
    let back = guest
        .get(&format!(
            "/trips/{id}?redirect_status=succeeded&payment_intent=pi_x"
        ))
        .await;
    assert_eq!(back.status(), 200);
    assert_eq!(status_of(&app, id).await, "pending_payment");

    let paid = pay(&guest, id, CARD_OK).await;
    assert_eq!(paid.status(), 303);
    assert_eq!(location(&paid), format!("/trips/{id}"));
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(
        ledger(&app, id).await,
        [("charge".into(), "succeeded".into(), 30_780)]
    );
    // The confirmation came from a stored, processed event, and no person did it.
    let mut conn = app.pool.get().await.unwrap();
    let events: Vec<(String, bool)> = payment_events::table
        .select((
            payment_events::event_type,
            payment_events::processed_at.is_not_null(),
        ))
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(events, [("payment_intent.succeeded".to_string(), true)]);
    let confirmed_by: Option<i64> = booking_events::table
        .filter(booking_events::booking_id.eq(id))
        .filter(booking_events::to_status.eq("confirmed"))
        .select(booking_events::actor_id)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(confirmed_by, None);
    drop(conn);

    let (subject, text) = app.last_email_to("gina@example.com").await.unwrap();
    assert!(subject.contains("is confirmed"), "{subject}");
    assert!(text.contains("€307.80"), "the receipt: {text}");
    let (subject, _) = app.last_email_to("hugo@example.com").await.unwrap();
    assert!(subject.starts_with("New reservation"), "{subject}");
    let (_, reservations) = page(&host, "/host/reservations").await;
    assert!(reservations.contains("gina") && reservations.contains("Confirmed"));

    // Moderate, less than five days ahead: half the nights and the cleaning fee come back.
    let cancel_path = format!("/trips/{id}/cancel");
    let (status, preview) = page(&guest, &cancel_path).await;
    assert_eq!(status, 200);
    assert!(preview.contains("data-refund=\"15000\""), "{preview}");
    assert!(preview.contains("€150.00"));
    let cancelled = guest
        .submit(&cancel_path, &cancel_path, &[("expected_refund", "15000")])
        .await;
    assert_eq!(cancelled.status(), 303);
    assert_eq!(status_of(&app, id).await, "cancelled_by_guest");
    assert_eq!(
        calendar_holds(&app, id).await,
        0,
        "the dates are free again"
    );

    app.run_jobs().await;
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), 30_780),
            ("refund".into(), "succeeded".into(), 15_000)
        ]
    );
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(trip.contains("Cancelled by the guest") && trip.contains("−€150.00"));
    let (subject, _) = app.last_email_to("hugo@example.com").await.unwrap();
    assert!(subject.contains("cancelled"), "{subject}");
}

#[tokio::test]
async fn a_request_to_book_is_authorized_then_accepted_by_the_host_and_charged() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let spec = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(&app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let id = booked(&guest, listing, 20, 3).await;
    assert_eq!(status_of(&app, id).await, "pending_payment");
    // The request reaches the host once the guest's card is authorized.
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "requested");
    let (subject, _) = app.last_email_to("hugo@example.com").await.unwrap();
    assert!(subject.starts_with("New booking request"), "{subject}");
    // Nothing more can be paid before the host says yes.
    let early = guest.get(&format!("/trips/{id}/pay")).await;
    assert_eq!(early.status(), 303);

    let reservation = format!("/host/reservations/{id}");
    let (_, detail) = page(&host, &reservation).await;
    assert!(detail.contains("Accept") && detail.contains("Decline"));
    let accepted = host
        .submit(&reservation, &format!("{reservation}/accept"), &[])
        .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(status_of(&app, id).await, "accepted");

    // Accepting twice is refused politely and changes nothing.
    let again = host
        .submit(&reservation, &format!("{reservation}/accept"), &[])
        .await;
    assert_eq!(again.status(), 303);
    let (_, detail) = page(&host, &reservation).await;
    assert!(detail.contains("no longer possible"), "{detail}");

    // The authorized card is charged by a job, which confirms the stay.
    app.run_jobs().await;
    assert_eq!(status_of(&app, id).await, "confirmed");
    let (subject, _) = app.last_email_to("gina@example.com").await.unwrap();
    assert!(subject.contains("confirmed"), "{subject}");
}

#[tokio::test]
async fn a_declined_card_leaves_the_booking_awaiting_payment_until_a_good_card_pays() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 10, 2).await;

    let declined = pay(&guest, id, CARD_DECLINED).await;
    assert_eq!(declined.status(), 422);
    assert!(declined.text().await.unwrap().contains("declined"));
    assert_eq!(status_of(&app, id).await, "pending_payment");

    let other_card = pay(&guest, id, "5555 5555 5555 4444").await;
    assert_eq!(other_card.status(), 422);
    assert!(other_card.text().await.unwrap().contains("test card"));

    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "failed".into(), 30_780),
            ("charge".into(), "succeeded".into(), 30_780)
        ]
    );
    // Paid in full: nothing more to pay.
    assert_eq!(guest.get(&format!("/trips/{id}/pay")).await.status(), 303);
}

#[tokio::test]
async fn cancellation_refunds_follow_the_policy_and_the_time_left() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let flexible = ListingSpec {
        cancellation_policy: "flexible".into(),
        ..ListingSpec::default()
    };
    let strict = ListingSpec {
        cancellation_policy: "strict".into(),
        ..ListingSpec::default()
    };
    let flexible = fixtures::listing(&app, host_id, flexible).await;
    let strict = fixtures::listing(&app, host_id, strict).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    // (listing, days ahead, refund): flexible 10 days ahead gives everything back; strict
    // 30 days ahead half the nights and the cleaning fee; strict 3 days ahead the cleaning fee.
    for (listing, days, refund) in [
        (flexible, 10, 30_780),
        (strict, 30, 15_000),
        (strict, 3, 3_000),
    ] {
        let id = booked(&guest, listing, days, 2).await;
        assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
        let path = format!("/trips/{id}/cancel");
        let (_, preview) = page(&guest, &path).await;
        assert!(
            preview.contains(&format!("data-refund=\"{refund}\"")),
            "{days} days: {preview}"
        );
        // A stale amount is not applied: the guest sees the current one instead.
        let stale = guest
            .submit(&path, &path, &[("expected_refund", "1")])
            .await;
        assert_eq!(stale.status(), 409);
        assert_eq!(status_of(&app, id).await, "confirmed");
        let done = guest
            .submit(&path, &path, &[("expected_refund", &refund.to_string())])
            .await;
        assert_eq!(done.status(), 303);
        app.run_jobs().await;
        let refunded: i64 = ledger(&app, id)
            .await
            .iter()
            .filter(|(kind, ..)| kind == "refund")
            .map(|(.., amount)| amount)
            .sum();
        assert_eq!(refunded, refund, "{days} days ahead");
    }
}

#[tokio::test]
async fn a_double_submit_with_the_same_idempotency_key_makes_one_booking() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let (check_in, check_out) = (date(12), date(14));
    let (first, second) = tokio::join!(
        book(&guest, listing, &check_in, &check_out, "2", "key-1"),
        book(&guest, listing, &check_in, &check_out, "2", "key-1"),
    );
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(location(&first), location(&second));
    assert_eq!(crate::bookings_support::count_bookings(&app).await, 1);
}
