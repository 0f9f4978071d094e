//! One email per event: a host hears of an instant booking once, when it is a reservation,
//! and never of an unpaid hold that ran out.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{bookings::ExpireHolds, schema::dev_mailbox};

use crate::{
    bookings_support::{CARD_OK, booked, execute, pay, run_job, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// The subjects of every email to `address`, oldest first (after running the queued jobs).
async fn subjects_to(app: &TestApp, address: &str) -> Vec<String> {
    app.run_jobs().await;
    let mut conn = app.pool.get().await.expect("connection");
    dev_mailbox::table
        .filter(dev_mailbox::to_address.eq(address))
        .order(dev_mailbox::id.asc())
        .select(dev_mailbox::subject)
        .load(&mut conn)
        .await
        .expect("mailbox")
}

#[tokio::test]
async fn the_host_gets_one_new_reservation_email_for_an_instant_booking() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let id = booked(&guest, listing, 3, 2).await;
    assert!(
        subjects_to(&app, "hugo@example.com").await.is_empty(),
        "an unpaid hold is not news for the host yet"
    );
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");
    let subjects = subjects_to(&app, "hugo@example.com").await;
    assert_eq!(subjects.len(), 1, "{subjects:?}");
    assert!(subjects[0].starts_with("New reservation"), "{subjects:?}");
}

#[tokio::test]
async fn the_host_hears_nothing_of_an_unpaid_instant_hold_that_expires() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let id = booked(&guest, listing, 3, 2).await;
    execute(
        &app,
        &format!(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = {id}"
        ),
    )
    .await;
    run_job(&app, ExpireHolds).await;
    assert_eq!(status_of(&app, id).await, "expired");
    assert!(subjects_to(&app, "hugo@example.com").await.is_empty());
    let guest_subjects = subjects_to(&app, "gina@example.com").await;
    assert!(
        guest_subjects.iter().any(|s| s.contains("expired")),
        "{guest_subjects:?}"
    );
}

#[tokio::test]
async fn a_request_gives_the_host_the_request_and_then_the_paid_confirmation() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let spec = ListingSpec {
        instant_book: false,
        ..ListingSpec::default()
    };
    let listing = fixtures::listing(&app, host_id, spec).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let id = booked(&guest, listing, 20, 3).await;
    // Nothing reaches the host until the guest's card is authorized.
    assert!(subjects_to(&app, "hugo@example.com").await.is_empty());
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    let reservation = format!("/host/reservations/{id}");
    let accepted = host
        .submit(&reservation, &format!("{reservation}/accept"), &[])
        .await;
    assert_eq!(accepted.status(), 303);
    // The capture job charges the authorized card and confirms the stay.
    app.run_jobs().await;
    let subjects = subjects_to(&app, "hugo@example.com").await;
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(
        subjects[0].starts_with("New booking request"),
        "{subjects:?}"
    );
    assert!(
        subjects[1].starts_with("Reservation confirmed"),
        "{subjects:?}"
    );
}
