//! Payments in the admin console: the ledger list, a payment's page with its reference and the
//! provider's events, and the manual refund, never above what remains refundable (decided by
//! the ledger under the booking's row lock), in sudo mode and in the audit log.

use roost::{admin::audit::Reason, payments::service::admin::refund};

use crate::{
    admin::{audit_rows, confirm, sudo_of},
    bookings_support::{CARD_OK, booked, ledger, pay, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// A confirmed booking of €307.80, paid by card: (booking id, its charge's ledger id).
async fn paid_booking(app: &TestApp) -> (i64, i64) {
    let host = fixtures::user(app, "hugo@example.com", true).await;
    let listing = fixtures::listing(app, host, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 3, 2).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    let mut conn = app.pool.get().await.expect("connection");
    let charge =
        roost::bookings::ledger::for_booking(&mut conn, roost::service::BookingId::new(id))
            .await
            .expect("ledger")[0]
            .id;
    (id, charge)
}

#[tokio::test]
async fn a_manual_refund_is_never_above_what_remains_refundable() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let (booking, charge) = paid_booking(&app).await;

    let list = browser
        .get("/admin/payments?kind=charge&status=succeeded&provider=sandbox")
        .await
        .text()
        .await
        .expect("list");
    assert!(list.contains("Showing 1–1 of 1") && list.contains("€307.80"));
    let page = format!("/admin/payments/{charge}");
    let shown = browser.get(&page).await.text().await.expect("page");
    assert!(
        shown.contains("payment_intent.succeeded"),
        "the event received"
    );
    assert!(shown.contains("At most €307.80"));

    let refund_path = format!("{page}/refund");
    let early = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "10"), ("reason", "goodwill")],
        )
        .await;
    assert_eq!(early.status(), 303);
    assert_eq!(ledger(&app, booking).await.len(), 1);
    confirm(&browser).await;
    let too_much = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "307.81"), ("reason", "goodwill")],
        )
        .await;
    assert_eq!(too_much.status(), 422);
    assert!(
        too_much
            .text()
            .await
            .expect("body")
            .contains("At most €307.80 can still")
    );
    let nonsense = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "-5"), ("reason", "goodwill")],
        )
        .await;
    assert_eq!(nonsense.status(), 422);
    let done = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "100"), ("reason", "noisy neighbours")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        ledger(&app, booking).await,
        [
            ("charge".into(), "succeeded".into(), 30_780),
            ("refund".into(), "pending".into(), 10_000)
        ]
    );
    assert_eq!(
        status_of(&app, booking).await,
        "confirmed",
        "the stay goes ahead"
    );
    let rest = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "207.81"), ("reason", "all of it")],
        )
        .await;
    assert_eq!(rest.status(), 422, "a pending refund counts");
    assert!(rest.text().await.expect("body").contains("At most €207.80"));
    let rest = browser
        .submit(
            &page,
            &refund_path,
            &[("amount", "207.80"), ("reason", "all of it")],
        )
        .await;
    assert_eq!(rest.status(), 303);
    app.run_jobs().await;
    let rows = ledger(&app, booking).await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows[1..]
            .iter()
            .all(|(kind, status, _)| kind == "refund" && status == "succeeded")
    );
    let after = browser.get(&page).await.text().await.expect("page");
    assert!(
        !after.contains("can still be refunded"),
        "nothing left to refund"
    );
    assert!(after.contains("payment.refund") && after.contains("noisy neighbours"));
    assert_eq!(audit_rows(&app).await, 2);
}

#[tokio::test]
async fn two_refunds_at_once_cannot_both_spend_the_same_money() {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let (booking, charge) = paid_booking(&app).await;
    let reason = Reason::parse("race", true).expect("reason");
    let sudo = sudo_of(&app, admin).await;
    let mut a = app.pool.get().await.expect("connection");
    let mut b = app.pool.get().await.expect("connection");
    let (first, second) = tokio::join!(
        refund(&mut a, &sudo, charge, "300", &reason),
        refund(&mut b, &sudo, charge, "300", &reason),
    );
    assert!(
        first.is_ok() != second.is_ok(),
        "exactly one refund: {first:?} / {second:?}"
    );
    let refunded: i64 = ledger(&app, booking)
        .await
        .iter()
        .filter(|(kind, _, _)| kind == "refund")
        .map(|(_, _, amount)| amount)
        .sum();
    assert_eq!(refunded, 30_000);
    assert_eq!(audit_rows(&app).await, 1);
}
