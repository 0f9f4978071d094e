//! The review services called directly with the wrong actor: each refuses, with the exact
//! error, and leaves the database as it was. These are the checks a new door (the JSON API,
//! GraphQL) relies on, since it calls the services without the HTML pages.

use chrono::{Duration, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    reviews::service::{self, NewReview, Side},
    schema::{bookings, reviews},
    service::{Actor, BookingId, ListingId, ReviewId, ServiceError, UserId},
};

use crate::{
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// A stay of `guest_id` at `listing_id` that ended on `check_out`.
async fn stay(app: &TestApp, listing_id: i64, guest_id: i64, check_out: NaiveDate) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    diesel::insert_into(bookings::table)
        .values((
            bookings::listing_id.eq(listing_id),
            bookings::guest_id.eq(guest_id),
            bookings::check_in.eq(check_out - Duration::days(3)),
            bookings::check_out.eq(check_out),
            bookings::guests.eq(2),
            bookings::status.eq("completed"),
            bookings::currency.eq("EUR"),
            bookings::nightly_price.eq(12_000i64),
            bookings::nights.eq(3),
            bookings::base_amount.eq(36_000i64),
            bookings::discount_amount.eq(0i64),
            bookings::cleaning_fee.eq(3_000i64),
            bookings::service_fee.eq(5_460i64),
            bookings::tax_amount.eq(0i64),
            bookings::total_amount.eq(44_460i64),
            bookings::host_fee.eq(1_170i64),
            bookings::host_payout.eq(37_830i64),
            bookings::cancellation_policy.eq("moderate"),
            bookings::idempotency_key.eq(format!("fixture-{}", uuid::Uuid::new_v4())),
        ))
        .returning(bookings::id)
        .get_result(&mut conn)
        .await
        .unwrap()
}

struct World {
    app: TestApp,
    listing: ListingId,
    guest: Actor,
    host: Actor,
    booking: BookingId,
}

/// A stay that completed yesterday: both sides may review it.
async fn completed_stay() -> World {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "host@example.com", true).await;
    let guest_id = fixtures::user(&app, "guest@example.com", false).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let booking = stay(&app, listing, guest_id, yesterday).await;
    World {
        guest: fixtures::actor(&app, guest_id).await,
        host: fixtures::actor(&app, host_id).await,
        listing: ListingId::new(listing),
        booking: BookingId::new(booking),
        app,
    }
}

fn guest_review() -> NewReview {
    NewReview {
        rating: 5,
        categories: Some([5, 4, 5, 5, 4, 5]),
        comment: "Lovely.".into(),
    }
}

fn host_review() -> NewReview {
    NewReview {
        rating: 5,
        categories: None,
        comment: "A perfect guest.".into(),
    }
}

async fn review_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    reviews::table.count().get_result(&mut conn).await.unwrap()
}

/// The error a stranger gets for someone else's stay: a visitor must sign in, a suspended
/// account is refused as such, the stay's other party is told it was not their side, and for
/// anyone else the stay does not exist.
fn assert_refused_as_a_stranger(who: &str, error: ServiceError) {
    match who {
        "visitor" => assert!(
            matches!(error, ServiceError::SignInRequired),
            "{who}: {error:?}"
        ),
        "a suspended user" => assert!(
            matches!(&error, ServiceError::NotAllowed(message) if message.contains("suspended")),
            "{who}: {error:?}"
        ),
        "the host, as the guest" | "the guest, as the host" => assert!(
            matches!(&error, ServiceError::NotAllowed(message) if message.contains("part of")),
            "{who}: {error:?}"
        ),
        _ => assert!(matches!(&error, ServiceError::NotFound), "{who}: {error:?}"),
    }
}

#[tokio::test]
async fn nobody_but_the_guest_may_review_a_stay_as_its_guest() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    let mut wrong = fixtures::strangers(&w.app).await;
    wrong.push(("the host, as the guest", w.host.clone()));
    for (who, actor) in &wrong {
        let opened = service::open(&mut conn, actor, w.booking, Side::Guest, Utc::now()).await;
        assert_refused_as_a_stranger(who, opened.expect_err("refused"));
        let submitted =
            service::submit(&mut conn, actor, w.booking, Side::Guest, &guest_review()).await;
        assert_refused_as_a_stranger(who, submitted.expect_err("refused"));
    }
    assert_eq!(review_count(&w.app).await, 0, "nothing was written");
    // The guest may.
    let published = service::submit(&mut conn, &w.guest, w.booking, Side::Guest, &guest_review())
        .await
        .expect("the guest reviews");
    assert!(!published, "double blind: waits for the host");
}

#[tokio::test]
async fn nobody_but_the_listing_host_may_review_the_guest() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    let mut wrong = fixtures::strangers(&w.app).await;
    wrong.push(("the guest, as the host", w.guest.clone()));
    for (who, actor) in &wrong {
        let submitted =
            service::submit(&mut conn, actor, w.booking, Side::Host, &host_review()).await;
        assert_refused_as_a_stranger(who, submitted.expect_err("refused"));
    }
    assert_eq!(review_count(&w.app).await, 0, "nothing was written");
    service::submit(&mut conn, &w.host, w.booking, Side::Host, &host_review())
        .await
        .expect("the host reviews");
}

#[tokio::test]
async fn a_second_review_of_the_same_stay_is_a_conflict_and_an_unknown_stay_is_not_found() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    service::submit(&mut conn, &w.guest, w.booking, Side::Guest, &guest_review())
        .await
        .expect("first review");
    let twice = service::submit(&mut conn, &w.guest, w.booking, Side::Guest, &guest_review()).await;
    assert!(
        matches!(&twice, Err(ServiceError::Conflict(message)) if message.contains("already reviewed")),
        "{twice:?}"
    );
    assert_eq!(review_count(&w.app).await, 1);
    let unknown = service::open(
        &mut conn,
        &w.guest,
        BookingId::new(w.booking.get() + 1000),
        Side::Guest,
        Utc::now(),
    )
    .await;
    assert!(
        matches!(unknown, Err(ServiceError::NotFound)),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn the_review_window_is_checked_by_the_service() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    let later = Utc::now() + Duration::days(service::WINDOW_DAYS + 1);
    let late = service::open(&mut conn, &w.guest, w.booking, Side::Guest, later).await;
    assert!(
        matches!(&late, Err(ServiceError::Refused(message)) if message.contains("window")),
        "{late:?}"
    );
}

#[tokio::test]
async fn nobody_but_the_listing_host_may_reply_to_its_review() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    service::submit(&mut conn, &w.guest, w.booking, Side::Guest, &guest_review())
        .await
        .unwrap();
    let published = service::submit(&mut conn, &w.host, w.booking, Side::Host, &host_review())
        .await
        .unwrap();
    assert!(published, "both written: published");
    let review_id: i64 = reviews::table
        .filter(reviews::booking_id.eq(w.booking.get()))
        .filter(reviews::direction.eq("guest_to_host"))
        .select(reviews::id)
        .first(&mut conn)
        .await
        .unwrap();
    let review = ReviewId::new(review_id);
    let mut wrong = fixtures::strangers(&w.app).await;
    wrong.push(("the guest", w.guest.clone()));
    for (who, actor) in &wrong {
        let replied = service::reply(&mut conn, actor, review, "Spam").await;
        let error = replied.expect_err("refused");
        match *who {
            "visitor" => assert!(matches!(error, ServiceError::SignInRequired), "{who}"),
            "a suspended user" => {
                assert!(
                    matches!(error, ServiceError::NotAllowed(_)),
                    "{who}: {error:?}"
                )
            }
            // Not theirs: as if it did not exist.
            _ => assert!(matches!(error, ServiceError::NotFound), "{who}: {error:?}"),
        }
    }
    let reply: Option<String> = reviews::table
        .find(review_id)
        .select(reviews::host_reply)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(reply, None, "nobody else replied");
    let listing = service::reply(&mut conn, &w.host, review, "Thank you!")
        .await
        .expect("the host replies");
    assert_eq!(listing, w.listing);
    let again = service::reply(&mut conn, &w.host, review, "Again").await;
    assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
}

#[tokio::test]
async fn an_unpublished_listing_has_no_reviews_page_for_anyone_but_its_host() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "host@example.com", true).await;
    let listing = fixtures::listing(
        &app,
        host_id,
        ListingSpec {
            status: "draft".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let mut conn = app.pool.get().await.unwrap();
    for (who, actor) in fixtures::strangers(&app).await {
        let page = service::listing_reviews(&mut conn, &actor, ListingId::new(listing), 1).await;
        assert!(matches!(page, Err(ServiceError::NotFound)), "{who}");
    }
    let host = fixtures::actor(&app, host_id).await;
    let page = service::listing_reviews(&mut conn, &host, ListingId::new(listing), 1)
        .await
        .expect("the host sees it");
    assert!(page.is_host);
    // A profile is public, but not a suspended account's.
    let suspended_id = fixtures::user(&app, "gone@example.com", false).await;
    fixtures::suspended(&app, suspended_id).await;
    let profile = service::profile(&mut conn, UserId::new(suspended_id)).await;
    assert!(matches!(profile, Err(ServiceError::NotFound)));
}

#[tokio::test]
async fn a_review_built_without_the_form_is_still_checked_by_the_service() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    let no_categories = NewReview {
        categories: None,
        ..guest_review()
    };
    let refused =
        service::submit(&mut conn, &w.guest, w.booking, Side::Guest, &no_categories).await;
    assert!(
        matches!(&refused, Err(ServiceError::Invalid(fields)) if fields.has("cleanliness")),
        "{refused:?}"
    );
    let six_stars = NewReview {
        rating: 6,
        ..host_review()
    };
    let refused = service::submit(&mut conn, &w.host, w.booking, Side::Host, &six_stars).await;
    assert!(
        matches!(&refused, Err(ServiceError::Invalid(fields)) if fields.has("rating")),
        "{refused:?}"
    );
    assert_eq!(review_count(&w.app).await, 0);
    // Whether the pages offer the link: only to the people of the stay.
    assert!(
        service::can_review(&mut conn, &w.guest, w.booking, Side::Guest)
            .await
            .unwrap()
    );
    for (who, actor) in fixtures::strangers(&w.app).await {
        let offered = service::can_review(&mut conn, &actor, w.booking, Side::Guest).await;
        assert!(
            matches!(offered, Ok(false) | Err(ServiceError::SignInRequired)),
            "{who}: {offered:?}"
        );
    }
}
