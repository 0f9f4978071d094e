//! Accounts over HTTP: sign-up, verification, login, profile, passwords, sessions, throttling.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::{account_tokens, users};

use crate::support::{Browser, TestApp};

const PASSWORD: &str = "a long and quiet evening";

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn sign_up(browser: &Browser, name: &str, email: &str) -> reqwest::Response {
    browser
        .submit(
            "/signup",
            "/signup",
            &[("name", name), ("email", email), ("password", PASSWORD)],
        )
        .await
}

async fn log_in(browser: &Browser, email: &str, password: &str) -> reqwest::Response {
    browser
        .submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
}

/// Signs up (which only sends the confirmation email) and logs in.
async fn signed_up(browser: &Browser, name: &str, email: &str) {
    let response = sign_up(browser, name, email).await;
    assert_eq!(response.status(), 303, "sign-up of {email}");
    assert_eq!(log_in(browser, email, PASSWORD).await.status(), 303);
}

async fn log_out(browser: &Browser) -> reqwest::Response {
    browser.submit("/account", "/logout", &[]).await
}

/// Signs up, logs in and follows the emailed verification link.
async fn verified_user(app: &TestApp, browser: &Browser, email: &str) {
    signed_up(browser, "Vera", email).await;
    let link = app.link_in_email(email, "/verify-email?token=").await;
    assert_eq!(browser.get(&link).await.status(), 303);
}

async fn is_signed_in(browser: &Browser) -> bool {
    browser.get("/account").await.status() == 200
}

#[tokio::test]
async fn the_whole_account_journey_works_over_http() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    let email = "journey@example.com";

    // Sign up: asked to check the inbox (a confirmation email is queued), then log in,
    // still unverified.
    let response = sign_up(&me, "Jo Journey", email).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login");
    let login_page = me.get("/login").await.text().await.unwrap();
    assert!(login_page.contains("Check your inbox"), "{login_page}");
    assert!(!is_signed_in(&me).await, "sign-up alone signs nobody in");
    assert_eq!(log_in(&me, email, PASSWORD).await.status(), 303);
    let account = me.get("/account").await.text().await.unwrap();
    assert!(account.contains("Confirm your email address"));

    // The email in the development mailbox, then its link.
    let (subject, _) = app.last_email_to(email).await.expect("verification email");
    assert!(subject.contains("Confirm your email"));
    let link = app.link_in_email(email, "/verify-email?token=").await;
    let verified = me.get(&link).await;
    assert_eq!(location(&verified), "/account");
    let account = me.get("/account").await.text().await.unwrap();
    assert!(account.contains("(confirmed)"), "verified after the link");

    // Log out and in again.
    assert_eq!(log_out(&me).await.status(), 303);
    assert!(!is_signed_in(&me).await);
    let login = log_in(&me, email, PASSWORD).await;
    assert_eq!(login.status(), 303);
    assert!(is_signed_in(&me).await);

    // Edit the profile.
    let saved = me
        .submit(
            "/account",
            "/account",
            &[("name", "Jo Renamed"), ("bio", "I like quiet cabins.")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let account = me.get("/account").await.text().await.unwrap();
    assert!(account.contains("Jo Renamed") && account.contains("I like quiet cabins."));

    // Upload an avatar: it is re-encoded and served.
    let page = me.get("/account").await.text().await.unwrap();
    let token = crate::support::csrf_token_in(&page).unwrap();
    let upload = upload_avatar(&me, &token, png(64, 48), "me.png", "image/png").await;
    assert_eq!(upload.status(), 303);
    let page = me.get("/account").await.text().await.unwrap();
    let avatar = page
        .split("src=\"")
        .find_map(|part| {
            part.split('"')
                .next()
                .filter(|src| src.starts_with("/media/avatars/"))
        })
        .expect("avatar image on the page")
        .to_string();
    let image = me.get(&avatar).await;
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    assert_eq!(&image.bytes().await.unwrap()[..2], &[0xFF, 0xD8]);

    // A second device is signed in; changing the password signs it out.
    let other = app.new_browser();
    assert_eq!(log_in(&other, email, PASSWORD).await.status(), 303);
    assert!(is_signed_in(&other).await);
    let changed = me
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "an even longer evening"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert!(is_signed_in(&me).await, "this device stays signed in");
    assert!(
        !is_signed_in(&other).await,
        "the other device is signed out"
    );

    // Log out: the old cookie, replayed, is refused.
    let cookie = me.cookie_header();
    assert!(cookie.contains("roost_session="));
    assert_eq!(log_out(&me).await.status(), 303);
    let replayed = crate::support::browser()
        .get(app.url("/account"))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), 303, "a replayed cookie no longer works");
    assert!(location(&replayed).starts_with("/login"));

    // The new password works, the old one does not.
    assert_eq!(log_in(&me, email, PASSWORD).await.status(), 422);
    assert_eq!(
        log_in(&me, email, "an even longer evening").await.status(),
        303
    );
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

async fn upload_avatar(
    browser: &Browser,
    token: &str,
    bytes: Vec<u8>,
    filename: &str,
    mime: &str,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_string())
        .mime_str(mime)
        .unwrap();
    // The token is the form's first field, as the page's form sends it.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.to_string())
        .part("avatar", part);
    browser
        .client
        .post(browser.url("/account/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The value of the `roost_session` cookie the browser holds.
fn session_cookie(browser: &Browser) -> Option<String> {
    browser
        .cookie_header()
        .split("; ")
        .find_map(|pair| pair.strip_prefix("roost_session="))
        .map(str::to_string)
}

#[tokio::test]
async fn a_session_cookie_is_http_only_lax_and_renewed_at_login() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    let page = me.get("/login").await;
    // The login form's CSRF cookie: no session is started for a page view.
    let csrf = page.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(csrf.starts_with("roost_csrf="), "{csrf}");
    assert!(csrf.contains("HttpOnly"), "{csrf}");
    assert!(csrf.contains("SameSite=Lax"), "{csrf}");
    let _ = page.text().await;
    assert_eq!(session_cookie(&me), None);
    // Sign-up keeps its "check your inbox" message in a session.
    let signed_up = sign_up(&me, "Renee", "renee@example.com").await;
    let session = signed_up
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("roost_session="))
        .expect("a session cookie")
        .to_string();
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    let before = session_cookie(&me).expect("session before login");
    log_in(&me, "renee@example.com", PASSWORD).await;
    let after = session_cookie(&me).expect("session after login");
    assert_ne!(before, after, "a new session id after login");
}

#[tokio::test]
async fn sign_up_answers_bad_input_next_to_each_field_and_keeps_it() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    let response = me
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"name-error\""), "name error");
    assert!(html.contains("Enter your name."));
    assert!(html.contains("id=\"email-error\""));
    assert!(
        html.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );
    assert!(html.contains("Use at least 8 characters"));

    let common = me
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "Cam"),
                ("email", "cam@example.com"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(common.status(), 422);
    assert!(common.text().await.unwrap().contains("too common"));

    let long = "é".repeat(129);
    let too_long = me
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "Lee"),
                ("email", "lee@example.com"),
                ("password", &long),
            ],
        )
        .await;
    assert!(too_long.text().await.unwrap().contains("at most 128"));

    // A taken address is answered like a free one (see accounts_security.rs for the rest).
    assert_eq!(sign_up(&me, "Dee", "dee@example.com").await.status(), 303);
    let again = app.new_browser();
    let twice = sign_up(&again, "Dee Again", "DEE@example.com").await;
    assert_eq!(twice.status(), 303);
    assert_eq!(location(&twice), "/login");
    assert!(!is_signed_in(&again).await);
}

#[tokio::test]
async fn login_does_not_reveal_whether_an_account_exists() {
    let app = TestApp::spawn().await;
    sign_up(&app.new_browser(), "Kim", "kim@example.com").await;
    let wrong_password = log_in(&app.new_browser(), "kim@example.com", "not the password").await;
    let unknown = log_in(&app.new_browser(), "nobody@example.com", "not the password").await;
    assert_eq!(wrong_password.status(), unknown.status());
    let a = wrong_password.text().await.unwrap();
    let b = unknown.text().await.unwrap();
    let message = "That email and password don&#39;t match";
    assert!(a.contains(message) && b.contains(message));

    let known = app
        .new_browser()
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "kim@example.com")],
        )
        .await;
    let missing = app
        .new_browser()
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(known.status(), missing.status());
    let known = known.text().await.unwrap();
    let missing = missing.text().await.unwrap();
    assert!(known.contains("If an account uses kim@example.com"));
    assert!(missing.contains("If an account uses nobody@example.com"));
    assert!(app.last_email_to("nobody@example.com").await.is_none());
    assert!(app.last_email_to("kim@example.com").await.is_some());
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_a_retry_time() {
    let app = TestApp::spawn().await;
    sign_up(&app.new_browser(), "Tia", "tia@example.com").await;
    let attacker = app.new_browser();
    for _ in 0..5 {
        let response = log_in(&attacker, "tia@example.com", "guess guess guess").await;
        assert_eq!(response.status(), 422);
    }
    let blocked = log_in(&attacker, "tia@example.com", "guess guess guess").await;
    assert_eq!(blocked.status(), 429);
    let retry: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    // Even the right password waits: the account is locked for the window.
    assert_eq!(
        log_in(&attacker, "tia@example.com", PASSWORD)
            .await
            .status(),
        429
    );
    let mut conn = app.pool.get().await.unwrap();
    let lockouts: i64 = roost::schema::security_events::table
        .filter(roost::schema::security_events::kind.eq("login_throttled"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(lockouts >= 1, "the lockout is logged as a security event");
}

#[tokio::test]
async fn password_reset_emails_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    sign_up(&app.new_browser(), "Rex", "rex@example.com").await;
    let someone = app.new_browser();
    for _ in 0..3 {
        let response = someone
            .submit(
                "/password/forgot",
                "/password/forgot",
                &[("email", "rex@example.com")],
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let blocked = someone
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "rex@example.com")],
        )
        .await;
    assert_eq!(blocked.status(), 429);
}

#[tokio::test]
async fn a_reset_link_works_once_ends_every_session_and_then_is_refused() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Ria", "ria@example.com").await;
    assert!(is_signed_in(&me).await);
    app.new_browser()
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "ria@example.com")],
        )
        .await;
    let link = app
        .link_in_email("ria@example.com", "/password/reset?token=")
        .await;
    let stranger = app.new_browser();
    assert_eq!(stranger.get(&link).await.status(), 200);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let done = stranger
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(location(&done), "/login?reset=done");
    assert!(!is_signed_in(&me).await, "every session ended");
    assert_eq!(
        log_in(&stranger, "ria@example.com", "a brand new password")
            .await
            .status(),
        303
    );

    let again = app.new_browser().get(&link).await;
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("already been used"));
}

#[tokio::test]
async fn an_expired_reset_link_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    sign_up(&app.new_browser(), "Eve", "eve@example.com").await;
    app.new_browser()
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "eve@example.com")],
        )
        .await;
    let link = app
        .link_in_email("eve@example.com", "/password/reset?token=")
        .await;
    let mut conn = app.pool.get().await.unwrap();
    diesel::update(account_tokens::table.filter(account_tokens::purpose.eq("reset_password")))
        .set(account_tokens::expires_at.eq(chrono::Utc::now() - chrono::Duration::minutes(1)))
        .execute(&mut conn)
        .await
        .unwrap();
    let response = app.new_browser().get(&link).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("expired"));
    let bogus = app
        .new_browser()
        .get("/password/reset?token=not-a-token")
        .await;
    assert!(bogus.text().await.unwrap().contains("not valid"));
}

#[tokio::test]
async fn reset_tokens_expire_within_the_hour_and_are_stored_hashed() {
    let app = TestApp::spawn().await;
    sign_up(&app.new_browser(), "Hal", "hal@example.com").await;
    app.new_browser()
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "hal@example.com")],
        )
        .await;
    let link = app
        .link_in_email("hal@example.com", "/password/reset?token=")
        .await;
    let raw = link.split("token=").nth(1).unwrap();
    assert!(raw.len() >= 43, "at least 256 bits, base64");
    let mut conn = app.pool.get().await.unwrap();
    let (hash, expires): (Vec<u8>, chrono::DateTime<chrono::Utc>) = account_tokens::table
        .filter(account_tokens::purpose.eq("reset_password"))
        .select((account_tokens::token_hash, account_tokens::expires_at))
        .first(&mut conn)
        .await
        .unwrap();
    assert_ne!(hash, raw.as_bytes(), "only a hash is stored");
    assert!(expires <= chrono::Utc::now() + chrono::Duration::minutes(60));
}

#[tokio::test]
async fn an_avatar_that_is_not_an_image_or_too_large_is_refused_next_to_the_field() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Ava", "ava@example.com").await;
    let page = me.get("/account").await.text().await.unwrap();
    let token = crate::support::csrf_token_in(&page).unwrap();
    let text = upload_avatar(
        &me,
        &token,
        b"just text".to_vec(),
        "photo.jpg",
        "image/jpeg",
    )
    .await;
    assert_eq!(text.status(), 422);
    let html = text.text().await.unwrap();
    assert!(html.contains("id=\"avatar-error\""));
    assert!(html.contains("not an image we can read"));
    let svg = upload_avatar(
        &me,
        &token,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
        "x.svg",
        "image/svg+xml",
    )
    .await;
    assert_eq!(svg.status(), 422);
    let huge = vec![0u8; 11 * 1024 * 1024];
    let too_large = upload_avatar(&me, &token, huge, "big.jpg", "image/jpeg").await;
    assert_eq!(too_large.status(), 413);
    assert!(
        too_large
            .text()
            .await
            .unwrap()
            .contains("larger than 10 MB")
    );
}

#[tokio::test]
async fn the_sessions_page_lists_devices_and_signs_out_the_others() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Sam", "sam@example.com").await;
    let phone = app.new_browser();
    log_in(&phone, "sam@example.com", PASSWORD).await;
    let page = me.get("/account/sessions").await.text().await.unwrap();
    assert_eq!(
        page.matches("<tr>").count(),
        3,
        "a header row and two sessions"
    );
    assert!(page.contains("This device"));
    let done = me
        .submit("/account/sessions", "/account/sessions/others", &[])
        .await;
    assert_eq!(done.status(), 303);
    assert!(!is_signed_in(&phone).await);
    assert!(is_signed_in(&me).await);
}

#[tokio::test]
async fn an_unverified_user_cannot_become_a_host_but_a_verified_one_can() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Una", "una@example.com").await;
    let page = me.get("/host").await.text().await.unwrap();
    assert!(page.contains("First, confirm your email address"));
    let refused = me.submit("/account", "/host/become", &[]).await;
    assert_eq!(refused.status(), 403);

    let verified = app.new_browser();
    verified_user(&app, &verified, "val@example.com").await;
    let became = verified.submit("/host", "/host/become", &[]).await;
    assert_eq!(became.status(), 303);
    assert!(
        verified
            .get("/host")
            .await
            .text()
            .await
            .unwrap()
            .contains("Host dashboard")
    );
}

#[tokio::test]
async fn pages_for_signed_in_users_send_others_to_the_login_page_and_back() {
    let app = TestApp::spawn().await;
    let response = app.get("/account/sessions").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Faccount%2Fsessions");
    let me = app.browser();
    signed_up(&me, "Nia", "nia@example.com").await;
    log_out(&me).await;
    let html = me
        .get("/login?next=/account/sessions")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("value=\"/account/sessions\""));
    let login = me
        .submit(
            "/login?next=/account/sessions",
            "/login",
            &[
                ("email", "nia@example.com"),
                ("password", PASSWORD),
                ("next", "/account/sessions"),
            ],
        )
        .await;
    assert_eq!(location(&login), "/account/sessions");
    log_out(&me).await;
    let evil = me
        .submit(
            "/login",
            "/login",
            &[
                ("email", "nia@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location(&evil), "/", "no open redirect");
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_and_signs_out() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Del", "del@example.com").await;
    let wrong = me
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", "nope nope nope")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let done = me
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert!(!is_signed_in(&me).await);
    let mut conn = app.pool.get().await.unwrap();
    let left: i64 = users::table
        .filter(users::email.eq("del@example.com"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn changing_the_email_address_takes_effect_only_once_confirmed() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    verified_user(&app, &me, "old@example.com").await;
    let wrong = me
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "new@example.com"),
                ("email_password", "wrong wrong wrong"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("value=\"new@example.com\"")
    );
    let asked = me
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "new@example.com"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    assert!(
        me.get("/account")
            .await
            .text()
            .await
            .unwrap()
            .contains("old@example.com")
    );
    let (notice, _) = app.last_email_to("old@example.com").await.unwrap();
    assert!(notice.contains("changing"));
    let link = app
        .link_in_email("new@example.com", "/verify-email?token=")
        .await;
    me.get(&link).await;
    assert!(
        me.get("/account")
            .await
            .text()
            .await
            .unwrap()
            .contains("new@example.com")
    );
}

#[tokio::test]
async fn a_suspended_user_is_signed_out_on_the_next_request() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Sus", "sus@example.com").await;
    assert!(is_signed_in(&me).await);
    let mut conn = app.pool.get().await.unwrap();
    diesel::update(users::table.filter(users::email.eq("sus@example.com")))
        .set(users::suspended_at.eq(Some(chrono::Utc::now())))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(!is_signed_in(&me).await);
    let refused = log_in(&me, "sus@example.com", PASSWORD).await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn create_admin_makes_a_verified_administrator_from_a_password_on_stdin() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roost"))
        .args(["create-admin", "--email", "root@example.com"])
        .env("DATABASE_URL", &app.database_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"admin password of some length\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut conn = app.pool.get().await.unwrap();
    let (admin, verified): (bool, Option<chrono::DateTime<chrono::Utc>>) = users::table
        .filter(users::email.eq("root@example.com"))
        .select((users::is_admin, users::email_verified_at))
        .first(&mut conn)
        .await
        .unwrap();
    assert!(admin && verified.is_some());
    let admin = app.new_browser();
    assert_eq!(
        log_in(&admin, "root@example.com", "admin password of some length")
            .await
            .status(),
        303
    );
    assert!(
        admin
            .get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("href=\"/admin\"")
    );
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roost"))
        .args(["create-admin", "--email", "root@example.com"])
        .env("DATABASE_URL", &app.database_url)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"password\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("too common"));
}

/// Moves a timestamp kept in the session state (actix-identity's `logged_in_at`, the idle
/// timeout's `seen_at`) `seconds` into the past.
async fn age_session_key(app: &TestApp, key: &str, seconds: i64) {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(format!(
        "UPDATE sessions SET state = jsonb_set(state, '{{{key}}}', \
         to_jsonb(((extract(epoch FROM now()))::bigint - {seconds})::text)) \
         WHERE user_id IS NOT NULL"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_session_idle_for_more_than_thirty_minutes_is_signed_out() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Ida", "ida@example.com").await;
    assert!(is_signed_in(&me).await);
    age_session_key(&app, "seen_at", 29 * 60).await;
    assert!(is_signed_in(&me).await, "29 minutes idle is fine");
    age_session_key(&app, "seen_at", 31 * 60).await;
    assert!(!is_signed_in(&me).await, "31 minutes idle signs out");
}

#[tokio::test]
async fn a_session_older_than_twelve_hours_is_signed_out_however_active() {
    let app = TestApp::spawn().await;
    let me = app.browser();
    signed_up(&me, "Abe", "abe@example.com").await;
    age_session_key(&app, "logged_in_at", 13 * 60 * 60).await;
    assert!(!is_signed_in(&me).await);
}
