//! Uploads under attack: decompression bombs, too many uploads, CSRF tokens that must not
//! travel in URLs, and the media route asked for folders.

use std::{
    io::Cursor,
    time::{Duration, Instant},
};

use crate::{
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp, csrf_token_in},
};

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(width, height)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

/// An all-zero grey PNG of `side` × `side` pixels: a few hundred kilobytes on the wire, `side²`
/// bytes once decoded (144 MB for 12000).
fn zero_png(side: u32) -> Vec<u8> {
    let image = image::GrayImage::new(side, side);
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

fn file(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/png")
        .expect("mime")
}

async fn token_of(browser: &Browser, page: &str) -> String {
    let html = browser.get(page).await.text().await.expect("page");
    csrf_token_in(&html).unwrap_or_else(|| panic!("a CSRF token on {page}"))
}

/// Uploads `bytes` as the avatar, with the page's token as the form's first field.
async fn upload_avatar(browser: &Browser, bytes: Vec<u8>) -> reqwest::Response {
    let token = token_of(browser, "/account").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("avatar", file(bytes, "me.png"));
    browser
        .client
        .post(browser.url("/account/avatar"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_from_its_header_next_to_the_field() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hana@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let bomb = tokio::task::spawn_blocking(|| zero_png(12_000))
        .await
        .expect("encoded");
    assert!(bomb.len() < 1_000_000, "a small file: {} bytes", bomb.len());

    let started = Instant::now();
    let response = upload_avatar(&host, bomb.clone()).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"avatar-error\""), "next to the field");
    assert!(html.contains("12000 × 12000 pixels"), "{html}");
    assert!(html.contains("40 megapixels"));
    assert!(
        elapsed < Duration::from_secs(2),
        "refused without decoding, in {elapsed:?}"
    );

    let photos = format!("/host/listings/{listing}/photos");
    let token = token_of(&host, &photos).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("photos", file(bomb, "beach.png"));
    let started = Instant::now();
    let response = host
        .client
        .post(host.url(&photos))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(started.elapsed() < Duration::from_secs(2));
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"photos-error\""));
    assert!(html.contains("beach.png: This image is 12000 × 12000 pixels"));
}

#[tokio::test]
async fn image_uploads_are_limited_per_user_and_hour() {
    let app = TestApp::spawn().await;
    let (_, me) = fixtures::signed_in(&app, "ulla@example.com", false).await;
    for attempt in 0..30 {
        let response = upload_avatar(&me, b"not an image".to_vec()).await;
        assert_eq!(response.status(), 422, "attempt {attempt}");
    }
    let refused = upload_avatar(&me, png(8, 8)).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"avatar-error\""));
    assert!(html.contains("You have uploaded many images"), "{html}");

    // Another user is not held back.
    let (_, other) = fixtures::signed_in(&app, "olaf@example.com", false).await;
    assert_eq!(upload_avatar(&other, png(8, 8)).await.status(), 303);
}

#[tokio::test]
async fn an_upload_takes_its_csrf_token_from_the_form_or_the_htmx_header_never_the_url() {
    let app = TestApp::spawn().await;
    let (_, me) = fixtures::signed_in(&app, "cora@example.com", false).await;
    let token = token_of(&me, "/account").await;
    async fn send(
        me: &Browser,
        form: reqwest::multipart::Form,
        url: String,
        header: Option<&str>,
    ) -> reqwest::Result<reqwest::Response> {
        let mut request = me.client.post(me.url(&url)).multipart(form);
        if let Some(token) = header {
            request = request
                .header("X-CSRF-Token", token)
                .header("HX-Request", "true");
        }
        request.send().await
    }
    let avatar = || reqwest::multipart::Form::new().part("avatar", file(png(8, 8), "me.png"));

    let without = send(&me, avatar(), "/account/avatar".into(), None)
        .await
        .unwrap();
    assert_eq!(without.status(), 403, "no token");
    let in_url = send(
        &me,
        avatar(),
        format!("/account/avatar?csrf_token={token}"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(in_url.status(), 403, "a token in the URL no longer counts");
    let after_the_file = avatar().text("csrf_token", token.clone());
    let late = send(&me, after_the_file, "/account/avatar".into(), None)
        .await
        .unwrap();
    assert_eq!(late.status(), 403, "the token must come first");
    let forged = reqwest::multipart::Form::new()
        .text("csrf_token", "forged")
        .part("avatar", file(png(8, 8), "me.png"));
    let forged = send(&me, forged, "/account/avatar".into(), None)
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let in_body = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .part("avatar", file(png(8, 8), "me.png"));
    let accepted = send(&me, in_body, "/account/avatar".into(), None)
        .await
        .unwrap();
    assert_eq!(accepted.status(), 303, "the token as the first field");
    let by_header = send(&me, avatar(), "/account/avatar".into(), Some(&token))
        .await
        .unwrap();
    assert_eq!(by_header.status(), 303, "htmx sends the header");
}

#[tokio::test]
async fn upload_forms_carry_the_csrf_token_as_their_first_field_not_in_their_url() {
    // No template writes the token into a URL.
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut folders = vec![templates];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("templates").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let text = std::fs::read_to_string(&path).expect("template");
                assert!(!text.contains("csrf_token="), "{}", path.display());
            }
        }
    }
    // The rendered upload forms send the token first.
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let listing = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let form = scraper::Selector::parse("form[enctype='multipart/form-data']").unwrap();
    let field = scraper::Selector::parse("input, select, textarea").unwrap();
    for page in [
        "/account".to_string(),
        format!("/host/listings/{listing}/photos"),
    ] {
        let html = host.get(&page).await.text().await.unwrap();
        let document = scraper::Html::parse_document(&html);
        let upload = document.select(&form).next().expect("an upload form");
        let action = upload.value().attr("action").unwrap_or_default();
        assert!(!action.contains('?'), "{page}: {action}");
        let first = upload.select(&field).next().expect("a field");
        assert_eq!(first.value().attr("name"), Some("csrf_token"), "{page}");
    }
}

#[tokio::test]
async fn a_media_folder_is_not_found_rather_than_an_error() {
    let app = TestApp::spawn().await;
    let uploads = app.data_dir.path().join("uploads");
    for folder in ["listings", "seed", "avatars"] {
        std::fs::create_dir_all(uploads.join(folder)).unwrap();
    }
    std::fs::write(uploads.join("seed/stay-01.jpg"), b"jpeg").unwrap();
    for path in [
        "/media/listings/",
        "/media/seed/",
        "/media/listings",
        "/media/seed",
        "/media/seed//stay-01.jpg",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    assert_eq!(app.get("/media/seed/stay-01.jpg").await.status(), 200);
}
