//! Accounts probed as an attacker would: address-change links that outlive a password change,
//! unthrottled re-authentication, account enumeration, `next` redirects, account deletion with
//! bookings, session rows for page views, and sign-up input that can never be verified.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::{
    account_tokens, bookings, listings, payments, sessions, users, wishlist_items,
};

use crate::{
    bookings_support::{CARD_OK, booked, execute, location, pay, status_of},
    fixtures::{self, ListingSpec, PASSWORD},
    support::{Browser, TestApp},
};

async fn is_signed_in(browser: &Browser) -> bool {
    browser.get("/account").await.status() == 200
}

async fn email_of(app: &TestApp, id: i64) -> String {
    let mut conn = app.pool.get().await.unwrap();
    users::table
        .find(id)
        .select(users::email)
        .first(&mut conn)
        .await
        .unwrap()
}

/// Asks, from `browser`, to move the account to `new_email`, typing `password`.
async fn request_email_change(
    browser: &Browser,
    new_email: &str,
    password: &str,
) -> reqwest::Response {
    browser
        .submit(
            "/account",
            "/account/email",
            &[("new_email", new_email), ("email_password", password)],
        )
        .await
}

async fn change_password(browser: &Browser, current: &str, new: &str) -> reqwest::Response {
    browser
        .submit(
            "/account/password",
            "/account/password",
            &[("current_password", current), ("password", new)],
        )
        .await
}

/// The owner is signed in; an attacker who knows the password signs in elsewhere and asks to
/// move the account to their own address. Returns (owner id, owner, attacker, change link).
async fn attacker_asks_for_an_address_change(app: &TestApp) -> (i64, Browser, Browser, String) {
    let (id, owner) = fixtures::signed_in(app, "owner@example.com", false).await;
    let attacker = fixtures::log_in(app, "owner@example.com").await;
    let asked = request_email_change(&attacker, "attacker@example.com", PASSWORD).await;
    assert_eq!(asked.status(), 303);
    let link = app
        .link_in_email("attacker@example.com", "/verify-email?token=")
        .await;
    (id, owner, attacker, link)
}

/// Opens an address link in a fresh browser; asserts it is refused as no longer valid.
async fn assert_link_refused(app: &TestApp, link: &str) {
    let response = app.new_browser().get(link).await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert!(html.contains("no longer works"), "{html}");
}

#[tokio::test]
async fn a_pending_address_change_link_is_refused_after_the_owner_changes_the_password() {
    let app = TestApp::spawn().await;
    let (id, owner, _attacker, link) = attacker_asks_for_an_address_change(&app).await;
    let changed = change_password(&owner, PASSWORD, "the owner's brand new password").await;
    assert_eq!(changed.status(), 303);
    assert_link_refused(&app, &link).await;
    assert_eq!(email_of(&app, id).await, "owner@example.com");
}

#[tokio::test]
async fn a_pending_address_change_link_is_refused_after_a_password_reset() {
    let app = TestApp::spawn().await;
    let (id, _owner, _attacker, link) = attacker_asks_for_an_address_change(&app).await;
    let stranger = app.new_browser();
    stranger
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "owner@example.com")],
        )
        .await;
    let reset = app
        .link_in_email("owner@example.com", "/password/reset?token=")
        .await;
    let token = reset.split("token=").nth(1).unwrap().to_string();
    let done = stranger
        .submit(
            &reset,
            "/password/reset",
            &[
                ("token", &token),
                ("password", "the owner's brand new password"),
            ],
        )
        .await;
    assert_eq!(location(&done), "/login?reset=done");
    assert_link_refused(&app, &link).await;
    assert_eq!(email_of(&app, id).await, "owner@example.com");
}

#[tokio::test]
async fn a_pending_address_change_link_is_refused_after_the_owner_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (id, owner, attacker, link) = attacker_asks_for_an_address_change(&app).await;
    let ended = owner
        .submit("/account/sessions", "/account/sessions/others", &[])
        .await;
    assert_eq!(ended.status(), 303);
    assert!(!is_signed_in(&attacker).await);
    assert_link_refused(&app, &link).await;
    assert_eq!(email_of(&app, id).await, "owner@example.com");

    // Ending just the attacker's session does the same.
    let attacker = fixtures::log_in(&app, "owner@example.com").await;
    request_email_change(&attacker, "attacker@example.com", PASSWORD).await;
    let link = app
        .link_in_email("attacker@example.com", "/verify-email?token=")
        .await;
    let mut conn = app.pool.get().await.unwrap();
    let newest: String = sessions::table
        .filter(sessions::user_id.eq(id))
        .order(sessions::created_at.desc())
        .select(sessions::public_id)
        .first(&mut conn)
        .await
        .unwrap();
    let ended = owner
        .submit(
            "/account/sessions",
            &format!("/account/sessions/{newest}/end"),
            &[],
        )
        .await;
    assert_eq!(ended.status(), 303);
    assert!(!is_signed_in(&attacker).await);
    assert_link_refused(&app, &link).await;
}

#[tokio::test]
async fn a_newer_link_of_the_same_kind_supersedes_the_older_one() {
    let app = TestApp::spawn().await;
    let (id, me) = fixtures::signed_in(&app, "mia@example.com", false).await;
    request_email_change(&me, "first@example.com", PASSWORD).await;
    let first = app
        .link_in_email("first@example.com", "/verify-email?token=")
        .await;
    request_email_change(&me, "second@example.com", PASSWORD).await;
    let second = app
        .link_in_email("second@example.com", "/verify-email?token=")
        .await;
    assert_link_refused(&app, &first).await;
    assert_eq!(me.get(&second).await.status(), 303);
    assert_eq!(email_of(&app, id).await, "second@example.com");

    // Confirmation links of the current address, too: only the newest works.
    let mut conn = app.pool.get().await.unwrap();
    diesel::update(users::table.find(id))
        .set(users::email_verified_at.eq(None::<chrono::DateTime<chrono::Utc>>))
        .execute(&mut conn)
        .await
        .unwrap();
    me.submit("/account", "/account/verify-email", &[]).await;
    let older = app
        .link_in_email("second@example.com", "/verify-email?token=")
        .await;
    me.submit("/account", "/account/verify-email", &[]).await;
    let newer = app
        .link_in_email("second@example.com", "/verify-email?token=")
        .await;
    assert_ne!(older, newer);
    assert_link_refused(&app, &older).await;
    assert_eq!(me.get(&newer).await.status(), 303);
}

#[tokio::test]
async fn the_old_address_is_told_of_a_change_and_its_undo_link_restores_it() {
    let app = TestApp::spawn().await;
    let (id, owner, attacker, link) = attacker_asks_for_an_address_change(&app).await;
    let (subject, body) = app.last_email_to("owner@example.com").await.unwrap();
    assert!(subject.contains("is changing"), "{subject}");
    assert!(body.contains("attacker@example.com"), "{body}");
    assert!(body.contains("/account/email/undo?token="), "{body}");

    // The attacker confirms the new address: the account moves, the old address is told.
    assert_eq!(attacker.get(&link).await.status(), 303);
    assert_eq!(email_of(&app, id).await, "attacker@example.com");
    let (subject, _) = app.last_email_to("owner@example.com").await.unwrap();
    assert!(subject.contains("was changed"), "{subject}");
    let undo = app
        .link_in_email("owner@example.com", "/account/email/undo?token=")
        .await;

    // Opening the link only asks; the button undoes.
    let someone = app.new_browser();
    let asked = someone.get(&undo).await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("owner@example.com"));
    assert_eq!(email_of(&app, id).await, "attacker@example.com");
    let token = undo.split("token=").nth(1).unwrap().to_string();
    let undone = someone
        .submit(&undo, "/account/email/undo", &[("token", &token)])
        .await;
    assert_eq!(undone.status(), 200);
    assert!(undone.text().await.unwrap().contains("safe again"));

    // The old address is back, every session ended, the known password no longer works, and
    // the owner chooses a new one through a link sent to the old address.
    assert_eq!(email_of(&app, id).await, "owner@example.com");
    assert!(!is_signed_in(&attacker).await);
    assert!(!is_signed_in(&owner).await);
    let login = app
        .new_browser()
        .submit(
            "/login",
            "/login",
            &[("email", "owner@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status(), 422);
    let reset = app
        .link_in_email("owner@example.com", "/password/reset?token=")
        .await;
    assert_eq!(app.new_browser().get(&reset).await.status(), 200);

    // The link works once; the first notice's undo link is spent as well.
    let again = app.new_browser().get(&undo).await;
    assert_eq!(again.status(), 400);
    let mut conn = app.pool.get().await.unwrap();
    let live_undo: i64 = account_tokens::table
        .filter(account_tokens::user_id.eq(id))
        .filter(account_tokens::purpose.eq("undo_email_change"))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::revoked_at.is_null())
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(live_undo, 0);
}

#[tokio::test]
async fn wrong_current_passwords_share_the_login_throttle_and_end_in_429() {
    let app = TestApp::spawn().await;
    let (_, thief) = fixtures::signed_in(&app, "tom@example.com", false).await;
    // Five guesses through the three doors that ask for the current password…
    for guess in ["guess one x", "guess two x"] {
        let response = change_password(&thief, guess, "a new password for me").await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("not your current password")
        );
    }
    for guess in ["guess three", "guess four"] {
        let response = request_email_change(&thief, "thief@example.com", guess).await;
        assert_eq!(response.status(), 422);
    }
    let response = thief
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", "guess five")],
        )
        .await;
    assert_eq!(response.status(), 422);

    // … and every door is closed, for the right password too, logins included.
    let closed = [
        change_password(&thief, "guess six", "a new password for me").await,
        request_email_change(&thief, "thief@example.com", PASSWORD).await,
        thief
            .submit(
                "/account/delete",
                "/account/delete",
                &[("password", PASSWORD)],
            )
            .await,
        app.new_browser()
            .submit(
                "/login",
                "/login",
                &[("email", "tom@example.com"), ("password", PASSWORD)],
            )
            .await,
    ];
    for response in closed {
        assert_eq!(response.status(), 429);
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 0 && retry <= 15 * 60);
    }
    let mut conn = app.pool.get().await.unwrap();
    let still: i64 = users::table
        .filter(users::email.eq("tom@example.com"))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(still, 1, "nothing was changed or deleted");
}

/// The page a browser lands on after a redirect, with `address` replaced by a placeholder.
async fn landing(browser: &Browser, response: &reqwest::Response, address: &str) -> String {
    let page = browser.get(&location(response)).await.text().await.unwrap();
    let page = page.replace(address, "ADDRESS");
    // The CSRF token differs per browser, and is not an answer.
    let token = crate::support::csrf_token_in(&page).unwrap_or_default();
    page.replace(&token, "TOKEN")
}

fn cookie_names(response: &reqwest::Response) -> Vec<String> {
    let mut names: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split('=').next().map(str::to_string))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn sign_up_with_a_registered_address_answers_as_for_a_new_one_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "taken@example.com", false).await;
    let fields = |email: &'static str| {
        [
            ("name", "Someone"),
            ("email", email),
            ("password", "a password nobody has"),
        ]
    };
    let new = app.new_browser();
    let fresh = new
        .submit("/signup", "/signup", &fields("free@example.com"))
        .await;
    let known = app.new_browser();
    let taken = known
        .submit("/signup", "/signup", &fields("taken@example.com"))
        .await;

    assert_eq!(fresh.status(), 303);
    assert_eq!(taken.status(), fresh.status());
    assert_eq!(location(&taken), location(&fresh));
    assert_eq!(cookie_names(&taken), cookie_names(&fresh));
    let fresh_page = landing(&new, &fresh, "free@example.com").await;
    let taken_page = landing(&known, &taken, "taken@example.com").await;
    assert_eq!(taken_page, fresh_page);
    assert!(fresh_page.contains("Check your inbox"));
    assert!(!is_signed_in(&new).await && !is_signed_in(&known).await);

    // The owner is told instead; their account is untouched.
    let (subject, body) = app.last_email_to("taken@example.com").await.unwrap();
    assert!(subject.contains("tried to sign up"), "{subject}");
    assert!(body.contains("/login"), "{body}");
    assert!(!body.contains("/verify-email"), "{body}");
    let (subject, _) = app.last_email_to("free@example.com").await.unwrap();
    assert!(subject.contains("Confirm your email"));
    let mut conn = app.pool.get().await.unwrap();
    let name: String = users::table
        .filter(users::email.eq("taken@example.com"))
        .select(users::name)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(name, "taken");
}

#[tokio::test]
async fn an_address_change_to_a_used_address_answers_as_for_a_free_one() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "used@example.com", false).await;
    let (id, me) = fixtures::signed_in(&app, "me@example.com", false).await;

    let free = request_email_change(&me, "free@example.com", PASSWORD).await;
    let free_page = landing(&me, &free, "free@example.com").await;
    let used = request_email_change(&me, "used@example.com", PASSWORD).await;
    let used_page = landing(&me, &used, "used@example.com").await;
    assert_eq!(used.status(), 303);
    assert_eq!(location(&used), location(&free));
    assert_eq!(used_page, free_page);

    // The address's owner gets a note, not a link; the requester's address stays.
    let (subject, body) = app.last_email_to("used@example.com").await.unwrap();
    assert!(subject.contains("tried to use your address"), "{subject}");
    assert!(!body.contains("token="), "{body}");
    assert_eq!(email_of(&app, id).await, "me@example.com");
}

#[tokio::test]
async fn next_is_followed_only_to_a_path_on_this_site() {
    let app = TestApp::spawn().await;
    let (host_id, _) = fixtures::signed_in(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    fixtures::user(&app, "nia@example.com", false).await;

    // The page does not carry a tab-laden `next` into its form.
    let page = app
        .new_browser()
        .get("/login?next=%2F%09%2Fevil.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="next" value="""#), "{page}");
    assert!(!page.contains("evil.example"));

    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/trips\\..\\evil", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("\t/trips", "/"),
        ("/trips", "/trips"),
        ("/listings/1?guests=2", "/listings/1?guests=2"),
    ] {
        let browser = app.new_browser();
        let login = browser
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "nia@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(login.status(), 303);
        assert_eq!(location(&login), expected, "next = {next:?}");
    }

    // The heart's `next` too.
    let guest = fixtures::log_in(&app, "nia@example.com").await;
    let hearted = guest
        .submit(
            "/trips",
            &format!("/listings/{listing}/favorite"),
            &[("next", "/\t/evil.example")],
        )
        .await;
    assert_eq!(location(&hearted), format!("/listings/{listing}"));
}

/// A host with a listing, a guest who booked it `days` ahead and paid. Returns
/// (host id, host, guest id, guest, listing, booking).
async fn a_paid_stay(app: &TestApp, days: i64) -> (i64, Browser, i64, Browser, i64, i64) {
    let (host_id, host) = fixtures::signed_in(app, "hana@example.com", true).await;
    let listing = fixtures::listing(app, host_id, ListingSpec::default()).await;
    let (guest_id, guest) = fixtures::signed_in(app, "gus@example.com", false).await;
    let booking = booked(&guest, listing, days, 2).await;
    assert_eq!(pay(&guest, booking, CARD_OK).await.status(), 303);
    assert_eq!(status_of(app, booking).await, "confirmed");
    (host_id, host, guest_id, guest, listing, booking)
}

async fn delete_account(browser: &Browser) -> reqwest::Response {
    browser
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await
}

#[tokio::test]
async fn an_account_with_a_stay_ahead_is_not_deleted_and_the_page_says_which() {
    let app = TestApp::spawn().await;
    let (host_id, host, guest_id, guest, _, booking) = a_paid_stay(&app, 10).await;

    let refused = delete_account(&guest).await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(html.contains("can&#39;t be deleted"), "{html}");
    assert!(
        html.contains(&format!(r#"href="/trips/{booking}""#)),
        "{html}"
    );
    assert!(html.contains("Sunny loft by the canal"));

    let refused = delete_account(&host).await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"href="/host/reservations/{booking}""#)),
        "{html}"
    );
    // Shown before the password is typed too.
    let page = guest.get("/account/delete").await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/trips/{booking}""#)));

    assert!(is_signed_in(&guest).await && is_signed_in(&host).await);
    assert_eq!(email_of(&app, guest_id).await, "gus@example.com");
    assert_eq!(email_of(&app, host_id).await, "hana@example.com");
}

#[tokio::test]
async fn an_account_with_only_past_stays_is_anonymised_and_its_records_kept() {
    let app = TestApp::spawn().await;
    let (host_id, host, guest_id, guest, listing, booking) = a_paid_stay(&app, 10).await;
    execute(
        &app,
        &format!("UPDATE bookings SET status = 'completed' WHERE id = {booking}"),
    )
    .await;
    let hearted = guest
        .submit("/trips", &format!("/listings/{listing}/favorite"), &[])
        .await;
    assert_eq!(hearted.status(), 303);
    guest
        .submit(
            "/account",
            "/account",
            &[("name", "Gus Guest"), ("bio", "I travel a lot.")],
        )
        .await;

    for (id, browser) in [(guest_id, &guest), (host_id, &host)] {
        let done = delete_account(browser).await;
        assert_eq!(done.status(), 303);
        assert_eq!(location(&done), "/?account=deleted");
        assert!(!is_signed_in(browser).await);

        let mut conn = app.pool.get().await.unwrap();
        type Row = (String, String, String, Option<String>, bool, bool);
        let (name, email, bio, avatar, host_flag, deleted): Row = users::table
            .find(id)
            .select((
                users::name,
                users::email,
                users::bio,
                users::avatar_key,
                users::is_host,
                users::deleted_at.is_not_null(),
            ))
            .first(&mut conn)
            .await
            .unwrap();
        assert_eq!(name, "Deleted user");
        assert_eq!(email, format!("deleted-{id}@deleted.invalid"));
        assert_eq!(
            (bio.as_str(), avatar, host_flag, deleted),
            ("", None, false, true)
        );
        let sessions_left: i64 = sessions::table
            .filter(sessions::user_id.eq(id))
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        let tokens_left: i64 = account_tokens::table
            .filter(account_tokens::user_id.eq(id))
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        let wishes_left: i64 = wishlist_items::table
            .filter(wishlist_items::user_id.eq(id))
            .count()
            .get_result(&mut conn)
            .await
            .unwrap();
        assert_eq!((sessions_left, tokens_left, wishes_left), (0, 0, 0));
    }

    // The stay and its payment are kept; the listing left search.
    let mut conn = app.pool.get().await.unwrap();
    let kept: i64 = bookings::table
        .filter(bookings::id.eq(booking))
        .filter(bookings::guest_id.eq(guest_id))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let paid: i64 = payments::table
        .filter(payments::booking_id.eq(booking))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    let status: String = listings::table
        .find(listing)
        .select(listings::status)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!((kept, status.as_str()), (1, "unlisted"));
    assert!(paid >= 1);
    // Nobody can log in as them, and their address is free again.
    let login = app
        .new_browser()
        .submit(
            "/login",
            "/login",
            &[("email", "gus@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status(), 422);
}

async fn session_rows(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    sessions::table.count().get_result(&mut conn).await.unwrap()
}

#[tokio::test]
async fn anonymous_page_views_write_no_session_rows() {
    let app = TestApp::spawn().await;
    let (host_id, _) = fixtures::signed_in(&app, "host@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let before = session_rows(&app).await;
    let returning = app.new_browser();
    for round in 0..17 {
        for path in ["/login", "/signup", "/password/forgot"] {
            // Half from fresh browsers, half from one that keeps its cookies.
            let fresh;
            let browser = if round % 2 == 0 {
                fresh = app.new_browser();
                &fresh
            } else {
                &returning
            };
            let page = browser.get(path).await;
            assert_eq!(page.status(), 200);
            let html = page.text().await.unwrap();
            assert!(crate::support::csrf_token_in(&html).is_some_and(|t| !t.is_empty()));
        }
    }
    assert_eq!(
        returning
            .get(&format!("/listings/{listing}"))
            .await
            .status(),
        200
    );
    assert_eq!(session_rows(&app).await, before);
}

#[tokio::test]
async fn a_visitor_form_needs_its_signed_token_and_its_cookie() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "val@example.com", false).await;
    let login = [("email", "val@example.com"), ("password", PASSWORD)];

    // No token: refused.
    let me = app.new_browser();
    me.get("/login").await;
    let bare = me
        .client
        .post(me.url("/login"))
        .form(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 403);

    // A token without its cookie (another browser's): refused.
    let html = me.get("/login").await.text().await.unwrap();
    let token = crate::support::csrf_token_in(&html).unwrap();
    let stranger = crate::support::browser();
    let mut fields = login.to_vec();
    fields.push(("csrf_token", &token));
    let without_cookie = stranger
        .post(app.url("/login"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(without_cookie.status(), 403);

    // A made-up token in both places: refused (it is not signed by us).
    let forged = "1800000000.bm9uY2U.c2lnbmF0dXJl";
    let mut forged_fields = login.to_vec();
    forged_fields.push(("csrf_token", forged));
    let made_up = stranger
        .post(app.url("/login"))
        .header("Cookie", format!("roost_csrf={forged}"))
        .form(&forged_fields)
        .send()
        .await
        .unwrap();
    assert_eq!(made_up.status(), 403);

    // The page's token with its cookie: logged in, and sign-up works the same way.
    assert_eq!(me.submit("/login", "/login", &login).await.status(), 303);
    let signup = app
        .new_browser()
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "Newcomer"),
                ("email", "newcomer@example.com"),
                ("password", "a password nobody has"),
            ],
        )
        .await;
    assert_eq!(signup.status(), 303);
    let bare_signup = app
        .new_browser()
        .client
        .post(app.url("/signup"))
        .form(&[
            ("name", "Newcomer"),
            ("email", "other@example.com"),
            ("password", "a password nobody has"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bare_signup.status(), 403);

    // Once signed in, the visitor token no longer counts: the session's does.
    let visitor_token = me
        .cookie_header()
        .split("; ")
        .find_map(|pair| pair.strip_prefix("roost_csrf="))
        .expect("the CSRF cookie")
        .to_string();
    let logout = me
        .client
        .post(me.url("/logout"))
        .form(&[("csrf_token", visitor_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 403);
    assert!(is_signed_in(&me).await);
}

#[tokio::test]
async fn sign_up_refuses_addresses_that_cannot_be_delivered_and_blank_names() {
    let app = TestApp::spawn().await;
    let me = app.new_browser();
    let response = me
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "\u{200B}\u{2060}\u{FEFF}"),
                ("email", "user@@example.com"),
                ("password", "a password nobody has"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"id="email-error""#), "{html}");
    assert!(
        html.contains(r#"value="user@@example.com""#),
        "what was typed is kept"
    );
    assert!(html.contains(r#"id="name-error""#), "{html}");
    assert!(html.contains("Enter a name with visible letters."));

    // Names are stored trimmed, in NFC, with single spaces.
    let response = me
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "  Rene\u{301}e \u{200B}  Lima "),
                ("email", "renee@example.com"),
                ("password", "a password nobody has"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let mut conn = app.pool.get().await.unwrap();
    let name: String = users::table
        .filter(users::email.eq("renee@example.com"))
        .select(users::name)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(name, "Ren\u{e9}e Lima");
}
