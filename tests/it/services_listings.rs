//! The listing, photo, calendar, wishlist and listing-page services, called with the wrong
//! actor: each refuses by itself (a visitor must sign in, a guest or a suspended host is not
//! allowed, another host finds nothing) and nothing changes in the database.

use std::time::Duration;

use diesel::{ExpressionMethods, QueryDsl, dsl::count_star};
use diesel_async::RunQueryDsl;
use roost::{
    images::pool::ImagePool,
    listings::{
        forms::{ListingForm, ListingInput},
        model,
        service::{self, calendar, photos},
        uploads::UploadedFile,
    },
    schema::{calendar_entries, listing_photos, listings, users, wishlist_items},
    search::places::PlaceDirectory,
    service::{Actor, CalendarEntryId, ListingId, PhotoId, ServiceError, ServiceResult},
    stays::{self, quote::StayQuery},
    storage::{LocalDisk, Storage},
};

use crate::{
    fixtures::{self, ListingSpec},
    support::TestApp,
};

/// What a wrong actor's call may change, read before and after.
#[derive(Debug, PartialEq)]
struct Snapshot {
    listing: (String, String, Option<i64>, chrono::DateTime<chrono::Utc>),
    photos: Vec<(i64, i32)>,
    entries: i64,
    saved: i64,
    hosts: i64,
}

async fn snapshot(app: &TestApp, listing_id: i64) -> Snapshot {
    let mut conn = app.pool.get().await.expect("connection");
    let listing: (String, String, Option<i64>, chrono::DateTime<chrono::Utc>) = listings::table
        .find(listing_id)
        .select((
            listings::title,
            listings::status,
            listings::cover_photo_id,
            listings::updated_at,
        ))
        .first(&mut conn)
        .await
        .expect("listing");
    let photos = listing_photos::table
        .filter(listing_photos::listing_id.eq(listing_id))
        .order(listing_photos::id)
        .select((listing_photos::id, listing_photos::position))
        .load(&mut conn)
        .await
        .expect("photos");
    let entries = calendar_entries::table
        .filter(calendar_entries::listing_id.eq(listing_id))
        .select(count_star())
        .first(&mut conn)
        .await
        .expect("entries");
    let saved = wishlist_items::table
        .select(count_star())
        .first(&mut conn)
        .await
        .expect("wishlist");
    let hosts = users::table
        .filter(users::is_host.eq(true))
        .select(count_star())
        .first(&mut conn)
        .await
        .expect("hosts");
    Snapshot {
        listing,
        photos,
        entries,
        saved,
        hosts,
    }
}

/// A host's listing (`status`) with two photos (the first its cover) and a block next month.
struct World {
    app: TestApp,
    owner: Actor,
    listing: ListingId,
    photo: PhotoId,
    block: CalendarEntryId,
}

async fn world(status: &str) -> World {
    let app = TestApp::spawn().await;
    let owner_id = fixtures::user(&app, "owner@example.com", true).await;
    let listing = fixtures::listing(
        &app,
        owner_id,
        ListingSpec {
            status: status.into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let mut conn = app.pool.get().await.expect("connection");
    let photo_ids: Vec<i64> = diesel::insert_into(listing_photos::table)
        .values(
            (0..2)
                .map(|position| {
                    (
                        listing_photos::listing_id.eq(listing),
                        listing_photos::image_key.eq(format!("listings/p{position}.jpg")),
                        listing_photos::thumb_key.eq(format!("listings/t{position}.jpg")),
                        listing_photos::width.eq(800),
                        listing_photos::height.eq(600),
                        listing_photos::position.eq(position),
                    )
                })
                .collect::<Vec<_>>(),
        )
        .returning(listing_photos::id)
        .get_results(&mut conn)
        .await
        .expect("photos");
    diesel::update(listings::table.find(listing))
        .set(listings::cover_photo_id.eq(Some(photo_ids[0])))
        .execute(&mut conn)
        .await
        .expect("cover");
    let today = chrono::Utc::now().date_naive();
    let start = today + chrono::Days::new(30);
    let block: i64 = diesel::insert_into(calendar_entries::table)
        .values((
            calendar_entries::listing_id.eq(listing),
            calendar_entries::stay.eq(start..start + chrono::Days::new(3)),
            calendar_entries::kind.eq("blocked"),
            calendar_entries::note.eq("painting"),
        ))
        .returning(calendar_entries::id)
        .get_result(&mut conn)
        .await
        .expect("block");
    drop(conn);
    let owner = fixtures::actor(&app, owner_id).await;
    World {
        app,
        owner,
        listing: ListingId::new(listing),
        photo: PhotoId::new(photo_ids[0]),
        block: CalendarEntryId::new(block),
    }
}

/// The refusal each stranger must get on someone else's listing: as if it did not exist, for
/// guests as for hosts.
fn assert_refused<T: std::fmt::Debug>(who: &str, what: &str, result: ServiceResult<T>) {
    match (who, &result) {
        ("visitor", Err(ServiceError::SignInRequired))
        | ("another guest", Err(ServiceError::NotFound))
        | ("another host", Err(ServiceError::NotFound))
        | ("a suspended user", Err(ServiceError::NotAllowed(_))) => {}
        _ => panic!("{what} by {who}: expected the refusal, got {result:?}"),
    }
}

/// The refusal each stranger who is not an active host must get for a host's action on no
/// listing in particular (creating one, listing one's own).
fn assert_refused_as_no_host<T: std::fmt::Debug>(who: &str, what: &str, result: ServiceResult<T>) {
    match (who, &result) {
        ("visitor", Err(ServiceError::SignInRequired))
        | ("another guest", Err(ServiceError::NotAllowed(_)))
        | ("a suspended user", Err(ServiceError::NotAllowed(_))) => {}
        _ => panic!("{what} by {who}: expected the refusal, got {result:?}"),
    }
}

fn input_titled(listing: &model::Listing, title: &str) -> ListingInput {
    let mut form = ListingForm::from_listing(listing, Vec::new());
    form.title = title.into();
    ListingInput::try_from(&form).expect("valid input")
}

fn png() -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(64, 48);
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("png");
    bytes.into_inner()
}

#[tokio::test]
async fn nobody_but_the_owner_edits_publishes_or_unlists_a_listing() {
    let w = world("unlisted").await;
    let strangers = fixtures::strangers(&w.app).await;
    let before = snapshot(&w.app, w.listing.get()).await;
    let row = model::find(&mut w.app.pool.get().await.unwrap(), w.listing)
        .await
        .unwrap()
        .unwrap();
    let places = PlaceDirectory::default();
    let input = input_titled(&row, "Taken over");
    for (who, actor) in strangers {
        let mut conn = w.app.pool.get().await.unwrap();
        let result = service::update(&mut conn, &actor, &places, w.listing, &input).await;
        assert_refused(who, "update", result);
        let result = service::publish(&mut conn, &actor, w.listing).await;
        assert_refused(who, "publish", result.map(|_| ()));
        let result = service::unlist(&mut conn, &actor, w.listing).await;
        assert_refused(who, "unlist", result.map(|_| ()));
        let result = service::form_data(&mut conn, &actor, Some(w.listing)).await;
        assert_refused(who, "form_data", result.map(|_| ()));
        let result = service::owned(&mut conn, &actor, w.listing).await;
        assert_refused(who, "owned", result.map(|_| ()));
        let result = service::host_view(&mut conn, &actor, w.listing).await;
        assert_refused(who, "host_view", result.map(|_| ()));
    }
    assert_eq!(snapshot(&w.app, w.listing.get()).await, before);

    // The owner may, which shows the listing was there to change.
    let mut conn = w.app.pool.get().await.unwrap();
    service::update(&mut conn, &w.owner, &places, w.listing, &input)
        .await
        .expect("the owner edits");
    service::publish(&mut conn, &w.owner, w.listing)
        .await
        .expect("the owner publishes");
    assert_eq!(
        model::find(&mut conn, w.listing)
            .await
            .unwrap()
            .unwrap()
            .status,
        "published"
    );
}

#[tokio::test]
async fn only_active_hosts_create_listings_and_see_host_lists() {
    let w = world("draft").await;
    let mut conn = w.app.pool.get().await.unwrap();
    let row = model::find(&mut conn, w.listing).await.unwrap().unwrap();
    let input = input_titled(&row, "Another one");
    let places = PlaceDirectory::default();
    let count = || async {
        let mut conn = w.app.pool.get().await.unwrap();
        listings::table
            .select(count_star())
            .first::<i64>(&mut conn)
            .await
            .unwrap()
    };
    let before = count().await;
    for (who, actor) in fixtures::strangers(&w.app).await {
        let created = service::create(&mut conn, &actor, &places, &input).await;
        let lists = service::host_listings(&mut conn, &actor).await;
        match who {
            "another host" => {
                created.expect("a host creates their own listing");
                let theirs = lists.expect("a host lists their own");
                assert_eq!(theirs.len(), 1, "their new listing only");
                assert!(theirs.iter().all(|l| l.id != w.listing.get()));
            }
            _ => {
                assert_refused_as_no_host(who, "create", created);
                assert_refused_as_no_host(who, "host_listings", lists);
            }
        }
        let dashboard = service::dashboard(&mut conn, &actor).await;
        match (who, dashboard) {
            ("visitor", Err(ServiceError::SignInRequired))
            | ("a suspended user", Err(ServiceError::NotAllowed(_)))
            | ("another guest", Ok(service::Dashboard::NotYetHost { verified: true }))
            | ("another host", Ok(service::Dashboard::Host(_))) => {}
            (who, other) => panic!("dashboard of {who}: {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(
        count().await,
        before + 1,
        "only the other host's own listing"
    );
}

#[tokio::test]
async fn nobody_but_the_owner_adds_moves_covers_or_deletes_photos() {
    let w = world("published").await;
    let strangers = fixtures::strangers(&w.app).await;
    let before = snapshot(&w.app, w.listing.get()).await;
    let storage: Storage = std::sync::Arc::new(LocalDisk::new(w.app.data_dir.path()));
    let images = ImagePool::new(1, Duration::from_secs(5));
    let second = PhotoId::new(before.photos[1].0);
    for (who, actor) in strangers {
        let files = Ok(vec![UploadedFile {
            name: "beach.png".into(),
            bytes: png(),
        }]);
        let result = photos::upload(&w.app.pool, &images, &storage, &actor, w.listing, files).await;
        assert_refused(who, "upload", result);
        let mut conn = w.app.pool.get().await.unwrap();
        let result = photos::page(&mut conn, &actor, w.listing).await;
        assert_refused(who, "photos page", result.map(|_| ()));
        let result = photos::move_photo(
            &mut conn,
            &actor,
            w.listing,
            w.photo,
            photos::Direction::Down,
        )
        .await;
        assert_refused(who, "move", result);
        let result = photos::set_cover(&mut conn, &actor, w.listing, second).await;
        assert_refused(who, "set cover", result);
        let result = photos::delete(&mut conn, &storage, &actor, w.listing, w.photo).await;
        assert_refused(who, "delete", result);
        let reversed: Vec<PhotoId> = before
            .photos
            .iter()
            .rev()
            .map(|p| PhotoId::new(p.0))
            .collect();
        let result = photos::reorder(&mut conn, &actor, w.listing, &reversed).await;
        assert_refused(who, "reorder", result);
    }
    assert_eq!(snapshot(&w.app, w.listing.get()).await, before);

    // The owner may, which shows each call would have changed something.
    let mut conn = w.app.pool.get().await.unwrap();
    photos::set_cover(&mut conn, &w.owner, w.listing, second)
        .await
        .expect("the owner sets the cover");
    let reversed: Vec<PhotoId> = before
        .photos
        .iter()
        .rev()
        .map(|p| PhotoId::new(p.0))
        .collect();
    photos::reorder(&mut conn, &w.owner, w.listing, &reversed)
        .await
        .expect("the owner reorders");
    let order: Vec<PhotoId> = photos::page(&mut conn, &w.owner, w.listing)
        .await
        .expect("the owner's photos")
        .1
        .iter()
        .map(|photo| PhotoId::new(photo.id))
        .collect();
    assert_eq!(order, reversed);
    let files = Ok(vec![UploadedFile {
        name: "beach.png".into(),
        bytes: png(),
    }]);
    let added = photos::upload(&w.app.pool, &images, &storage, &w.owner, w.listing, files)
        .await
        .expect("the owner uploads");
    assert_eq!(added.len(), 1);
    assert_ne!(snapshot(&w.app, w.listing.get()).await, before);
}

#[tokio::test]
async fn nobody_but_the_owner_sees_or_changes_the_calendar() {
    let w = world("published").await;
    let strangers = fixtures::strangers(&w.app).await;
    let before = snapshot(&w.app, w.listing.get()).await;
    let start = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    let end = (chrono::Utc::now().date_naive() + chrono::Days::new(62)).to_string();
    for (who, actor) in strangers {
        let mut conn = w.app.pool.get().await.unwrap();
        let result = calendar::window(&mut conn, &actor, w.listing, "").await;
        assert_refused(who, "calendar", result.map(|_| ()));
        let result = calendar::block(&mut conn, &actor, w.listing, &start, &end, "mine").await;
        assert_refused(who, "block", result.map(|_| ()));
        let result = calendar::unblock(&mut conn, &actor, w.listing, w.block).await;
        assert_refused(who, "unblock", result.map(|_| ()));
        let result = calendar::blocks(&mut conn, &actor, w.listing).await;
        assert_refused(who, "blocks", result.map(|_| ()));
        let result = calendar::find_block(&mut conn, &actor, w.listing, w.block).await;
        assert_refused(who, "find_block", result.map(|_| ()));
    }
    assert_eq!(snapshot(&w.app, w.listing.get()).await, before);

    let mut conn = w.app.pool.get().await.unwrap();
    calendar::block(&mut conn, &w.owner, w.listing, &start, &end, "mine")
        .await
        .expect("the owner blocks");
    calendar::unblock(&mut conn, &w.owner, w.listing, w.block)
        .await
        .expect("the owner unblocks");
}

#[tokio::test]
async fn a_draft_is_seen_and_saved_by_nobody_but_its_host() {
    let w = world("draft").await;
    let strangers = fixtures::strangers(&w.app).await;
    let before = snapshot(&w.app, w.listing.get()).await;
    let stay = StayQuery::default();
    for (who, actor) in strangers {
        let mut conn = w.app.pool.get().await.unwrap();
        let page = stays::service::listing_page(&mut conn, &actor, w.listing, &stay).await;
        assert!(
            matches!(page, Err(ServiceError::NotFound)),
            "{who} sees the draft"
        );
        let quote = stays::service::quote(&mut conn, &actor, w.listing, &stay).await;
        assert!(
            matches!(quote, Err(ServiceError::NotFound)),
            "{who} gets a quote"
        );
        let toggled = stays::service::toggle_saved(&mut conn, &actor, w.listing).await;
        match (who, toggled) {
            ("visitor", Err(ServiceError::SignInRequired))
            | ("a suspended user", Err(ServiceError::NotAllowed(_)))
            | ("another guest" | "another host", Err(ServiceError::NotFound)) => {}
            (who, other) => panic!("{who} saved the draft: {:?}", other.map(|(_, s)| s)),
        }
    }
    assert_eq!(snapshot(&w.app, w.listing.get()).await, before);
    let mut conn = w.app.pool.get().await.unwrap();
    let page = stays::service::listing_page(&mut conn, &w.owner, w.listing, &stay)
        .await
        .expect("the host sees their draft");
    assert!(page.own);
}

#[tokio::test]
async fn a_wishlist_is_its_members_own() {
    let w = world("published").await;
    let mut conn = w.app.pool.get().await.unwrap();
    let guest = fixtures::user(&w.app, "guest@example.com", false).await;
    let guest = fixtures::actor(&w.app, guest).await;
    let (_, saved) = stays::service::toggle_saved(&mut conn, &guest, w.listing)
        .await
        .expect("a guest saves a published listing");
    assert!(saved);
    for (who, actor) in fixtures::strangers(&w.app).await {
        let cards = stays::service::saved(&mut conn, &actor).await;
        match (who, cards) {
            ("visitor", Err(ServiceError::SignInRequired))
            | ("a suspended user", Err(ServiceError::NotAllowed(_))) => {}
            ("another guest" | "another host", Ok(cards)) => {
                assert!(cards.is_empty(), "{who} sees someone else's wishlist")
            }
            (who, other) => panic!("wishlist of {who}: {:?}", other.map(|c| c.len())),
        }
        let saved = stays::service::is_saved(&mut conn, &actor, w.listing).await;
        assert!(!saved.expect("is_saved"), "{who} shares the guest's heart");
    }
    assert_eq!(
        stays::service::saved(&mut conn, &guest)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn only_a_confirmed_active_member_becomes_a_host() {
    let app = TestApp::spawn().await;
    let mut conn = app.pool.get().await.unwrap();
    let hosts = || async {
        let mut conn = app.pool.get().await.unwrap();
        users::table
            .filter(users::is_host.eq(true))
            .select(count_star())
            .first::<i64>(&mut conn)
            .await
            .unwrap()
    };
    let unconfirmed = fixtures::user(&app, "new@example.com", false).await;
    diesel::update(users::table.find(unconfirmed))
        .set(users::email_verified_at.eq(None::<chrono::DateTime<chrono::Utc>>))
        .execute(&mut conn)
        .await
        .unwrap();
    let unconfirmed = fixtures::actor(&app, unconfirmed).await;
    let banned = fixtures::user(&app, "banned@example.com", false).await;
    let banned = fixtures::suspended(&app, banned).await;
    let before = hosts().await;
    assert!(matches!(
        roost::accounts::service::become_host(&mut conn, &Actor::Visitor).await,
        Err(ServiceError::SignInRequired)
    ));
    for actor in [&unconfirmed, &banned] {
        assert!(matches!(
            roost::accounts::service::become_host(&mut conn, actor).await,
            Err(ServiceError::NotAllowed(_))
        ));
    }
    assert_eq!(hosts().await, before);
    let guest = fixtures::user(&app, "guest@example.com", false).await;
    roost::accounts::service::become_host(&mut conn, &fixtures::actor(&app, guest).await)
        .await
        .expect("a confirmed guest becomes a host");
    assert_eq!(hosts().await, before + 1);
}
