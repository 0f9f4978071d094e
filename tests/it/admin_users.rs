//! The admin's user list: search, filters, sorting and pages over real rows, a statement count
//! that does not grow with the page size, and the streamed CSV of the filtered list.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::{AsyncConnection, RunQueryDsl};
use roost::{
    accounts::service::admin::{self, Direction, RoleFilter, UserFilters, UserSort},
    admin::paging::Page,
    service::UserId,
};

use crate::{admin::confirm, fixtures, support::TestApp};

/// Counts the statements a connection sends.
#[derive(Clone, Default)]
pub struct StatementCounter(Arc<AtomicUsize>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl StatementCounter {
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

/// `count` more users, `user-N@bulk.example`, every third a host, every fifth unverified.
async fn bulk_users(app: &TestApp, count: i64) {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(format!(
        "INSERT INTO users (email, name, password_hash, email_verified_at, is_host) \
         SELECT 'user-' || n || '@bulk.example', 'Bulk ' || n, 'x', \
                CASE WHEN n % 5 = 0 THEN NULL ELSE now() END, n % 3 = 0 \
         FROM generate_series(1, {count}) AS n"
    ))
    .execute(&mut conn)
    .await
    .expect("bulk users");
}

#[tokio::test]
async fn the_user_list_searches_filters_sorts_and_pages() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    fixtures::user(&app, "zoe@example.com", true).await;
    fixtures::user(&app, "percent%name@example.com", false).await;
    bulk_users(&app, 30).await;

    let found = browser
        .get("/admin/users?q=ZOE")
        .await
        .text()
        .await
        .expect("body");
    assert!(found.contains("zoe@example.com"), "case-insensitive search");
    assert!(!found.contains("user-1@bulk.example"));
    // LIKE's characters are searched for as typed.
    let literal = browser
        .get("/admin/users?q=%25")
        .await
        .text()
        .await
        .expect("body");
    assert!(literal.contains("percent%name@example.com"));
    assert!(!literal.contains("zoe@example.com"));

    let hosts = browser
        .get("/admin/users?role=host&per_page=100")
        .await
        .text()
        .await
        .expect("body");
    assert!(hosts.contains("zoe@example.com"));
    assert!(hosts.contains("user-3@bulk.example"));
    assert!(!hosts.contains("user-2@bulk.example"));
    let unverified = browser
        .get("/admin/users?verified=no&per_page=100")
        .await
        .text()
        .await
        .expect("body");
    assert!(unverified.contains("user-5@bulk.example"));
    assert!(!unverified.contains("user-4@bulk.example"));

    // Sorted by email, ascending, ten a page: the second page starts where the first ended.
    let first = browser
        .get("/admin/users?sort=email&dir=asc&per_page=10")
        .await
        .text()
        .await
        .expect("body");
    assert!(first.contains("Showing 1–10 of 33"), "{first}");
    assert!(first.contains("admin@example.com"), "first by email");
    assert!(first.contains(r#"aria-sort="ascending""#));
    assert!(first.contains("sort=email&#38;dir=asc&#38;per_page=10&#38;page=2"));
    let second = browser
        .get("/admin/users?sort=email&dir=asc&per_page=10&page=2")
        .await
        .text()
        .await
        .expect("body");
    assert!(second.contains("Showing 11–20 of 33"));
    assert!(!second.contains("admin@example.com"));
    // Nonsense parameters are ignored, not errors.
    let odd = browser
        .get("/admin/users?sort=password_hash&dir=sideways&page=-4&per_page=9999&role=king")
        .await;
    assert_eq!(odd.status(), 200);
}

#[tokio::test]
async fn a_page_of_users_costs_the_same_statements_whatever_its_size() {
    let app = TestApp::spawn().await;
    let admin_id = fixtures::admin(&app, "admin@example.com").await;
    bulk_users(&app, 120).await;
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
        let paged = admin::list(
            &mut conn,
            &admin,
            &UserFilters::default(),
            UserSort::Name,
            Direction::Asc,
            page,
        )
        .await
        .expect("list");
        assert_eq!(paged.rows.len() as i64, page.size);
        counts.push(counter.take());
    }
    assert_eq!(counts, vec![2, 2], "a count and a page");
    let filters = UserFilters {
        role: Some(RoleFilter::Host),
        verified: Some(true),
        ..UserFilters::default()
    }
    .with_search("bulk");
    admin::list(
        &mut conn,
        &admin,
        &filters,
        UserSort::Joined,
        Direction::Desc,
        Page::default(),
    )
    .await
    .expect("filtered list");
    assert_eq!(counter.take(), 2);
    // A user's page: seven statements, however many bookings, listings, sessions, reviews and
    // security events.
    admin::detail(&mut conn, &admin, UserId::new(admin_id))
        .await
        .expect("detail");
    assert_eq!(counter.take(), 7);
}

#[tokio::test]
async fn the_csv_export_streams_the_whole_filtered_list() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    fixtures::user(&app, "=cmd@example.com", true).await;
    bulk_users(&app, 2600).await;
    let response = browser.get("/admin/users.csv?role=host").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().expect("type"),
        "text/csv; charset=utf-8"
    );
    let body = response.text().await.expect("body");
    let lines: Vec<&str> = body.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,email,name,roles,verified,suspended,deleted,joined,suspended_at"
    );
    // 866 bulk hosts (every third of 2600) and the fixture host, over several chunks.
    assert_eq!(lines.len(), 1 + 866 + 1);
    let mut ids: Vec<i64> = lines[1..]
        .iter()
        .map(|line| {
            line.split(',')
                .next()
                .and_then(|id| id.parse().ok())
                .expect("id")
        })
        .collect();
    let listed = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), listed, "no row twice");
    assert!(
        lines
            .iter()
            .all(|line| !line.contains("user-2@bulk.example"))
    );
    assert!(
        body.contains("\"'=cmd@example.com\""),
        "a formula is defused"
    );
    // The unfiltered export has everyone.
    let all = browser
        .get("/admin/users.csv")
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(all.matches("\r\n").count(), 1 + 2600 + 2);
}

#[tokio::test]
async fn roles_change_and_are_audited_and_a_new_admin_reaches_the_console() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let (target, target_browser) = fixtures::signed_in(&app, "target@example.com", false).await;
    assert_eq!(target_browser.get("/admin").await.status(), 404);
    confirm(&browser).await;
    let page = format!("/admin/users/{target}");
    let roles = format!("{page}/roles");
    let grant = browser
        .submit(
            &page,
            &roles,
            &[("change", "grant_admin"), ("reason", "new staff")],
        )
        .await;
    assert_eq!(grant.status(), 303);
    assert_eq!(target_browser.get("/admin").await.status(), 200);
    let again = browser
        .submit(
            &page,
            &roles,
            &[("change", "grant_admin"), ("reason", "twice")],
        )
        .await;
    assert_eq!(again.status(), 409, "already an admin");
    let host = browser
        .submit(&page, &roles, &[("change", "grant_host")])
        .await;
    assert_eq!(host.status(), 303);
    let remove = browser
        .submit(
            &page,
            &roles,
            &[("change", "remove_admin"), ("reason", "left")],
        )
        .await;
    assert_eq!(remove.status(), 303);
    assert_eq!(target_browser.get("/admin").await.status(), 404);
    let audit = browser
        .get("/admin/audit?object_type=user")
        .await
        .text()
        .await
        .expect("body");
    for action in ["user.grant_admin", "user.grant_host", "user.remove_admin"] {
        assert!(audit.contains(action), "{action} in the audit log");
    }
    assert!(audit.contains("Showing 1–3 of 3"));
}

#[tokio::test]
async fn an_admin_sends_a_password_reset_email_that_works_and_shows_in_the_security_events() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let target = fixtures::user(&app, "target@example.com", false).await;
    let page = format!("/admin/users/{target}");
    let action = format!("{page}/send-password-reset");
    let early = browser.submit(&page, &action, &[]).await;
    assert_eq!(early.status(), 303);
    assert!(app.last_email_to("target@example.com").await.is_none());
    confirm(&browser).await;
    let sent = browser
        .submit(&page, &action, &[("reason", "asked by phone")])
        .await;
    assert_eq!(sent.status(), 303);
    let (subject, _) = app
        .last_email_to("target@example.com")
        .await
        .expect("the reset email");
    assert!(subject.contains("Reset"), "{subject}");
    // The link is the real one: it opens the reset form.
    let link = app
        .link_in_email("target@example.com", "/password/reset")
        .await;
    assert_eq!(app.new_browser().get(&link).await.status(), 200);

    let shown = browser.get(&page).await.text().await.expect("page");
    assert!(
        shown.contains("password_reset_requested"),
        "on the user's page"
    );
    assert!(shown.contains("user.send_password_reset") && shown.contains("asked by phone"));
    let events = browser
        .get(&format!(
            "/admin/security-events?kind=password_reset_requested&user={target}"
        ))
        .await
        .text()
        .await
        .expect("events");
    assert!(events.contains("Showing 1–1 of 1") && events.contains("target@example.com"));
    let logins = browser
        .get("/admin/security-events?kind=login_succeeded")
        .await
        .text()
        .await
        .expect("events");
    assert!(logins.contains("admin@example.com"));
    assert!(!logins.contains("target@example.com"));
}
