//! The life of a stay after booking: holds expire, stays start and end, reminders go out once,
//! dates change, and hosts see their earnings.

use diesel::{ExpressionMethods, QueryDsl, TextExpressionMethods};
use diesel_async::RunQueryDsl;
use roost::{
    bookings::{AdvanceStays, ExpireHolds, SendCheckInReminders},
    schema::{calendar_entries, dev_mailbox},
};

use crate::{
    bookings_support::{
        CARD_OK, book, booked, calendar_holds, date, day, execute, ledger, page, pay, run_job,
        status_of,
    },
    fixtures::{self, ListingSpec},
    support::TestApp,
};

#[tokio::test]
async fn a_hold_that_expires_frees_its_dates_for_the_next_guest() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, slow) = fixtures::signed_in(&app, "slow@example.com", false).await;
    let (_, next) = fixtures::signed_in(&app, "next@example.com", false).await;

    let id = booked(&slow, listing, 10, 3).await;
    assert_eq!(
        book(&next, listing, &date(11), &date(12), "1", "")
            .await
            .status(),
        409
    );

    // Nothing happens while the hold runs…
    run_job(&app, ExpireHolds).await;
    assert_eq!(status_of(&app, id).await, "pending_payment");
    // …and once it has run out, the periodic job (through the scheduler) expires it.
    execute(
        &app,
        &format!(
            "UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = {id}"
        ),
    )
    .await;
    let mut conn = app.pool.get().await.unwrap();
    roost::jobs::tick(&mut conn, &roost::app::jobs::schedules())
        .await
        .unwrap();
    drop(conn);
    app.run_jobs().await;
    assert_eq!(status_of(&app, id).await, "expired");
    assert_eq!(calendar_holds(&app, id).await, 0);
    let (subject, _) = app.last_email_to("slow@example.com").await.unwrap();
    assert!(subject.contains("expired"), "{subject}");
    // Too late to pay, and the dates are someone else's now.
    let pay_path = format!("/trips/{id}/pay");
    assert_eq!(slow.get(&pay_path).await.status(), 303);
    let late = slow
        .submit(
            "/trips",
            &pay_path,
            &[
                ("card_number", CARD_OK),
                ("expiry", "12/40"),
                ("cvc", "123"),
            ],
        )
        .await;
    assert_eq!(late.status(), 303);
    assert_eq!(status_of(&app, id).await, "expired");
    assert!(ledger(&app, id).await.is_empty(), "nothing was charged");
    assert_eq!(
        book(&next, listing, &date(11), &date(12), "1", "")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn stays_start_on_their_check_in_date_and_complete_after_check_out() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;

    let today = booked(&guest, listing, 0, 2).await;
    let later = booked(&guest, listing, 20, 2).await;
    for id in [today, later] {
        assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    }
    run_job(&app, AdvanceStays).await;
    assert_eq!(status_of(&app, today).await, "checked_in");
    assert_eq!(status_of(&app, later).await, "confirmed");
    run_job(&app, AdvanceStays).await;
    assert_eq!(
        status_of(&app, today).await,
        "checked_in",
        "not before check-out"
    );

    // Move the stay into the past: the next run completes it.
    execute(
        &app,
        &format!(
            "UPDATE bookings SET check_in = check_in - 5, check_out = check_out - 5 WHERE id = {today}"
        ),
    )
    .await;
    run_job(&app, AdvanceStays).await;
    assert_eq!(status_of(&app, today).await, "completed");
    let (subject, _) = app.last_email_to("gina@example.com").await.unwrap();
    assert!(subject.starts_with("Thanks for staying"), "{subject}");

    // The host can check in by hand, but not before the check-in date.
    let path = format!("/host/reservations/{later}");
    host.submit(&path, &format!("{path}/check-in"), &[]).await;
    assert_eq!(status_of(&app, later).await, "confirmed");
    let (_, detail) = page(&host, &path).await;
    assert!(detail.contains("from the check-in date"), "{detail}");
    execute(
        &app,
        &format!(
            "UPDATE bookings SET check_in = check_in - 20, check_out = check_out - 20 WHERE id = {later}"
        ),
    )
    .await;
    host.submit(&path, &format!("{path}/check-in"), &[]).await;
    assert_eq!(status_of(&app, later).await, "checked_in");
    host.submit(&path, &format!("{path}/check-out"), &[]).await;
    assert_eq!(status_of(&app, later).await, "completed");

    let (_, earnings) = page(&host, "/host/earnings").await;
    // Two completed stays of 2 nights: (2 × €120 + €30) − 3 % = €261.90 each, by month.
    use chrono::Datelike;
    let same_month = day(-5).month() == day(0).month();
    let expected = if same_month { "€523.80" } else { "€261.90" };
    assert!(earnings.contains(expected), "{earnings}");
}

#[tokio::test]
async fn the_check_in_reminder_is_sent_once_the_day_before() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let tomorrow = booked(&guest, listing, 1, 2).await;
    let next_week = booked(&guest, listing, 7, 2).await;
    for id in [tomorrow, next_week] {
        assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    }
    run_job(&app, SendCheckInReminders).await;
    run_job(&app, SendCheckInReminders).await;
    let mut conn = app.pool.get().await.unwrap();
    let reminders: i64 = dev_mailbox::table
        .filter(dev_mailbox::to_address.eq("gina@example.com"))
        .filter(dev_mailbox::subject.like("%starts tomorrow%"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(reminders, 1);
}

#[tokio::test]
async fn a_confirmed_stay_moves_to_free_dates_and_the_difference_is_charged_or_refunded() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let (_, other) = fixtures::signed_in(&app, "other@example.com", false).await;
    let id = booked(&guest, listing, 20, 2).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    booked(&other, listing, 30, 2).await;

    let path = format!("/trips/{id}/change");
    // Into someone else's stay: refused, nothing moves.
    let taken = guest
        .submit(
            &path,
            &path,
            &[("check_in", &date(29)), ("check_out", &date(31))],
        )
        .await;
    assert_eq!(taken.status(), 409);
    assert!(taken.text().await.unwrap().contains("just taken"));
    let backwards = guest
        .submit(
            &path,
            &path,
            &[("check_in", &date(25)), ("check_out", &date(24))],
        )
        .await;
    assert_eq!(backwards.status(), 422);

    // One night more (overlapping its own old dates is fine): €444.60, €136.80 more to pay.
    let longer = guest
        .submit(
            &path,
            &path,
            &[("check_in", &date(20)), ("check_out", &date(23))],
        )
        .await;
    assert_eq!(longer.status(), 303);
    let (_, trip) = page(&guest, &format!("/trips/{id}")).await;
    assert!(trip.contains("Pay €136.80"), "{trip}");
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");

    // Down to one night (€171.00): €273.60 back, taken from both charges.
    let shorter = guest
        .submit(
            &path,
            &path,
            &[("check_in", &date(20)), ("check_out", &date(21))],
        )
        .await;
    assert_eq!(shorter.status(), 303);
    app.run_jobs().await;
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), 30_780),
            ("charge".into(), "succeeded".into(), 13_680),
            ("refund".into(), "succeeded".into(), 13_680),
            ("refund".into(), "succeeded".into(), 13_680),
        ]
    );
    let mut conn = app.pool.get().await.unwrap();
    let stay: String = calendar_entries::table
        .filter(calendar_entries::booking_id.eq(id))
        .select(diesel::dsl::sql::<diesel::sql_types::Text>("stay::text"))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(stay, format!("[{},{})", day(20), day(21)));
    // The freed night can be booked by someone else.
    drop(conn);
    assert_eq!(
        book(&other, listing, &date(21), &date(23), "1", "")
            .await
            .status(),
        303
    );
}
