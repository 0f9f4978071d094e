//! Bookings in the admin console: the list's search, filters, pages and bounded statements,
//! its streamed CSV, and the platform's cancellation, which goes through the host
//! cancellation's transition and the ledger (a full refund), needs sudo mode and a reason, and
//! writes its audit row.

use diesel_async::AsyncConnection;
use roost::{
    admin::paging::{Direction, Page},
    bookings::service::admin::{self, BookingFilters, BookingSort},
    service::BookingId,
};

use crate::{
    admin::{audit_rows, confirm},
    admin_users::StatementCounter,
    bookings_support::{CARD_OK, booked, calendar_holds, execute, ledger, pay, status_of},
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// `count` completed bookings of `guest` at `listing`, inserted directly, a day apart.
pub async fn bulk_bookings(app: &TestApp, listing: i64, guest: i64, count: i64) {
    execute(
        app,
        &format!(
            "INSERT INTO bookings (listing_id, guest_id, check_in, check_out, guests, status, \
               currency, nightly_price, nights, base_amount, discount_amount, cleaning_fee, \
               service_fee, tax_amount, total_amount, host_fee, host_payout, \
               cancellation_policy, idempotency_key) \
             SELECT {listing}, {guest}, DATE '2020-01-01' + n, DATE '2020-01-02' + n, 2, \
               'completed', 'EUR', 10000, 1, 10000, 0, 0, 1400, 0, 11400, 300, 9700, \
               'moderate', 'bulk-' || n \
             FROM generate_series(1, {count}) AS n"
        ),
    )
    .await;
}

#[tokio::test]
async fn the_platform_cancels_a_paid_booking_with_a_full_refund_through_the_ledger() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    // Two nights, three days ahead: €307.80, which a guest cancelling now would get half of.
    let id = booked(&guest, listing, 3, 2).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    assert_eq!(status_of(&app, id).await, "confirmed");

    let page = format!("/admin/bookings/{id}");
    let cancel = format!("{page}/cancel");
    let shown = browser.get(&page).await.text().await.expect("page");
    assert!(shown.contains("€307.80") && shown.contains("Cancel with a full refund"));

    // Without sudo mode: to the confirmation, nothing changes.
    let early = browser.submit(&page, &cancel, &[("reason", "fraud")]).await;
    assert_eq!(early.status(), 303);
    assert!(crate::bookings_support::location(&early).starts_with("/admin/confirm?next="));
    assert_eq!(status_of(&app, id).await, "confirmed");
    confirm(&browser).await;
    // A reason is needed.
    let no_reason = browser.submit(&page, &cancel, &[("reason", " ")]).await;
    assert_eq!(no_reason.status(), 422);
    assert!(no_reason.text().await.expect("body").contains("Say why"));
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(audit_rows(&app).await, 0);

    let done = browser
        .submit(&page, &cancel, &[("reason", "listing is a scam")])
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(status_of(&app, id).await, "cancelled_by_host");
    assert_eq!(
        calendar_holds(&app, id).await,
        0,
        "the dates are free again"
    );
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), 30_780),
            ("refund".into(), "pending".into(), 30_780)
        ],
        "everything paid is planned back"
    );
    assert_eq!(audit_rows(&app).await, 1);
    app.run_jobs().await;
    assert_eq!(
        ledger(&app, id).await,
        [
            ("charge".into(), "succeeded".into(), 30_780),
            ("refund".into(), "succeeded".into(), 30_780)
        ]
    );
    let (subject, text) = app.last_email_to("gina@example.com").await.expect("email");
    assert!(
        subject.starts_with("Roost cancelled your stay"),
        "{subject}"
    );
    assert!(text.contains("€307.80"), "{text}");
    let (subject, text) = app.last_email_to("hugo@example.com").await.expect("email");
    assert!(
        subject.starts_with("Roost cancelled a reservation"),
        "{subject}"
    );
    assert!(text.contains("refunded in full"), "{text}");

    let after = browser.get(&page).await.text().await.expect("page");
    assert!(after.contains("booking.cancel") && after.contains("listing is a scam"));
    assert!(
        after.contains("Cancelled by the host"),
        "the host cancellation's state"
    );
    assert!(
        after.contains("Cancelled by Roost. Refund of €307.80"),
        "the state history"
    );
    assert!(
        !after.contains("Cancel with a full refund"),
        "no second cancellation"
    );
    let twice = browser.submit(&page, &cancel, &[("reason", "again")]).await;
    assert_eq!(twice.status(), 409);
    assert_eq!(ledger(&app, id).await.len(), 2, "nothing refunded twice");
    assert_eq!(audit_rows(&app).await, 1);
    let audit = browser
        .get(&format!("/admin/audit?object_type=booking&object_id={id}"))
        .await
        .text()
        .await
        .expect("audit");
    assert!(audit.contains("booking.cancel") && audit.contains("30780"));
}

#[tokio::test]
async fn a_cancellation_whose_audit_row_fails_leaves_the_booking_and_the_ledger_as_they_were() {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 3, 2).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    execute(
        &app,
        "CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'injected failure'; END $$",
    )
    .await;
    execute(
        &app,
        "CREATE TRIGGER fail_audit BEFORE INSERT ON admin_audit \
         FOR EACH ROW EXECUTE FUNCTION fail_audit()",
    )
    .await;
    let sudo = crate::admin::sudo_of(&app, admin).await;
    let reason = roost::admin::audit::Reason::parse("fraud", true).expect("reason");
    let mut conn = app.pool.get().await.expect("connection");
    let failed = admin::cancel(&mut conn, "http://x", &sudo, BookingId::new(id), &reason).await;
    assert!(failed.is_err());
    assert_eq!(status_of(&app, id).await, "confirmed");
    assert_eq!(ledger(&app, id).await.len(), 1, "no refund planned");
    assert_eq!(calendar_holds(&app, id).await, 1);
}

#[tokio::test]
async fn the_booking_list_searches_filters_pages_and_exports() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let loft = fixtures::listing(&app, host, ListingSpec::default()).await;
    let cabin = fixtures::listing(
        &app,
        host,
        ListingSpec {
            title: "Cabin in the woods".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let (gina, gina_browser) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let bulk_guest = fixtures::user(&app, "bulk@example.com", false).await;
    let upcoming = booked(&gina_browser, cabin, 3, 2).await;
    bulk_bookings(&app, loft, bulk_guest, 30).await;

    let found = browser
        .get("/admin/bookings?q=GINA")
        .await
        .text()
        .await
        .expect("body");
    assert!(found.contains("Showing 1–1 of 1"), "{found}");
    assert!(found.contains(&format!("/admin/bookings/{upcoming}")));
    let by_title = browser
        .get("/admin/bookings?q=woods")
        .await
        .text()
        .await
        .expect("body");
    assert!(by_title.contains("Showing 1–1 of 1"));
    let by_state = browser
        .get("/admin/bookings?state=completed&per_page=10")
        .await
        .text()
        .await
        .expect("body");
    assert!(by_state.contains("Showing 1–10 of 30"));
    let by_dates = browser
        .get("/admin/bookings?from=2020-01-02&to=2020-01-06")
        .await
        .text()
        .await
        .expect("body");
    assert!(by_dates.contains("Showing 1–5 of 5"), "{by_dates}");
    let by_guest = browser
        .get(&format!("/admin/bookings?guest={gina}&listing={cabin}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(by_guest.contains("Showing 1–1 of 1"));
    let sorted = browser
        .get("/admin/bookings?sort=check_in&dir=asc&per_page=10&page=2")
        .await
        .text()
        .await
        .expect("body");
    assert!(sorted.contains("Showing 11–20 of 31"));
    assert!(sorted.contains(r#"aria-sort="ascending""#));
    let odd = browser
        .get("/admin/bookings?sort=guest_id;drop&dir=up&state=lost&from=yesterday&listing=x&page=0")
        .await;
    assert_eq!(odd.status(), 200, "nonsense is ignored");

    let csv = browser.get("/admin/bookings.csv?state=completed").await;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().expect("type"),
        "text/csv; charset=utf-8"
    );
    let body = csv.text().await.expect("body");
    let lines: Vec<&str> = body.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,listing_id,listing_title,guest_id,guest_email,check_in,check_out,state,total_minor,currency,made"
    );
    assert_eq!(lines.len(), 31);
    assert!(
        lines[1..]
            .iter()
            .all(|line| line.contains(",completed,11400,EUR,"))
    );
}

#[tokio::test]
async fn a_page_of_bookings_costs_the_same_statements_whatever_its_size() {
    let app = TestApp::spawn().await;
    let admin_id = fixtures::admin(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let guest = fixtures::user(&app, "gina@example.com", false).await;
    bulk_bookings(&app, listing, guest, 120).await;
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
        let filters = BookingFilters::default().with_search("gina");
        let paged = admin::list(
            &mut conn,
            &admin,
            &filters,
            BookingSort::CheckIn,
            Direction::Desc,
            page,
        )
        .await
        .expect("list");
        assert_eq!(paged.rows.len() as i64, page.size);
        counts.push(counter.take());
    }
    assert_eq!(counts, vec![2, 2], "a count and a page");
    let first = admin::export_chunk(&mut conn, &admin, &BookingFilters::default(), 0, 1000)
        .await
        .expect("chunk");
    assert_eq!(first.len(), 120);
    assert_eq!(counter.take(), 1);
    admin::detail(&mut conn, &admin, first[0].id)
        .await
        .expect("detail");
    assert_eq!(counter.take(), 5, "a booking's page");
}

#[tokio::test]
async fn the_dashboard_draws_the_last_twelve_weeks_as_svg_charts() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "gina@example.com", false).await;
    let id = booked(&guest, listing, 1, 2).await;
    assert_eq!(pay(&guest, id, CARD_OK).await.status(), 303);
    let dashboard = browser.get("/admin").await.text().await.expect("dashboard");
    for title in [
        "Bookings made per week in EUR",
        "Gross booking value per week in EUR",
        "Occupancy per week",
        "Sign-ups per week",
    ] {
        assert!(dashboard.contains(title), "{title}");
    }
    assert_eq!(dashboard.matches("<svg class=\"chart\"").count(), 4);
    assert!(dashboard.contains("€307.80"), "this week's gross value");
    assert!(
        dashboard.contains("<a href=\"/admin/bookings?state=confirmed\">Confirmed</a>"),
        "today's states as people read them, each a filtered list"
    );
    assert_eq!(
        dashboard.matches("<rect class=\"chart__bar\"").count(),
        4 * 12,
        "twelve weeks a chart"
    );
    let charts = dashboard
        .split("admin-charts")
        .nth(1)
        .and_then(|rest| rest.split("</main>").next())
        .expect("the charts");
    assert!(!charts.contains("<script"), "no charting script");
}

/// A `/proc/{pid}/status` figure in kB (`VmRSS`, `VmHWM`).
fn memory_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a memory figure")
}

/// The real binary, alone in its process (the test's own server shares this process with
/// every other test), so that its memory is the export's. The bound is on the growth during
/// the export, not on the whole process (a debug build idles at about 65 MB): the CSV alone is
/// about 13 MB and its rows read at once some 20 MB more, so an export that held them would
/// grow by over 30 MB; a streamed one grows by a few.
#[tokio::test]
async fn a_csv_export_of_100_000_bookings_streams_without_the_roost_process_growing_by_20_mb() {
    const ROWS: i64 = 100_000;
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let host = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host, ListingSpec::default()).await;
    let guest = fixtures::user(&app, "gina@example.com", false).await;
    bulk_bookings(&app, listing, guest, ROWS).await;

    let data_dir = tempfile::tempdir().expect("data directory");
    let port = crate::support::free_port();
    let mut roost = std::process::Command::new(env!("CARGO_BIN_EXE_roost"))
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("ROOST_DATA_DIR", data_dir.path())
        .env("ROOST_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start roost");
    let pid = roost.id();
    assert!(crate::foundation::wait_until_serving(port).await);
    let browser = crate::support::Browser::new(&format!("http://127.0.0.1:{port}"));
    let login = browser
        .submit(
            "/login",
            "/login",
            &[
                ("email", "admin@example.com"),
                ("password", fixtures::PASSWORD),
            ],
        )
        .await;
    assert_eq!(login.status(), 303);
    // Warm: the first requests grow pools and caches that stay.
    assert_eq!(browser.get("/admin/bookings").await.status(), 200);

    let before = memory_kb(pid, "VmRSS");
    // Peak RSS counts from here when the kernel lets us reset it (else it is the sampled
    // maximum below, and the peak since start, which is at least as large).
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let mut response = browser.get("/admin/bookings.csv").await;
    assert_eq!(response.status(), 200);
    let (mut lines, mut sampled) = (0usize, before);
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        lines += chunk.iter().filter(|byte| **byte == b'\n').count();
        sampled = sampled.max(memory_kb(pid, "VmRSS"));
    }
    let peak = if reset {
        memory_kb(pid, "VmHWM").max(sampled)
    } else {
        sampled
    };
    crate::foundation::terminate(&mut roost);
    assert_eq!(lines as i64, ROWS + 1, "the header and every booking");
    let grown_mb = peak.saturating_sub(before) / 1024;
    eprintln!(
        "roost RSS before the export {} MB, peak during it {} MB (reset {reset})",
        before / 1024,
        peak / 1024
    );
    assert!(
        grown_mb < 20,
        "the export grew the Roost process by {grown_mb} MB"
    );
}
