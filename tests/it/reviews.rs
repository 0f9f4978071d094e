//! Reviews over HTTP: double-blind publication, averages, replies, refusals, escaping, emails.

use chrono::{Duration, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl, TextExpressionMethods};
use diesel_async::RunQueryDsl;
use roost::schema::{bookings, listings, reviews};

use crate::{
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp},
};

/// A stay of `guest_id` at `listing_id`, inserted with a consistent price snapshot.
async fn stay(
    app: &TestApp,
    listing_id: i64,
    guest_id: i64,
    check_out: NaiveDate,
    status: &str,
) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    diesel::insert_into(bookings::table)
        .values((
            bookings::listing_id.eq(listing_id),
            bookings::guest_id.eq(guest_id),
            bookings::check_in.eq(check_out - Duration::days(3)),
            bookings::check_out.eq(check_out),
            bookings::guests.eq(2),
            bookings::status.eq(status),
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
    listing: i64,
    guest_id: i64,
    guest: Browser,
    host: Browser,
    booking: i64,
}

async fn completed_stay() -> World {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@example.com", true).await;
    let (guest_id, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let booking = stay(&app, listing, guest_id, yesterday, "completed").await;
    World {
        app,
        listing,
        guest_id,
        guest,
        host,
        booking,
    }
}

fn guest_review(rating: &str, comment: &str) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("rating", rating.to_string()),
        ("comment", comment.to_string()),
    ];
    for (name, value) in [
        ("cleanliness", "5"),
        ("accuracy", "4"),
        ("check_in", "5"),
        ("communication", "5"),
        ("location", "3"),
        ("value", "4"),
    ] {
        form.push((name, value.to_string()));
    }
    form
}

async fn post(browser: &Browser, path: &str, form: &[(&'static str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.submit(path, path, &fields).await
}

#[tokio::test]
async fn reviews_stay_hidden_until_both_sides_have_written_then_publish_with_the_averages() {
    let w = completed_stay().await;
    let guest_path = format!("/trips/{}/review", w.booking);
    let done = post(
        &w.guest,
        &guest_path,
        &guest_review("4", "Lovely light, quiet street."),
    )
    .await;
    assert_eq!(done.status(), 303);

    let reviews_page = format!("/listings/{}/reviews", w.listing);
    let before = w.host.get(&reviews_page).await.text().await.unwrap();
    assert!(
        !before.contains("Lovely light"),
        "the host cannot read it yet"
    );
    assert!(before.contains("No reviews yet"));

    let host_path = format!("/host/reservations/{}/review", w.booking);
    let host_done = post(
        &w.host,
        &host_path,
        &[
            ("rating", "5".into()),
            ("comment", "A perfect guest.".into()),
        ],
    )
    .await;
    assert_eq!(host_done.status(), 303);

    let after = w
        .app
        .new_browser()
        .get(&reviews_page)
        .await
        .text()
        .await
        .unwrap();
    assert!(after.contains("Lovely light, quiet street."));
    assert!(
        after.contains("<strong>4.00</strong> · 1 review"),
        "{after}"
    );
    let mut conn = w.app.pool.get().await.unwrap();
    let (count, sum, location): (i32, i32, i32) = listings::table
        .find(w.listing)
        .select((
            listings::review_count,
            listings::rating_sum,
            listings::location_sum,
        ))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!((count, sum, location), (1, 4, 3));

    let profile = w
        .app
        .new_browser()
        .get(&format!("/users/{}", w.guest_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        profile.contains("A perfect guest."),
        "the guest's profile shows the host's review"
    );

    // The host replies once.
    let review_id: i64 = reviews::table
        .filter(reviews::booking_id.eq(w.booking))
        .filter(reviews::direction.eq("guest_to_host"))
        .select(reviews::id)
        .first(&mut conn)
        .await
        .unwrap();
    let reply_path = format!("/reviews/{review_id}/reply");
    let replied = w
        .host
        .submit(
            &reviews_page,
            &reply_path,
            &[("reply", "Thank you, come back soon!")],
        )
        .await;
    assert_eq!(replied.status(), 303);
    let page = w
        .app
        .new_browser()
        .get(&reviews_page)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Thank you, come back soon!"));
    w.host
        .submit(&reviews_page, &reply_path, &[("reply", "Again")])
        .await;
    let stored: Option<String> = reviews::table
        .find(review_id)
        .select(reviews::host_reply)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        stored.as_deref(),
        Some("Thank you, come back soon!"),
        "one reply only"
    );
    // Somebody else cannot reply.
    let stranger = fixtures::signed_in(&w.app, "stranger@example.com", true)
        .await
        .1;
    let refused = stranger
        .submit(&reviews_page, &reply_path, &[("reply", "Spam")])
        .await;
    assert_eq!(refused.status(), 404);
}

#[tokio::test]
async fn every_refusal_is_answered_with_a_clear_message() {
    let w = completed_stay().await;
    let path = format!("/trips/{}/review", w.booking);

    // Somebody who was not part of the stay: for them it does not exist.
    let stranger = fixtures::signed_in(&w.app, "other@example.com", false)
        .await
        .1;
    assert_eq!(stranger.get(&path).await.status(), 404);
    // The host through the guest's form.
    let response = w.host.get(&path).await;
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("only review a stay you were part of")
    );

    // Ratings out of range keep the input and say why next to the field.
    let bad = post(&w.guest, &path, &guest_review("0", "Kept text")).await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"rating-error\"") && html.contains("Choose a rating from 1 to 5."));
    assert!(html.contains("Kept text"));
    let six = post(&w.guest, &path, &guest_review("6", "Six stars")).await;
    assert_eq!(six.status(), 422);

    // Twice.
    assert_eq!(
        post(&w.guest, &path, &guest_review("5", "Great"))
            .await
            .status(),
        303
    );
    let twice = post(&w.guest, &path, &guest_review("5", "Again")).await;
    assert_eq!(twice.status(), 409);
    assert!(twice.text().await.unwrap().contains("already reviewed"));

    // Too early: the stay is not over.
    let guest = w.guest_id;
    let future = stay(
        &w.app,
        w.listing,
        guest,
        Utc::now().date_naive() + Duration::days(5),
        "confirmed",
    )
    .await;
    let early = w.guest.get(&format!("/trips/{future}/review")).await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("after check-out"));

    // Too late: the window closed.
    let old = stay(
        &w.app,
        w.listing,
        guest,
        Utc::now().date_naive() - Duration::days(20),
        "completed",
    )
    .await;
    let late = w.guest.get(&format!("/trips/{old}/review")).await;
    assert_eq!(late.status(), 422);
    assert!(
        late.text()
            .await
            .unwrap()
            .contains("review window for this stay closed")
    );

    // A cancelled stay.
    let cancelled = stay(
        &w.app,
        w.listing,
        guest,
        Utc::now().date_naive() - Duration::days(40),
        "cancelled_by_guest",
    )
    .await;
    let response = w.guest.get(&format!("/trips/{cancelled}/review")).await;
    assert!(response.text().await.unwrap().contains("was cancelled"));
}

#[tokio::test]
async fn a_lone_review_is_published_when_the_window_closes() {
    let w = completed_stay().await;
    let path = format!("/trips/{}/review", w.booking);
    assert_eq!(
        post(&w.guest, &path, &guest_review("3", "Fine."))
            .await
            .status(),
        303
    );
    let mut conn = w.app.pool.get().await.unwrap();
    // Time passes: the stay ended 15 days ago.
    diesel::update(bookings::table.find(w.booking))
        .set((
            bookings::check_in.eq(Utc::now().date_naive() - Duration::days(18)),
            bookings::check_out.eq(Utc::now().date_naive() - Duration::days(15)),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    roost::jobs::enqueue(&mut conn, &roost::reviews::PublishDueReviews)
        .await
        .unwrap();
    roost::jobs::enqueue(&mut conn, &roost::reviews::PublishDueReviews)
        .await
        .unwrap();
    w.app.run_jobs().await;
    let page = w
        .app
        .new_browser()
        .get(&format!("/listings/{}/reviews", w.listing))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Fine."));
    let count: i32 = listings::table
        .find(w.listing)
        .select(listings::review_count)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(count, 1, "counted once although the job ran twice");
}

#[tokio::test]
async fn review_text_is_escaped_wherever_it_appears() {
    let w = completed_stay().await;
    let nasty = "<script>alert(1)</script><div hx-get=\"/logout\" hx-trigger=\"load\">x</div>";
    post(
        &w.guest,
        &format!("/trips/{}/review", w.booking),
        &guest_review("5", nasty),
    )
    .await;
    post(
        &w.host,
        &format!("/host/reservations/{}/review", w.booking),
        &[("rating", "4".into()), ("comment", nasty.into())],
    )
    .await;
    let page = w
        .app
        .new_browser()
        .get(&format!("/listings/{}/reviews", w.listing))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert"), "no live script");
    assert!(!page.contains("<div hx-get"), "no live htmx attribute");
    assert!(
        page.contains("&#60;script&#62;alert(1)"),
        "shown as text: {page}"
    );
    let profile = w
        .app
        .new_browser()
        .get(&format!("/users/{}", w.guest_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!profile.contains("<div hx-get") && profile.contains("&#60;div hx-get"));
}

#[tokio::test]
async fn completed_stays_get_one_invitation_per_side() {
    let w = completed_stay().await;
    let mut conn = w.app.pool.get().await.unwrap();
    roost::jobs::enqueue(&mut conn, &roost::reviews::SendReviewNotices)
        .await
        .unwrap();
    w.app.run_jobs().await;
    roost::jobs::enqueue(&mut conn, &roost::reviews::SendReviewNotices)
        .await
        .unwrap();
    w.app.run_jobs().await;
    let (subject, text) = w
        .app
        .last_email_to("guest@example.com")
        .await
        .expect("invitation to the guest");
    assert!(subject.starts_with("How was your stay"));
    assert!(text.contains(&format!("/trips/{}/review", w.booking)));
    let (host_subject, host_text) = w
        .app
        .last_email_to("host@example.com")
        .await
        .expect("invitation to the host");
    assert!(host_subject.starts_with("How was your stay"));
    assert!(host_text.contains(&format!("/host/reservations/{}/review", w.booking)));
    let sent: i64 = roost::schema::dev_mailbox::table
        .filter(roost::schema::dev_mailbox::subject.like("How was your stay%"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(sent, 2, "one per side, although the job ran twice");
}

#[tokio::test]
async fn the_listing_page_and_the_trip_pages_lead_to_the_reviews() {
    let w = completed_stay().await;
    let trip = w
        .guest
        .get(&format!("/trips/{}", w.booking))
        .await
        .text()
        .await
        .unwrap();
    assert!(trip.contains(&format!("href=\"/trips/{}/review\"", w.booking)));
    let reservation = w
        .host
        .get(&format!("/host/reservations/{}", w.booking))
        .await
        .text()
        .await
        .unwrap();
    assert!(reservation.contains(&format!("href=\"/host/reservations/{}/review\"", w.booking)));
    post(
        &w.guest,
        &format!("/trips/{}/review", w.booking),
        &guest_review("5", "Bright and calm."),
    )
    .await;
    post(
        &w.host,
        &format!("/host/reservations/{}/review", w.booking),
        &[("rating", "5".into()), ("comment", "Tidy guest.".into())],
    )
    .await;
    let listing = w
        .app
        .new_browser()
        .get(&format!("/listings/{}", w.listing))
        .await
        .text()
        .await
        .unwrap();
    assert!(listing.contains(&format!("hx-get=\"/listings/{}/reviews\"", w.listing)));
    // The fragment htmx loads holds the reviews themselves.
    let fragment = w
        .app
        .new_browser()
        .client
        .get(w.app.url(&format!("/listings/{}/reviews", w.listing)))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fragment.contains("Bright and calm.") && !fragment.contains("<html"));
}

#[tokio::test]
async fn the_trip_pages_offer_a_review_only_while_it_can_be_written() {
    let w = completed_stay().await;
    let trip_path = format!("/trips/{}", w.booking);
    let review_link = format!("href=\"/trips/{}/review\"", w.booking);
    let trip = w.guest.get(&trip_path).await.text().await.unwrap();
    assert!(trip.contains(&review_link), "offered right after the stay");

    // Once written, the link would only lead to "already reviewed".
    post(
        &w.guest,
        &format!("/trips/{}/review", w.booking),
        &guest_review("4", "Quiet street."),
    )
    .await;
    let trip = w.guest.get(&trip_path).await.text().await.unwrap();
    assert!(!trip.contains(&review_link), "not offered twice");

    // A stay whose window closed: neither side is offered the link.
    let long_ago = Utc::now().date_naive() - Duration::days(30);
    let old = stay(&w.app, w.listing, w.guest_id, long_ago, "completed").await;
    let trip = w
        .guest
        .get(&format!("/trips/{old}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(trip.contains("Completed"));
    assert!(!trip.contains(&format!("href=\"/trips/{old}/review\"")));
    let reservation = w
        .host
        .get(&format!("/host/reservations/{old}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(reservation.contains("Completed"));
    assert!(!reservation.contains(&format!("href=\"/host/reservations/{old}/review\"")));
}

/// An app whose database holds the demo accounts and 40 seeded listings with 400 bookings, as
/// `roost seed` makes them, and a connection to it.
async fn seeded_demo() -> (TestApp, diesel_async::AsyncPgConnection) {
    use roost::seed::stays::{Plan, stays};
    let app = TestApp::spawn().await;
    let storage: roost::storage::Storage = std::sync::Arc::new(roost::storage::LocalDisk::new(
        app.config.data_dir.join("uploads"),
    ));
    let mut conn = roost::db::connect(&app.database_url).await.unwrap();
    roost::seed::demo_accounts(&mut conn).await.unwrap();
    let plan = Plan {
        listings: 40,
        bookings: 400,
    };
    stays(&mut conn, &storage, plan).await.unwrap();
    (app, conn)
}

#[tokio::test]
async fn the_demo_guest_is_given_the_stay_that_ended_last_so_that_a_review_can_be_tried() {
    use diesel::sql_types::{Date, Nullable};

    #[derive(diesel::QueryableByName)]
    struct Last {
        #[diesel(sql_type = Nullable<Date>)]
        check_out: Option<NaiveDate>,
    }
    let (_app, mut conn) = seeded_demo().await;

    let last_of = |who: &'static str| {
        diesel::sql_query(format!(
            "SELECT max(b.check_out) AS check_out FROM bookings b JOIN users u ON u.id = b.guest_id \
             WHERE b.status = 'completed' AND b.listing_id > 6 AND {who}"
        ))
    };
    let everyone: Last = last_of("true").get_result(&mut conn).await.unwrap();
    let demo: Last = last_of("u.email = 'guest@roost.test'")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(
        everyone.check_out.is_some(),
        "the seed completed some stays"
    );
    assert_eq!(demo.check_out, everyone.check_out);
}

#[tokio::test]
async fn the_demo_data_has_the_reviews_its_figures_claim_and_both_pages_agree() {
    use diesel::sql_types::BigInt;

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let (app, mut conn) = seeded_demo().await;
    let mut count = async |sql: &'static str| -> i64 {
        let row: Count = diesel::sql_query(sql).get_result(&mut conn).await.unwrap();
        row.n
    };

    let written = count(
        "SELECT count(*) AS n FROM reviews r \
         WHERE r.direction = 'guest_to_host' AND r.published_at IS NOT NULL \
           AND length(r.comment) > 20",
    )
    .await;
    assert!(written > 40, "reviews with words: {}", written);
    // Every listing's figures are the sums of its published, visible guest reviews.
    let disagreeing = count(
        "SELECT count(*) AS n FROM listings l LEFT JOIN LATERAL ( \
           SELECT count(*) AS n, coalesce(sum(rating), 0) AS rating, \
                  coalesce(sum(cleanliness), 0) AS cleanliness, coalesce(sum(value), 0) AS value \
           FROM reviews r WHERE r.listing_id = l.id AND r.direction = 'guest_to_host' \
             AND r.published_at IS NOT NULL AND r.hidden_at IS NULL) f ON true \
         WHERE l.review_count <> f.n OR l.rating_sum <> f.rating \
            OR l.cleanliness_sum <> f.cleanliness OR l.value_sum <> f.value",
    )
    .await;
    assert_eq!(disagreeing, 0, "listings whose figures no review backs");
    // Reviews are of real, completed stays by their guest, published after the stay.
    let strays = count(
        "SELECT count(*) AS n FROM reviews r JOIN bookings b ON b.id = r.booking_id \
         JOIN listings l ON l.id = b.listing_id \
         WHERE b.status <> 'completed' OR r.published_at::date <= b.check_out \
            OR (r.direction = 'guest_to_host' AND r.author_id <> b.guest_id) \
            OR (r.direction = 'host_to_guest' AND r.author_id <> l.host_id)",
    )
    .await;
    assert_eq!(strays, 0, "reviews that no stay explains");
    let by_demo_guest = count(
        "SELECT count(*) AS n FROM reviews r JOIN users u ON u.id = r.author_id \
         WHERE u.email = 'guest@roost.test'",
    )
    .await;
    assert_eq!(by_demo_guest, 0, "the demo guest's stays are left to them");

    // The listing page, its reviews page and a search card write the average alike.
    let (id, sum, n): (i64, i32, i32) = listings::table
        .filter(listings::review_count.ge(2))
        .filter(listings::status.eq("published"))
        .order(listings::id)
        .select((listings::id, listings::rating_sum, listings::review_count))
        .first(&mut conn)
        .await
        .unwrap();
    let label = roost::reviews::rating::overall(sum, n).unwrap();
    let listing_page = app
        .get(&format!("/listings/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let reviews_page = app
        .get(&format!("/listings/{id}/reviews"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listing_page.contains(&format!("★ {label} · {n} reviews")),
        "{label}"
    );
    assert!(
        reviews_page.contains(&format!("<strong>{label}</strong> · {n} reviews")),
        "{reviews_page}"
    );
    // ... and the reviews page lists the reviews the count claims.
    let listed = reviews_page.matches("<li class=\"review\"").count();
    assert_eq!(
        listed as i64,
        i64::from(n).min(roost::reviews::service::PER_PAGE)
    );
}
