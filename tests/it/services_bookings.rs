//! The bookings and payments services refuse the wrong actor themselves, whatever the door: a
//! visitor must sign in, a suspended account is not allowed, another guest or another host does
//! not even find someone else's trip or reservation, and a host cannot book their own place.
//! Each refusal leaves the database as it was.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    bookings::{
        domain::Status,
        service::{self, BookingInput, HostAction},
    },
    payments::service::{self as payments, CardInput},
    schema::{booking_changes, bookings, payments as ledger},
    service::{Actor, BookingId, ListingId, ServiceError},
};

use crate::{
    bookings_support::{date, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// A host with a published listing, a guest with a booking of it, and the actors.
struct Stay {
    app: TestApp,
    listing: ListingId,
    booking: BookingId,
    host: Actor,
    guest: Actor,
}

async fn stay(instant_book: bool) -> Stay {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "host@example.com", true).await;
    let spec = ListingSpec {
        instant_book,
        ..ListingSpec::default()
    };
    let listing = ListingId::new(fixtures::listing(&app, host_id, spec).await);
    let guest_id = fixtures::user(&app, "guest@example.com", false).await;
    let guest = fixtures::actor(&app, guest_id).await;
    let host = fixtures::actor(&app, host_id).await;
    let booking = book(&app, &guest, listing, 10)
        .await
        .expect("the guest books");
    if !instant_book {
        // A request reaches its host once the guest's card is authorized.
        let card = CardInput {
            card_number: "4242 4242 4242 4242",
            expiry: "12/40",
            cvc: "123",
        };
        let authorized = payments::pay(
            &app.pool,
            &app.config,
            &guest,
            booking.id,
            &card,
            Utc::now(),
        )
        .await;
        assert!(authorized.is_ok(), "{authorized:?}");
    }
    Stay {
        app,
        listing,
        booking: booking.id,
        host,
        guest,
    }
}

async fn book(
    app: &TestApp,
    actor: &Actor,
    listing: ListingId,
    days: i64,
) -> Result<roost::bookings::model::Booking, ServiceError> {
    let mut conn = app.pool.get().await.expect("connection");
    let (check_in, check_out) = (date(days), date(days + 3));
    let input = BookingInput {
        check_in: &check_in,
        check_out: &check_out,
        guests: "2",
        idempotency_key: "",
    };
    service::book(
        &mut conn,
        &app.config.base_url,
        actor,
        listing,
        &input,
        Utc::now(),
    )
    .await
}

/// The refusal each stranger must get: sign in, not allowed, or not found.
fn expect_refused<T: std::fmt::Debug>(who: &str, outcome: Result<T, ServiceError>) {
    match (who, &outcome) {
        ("visitor", Err(ServiceError::SignInRequired))
        | ("a suspended user", Err(ServiceError::NotAllowed(_)))
        | ("another guest" | "another host" | "the guest", Err(ServiceError::NotFound)) => {}
        _ => panic!("{who} got {outcome:?}"),
    }
}

/// What a wrong actor could have changed: the booking's status, dates and total, its ledger
/// rows and its changes of dates.
async fn snapshot(app: &TestApp, id: BookingId) -> (String, String, i64, i64, i64) {
    let mut conn = app.pool.get().await.expect("connection");
    let (status, check_in, total): (String, chrono::NaiveDate, i64) = bookings::table
        .find(id.get())
        .select((bookings::status, bookings::check_in, bookings::total_amount))
        .first(&mut conn)
        .await
        .expect("booking");
    let rows: i64 = ledger::table
        .filter(ledger::booking_id.eq(id.get()))
        .count()
        .get_result(&mut conn)
        .await
        .expect("ledger");
    let changes: i64 = booking_changes::table
        .filter(booking_changes::booking_id.eq(id.get()))
        .count()
        .get_result(&mut conn)
        .await
        .expect("changes");
    (status, check_in.to_string(), total, rows, changes)
}

#[tokio::test]
async fn only_a_verified_member_books_and_never_their_own_listing() {
    let Stay {
        app, listing, host, ..
    } = stay(true).await;
    let before: i64 = {
        let mut conn = app.pool.get().await.expect("connection");
        bookings::table
            .count()
            .get_result(&mut conn)
            .await
            .expect("count")
    };
    assert!(matches!(
        book(&app, &Actor::Visitor, listing, 20).await,
        Err(ServiceError::SignInRequired)
    ));
    let banned = fixtures::user(&app, "banned@example.com", false).await;
    let banned = fixtures::suspended(&app, banned).await;
    assert!(matches!(
        book(&app, &banned, listing, 20).await,
        Err(ServiceError::NotAllowed(_))
    ));
    assert!(matches!(
        book(&app, &host, listing, 20).await,
        Err(ServiceError::NotAllowed(message)) if message == service::OWN_LISTING
    ));
    let unverified = fixtures::user(&app, "unverified@example.com", false).await;
    let mut unverified = fixtures::actor(&app, unverified).await;
    if let Actor::Member(member) = &mut unverified {
        member.email_verified = false;
    }
    assert!(matches!(
        book(&app, &unverified, listing, 20).await,
        Err(ServiceError::NotAllowed(message)) if message == roost::service::actor::UNVERIFIED
    ));
    let after: i64 = {
        let mut conn = app.pool.get().await.expect("connection");
        bookings::table
            .count()
            .get_result(&mut conn)
            .await
            .expect("count")
    };
    assert_eq!(before, after, "no refused booking was made");
}

#[tokio::test]
async fn nobody_but_the_guest_reads_a_trip_or_its_balance() {
    let Stay {
        app,
        booking,
        host,
        guest,
        ..
    } = stay(true).await;
    let mut conn = app.pool.get().await.expect("connection");
    let now = Utc::now();
    let mut wrong = fixtures::strangers(&app).await;
    // The host of the listing is not the guest either.
    wrong.push(("another host", host));
    for (who, actor) in &wrong {
        expect_refused(who, service::trip(&mut conn, actor, booking, now).await);
        expect_refused(who, service::own_trip(&mut conn, actor, booking).await);
        expect_refused(who, service::balance(&mut conn, actor, booking, now).await);
        expect_refused(who, service::change_form(&mut conn, actor, booking).await);
        expect_refused(
            who,
            service::cancel_preview(&mut conn, actor, booking, now).await,
        );
        let listed = service::trips(&mut conn, actor, "upcoming").await;
        if let Ok(trips) = listed {
            assert!(
                trips
                    .trips
                    .iter()
                    .all(|t| t.booking.id.get() != booking.get())
            );
        }
    }
    assert!(service::trip(&mut conn, &guest, booking, now).await.is_ok());
    assert!(matches!(
        service::trips(&mut conn, &Actor::Visitor, "upcoming").await,
        Err(ServiceError::SignInRequired)
    ));
}

#[tokio::test]
async fn nobody_but_the_guest_cancels_changes_or_pays_a_trip() {
    let Stay {
        app,
        booking,
        host,
        guest,
        ..
    } = stay(true).await;
    let before = snapshot(&app, booking).await;
    let now = Utc::now();
    let mut wrong = fixtures::strangers(&app).await;
    wrong.push(("another host", host));
    let (check_in, check_out) = (date(12), date(14));
    let card = CardInput {
        card_number: "4242 4242 4242 4242",
        expiry: "12/40",
        cvc: "123",
    };
    for (who, actor) in &wrong {
        let mut conn = app.pool.get().await.expect("connection");
        let base_url = &app.config.base_url;
        expect_refused(
            who,
            service::cancel(&mut conn, base_url, actor, booking, None, now).await,
        );
        expect_refused(
            who,
            service::change_dates(
                &mut conn, base_url, actor, booking, &check_in, &check_out, now,
            )
            .await,
        );
        drop(conn);
        expect_refused(
            who,
            payments::pay_page(&app.pool, &app.config, actor, booking, now).await,
        );
        expect_refused(
            who,
            payments::pay(&app.pool, &app.config, actor, booking, &card, now).await,
        );
        assert_eq!(
            snapshot(&app, booking).await,
            before,
            "{who} changed nothing"
        );
    }
    // The guest can.
    let paid = payments::pay(&app.pool, &app.config, &guest, booking, &card, now).await;
    assert!(matches!(paid, Ok(payments::Paid::Sandbox(_))), "{paid:?}");
    assert_eq!(status_of(&app, booking.get()).await, "confirmed");
}

#[tokio::test]
async fn only_the_host_of_the_listing_reads_and_acts_on_a_reservation() {
    let Stay {
        app,
        booking,
        host,
        guest,
        ..
    } = stay(false).await;
    assert_eq!(status_of(&app, booking.get()).await, "requested");
    let before = snapshot(&app, booking).await;
    let now = Utc::now();
    let mut wrong = fixtures::strangers(&app).await;
    // The guest of the booking is not its host.
    wrong.push(("the guest", guest));
    for (who, actor) in &wrong {
        let mut conn = app.pool.get().await.expect("connection");
        expect_refused(
            who,
            service::reservation(&mut conn, actor, booking, now).await,
        );
        for action in HostAction::ALL {
            expect_refused(
                who,
                service::act(&mut conn, &app.config.base_url, actor, booking, action, now).await,
            );
        }
        if let Ok(found) =
            service::reservations(&mut conn, actor, service::ReservationTab::All, None).await
        {
            assert!(found.reservations.is_empty(), "{who} sees no reservation");
        }
        if let Ok(dashboard) = service::dashboard(&mut conn, actor, now).await {
            assert!(
                dashboard.requests.is_empty()
                    && dashboard.arrivals.is_empty()
                    && dashboard.departures.is_empty()
                    && dashboard.awaiting_money.is_empty()
                    && dashboard.reviews.is_empty()
                    && dashboard.this_month.is_empty(),
                "{who} sees nothing of the host's dashboard"
            );
        }
        let filter = roost::bookings::model::ReservationFilter::default();
        if let Ok((page, more)) =
            service::reservations_page(&mut conn, actor, &filter, 0, 100).await
        {
            assert!(page.is_empty() && !more, "{who} sees no reservation");
        }
        if let Ok(months) = service::earnings(&mut conn, actor).await {
            assert!(months.is_empty(), "{who} sees no earnings");
        }
        drop(conn);
        assert_eq!(
            snapshot(&app, booking).await,
            before,
            "{who} changed nothing"
        );
    }
    let mut conn = app.pool.get().await.expect("connection");
    let reservation = service::reservation(&mut conn, &host, booking, now)
        .await
        .expect("the host reads it");
    assert_eq!(
        reservation.actions,
        HostAction::allowed(Status::Requested),
        "what a request allows"
    );
    assert_eq!(
        reservation.actions,
        vec![HostAction::Accept, HostAction::Decline, HostAction::Cancel]
    );
    let accepted = service::act(
        &mut conn,
        &app.config.base_url,
        &host,
        booking,
        HostAction::Accept,
        now,
    )
    .await
    .expect("the host accepts");
    assert_eq!(accepted.booking.status(), Status::Accepted);
    assert!(matches!(
        service::act(
            &mut conn,
            &app.config.base_url,
            &host,
            booking,
            HostAction::CheckOut,
            now
        )
        .await,
        Err(ServiceError::Conflict(_))
    ));
}
