//! Context is never dropped: result cards lead to the listing with the searched stay, and a
//! visitor who reserves goes through sign-up and the confirmation email back to the same stay
//! — never to another site.

use crate::{
    bookings_support::{date, location, page},
    fixtures::{self, ListingSpec, PASSWORD},
    support::{Browser, TestApp},
};

/// The decoded `next` of a `…?next=…` location.
fn next_of(location: &str) -> String {
    let query = location.split_once('?').map_or("", |(_, query)| query);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
    pairs
        .into_iter()
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value)
        .unwrap_or_default()
}

/// The `href` of the first link whose address starts with `prefix`.
fn href(html: &str, prefix: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse("a[href]").expect("selector");
    document
        .select(&links)
        .filter_map(|link| link.value().attr("href"))
        .find(|href| href.starts_with(prefix))
        .map(str::to_string)
}

#[tokio::test]
async fn result_cards_link_to_the_listing_with_the_searched_dates_and_guests() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let visitor = app.new_browser();
    let (check_in, check_out) = (date(3), date(5));

    let (status, results) = page(
        &visitor,
        &format!("/search?location=Amsterdam&check_in={check_in}&check_out={check_out}&guests=2"),
    )
    .await;
    assert_eq!(status, 200);
    let card = href(&results, &format!("/listings/{listing}")).expect("a card");
    assert_eq!(
        card,
        format!("/listings/{listing}?check_in={check_in}&check_out={check_out}&guests=2")
    );
    // The listing quotes that stay at once: two nights at €120, €30 cleaning, 14 % fee.
    let (_, listing_page) = page(&visitor, &card).await;
    assert!(listing_page.contains("€307.80"), "{listing_page}");

    // Without a stay, the card is the listing alone.
    let (_, results) = page(&visitor, "/search?location=Amsterdam").await;
    assert_eq!(
        href(&results, &format!("/listings/{listing}")).as_deref(),
        Some(format!("/listings/{listing}").as_str())
    );
}

#[tokio::test]
async fn reserving_while_signed_out_leads_through_sign_up_and_confirmation_back_to_the_stay() {
    let app = TestApp::spawn().await;
    let host_id = fixtures::user(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let visitor = app.new_browser();
    let stay = format!("check_in={}&check_out={}&guests=2", date(3), date(5));
    let back = format!("/listings/{listing}?{stay}#booking");

    let reserve = visitor
        .get(&format!("/listings/{listing}/book?{stay}"))
        .await;
    assert_eq!(reserve.status(), 303);
    let login = location(&reserve);
    assert_eq!(next_of(&login), back);

    // The login page offers sign-up, keeping where the visitor was going.
    let (_, login_page) = page(&visitor, &login).await;
    let signup = href(&login_page, "/signup?").expect("a sign-up link that keeps the stay");
    assert_eq!(next_of(&signup), back);
    let signed_up = visitor
        .submit(
            &signup,
            "/signup",
            &[
                ("name", "Nina Novak"),
                ("email", "nina@example.com"),
                ("password", PASSWORD),
                ("next", &back),
            ],
        )
        .await;
    assert_eq!(signed_up.status(), 303);
    assert_eq!(next_of(&location(&signed_up)), back);

    // The confirmation email's text part has the link as a plain URL on its own line.
    let (_, text) = app
        .last_email_to("nina@example.com")
        .await
        .expect("confirmation email");
    let url = text
        .lines()
        .map(str::trim)
        .find(|line| line.contains("/verify-email?"))
        .expect("the link")
        .to_string();
    assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "{url}"
    );
    assert!(!url.contains(' ') && !url.contains("&amp;"), "{url}");
    let confirm = app.link_in_email("nina@example.com", "/verify-email").await;
    let confirmed = visitor.get(&confirm).await;
    assert_eq!(confirmed.status(), 303);
    let login = location(&confirmed);
    assert!(login.starts_with("/login?"), "{login}");
    assert_eq!(next_of(&login), back);

    let logged_in = visitor
        .submit(
            &login,
            "/login",
            &[
                ("email", "nina@example.com"),
                ("password", PASSWORD),
                ("next", &back),
            ],
        )
        .await;
    assert_eq!(logged_in.status(), 303);
    assert_eq!(location(&logged_in), back);
    let (_, listing_page) = page(&visitor, &back).await;
    assert!(listing_page.contains("€307.80"), "the same stay, quoted");
}

/// Signs a visitor up with `next`: where sign-up sent them, and the confirmation link's path.
async fn sign_up_with_next(app: &TestApp, visitor: &Browser, next: &str) -> (String, String) {
    let signed_up = visitor
        .submit(
            "/signup",
            "/signup",
            &[
                ("name", "Eve"),
                ("email", "eve@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(signed_up.status(), 303);
    let confirm = app.link_in_email("eve@example.com", "/verify-email").await;
    (location(&signed_up), confirm)
}

#[tokio::test]
async fn a_next_that_leaves_the_site_is_dropped_at_sign_up_and_at_confirmation() {
    let app = TestApp::spawn().await;
    let visitor = app.new_browser();

    let (_, signup_page) = page(&visitor, "/signup?next=https://evil.example/").await;
    assert!(!signup_page.contains("evil.example"), "{signup_page}");

    let (after_signup, confirm) = sign_up_with_next(&app, &visitor, "//evil.example/x").await;
    assert_eq!(after_signup, "/login");
    assert!(!confirm.contains("evil"), "{confirm}");

    // A link whose `next` was changed by hand is not followed either (the link works once;
    // `forms::safe_next`'s own tests cover the other shapes of another site).
    let tampered = format!("{confirm}&next={}", urlencode("https://evil.example/"));
    let confirmed = visitor.get(&tampered).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(location(&confirmed), "/login");
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .expect("encode")
        .trim_start_matches("v=")
        .to_string()
}
