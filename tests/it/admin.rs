//! The admin console's access, audit log and sudo mode: every `/admin` URL is the 404 page to
//! anyone but an admin (the routes walked from the list the application registers), the audit
//! table cannot be changed, every action writes its row in its own transaction, and changes
//! need a fresh password confirmation and a CSRF token.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    admin::{
        Method,
        audit::Reason,
        sudo::{Confirmation, Sudo},
    },
    schema::{sessions, users},
    service::UserId,
};

use crate::{
    fixtures::{self, PASSWORD},
    support::{Browser, TestApp, csrf_token_in},
};

const NOT_FOUND: &str = "find that page";

/// `path` with every `{…}` segment replaced by `id`.
fn with_id(path: &str, id: i64) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                id.to_string()
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Real objects for the `{id}` of the console's routes, so that an admin's GET is a page and
/// not a missing object: by the route's first segment.
pub struct Objects {
    pub user: i64,
    pub listing: i64,
    pub booking: i64,
    pub review: i64,
    pub payment: i64,
    pub job: i64,
}

impl Objects {
    /// A listing of `host` with a completed stay of `guest` (paid, reviewed), and a dead job.
    pub async fn make(app: &TestApp, host: i64, guest: i64) -> Objects {
        let listing = fixtures::listing(app, host, fixtures::ListingSpec::default()).await;
        let (booking, review) = fixtures::published_review(app, listing, host, guest, 4).await;
        let mut conn = app.pool.get().await.expect("connection");
        let payment: i64 = diesel::insert_into(roost::schema::payments::table)
            .values((
                roost::schema::payments::booking_id.eq(booking),
                roost::schema::payments::kind.eq("charge"),
                roost::schema::payments::provider.eq("sandbox"),
                roost::schema::payments::provider_ref.eq("sb_fixture"),
                roost::schema::payments::amount.eq(44_460i64),
                roost::schema::payments::currency.eq("EUR"),
                roost::schema::payments::status.eq("succeeded"),
            ))
            .returning(roost::schema::payments::id)
            .get_result(&mut conn)
            .await
            .expect("payment");
        let job: i64 = diesel::insert_into(roost::schema::jobs::table)
            .values((
                roost::schema::jobs::kind.eq("fixture_job"),
                roost::schema::jobs::payload.eq(serde_json::json!({})),
                roost::schema::jobs::status.eq("dead"),
                roost::schema::jobs::last_error.eq(Some("it broke")),
            ))
            .returning(roost::schema::jobs::id)
            .get_result(&mut conn)
            .await
            .expect("job");
        Objects {
            user: guest,
            listing,
            booking,
            review,
            payment,
            job,
        }
    }

    pub fn id_for(&self, path: &str) -> i64 {
        match path.split('/').nth(1) {
            Some("reviews") => self.review,
            Some("bookings") => self.booking,
            Some("listings") => self.listing,
            Some("payments") => self.payment,
            Some("jobs") => self.job,
            _ => self.user,
        }
    }
}

/// A CSRF token good for `browser`'s next POST (a visitor's from the login form, a member's
/// from any page).
async fn token(browser: &Browser, signed_in: bool) -> String {
    let page = if signed_in { "/account" } else { "/login" };
    let html = browser.get(page).await.text().await.expect("body");
    csrf_token_in(&html).expect("a CSRF token")
}

pub async fn audit_rows(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query("SELECT 1 FROM admin_audit")
        .execute(&mut conn)
        .await
        .expect("count audit rows") as i64
}

pub async fn suspended(app: &TestApp, id: i64) -> bool {
    let mut conn = app.pool.get().await.expect("connection");
    users::table
        .find(id)
        .select(users::suspended_at)
        .first::<Option<chrono::DateTime<Utc>>>(&mut conn)
        .await
        .expect("user")
        .is_some()
}

pub async fn session_count(app: &TestApp, id: i64) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    sessions::table
        .filter(sessions::user_id.eq(id))
        .count()
        .get_result(&mut conn)
        .await
        .expect("sessions")
}

/// Confirms the admin's password in `browser` (sudo mode for ten minutes).
pub async fn confirm(browser: &Browser) {
    let response = browser
        .submit(
            "/admin/confirm",
            "/admin/confirm",
            &[("password", PASSWORD), ("next", "/admin/users")],
        )
        .await;
    assert_eq!(response.status(), 303, "password confirmation");
    assert_eq!(
        response.headers()["location"].to_str().expect("location"),
        "/admin/users"
    );
}

#[tokio::test]
async fn every_admin_url_is_the_404_page_to_visitors_guests_and_hosts() {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let admin_browser = fixtures::log_in(&app, "admin@example.com").await;
    let (guest, guest_browser) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let (host, host_browser) = fixtures::signed_in(&app, "host@example.com", true).await;
    let objects = Objects::make(&app, host, guest).await;
    let visitor = app.new_browser();
    let routes: Vec<_> = roost::admin::routes().collect();
    assert!(
        routes.len() >= 10,
        "the registry lists the console's routes"
    );
    assert!(
        routes
            .iter()
            .any(|route| route.path == "/users/{id}/suspend")
    );
    for route in &routes {
        let path = with_id(&route.full_path(), objects.id_for(route.path));
        for (who, browser, signed_in) in [
            ("a visitor", &visitor, false),
            ("a guest", &guest_browser, true),
            ("a host", &host_browser, true),
        ] {
            let response = match route.method {
                Method::Get => browser.get(&path).await,
                Method::Post => {
                    let token = token(browser, signed_in).await;
                    browser
                        .client
                        .post(browser.url(&path))
                        .form(&[
                            ("csrf_token", token.as_str()),
                            ("reason", "probe"),
                            ("change", "grant_admin"),
                            ("password", PASSWORD),
                        ])
                        .send()
                        .await
                        .expect("POST")
                }
            };
            assert_eq!(response.status(), 404, "{:?} {path} as {who}", route.method);
            let body = response.text().await.expect("body");
            assert!(
                body.contains(NOT_FOUND),
                "{path} as {who}: the site's 404 page"
            );
        }
        // The route exists: the admin gets a page (so the 404s above are the gate's).
        if route.method == Method::Get {
            let response = admin_browser.get(&path).await;
            assert_eq!(response.status(), 200, "GET {path} as the admin");
        }
    }
    // Paths the registry does not list are 404 for everyone, admins included.
    assert_eq!(admin_browser.get("/admin/nothing-here").await.status(), 404);
    assert_eq!(visitor.get("/admin/nothing-here").await.status(), 404);
    assert!(!suspended(&app, guest).await);
    assert_eq!(audit_rows(&app).await, 0, "no probe changed anything");
    let hidden: i64 = roost::schema::reviews::table
        .filter(roost::schema::reviews::hidden_at.is_not_null())
        .count()
        .get_result(&mut app.pool.get().await.expect("connection"))
        .await
        .expect("hidden reviews");
    assert_eq!(hidden, 0);
    let mut conn = app.pool.get().await.expect("connection");
    let admins: i64 = users::table
        .filter(users::is_admin.eq(true))
        .count()
        .get_result(&mut conn)
        .await
        .expect("admins");
    assert_eq!(admins, 1, "only {admin} is an admin");
}

#[tokio::test]
async fn the_header_links_the_console_for_admins_only() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let admin = fixtures::log_in(&app, "admin@example.com").await;
    let (_, guest) = fixtures::signed_in(&app, "guest@example.com", false).await;
    let admin_home = admin.get("/").await.text().await.expect("body");
    assert!(admin_home.contains(r#"href="/admin""#));
    let guest_home = guest.get("/").await.text().await.expect("body");
    assert!(!guest_home.contains(r#"href="/admin""#));
    let dashboard = admin.get("/admin").await;
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.expect("body").contains("New users"));
}

#[tokio::test]
async fn the_audit_table_refuses_update_delete_and_truncate() {
    let app = TestApp::spawn().await;
    let mut conn = app.pool.get().await.expect("connection");
    diesel::sql_query(
        "INSERT INTO admin_audit (actor_id, action, object_type, object_id, reason) \
         VALUES (1, 'user.suspend', 'user', 2, 'spam')",
    )
    .execute(&mut conn)
    .await
    .expect("the application may append");
    for statement in [
        "UPDATE admin_audit SET reason = 'nothing happened'",
        "DELETE FROM admin_audit",
        "TRUNCATE admin_audit",
    ] {
        let refused = diesel::sql_query(statement).execute(&mut conn).await;
        let error = refused.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    let reason: String = diesel::sql_query("SELECT reason FROM admin_audit")
        .get_result::<Reason_>(&mut conn)
        .await
        .expect("the row")
        .reason;
    assert_eq!(reason, "spam");
}

#[derive(diesel::QueryableByName)]
struct Reason_ {
    #[diesel(sql_type = diesel::sql_types::Text)]
    reason: String,
}

#[tokio::test]
async fn a_change_without_a_fresh_password_confirmation_goes_to_the_confirm_page_and_changes_nothing()
 {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let target = fixtures::user(&app, "target@example.com", false).await;
    let page = format!("/admin/users/{target}");
    let action = format!("/admin/users/{target}/suspend");

    let response = browser.submit(&page, &action, &[("reason", "spam")]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location");
    assert_eq!(
        location,
        format!("/admin/confirm?next=%2Fadmin%2Fusers%2F{target}")
    );
    assert!(!suspended(&app, target).await);
    assert_eq!(audit_rows(&app).await, 0);

    // A wrong password: the form again, with its message, and still no sudo mode.
    let wrong = browser
        .submit(
            location,
            "/admin/confirm",
            &[("password", "not my password"), ("next", &page)],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .expect("body")
            .contains("not your current password")
    );
    let still = browser.submit(&page, &action, &[("reason", "spam")]).await;
    assert_eq!(still.status(), 303);
    assert!(!suspended(&app, target).await);

    // The right one: back to the page, where the action now works.
    let right = browser
        .submit(
            location,
            "/admin/confirm",
            &[("password", PASSWORD), ("next", &page)],
        )
        .await;
    assert_eq!(right.status(), 303);
    assert_eq!(
        right.headers()["location"].to_str().expect("location"),
        page
    );
    let done = browser.submit(&page, &action, &[("reason", "spam")]).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"].to_str().expect("location"), page);
    assert!(suspended(&app, target).await);

    // Ten minutes later the confirmation no longer counts.
    let mut conn = app.pool.get().await.expect("connection");
    let old = Utc::now().timestamp() - 11 * 60;
    diesel::sql_query(format!(
        "UPDATE sessions SET state = jsonb_set(state, '{{admin_sudo}}', \
         to_jsonb('{{\"user_id\":{admin},\"at\":{old}}}'::text)) WHERE user_id = {admin}"
    ))
    .execute(&mut conn)
    .await
    .expect("age the confirmation");
    let unsuspend = format!("/admin/users/{target}/unsuspend");
    let late = browser.submit(&page, &unsuspend, &[]).await;
    assert_eq!(late.status(), 303);
    assert!(
        late.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/admin/confirm")
    );
    assert!(
        suspended(&app, target).await,
        "the late unsuspension did nothing"
    );
    assert_eq!(audit_rows(&app).await, 1, "only the suspension");
}

/// An admin, a target user with a published review, and the console's POST routes with
/// their ids filled in (every action but the password confirmation itself).
async fn admin_world(app: &TestApp) -> (Browser, i64, Vec<String>) {
    fixtures::admin(app, "admin@example.com").await;
    let browser = fixtures::log_in(app, "admin@example.com").await;
    let host = fixtures::user(app, "host@example.com", true).await;
    let target = fixtures::user(app, "target@example.com", false).await;
    let objects = Objects::make(app, host, target).await;
    let actions = roost::admin::routes()
        .filter(|route| route.method == Method::Post && route.path != "/confirm")
        .map(|route| with_id(&route.full_path(), objects.id_for(route.path)))
        .collect();
    (browser, target, actions)
}

async fn hidden_reviews(app: &TestApp) -> i64 {
    roost::schema::reviews::table
        .filter(roost::schema::reviews::hidden_at.is_not_null())
        .count()
        .get_result(&mut app.pool.get().await.expect("connection"))
        .await
        .expect("hidden reviews")
}

#[tokio::test]
async fn every_action_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (browser, target, actions) = admin_world(&app).await;
    assert!(actions.len() >= 6, "{actions:?}");
    confirm(&browser).await;
    for action in &actions {
        let response = browser
            .client
            .post(browser.url(action))
            .form(&[("reason", "spam"), ("change", "grant_admin")])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 403, "{action} without a token");
    }
    assert!(!suspended(&app, target).await);
    assert_eq!(hidden_reviews(&app).await, 0);
    assert_eq!(audit_rows(&app).await, 0);
}

#[tokio::test]
async fn every_action_without_a_fresh_confirmation_goes_to_the_confirm_page() {
    let app = TestApp::spawn().await;
    let (browser, target, actions) = admin_world(&app).await;
    for action in &actions {
        let response = browser
            .submit(
                "/admin",
                action,
                &[("reason", "spam"), ("change", "grant_admin")],
            )
            .await;
        assert_eq!(response.status(), 303, "{action} without sudo mode");
        let location = response.headers()["location"].to_str().expect("location");
        assert!(
            location.starts_with("/admin/confirm?next="),
            "{action}: {location}"
        );
    }
    assert!(!suspended(&app, target).await);
    assert_eq!(hidden_reviews(&app).await, 0);
    assert_eq!(audit_rows(&app).await, 0);
    // A confirmation is the session's: the same admin in another browser has none.
    confirm(&browser).await;
    let elsewhere = fixtures::log_in(&app, "admin@example.com").await;
    let suspend = format!("/admin/users/{target}/suspend");
    let response = elsewhere
        .submit("/admin", &suspend, &[("reason", "spam")])
        .await;
    assert_eq!(response.status(), 303);
    assert!(!suspended(&app, target).await);
}

#[tokio::test]
async fn a_suspended_admin_is_signed_out_and_the_console_is_gone_for_them() {
    let app = TestApp::spawn().await;
    fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let other = fixtures::admin(&app, "other@example.com").await;
    let other_browser = fixtures::log_in(&app, "other@example.com").await;
    assert_eq!(other_browser.get("/admin/users").await.status(), 200);
    confirm(&browser).await;
    let page = format!("/admin/users/{other}");
    let response = browser
        .submit(
            &page,
            &format!("{page}/suspend"),
            &[("reason", "compromised")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let after = other_browser.get("/admin/users").await;
    assert_eq!(after.status(), 404);
}

#[tokio::test]
async fn suspending_a_user_ends_their_open_session_at_once_and_is_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    let (target, target_browser) = fixtures::signed_in(&app, "target@example.com", false).await;
    assert_eq!(target_browser.get("/account").await.status(), 200);
    assert_eq!(session_count(&app, target).await, 1);
    confirm(&browser).await;

    let page = format!("/admin/users/{target}");
    // A suspension needs a reason: the page again, with the message beside the field.
    let no_reason = browser
        .submit(&page, &format!("{page}/suspend"), &[("reason", "  ")])
        .await;
    assert_eq!(no_reason.status(), 422);
    assert!(no_reason.text().await.expect("body").contains("Say why"));
    assert!(!suspended(&app, target).await);

    let response = browser
        .submit(&page, &format!("{page}/suspend"), &[("reason", "spam <b>")])
        .await;
    assert_eq!(response.status(), 303);
    assert!(suspended(&app, target).await);
    assert_eq!(session_count(&app, target).await, 0, "sessions ended");
    let after = target_browser.get("/account").await;
    assert_eq!(after.status(), 303, "the open session is signed out");

    let audit = browser
        .get(&format!(
            "/admin/audit?action=user.suspend&object_id={target}"
        ))
        .await
        .text()
        .await
        .expect("body");
    assert!(audit.contains("user.suspend"));
    assert!(audit.contains("spam &#60;b&#62;"), "the reason, escaped");
    assert!(audit.contains("admin@example.com"));
    let other = browser
        .get(&format!("/admin/audit?actor={}", admin + 1000))
        .await
        .text()
        .await
        .expect("body");
    assert!(other.contains("Nothing matches"));
    let csv = browser.get("/admin/audit.csv?action=user.suspend").await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("body");
    let lines: Vec<&str> = csv.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,at,admin_id,admin_email,action"));
    assert!(lines[1].contains(",user.suspend,user,"));
    assert!(
        lines[1].contains("spam <b>"),
        "CSV is not HTML: the reason as typed"
    );
    let none = browser.get("/admin/audit.csv?action=user.unsuspend").await;
    assert_eq!(none.text().await.expect("body").matches("\r\n").count(), 1);
}

#[tokio::test]
async fn an_admin_cannot_suspend_or_demote_themselves() {
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let browser = fixtures::log_in(&app, "admin@example.com").await;
    confirm(&browser).await;
    let page = format!("/admin/users/{admin}");
    let suspend = browser
        .submit(&page, &format!("{page}/suspend"), &[("reason", "oops")])
        .await;
    assert_eq!(suspend.status(), 422);
    assert!(
        suspend
            .text()
            .await
            .expect("body")
            .contains("your own account")
    );
    let demote = browser
        .submit(
            &page,
            &format!("{page}/roles"),
            &[("change", "remove_admin"), ("reason", "oops")],
        )
        .await;
    assert_eq!(demote.status(), 422);
    assert!(
        demote
            .text()
            .await
            .expect("body")
            .contains("your own admin role")
    );
    assert!(!suspended(&app, admin).await);
    assert_eq!(audit_rows(&app).await, 0);
    assert_eq!(browser.get("/admin").await.status(), 200, "still an admin");
}

/// Sudo mode for `user_id`, as the services see it (a confirmation made just now).
pub async fn sudo_of(app: &TestApp, user_id: i64) -> Sudo {
    let admin = fixtures::actor(app, user_id)
        .await
        .admin()
        .expect("an admin");
    let now = Utc::now();
    Sudo::check(
        admin,
        Some(Confirmation {
            user_id,
            at: now.timestamp(),
        }),
        now,
    )
    .expect("sudo mode")
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    use roost::accounts::service::admin::{RoleChange, change_role};
    let app = TestApp::spawn().await;
    let ann = fixtures::admin(&app, "ann@example.com").await;
    let bob = fixtures::admin(&app, "bob@example.com").await;
    let reason = Reason::parse("race", true).expect("reason");
    for _ in 0..5 {
        let (ann_sudo, bob_sudo) = (sudo_of(&app, ann).await, sudo_of(&app, bob).await);
        let mut a = app.pool.get().await.expect("connection");
        let mut b = app.pool.get().await.expect("connection");
        let (first, second) = tokio::join!(
            change_role(
                &mut a,
                &ann_sudo,
                UserId::new(bob),
                RoleChange::RemoveAdmin,
                &reason
            ),
            change_role(
                &mut b,
                &bob_sudo,
                UserId::new(ann),
                RoleChange::RemoveAdmin,
                &reason
            ),
        );
        assert!(
            first.is_ok() != second.is_ok(),
            "exactly one wins: {first:?} / {second:?}"
        );
        let mut conn = app.pool.get().await.expect("connection");
        let admins: Vec<i64> = users::table
            .filter(users::is_admin.eq(true))
            .select(users::id)
            .load(&mut conn)
            .await
            .expect("admins");
        assert_eq!(admins.len(), 1, "one admin remains");
        // The winner makes the other an admin again for the next round.
        let winner = admins[0];
        let loser = if winner == ann { bob } else { ann };
        change_role(
            &mut conn,
            &sudo_of(&app, winner).await,
            UserId::new(loser),
            RoleChange::GrantAdmin,
            &reason,
        )
        .await
        .expect("grant again");
    }
    assert_eq!(
        audit_rows(&app).await,
        10,
        "one row per change that happened"
    );
}

#[tokio::test]
async fn a_failing_action_leaves_neither_its_change_nor_its_audit_row() {
    use roost::accounts::service::admin::suspend;
    let app = TestApp::spawn().await;
    let admin = fixtures::admin(&app, "admin@example.com").await;
    let (target, _browser) = fixtures::signed_in(&app, "target@example.com", false).await;
    let reason = Reason::parse("spam", true).expect("reason");
    let mut conn = app.pool.get().await.expect("connection");
    // A check that fails at commit, after the action and its audit row were written.
    diesel::sql_query(
        "CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'injected failure'; END $$",
    )
    .execute(&mut conn)
    .await
    .expect("function");
    diesel::sql_query(
        "CREATE CONSTRAINT TRIGGER fail_at_commit AFTER UPDATE ON users \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()",
    )
    .execute(&mut conn)
    .await
    .expect("trigger");
    let failed = suspend(
        &mut conn,
        &sudo_of(&app, admin).await,
        UserId::new(target),
        &reason,
    )
    .await;
    assert!(failed.is_err(), "the commit fails");
    assert!(!suspended(&app, target).await);
    assert_eq!(session_count(&app, target).await, 1, "the session stays");
    assert_eq!(audit_rows(&app).await, 0, "no audit row without its action");

    // And the other way round: an audit row that cannot be written undoes the action.
    diesel::sql_query("DROP TRIGGER fail_at_commit ON users")
        .execute(&mut conn)
        .await
        .expect("drop");
    diesel::sql_query(
        "CREATE TRIGGER fail_audit BEFORE INSERT ON admin_audit \
         FOR EACH ROW EXECUTE FUNCTION fail_at_commit()",
    )
    .execute(&mut conn)
    .await
    .expect("trigger");
    let failed = suspend(
        &mut conn,
        &sudo_of(&app, admin).await,
        UserId::new(target),
        &reason,
    )
    .await;
    assert!(failed.is_err());
    assert!(
        !suspended(&app, target).await,
        "no action without its audit row"
    );
    assert_eq!(session_count(&app, target).await, 1);

    diesel::sql_query("DROP TRIGGER fail_audit ON admin_audit")
        .execute(&mut conn)
        .await
        .expect("drop");
    suspend(
        &mut conn,
        &sudo_of(&app, admin).await,
        UserId::new(target),
        &reason,
    )
    .await
    .expect("now it works");
    assert!(suspended(&app, target).await);
    assert_eq!(audit_rows(&app).await, 1);
}
