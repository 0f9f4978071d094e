//! Review moderation in the admin console: hiding a review takes it off the listing page and
//! out of the listing's average in the same transaction as its audit row; restoring puts it
//! back; both need a reason for hiding, sudo mode and an admin.

use diesel::QueryDsl;
use diesel_async::RunQueryDsl;
use roost::schema::listings;

use crate::{
    admin::{audit_rows, confirm},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

async fn average(app: &TestApp, listing: i64) -> (Option<f64>, i32) {
    let mut conn = app.pool.get().await.expect("connection");
    listings::table
        .find(listing)
        .select((listings::rating_avg, listings::review_count))
        .first(&mut conn)
        .await
        .expect("listing")
}

#[tokio::test]
async fn hiding_a_review_changes_the_listing_average_and_restoring_brings_it_back() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "host@example.com", true).await;
    let happy = fixtures::user(&app, "happy@example.com", false).await;
    let grumpy = fixtures::user(&app, "grumpy@example.com", false).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    fixtures::published_review(&app, listing, host, happy, 5).await;
    let (_, bad) = fixtures::published_review(&app, listing, host, grumpy, 1).await;
    assert_eq!(average(&app, listing).await, (Some(3.0), 2));

    let page = format!("/admin/reviews/{bad}");
    let hide = format!("{page}/hide");
    // Without sudo mode: to the confirmation, nothing changes.
    let early = browser.submit(&page, &hide, &[("reason", "abusive")]).await;
    assert_eq!(early.status(), 303);
    assert_eq!(average(&app, listing).await, (Some(3.0), 2));
    confirm(&browser).await;
    // Hiding needs a reason.
    let no_reason = browser.submit(&page, &hide, &[("reason", "")]).await;
    assert_eq!(no_reason.status(), 422);
    assert_eq!(audit_rows(&app).await, 0);

    let hidden = browser.submit(&page, &hide, &[("reason", "abusive")]).await;
    assert_eq!(hidden.status(), 303);
    assert_eq!(average(&app, listing).await, (Some(5.0), 1));
    let public = app
        .new_browser()
        .get(&format!("/listings/{listing}/reviews"))
        .await
        .text()
        .await
        .expect("listing page");
    assert!(
        !public.contains("A stay worth 1 stars."),
        "gone from the listing page"
    );
    assert!(public.contains("A stay worth 5 stars."));
    let twice = browser.submit(&page, &hide, &[("reason", "again")]).await;
    assert_eq!(twice.status(), 409);
    assert_eq!(
        average(&app, listing).await,
        (Some(5.0), 1),
        "not subtracted twice"
    );

    let restored = browser
        .submit(
            &page,
            &format!("{page}/restore"),
            &[("reason", "appeal upheld")],
        )
        .await;
    assert_eq!(restored.status(), 303);
    assert_eq!(average(&app, listing).await, (Some(3.0), 2));
    assert_eq!(audit_rows(&app).await, 2);
    let history = browser.get(&page).await.text().await.expect("page");
    assert!(history.contains("review.hide") && history.contains("review.restore"));
    assert!(history.contains("abusive"));
    let list = browser
        .get("/admin/reviews?visibility=visible")
        .await
        .text()
        .await
        .expect("list");
    assert!(list.contains("Showing 1–2 of 2"));
}
