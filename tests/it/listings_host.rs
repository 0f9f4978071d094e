//! Host listing management over HTTP: creating and editing listings, photos, publishing, the
//! calendar, and that every page checks the listing's owner.

use chrono::{Days, NaiveDate, NaiveTime};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::{amenities, listing_amenities, listing_photos, listings};

use crate::{
    fixtures::{self, ListingSpec},
    support::{Browser, TestApp, csrf_token_in},
};

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn page(browser: &Browser, path: &str) -> scraper::Html {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    scraper::Html::parse_document(&response.text().await.unwrap())
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text(doc: &scraper::Html, css: &str) -> Option<String> {
    select(doc, css)
        .into_iter()
        .next()
        .map(|element| element.text().collect::<String>().trim().to_string())
}

fn attr(doc: &scraper::Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .into_iter()
        .next()
        .and_then(|element| element.value().attr(name).map(str::to_string))
}

/// Every field of the listing form, filled in.
fn full_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "Stone cottage in the hills"),
        ("description", "Thick walls, a wood stove and a view."),
        ("property_type", "cottage"),
        ("address", "3 Chemin des Vignes"),
        ("city", "Gordes"),
        ("region", "Provence"),
        ("country", "France"),
        ("timezone", "Europe/Paris"),
        ("latitude", "43.911"),
        ("longitude", "5.2"),
        ("max_guests", "5"),
        ("bedrooms", "2"),
        ("beds", "3"),
        ("bathrooms", "1.5"),
        ("house_rules", "No parties."),
        ("check_in_time", "16:00"),
        ("check_out_time", "10:30"),
        ("nightly_price", "120.00"),
        ("cleaning_fee", "45.50"),
        ("currency", "EUR"),
        ("weekly_discount_pct", "10"),
        ("monthly_discount_pct", "25"),
        ("min_nights", "2"),
        ("max_nights", "28"),
        ("instant_book", "on"),
        ("cancellation_policy", "strict"),
        ("amenities", "wifi"),
        ("amenities", "fireplace"),
    ]
}

/// `full_form()` with some fields replaced.
fn form_with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut form: Vec<_> = full_form()
        .into_iter()
        .filter(|(key, _)| !changes.iter().any(|(changed, _)| changed == key))
        .collect();
    form.extend_from_slice(changes);
    form
}

async fn listing_row(app: &TestApp, id: i64) -> roost::listings::model::Listing {
    let mut conn = app.pool.get().await.unwrap();
    roost::listings::model::find(&mut conn, roost::service::ListingId::new(id))
        .await
        .unwrap()
        .expect("listing exists")
}

async fn amenity_slugs(app: &TestApp, id: i64) -> Vec<String> {
    let mut conn = app.pool.get().await.unwrap();
    let mut slugs: Vec<String> = listing_amenities::table
        .inner_join(amenities::table)
        .filter(listing_amenities::listing_id.eq(id))
        .select(amenities::slug)
        .load(&mut conn)
        .await
        .unwrap();
    slugs.sort();
    slugs
}

/// (id, position) of a listing's photos in their order.
async fn photo_order(app: &TestApp, id: i64) -> Vec<i64> {
    let mut conn = app.pool.get().await.unwrap();
    listing_photos::table
        .filter(listing_photos::listing_id.eq(id))
        .order((listing_photos::position, listing_photos::id))
        .select(listing_photos::id)
        .load(&mut conn)
        .await
        .unwrap()
}

async fn listing_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    listings::table.count().get_result(&mut conn).await.unwrap()
}

fn encoded(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encode a test image");
    out.into_inner()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    encoded(width, height, image::ImageFormat::Png)
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(width, height, image::ImageFormat::Jpeg)
}

/// Posts `files` as the `photos` field of one multipart request, as the photos page does.
async fn upload(
    browser: &Browser,
    listing: i64,
    files: Vec<(Vec<u8>, &str, &str)>,
) -> reqwest::Response {
    let path = format!("/host/listings/{listing}/photos");
    let html = browser.get(&path).await.text().await.unwrap();
    let token = csrf_token_in(&html).expect("a CSRF token on the photos page");
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (bytes, name, mime) in files {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .unwrap();
        form = form.part("photos", part);
    }
    browser
        .client
        .post(browser.url(&path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Posts a small form with the CSRF token of `from`, optionally as htmx.
async fn post(
    browser: &Browser,
    from: &str,
    action: &str,
    fields: &[(&str, &str)],
    htmx: bool,
) -> reqwest::Response {
    let html = browser.get(from).await.text().await.unwrap();
    let token = csrf_token_in(&html).expect("a CSRF token");
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    let mut request = browser.client.post(browser.url(action)).form(&form);
    if htmx {
        request = request.header("HX-Request", "true");
    }
    request.send().await.unwrap()
}

async fn create_listing(browser: &Browser, form: &[(&str, &str)]) -> reqwest::Response {
    browser
        .submit("/host/listings/new", "/host/listings", form)
        .await
}

fn id_from_photos_location(response: &reqwest::Response) -> i64 {
    let location = location(response);
    location
        .strip_prefix("/host/listings/")
        .and_then(|rest| rest.strip_suffix("/photos"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("unexpected location {location}"))
}

#[tokio::test]
async fn a_host_creates_a_listing_with_every_field_and_edits_it() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;

    let new = page(&host, "/host/listings/new").await;
    assert_eq!(
        attr(&new, "#currency option[selected]", "value").as_deref(),
        Some("EUR")
    );
    assert!(
        !select(&new, "fieldset legend").is_empty(),
        "amenities in a fieldset"
    );
    assert!(select(&new, "input[name=amenities][value=wifi]").len() == 1);

    let created = create_listing(&host, &full_form()).await;
    assert_eq!(created.status(), 303);
    let id = id_from_photos_location(&created);
    let listing = listing_row(&app, id).await;
    assert_eq!(listing.host_id.get(), host_id);
    assert_eq!(listing.status, "draft", "a new listing is a draft");
    assert_eq!(listing.title, "Stone cottage in the hills");
    assert_eq!(listing.property_type, "cottage");
    assert_eq!(listing.place(), "Gordes, Provence, France");
    assert_eq!(listing.timezone, "Europe/Paris");
    assert_eq!(listing.latitude, Some(43.911));
    assert_eq!(
        (listing.max_guests, listing.bedrooms, listing.beds),
        (5, 2, 3)
    );
    assert_eq!(listing.bathrooms_tenths, 15);
    assert_eq!(
        listing.check_in_time,
        NaiveTime::from_hms_opt(16, 0, 0).unwrap()
    );
    assert_eq!(
        listing.check_out_time,
        NaiveTime::from_hms_opt(10, 30, 0).unwrap()
    );
    assert_eq!(
        (listing.nightly_price, listing.cleaning_fee),
        (12_000, 4_550)
    );
    assert_eq!(
        (listing.weekly_discount_pct, listing.monthly_discount_pct),
        (10, 25)
    );
    assert_eq!((listing.min_nights, listing.max_nights), (2, 28));
    assert!(listing.instant_book);
    assert_eq!(listing.cancellation_policy, "strict");
    assert_eq!(listing.house_rules, "No parties.");
    assert_eq!(amenity_slugs(&app, id).await, ["fireplace", "wifi"]);

    // The edit page shows what was saved.
    let edit = page(&host, &format!("/host/listings/{id}/edit")).await;
    assert_eq!(
        attr(&edit, "#nightly_price", "value").as_deref(),
        Some("120.00")
    );
    assert_eq!(attr(&edit, "#bathrooms", "value").as_deref(), Some("1.5"));
    assert_eq!(
        attr(&edit, "#check_in_time", "value").as_deref(),
        Some("16:00")
    );
    assert_eq!(select(&edit, "input[name=amenities][checked]").len(), 2);
    assert_eq!(
        attr(&edit, "input[name=cancellation_policy][checked]", "value").as_deref(),
        Some("strict")
    );
    assert_eq!(text(&edit, ".badge").as_deref(), Some("Draft"));

    // Editing changes the fields and replaces the amenities.
    let mut changed = form_with(&[
        ("title", "Stone cottage with a pool"),
        ("nightly_price", "95.5"),
        ("latitude", ""),
        ("longitude", ""),
        ("cancellation_policy", "flexible"),
    ]);
    changed.retain(|(key, _)| *key != "amenities" && *key != "instant_book");
    changed.push(("amenities", "pool"));
    let saved = host
        .submit(
            &format!("/host/listings/{id}/edit"),
            &format!("/host/listings/{id}/edit"),
            &changed,
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), format!("/host/listings/{id}/edit"));
    let listing = listing_row(&app, id).await;
    assert_eq!(listing.title, "Stone cottage with a pool");
    assert_eq!(listing.nightly_price, 9_550);
    assert_eq!(listing.latitude, None, "coordinates can be cleared");
    assert!(
        !listing.instant_book,
        "an unticked box turns instant book off"
    );
    assert_eq!(listing.cancellation_policy, "flexible");
    assert_eq!(amenity_slugs(&app, id).await, ["pool"]);

    // The host's list and dashboard show it with its status and where to manage it.
    for path in ["/host/listings", "/host"] {
        let list = page(&host, path).await;
        assert_eq!(
            text(&list, ".listing-card__title").as_deref(),
            Some("Stone cottage with a pool")
        );
        assert_eq!(
            attr(&list, ".listing-card .badge", "data-status").as_deref(),
            Some("draft")
        );
        for link in ["edit", "photos", "calendar"] {
            let css = format!("a[href='/host/listings/{id}/{link}']");
            assert!(!select(&list, &css).is_empty(), "{path} links to {link}");
        }
        assert!(!select(&list, "a[href='/host/listings/new']").is_empty());
    }
}

#[tokio::test]
async fn bad_listing_input_comes_back_with_messages_next_to_the_fields_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let bad = form_with(&[
        ("title", "   "),
        ("nightly_price", "-5"),
        ("min_nights", "10"),
        ("max_nights", "3"),
        ("max_guests", "0"),
        ("timezone", "Mars/Olympus_Mons"),
        ("bathrooms", "1.25"),
        ("check_in_time", "25:00"),
        ("currency", "XXX"),
        ("city", "Gordes typed"),
    ]);
    let response = create_listing(&host, &bad).await;
    assert_eq!(response.status(), 422);
    let doc = scraper::Html::parse_document(&response.text().await.unwrap());
    for field in [
        "title",
        "nightly_price",
        "max_nights",
        "max_guests",
        "timezone",
        "bathrooms",
        "check_in_time",
        "currency",
    ] {
        assert!(
            text(&doc, &format!("#{field}-error")).is_some_and(|m| !m.is_empty()),
            "a message next to {field}"
        );
        assert_eq!(
            attr(&doc, &format!("#{field}"), "aria-invalid").as_deref(),
            Some("true"),
            "{field} is marked invalid"
        );
    }
    assert!(
        text(&doc, "#nightly_price-error")
            .unwrap()
            .contains("negative")
    );
    assert!(
        text(&doc, "#max_nights-error")
            .unwrap()
            .contains("at least")
    );
    assert!(
        text(&doc, "#city-error").is_none(),
        "good fields have no message"
    );
    // What was typed is kept.
    assert_eq!(attr(&doc, "#nightly_price", "value").as_deref(), Some("-5"));
    assert_eq!(
        attr(&doc, "#timezone", "value").as_deref(),
        Some("Mars/Olympus_Mons")
    );
    assert_eq!(
        attr(&doc, "#city", "value").as_deref(),
        Some("Gordes typed")
    );
    assert_eq!(attr(&doc, "#min_nights", "value").as_deref(), Some("10"));
    assert_eq!(select(&doc, "input[name=amenities][checked]").len(), 2);
    assert_eq!(listing_count(&app).await, 0, "nothing was saved");

    // The same on the edit page: 422, and the stored listing is unchanged.
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let edit = format!("/host/listings/{id}/edit");
    let response = host
        .submit(&edit, &edit, &form_with(&[("max_guests", "0")]))
        .await;
    assert_eq!(response.status(), 422);
    let doc = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(text(&doc, "#max_guests-error").is_some());
    assert_eq!(
        attr(&doc, "#title", "value").as_deref(),
        Some("Stone cottage in the hills")
    );
    assert_eq!(listing_row(&app, id).await.title, "Sunny loft by the canal");
}

#[tokio::test]
async fn a_host_uploads_three_photos_at_once_reorders_them_and_picks_a_cover() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let spec = ListingSpec {
        status: "draft".into(),
        ..ListingSpec::default()
    };
    let id = fixtures::listing(&app, host_id, spec).await;

    let response = upload(
        &host,
        id,
        vec![
            (png(2400, 1200), "wide.png", "image/png"),
            (jpeg(640, 480), "room.jpg", "image/jpeg"),
            (png(300, 200), "small.png", "image/png"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("/host/listings/{id}/photos"));
    let order = photo_order(&app, id).await;
    assert_eq!(order.len(), 3);
    assert_eq!(
        listing_row(&app, id).await.cover_photo_id,
        Some(order[0]),
        "first is cover"
    );

    // Re-encoded as JPEG, fitted to 1600 × 1200, with a thumbnail; served from /media.
    let mut conn = app.pool.get().await.unwrap();
    let (image_key, thumb_key, width, height): (String, String, i32, i32) = listing_photos::table
        .find(order[0])
        .select((
            listing_photos::image_key,
            listing_photos::thumb_key,
            listing_photos::width,
            listing_photos::height,
        ))
        .first(&mut conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!((width, height), (1600, 800));
    assert!(image_key.starts_with("listings/") && image_key.ends_with(".jpg"));
    for key in [&image_key, &thumb_key] {
        let served = host.get(&format!("/media/{key}")).await;
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        assert_eq!(&served.bytes().await.unwrap()[..2], &[0xFF, 0xD8]);
    }
    let thumb = host
        .get(&format!("/media/{thumb_key}"))
        .await
        .bytes()
        .await
        .unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (480, 240));

    // Move the last photo up, without JavaScript.
    let photos_page = format!("/host/listings/{id}/photos");
    let moved = post(
        &host,
        &photos_page,
        &format!("/host/listings/{id}/photos/{}/move", order[2]),
        &[("direction", "up")],
        false,
    )
    .await;
    assert_eq!(moved.status(), 303);
    assert_eq!(photo_order(&app, id).await, [order[0], order[2], order[1]]);

    // With htmx, the answer is just the photo grid.
    let moved = post(
        &host,
        &photos_page,
        &format!("/host/listings/{id}/photos/{}/move", order[0]),
        &[("direction", "down")],
        true,
    )
    .await;
    assert_eq!(moved.status(), 200);
    let fragment = moved.text().await.unwrap();
    assert!(fragment.contains("id=\"photo-grid\"") && !fragment.contains("<html"));
    assert_eq!(photo_order(&app, id).await, [order[2], order[0], order[1]]);

    // Pick another cover.
    let cover = post(
        &host,
        &photos_page,
        &format!("/host/listings/{id}/photos/{}/cover", order[1]),
        &[],
        false,
    )
    .await;
    assert_eq!(cover.status(), 303);
    assert_eq!(listing_row(&app, id).await.cover_photo_id, Some(order[1]));
    let doc = page(&host, &photos_page).await;
    assert_eq!(
        attr(&doc, ".photo-tile--cover", "data-photo-id"),
        Some(order[1].to_string())
    );

    // Deleting the cover removes its files and makes the next photo the cover.
    let mut conn = app.pool.get().await.unwrap();
    let (gone_image, gone_thumb): (String, String) = listing_photos::table
        .find(order[1])
        .select((listing_photos::image_key, listing_photos::thumb_key))
        .first(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let deleted = post(
        &host,
        &photos_page,
        &format!("/host/listings/{id}/photos/{}/delete", order[1]),
        &[],
        false,
    )
    .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(photo_order(&app, id).await, [order[2], order[0]]);
    assert_eq!(listing_row(&app, id).await.cover_photo_id, Some(order[2]));
    let mut conn = app.pool.get().await.unwrap();
    let still_there: i64 = listing_photos::table
        .filter(listing_photos::image_key.eq(&image_key))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(still_there, 1, "the first photo is kept");
    for key in [gone_image, gone_thumb] {
        let response = host.get(&format!("/media/{key}")).await;
        assert_eq!(response.status(), 404, "{key} was deleted from the storage");
    }
}

#[tokio::test]
async fn publishing_needs_a_photo_and_unlisting_hides_the_listing_again() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let spec = ListingSpec {
        status: "draft".into(),
        ..ListingSpec::default()
    };
    let id = fixtures::listing(&app, host_id, spec).await;
    let edit = format!("/host/listings/{id}/edit");
    let publish = format!("/host/listings/{id}/publish");

    let refused = post(&host, &edit, &publish, &[], false).await;
    assert_eq!(refused.status(), 303);
    assert_eq!(location(&refused), format!("/host/listings/{id}/photos"));
    let photos = host.get(&location(&refused)).await.text().await.unwrap();
    assert!(
        photos.contains("Add at least one photo"),
        "the refusal is explained"
    );
    assert_eq!(listing_row(&app, id).await.status, "draft");

    assert_eq!(
        upload(&host, id, vec![(png(40, 30), "a.png", "image/png")])
            .await
            .status(),
        303
    );
    let published = post(&host, &edit, &publish, &[], false).await;
    assert_eq!(published.status(), 303);
    let listing = listing_row(&app, id).await;
    assert_eq!(listing.status, "published");
    let first_published = listing.published_at.expect("published_at is set");
    let doc = page(&host, &edit).await;
    assert_eq!(
        attr(&doc, ".page-header .badge", "data-status").as_deref(),
        Some("published")
    );

    // The last photo of a published listing stays.
    let photo = photo_order(&app, id).await[0];
    let delete = format!("/host/listings/{id}/photos/{photo}/delete");
    let kept = post(&host, &edit, &delete, &[], true).await;
    assert_eq!(kept.status(), 409);
    assert!(kept.text().await.unwrap().contains("needs a photo"));
    assert_eq!(photo_order(&app, id).await, [photo]);

    let unlisted = post(
        &host,
        &edit,
        &format!("/host/listings/{id}/unlist"),
        &[],
        false,
    )
    .await;
    assert_eq!(unlisted.status(), 303);
    assert_eq!(listing_row(&app, id).await.status, "unlisted");
    post(&host, &edit, &publish, &[], false).await;
    let listing = listing_row(&app, id).await;
    assert_eq!(listing.status, "published");
    assert_eq!(
        listing.published_at,
        Some(first_published),
        "the first date is kept"
    );
}

#[tokio::test]
async fn a_listing_saved_in_a_new_place_is_found_by_the_words_at_once() {
    // Search keeps the places each query names (`search::places`); saving a listing in a
    // city no listing had before must not leave it out of a search that was already made.
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let spec = |title: &str| ListingSpec {
        title: title.into(),
        city: "Ghent".into(),
        country: "Belgium".into(),
        ..ListingSpec::default()
    };
    fixtures::listing(&app, host_id, spec("Canal house")).await;
    let moving = fixtures::listing(&app, host_id, spec("Moving house")).await;
    let found = |html: String| {
        let doc = scraper::Html::parse_document(&html);
        let mut titles: Vec<String> = select(&doc, ".listing-card__title")
            .into_iter()
            .map(|title| title.text().collect::<String>())
            .collect();
        titles.sort();
        titles
    };
    let search = async || app.get("/search?location=gh").await.text().await.unwrap();
    assert_eq!(found(search().await), ["Canal house", "Moving house"]);

    let edit = format!("/host/listings/{moving}/edit");
    let moved = form_with(&[
        ("title", "Moving house"),
        ("city", "Ghadames"),
        ("region", ""),
        ("country", "Libya"),
        ("timezone", "Africa/Tripoli"),
    ]);
    assert_eq!(host.submit(&edit, &edit, &moved).await.status(), 303);
    assert_eq!(found(search().await), ["Canal house", "Moving house"]);
    let libya = app
        .get("/search?location=ghadames")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(found(libya), ["Moving house"]);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_message_next_to_the_file_field() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;

    let text_file = upload(
        &host,
        id,
        vec![(b"just some text".to_vec(), "photo.jpg", "image/jpeg")],
    )
    .await;
    assert_eq!(text_file.status(), 422);
    let doc = scraper::Html::parse_document(&text_file.text().await.unwrap());
    let message = text(&doc, "#photos-error").expect("a message next to the file field");
    assert!(
        message.contains("photo.jpg") && message.contains("not an image"),
        "{message}"
    );

    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let svg = upload(&host, id, vec![(svg, "logo.svg", "image/svg+xml")]).await;
    assert_eq!(svg.status(), 422);
    assert!(svg.text().await.unwrap().contains("not an image"));

    let mut oversize = png(10, 10);
    oversize.resize(roost::images::MAX_UPLOAD_BYTES + 1, 0);
    let too_big = upload(&host, id, vec![(oversize, "huge.png", "image/png")]).await;
    assert_eq!(too_big.status(), 413);
    let doc = scraper::Html::parse_document(&too_big.text().await.unwrap());
    assert!(
        text(&doc, "#photos-error")
            .unwrap()
            .contains("larger than 10 MB")
    );

    // One bad file refuses the whole upload: nothing is stored.
    let mixed = upload(
        &host,
        id,
        vec![
            (png(20, 20), "good.png", "image/png"),
            (b"nope".to_vec(), "bad.png", "image/png"),
        ],
    )
    .await;
    assert_eq!(mixed.status(), 422);
    assert!(photo_order(&app, id).await.is_empty());
    let stored = app.data_dir.path().join("uploads/listings");
    let files = std::fs::read_dir(&stored)
        .map(|dir| dir.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "no file was kept in the storage");

    let nothing = upload(&host, id, vec![]).await;
    assert_eq!(nothing.status(), 422);
}

#[tokio::test]
async fn another_host_gets_404_for_every_page_and_action_on_someone_elses_listing() {
    let app = TestApp::spawn().await;
    let (owner_id, owner) = fixtures::signed_in(&app, "owner@x.com", true).await;
    let (intruder_id, intruder) = fixtures::signed_in(&app, "intruder@x.com", true).await;
    let draft = ListingSpec {
        status: "draft".into(),
        title: "Owner's draft".into(),
        ..ListingSpec::default()
    };
    let theirs = fixtures::listing(&app, owner_id, draft).await;
    let published = fixtures::listing(&app, owner_id, ListingSpec::default()).await;
    let mine = fixtures::listing(&app, intruder_id, ListingSpec::default()).await;
    assert_eq!(
        upload(&owner, theirs, vec![(png(40, 30), "a.png", "image/png")])
            .await
            .status(),
        303
    );
    let photo = photo_order(&app, theirs).await[0];
    let start = tomorrow().to_string();
    let end = tomorrow()
        .checked_add_days(Days::new(3))
        .unwrap()
        .to_string();
    let calendar = format!("/host/listings/{theirs}/calendar");
    let blocked = post(
        &owner,
        &calendar,
        &format!("/host/listings/{theirs}/calendar/block"),
        &[("start", &start), ("end", &end)],
        false,
    )
    .await;
    assert_eq!(blocked.status(), 303);
    let entry = block_ids(&app, theirs).await[0];

    for id in [theirs, published] {
        for path in ["edit", "photos", "calendar"] {
            let response = intruder.get(&format!("/host/listings/{id}/{path}")).await;
            assert_eq!(response.status(), 404, "GET {path} of listing {id}");
        }
    }
    let own_page = format!("/host/listings/{mine}/edit");
    let form = full_form();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/host/listings/{theirs}/edit"), form.clone()),
        (format!("/host/listings/{theirs}/publish"), vec![]),
        (format!("/host/listings/{published}/unlist"), vec![]),
        (
            format!("/host/listings/{theirs}/photos/{photo}/move"),
            vec![("direction", "up")],
        ),
        (
            format!("/host/listings/{theirs}/photos/{photo}/cover"),
            vec![],
        ),
        (
            format!("/host/listings/{theirs}/photos/{photo}/delete"),
            vec![],
        ),
        // Their photo through my own listing's address.
        (
            format!("/host/listings/{mine}/photos/{photo}/cover"),
            vec![],
        ),
        (
            format!("/host/listings/{mine}/photos/{photo}/delete"),
            vec![],
        ),
        (
            format!("/host/listings/{theirs}/calendar/block"),
            vec![("start", start.as_str()), ("end", end.as_str())],
        ),
        (
            format!("/host/listings/{theirs}/calendar/blocks/{entry}/delete"),
            vec![],
        ),
        (
            format!("/host/listings/{mine}/calendar/blocks/{entry}/delete"),
            vec![],
        ),
    ];
    for (action, fields) in posts {
        let response = post(&intruder, &own_page, &action, &fields, false).await;
        assert_eq!(response.status(), 404, "POST {action}");
    }
    let html = intruder
        .get(&format!("/host/listings/{mine}/photos"))
        .await
        .text()
        .await
        .unwrap();
    let token = csrf_token_in(&html).unwrap();
    let part = reqwest::multipart::Part::bytes(png(40, 30)).file_name("x.png");
    let response = intruder
        .client
        .post(intruder.url(&format!("/host/listings/{theirs}/photos")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf_token", token)
                .part("photos", part),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "upload to their listing");

    // Nothing of theirs changed, and my list does not show their listings.
    let listing = listing_row(&app, theirs).await;
    assert_eq!(
        (listing.title.as_str(), listing.status.as_str()),
        ("Owner's draft", "draft")
    );
    assert_eq!(listing.cover_photo_id, Some(photo));
    assert_eq!(listing_row(&app, published).await.status, "published");
    assert_eq!(photo_order(&app, theirs).await, [photo]);
    assert_eq!(block_ids(&app, theirs).await, [entry]);
    let list = intruder.get("/host/listings").await.text().await.unwrap();
    assert!(!list.contains("Owner&#39;s draft") && !list.contains("Owner's draft"));
}

#[tokio::test]
async fn a_user_who_is_not_a_host_is_sent_to_the_host_page() {
    let app = TestApp::spawn().await;
    let (host_id, _) = fixtures::signed_in(&app, "host@x.com", true).await;
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let (_, guest) = fixtures::signed_in(&app, "guest@x.com", false).await;

    for path in ["/host/listings", "/host/listings/new"] {
        let response = guest.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), "/host", "{path}");
    }
    // Someone else's listing does not exist for them, as for any other host.
    for path in [
        format!("/host/listings/{id}/edit"),
        format!("/host/listings/{id}/calendar"),
    ] {
        assert_eq!(guest.get(&path).await.status(), 404, "{path}");
    }
    let created = guest
        .submit("/account", "/host/listings", &full_form())
        .await;
    assert_eq!(location(&created), "/host");
    assert_eq!(listing_count(&app).await, 1, "the guest created nothing");

    let anonymous = app.new_browser();
    let response = anonymous.get("/host/listings/new").await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login?next="));
}

/// Tomorrow in Amsterdam, the fixture listings' time zone.
fn tomorrow() -> NaiveDate {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    today.checked_add_days(Days::new(1)).unwrap()
}

async fn block_ids(app: &TestApp, listing: i64) -> Vec<i64> {
    use roost::schema::calendar_entries;
    let mut conn = app.pool.get().await.unwrap();
    calendar_entries::table
        .filter(calendar_entries::listing_id.eq(listing))
        .filter(calendar_entries::kind.eq("blocked"))
        .order(calendar_entries::id)
        .select(calendar_entries::id)
        .load(&mut conn)
        .await
        .unwrap()
}

/// The `data-state` of each day of the calendar page in `[from, to)`.
async fn day_states(
    browser: &Browser,
    listing: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<String> {
    let month = from.format("%Y-%m");
    let doc = page(
        browser,
        &format!("/host/listings/{listing}/calendar?month={month}"),
    )
    .await;
    from.iter_days()
        .take_while(|day| *day < to)
        .map(|day| {
            attr(
                &doc,
                &format!(".calendar__day[data-date='{day}']"),
                "data-state",
            )
            .unwrap_or_else(|| panic!("{day} is on the page"))
        })
        .collect()
}

#[tokio::test]
async fn blocking_a_week_shows_it_blocked_and_an_overlapping_block_is_refused_with_409() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let calendar = format!("/host/listings/{id}/calendar");
    let block = format!("/host/listings/{id}/calendar/block");
    let start = tomorrow();
    let end = start.checked_add_days(Days::new(7)).unwrap();
    let (start_s, end_s) = (start.to_string(), end.to_string());

    let doc = page(&host, &calendar).await;
    assert_eq!(select(&doc, ".calendar__month").len(), 3, "three months");
    assert_eq!(select(&doc, ".calendar__day--today").len(), 1);

    let blocked = post(
        &host,
        &calendar,
        &block,
        &[("start", &start_s), ("end", &end_s), ("note", "Painting")],
        false,
    )
    .await;
    assert_eq!(blocked.status(), 303);
    let states = day_states(
        &host,
        id,
        start,
        end.checked_add_days(Days::new(1)).unwrap(),
    )
    .await;
    assert_eq!(states[..7], ["blocked"; 7], "seven nights blocked");
    assert_eq!(states[7], "free", "the end date stays free");

    // An overlapping block: 409, the form comes back with what was typed.
    let inside = start.checked_add_days(Days::new(3)).unwrap().to_string();
    let after = end.checked_add_days(Days::new(3)).unwrap().to_string();
    let refused = post(
        &host,
        &calendar,
        &block,
        &[("start", &inside), ("end", &after)],
        false,
    )
    .await;
    assert_eq!(refused.status(), 409);
    let doc = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert!(
        text(&doc, "#host-calendar form [role=alert]")
            .unwrap()
            .contains("overlap a booking or another block")
    );
    assert_eq!(attr(&doc, "#start", "value"), Some(inside.clone()));
    assert_eq!(block_ids(&app, id).await.len(), 1);

    // With htmx the calendar panel alone comes back, also for refusals.
    let refused = post(
        &host,
        &calendar,
        &block,
        &[("start", &inside), ("end", &after)],
        true,
    )
    .await;
    assert_eq!(refused.status(), 409);
    let fragment = refused.text().await.unwrap();
    assert!(fragment.contains("id=\"host-calendar\"") && !fragment.contains("<html"));
    let next = end.checked_add_days(Days::new(1)).unwrap().to_string();
    let later = end.checked_add_days(Days::new(2)).unwrap().to_string();
    let added = post(
        &host,
        &calendar,
        &block,
        &[("start", &next), ("end", &later)],
        true,
    )
    .await;
    assert_eq!(added.status(), 200);
    assert!(
        added
            .text()
            .await
            .unwrap()
            .contains(&format!("data-date=\"{next}\" data-state=\"blocked\""))
    );

    // Dates that make no sense get a message next to the field.
    let yesterday = start.checked_sub_days(Days::new(2)).unwrap().to_string();
    let far = start.checked_add_days(Days::new(400)).unwrap().to_string();
    for (fields, field) in [
        (
            [("start", yesterday.as_str()), ("end", end_s.as_str())],
            "start",
        ),
        (
            [("start", end_s.as_str()), ("end", start_s.as_str())],
            "end",
        ),
        ([("start", start_s.as_str()), ("end", far.as_str())], "end"),
        ([("start", "soon"), ("end", end_s.as_str())], "start"),
    ] {
        let response = post(&host, &calendar, &block, &fields, false).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let doc = scraper::Html::parse_document(&response.text().await.unwrap());
        assert!(
            text(&doc, &format!("#{field}-error")).is_some(),
            "{fields:?}"
        );
    }
    assert_eq!(block_ids(&app, id).await.len(), 2);
}

#[tokio::test]
async fn unblocking_frees_the_dates() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "host@x.com", true).await;
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let calendar = format!("/host/listings/{id}/calendar");
    let start = tomorrow();
    let end = start.checked_add_days(Days::new(3)).unwrap();
    post(
        &host,
        &calendar,
        &format!("/host/listings/{id}/calendar/block"),
        &[("start", &start.to_string()), ("end", &end.to_string())],
        false,
    )
    .await;
    let entry = block_ids(&app, id).await[0];
    let doc = page(&host, &calendar).await;
    assert_eq!(
        select(&doc, &format!("tr[data-entry-id='{entry}'] form")).len(),
        1,
        "listed with an unblock button"
    );

    let unblock = format!("/host/listings/{id}/calendar/blocks/{entry}/delete");
    let response = post(&host, &calendar, &unblock, &[], false).await;
    assert_eq!(response.status(), 303);
    assert!(block_ids(&app, id).await.is_empty());
    assert_eq!(day_states(&host, id, start, end).await, ["free"; 3]);
    let again = post(&host, &calendar, &unblock, &[], false).await;
    assert_eq!(again.status(), 404, "an entry is released once");
}

#[tokio::test]
async fn check_in_instructions_are_saved_from_the_form_and_too_long_ones_get_a_message() {
    let app = TestApp::spawn().await;
    let (host_id, host) = fixtures::signed_in(&app, "hugo@example.com", true).await;
    let id = fixtures::listing(&app, host_id, ListingSpec::default()).await;
    let edit = format!("/host/listings/{id}/edit");
    let saved = host
        .submit(
            &edit,
            &edit,
            &form_with(&[("check_in_instructions", "Key box by the door, code 4711.")]),
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        listing_row(&app, id).await.check_in_instructions,
        "Key box by the door, code 4711."
    );
    let doc = page(&host, &edit).await;
    assert_eq!(
        text(&doc, "#check_in_instructions").as_deref(),
        Some("Key box by the door, code 4711.")
    );

    let too_long: &'static str = "x".repeat(5_001).leak();
    let refused = host
        .submit(
            &edit,
            &edit,
            &form_with(&[("check_in_instructions", too_long)]),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let doc = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(
        text(&doc, "#check_in_instructions-error").as_deref(),
        Some("Use at most 5000 characters.")
    );
    assert_eq!(
        listing_row(&app, id).await.check_in_instructions,
        "Key box by the door, code 4711."
    );
}
