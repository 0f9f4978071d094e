//! Listings in the admin console: the list's filters, bounded statements and CSV, a listing's
//! page, and taking a listing off the site or putting it back, with a reason the host is
//! emailed, in sudo mode and in the audit log.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncConnection, RunQueryDsl};
use roost::{
    admin::paging::{Direction, Page},
    listings::service::admin::{self, ListingFilters, ListingSort},
    schema::{listing_photos, listings},
    service::ListingId,
};

use crate::{
    admin::{audit_rows, confirm},
    admin_users::StatementCounter,
    fixtures::{self, ListingSpec},
    support::TestApp,
};

async fn status(app: &TestApp, id: i64) -> String {
    let mut conn = app.pool.get().await.expect("connection");
    listings::table
        .find(id)
        .select(listings::status)
        .first(&mut conn)
        .await
        .expect("listing")
}

async fn bulk_listings(app: &TestApp, host: i64, count: i64) {
    crate::bookings_support::execute(
        app,
        &format!(
            "INSERT INTO listings (host_id, status, title, description, property_type, address, \
               city, country, timezone, max_guests, bedrooms, beds, bathrooms_tenths, \
               nightly_price, cleaning_fee, currency, min_nights, max_nights, cancellation_policy) \
             SELECT {host}, 'draft', 'Bulk ' || n, 'x', 'house', 'Street', \
               CASE WHEN n % 2 = 0 THEN 'Lisbon' ELSE 'Porto' END, 'Portugal', 'Europe/Lisbon', \
               2, 1, 1, 10, 9000, 0, 'EUR', 1, 30, 'flexible' \
             FROM generate_series(1, {count}) AS n"
        ),
    )
    .await;
}

#[tokio::test]
async fn an_admin_unlists_a_listing_with_a_reason_the_host_is_emailed_and_relists_it() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let page = format!("/admin/listings/{listing}");
    let unlist = format!("{page}/unlist");
    let shown = browser.get(&page).await.text().await.expect("page");
    assert!(shown.contains("Sunny loft by the canal") && shown.contains("hugo@example.com"));

    let early = browser.submit(&page, &unlist, &[("reason", "fake")]).await;
    assert_eq!(early.status(), 303);
    assert_eq!(status(&app, listing).await, "published");
    confirm(&browser).await;
    let no_reason = browser.submit(&page, &unlist, &[]).await;
    assert_eq!(no_reason.status(), 422);
    assert_eq!(status(&app, listing).await, "published");

    let done = browser
        .submit(
            &page,
            &unlist,
            &[("reason", "photos are not of this place")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(status(&app, listing).await, "unlisted");
    assert_eq!(
        app.new_browser()
            .get(&format!("/listings/{listing}"))
            .await
            .status(),
        404,
        "guests no longer see it"
    );
    let (subject, text) = app.last_email_to("hugo@example.com").await.expect("email");
    assert!(subject.contains("taken off Roost"), "{subject}");
    assert!(text.contains("photos are not of this place"), "{text}");
    let twice = browser.submit(&page, &unlist, &[("reason", "again")]).await;
    assert_eq!(twice.status(), 409);

    // Back on the site: it needs a photo first, as when its host publishes it.
    let relist = format!("{page}/relist");
    let refused = browser.submit(&page, &relist, &[]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("photo"));
    let mut conn = app.pool.get().await.expect("connection");
    diesel::insert_into(listing_photos::table)
        .values((
            listing_photos::listing_id.eq(listing),
            listing_photos::image_key.eq("x.jpg"),
            listing_photos::thumb_key.eq("x-thumb.jpg"),
            listing_photos::width.eq(1600),
            listing_photos::height.eq(1200),
            listing_photos::position.eq(0),
        ))
        .execute(&mut conn)
        .await
        .expect("photo");
    drop(conn);
    let back = browser
        .submit(&page, &relist, &[("reason", "fixed after appeal")])
        .await;
    assert_eq!(back.status(), 303);
    assert_eq!(status(&app, listing).await, "published");
    let (subject, _) = app.last_email_to("hugo@example.com").await.expect("email");
    assert!(subject.contains("back on Roost"), "{subject}");
    assert_eq!(audit_rows(&app).await, 2);
    let history = browser.get(&page).await.text().await.expect("page");
    assert!(history.contains("listing.unlist") && history.contains("listing.relist"));
}

#[tokio::test]
async fn the_listing_list_filters_by_status_city_and_host_and_exports() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let hugo = fixtures::user(&app, "hugo@example.com", true).await;
    let other = fixtures::user(&app, "olga@example.com", true).await;
    fixtures::listing(&app, hugo, ListingSpec::default()).await;
    bulk_listings(&app, other, 12).await;

    let page = |path: &'static str| {
        let browser = &browser;
        async move { browser.get(path).await.text().await.expect("body") }
    };
    assert!(
        page("/admin/listings?status=published")
            .await
            .contains("Showing 1–1 of 1")
    );
    assert!(
        page("/admin/listings?city=lisbon")
            .await
            .contains("Showing 1–6 of 6")
    );
    assert!(
        page("/admin/listings?q=bulk%201")
            .await
            .contains("Showing 1–4 of 4")
    );
    let by_host = browser
        .get(&format!("/admin/listings?host={hugo}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(by_host.contains("Showing 1–1 of 1") && by_host.contains("Sunny loft"));
    let sorted = page("/admin/listings?sort=title&dir=desc&per_page=10").await;
    assert!(sorted.contains("Showing 1–10 of 13") && sorted.contains(r#"aria-sort="descending""#));
    assert_eq!(
        browser
            .get("/admin/listings?status=gone&host=me&sort=x")
            .await
            .status(),
        200
    );
    let csv = page("/admin/listings.csv?city=Porto").await;
    let lines: Vec<&str> = csv.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert!(lines[0].starts_with("id,title,host_id,host_email,city"));
    assert_eq!(lines.len(), 7);
    assert!(
        lines[1..]
            .iter()
            .all(|line| line.contains(",Porto,Portugal,draft,9000,EUR,"))
    );
}

#[tokio::test]
async fn a_page_of_listings_costs_the_same_statements_whatever_its_size() {
    let app = TestApp::spawn().await;
    let admin_id = fixtures::admin(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    bulk_listings(&app, host, 120).await;
    let admin = fixtures::actor(&app, admin_id)
        .await
        .admin()
        .expect("admin");
    let mut conn = roost::db::connect(&app.database_url)
        .await
        .expect("connect");
    let counter = StatementCounter::default();
    conn.set_instrumentation(counter.clone());
    let mut counts = Vec::new();
    for size in ["10", "100"] {
        let page = Page::parse(None, Some(size));
        let filters = ListingFilters::default().with_text("bulk", "");
        let paged = admin::list(
            &mut conn,
            &admin,
            &filters,
            ListingSort::Title,
            Direction::Asc,
            page,
        )
        .await
        .expect("list");
        assert_eq!(paged.rows.len() as i64, page.size);
        counts.push(counter.take());
    }
    assert_eq!(counts, vec![2, 2], "a count and a page");
    let chunk = admin::export_chunk(&mut conn, &admin, &ListingFilters::default(), 0, 1000)
        .await
        .expect("chunk");
    assert_eq!(chunk.len(), 120);
    assert_eq!(counter.take(), 1);
    admin::detail(&mut conn, &admin, ListingId::new(chunk[0].id.get()))
        .await
        .expect("detail");
    assert_eq!(counter.take(), 6, "a listing's page");
}
