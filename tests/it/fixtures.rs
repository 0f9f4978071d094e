//! Test data made directly in the database (users, listings), for tests whose subject is
//! something else. Each returns ids; `signed_in` also returns a browser logged in as the user.

#![allow(dead_code)]

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::schema::{listings, users};

use crate::support::{Browser, TestApp};

/// The password of every fixture user.
pub const PASSWORD: &str = "fixture password 123";

/// Creates a verified user (argon2 hash of [`PASSWORD`]); `host` makes them a host.
pub async fn user(app: &TestApp, email: &str, host: bool) -> i64 {
    let hash = roost::accounts::passwords::hash(
        &roost::accounts::domain::NewPassword::parse(PASSWORD).expect("fixture password"),
    )
    .await
    .expect("hash");
    let mut conn = app.pool.get().await.expect("connection");
    diesel::insert_into(users::table)
        .values((
            users::name.eq(email.split('@').next().unwrap_or("User")),
            users::email.eq(email),
            users::password_hash.eq(hash),
            users::email_verified_at.eq(Some(Utc::now())),
            users::is_host.eq(host),
        ))
        .returning(users::id)
        .get_result(&mut conn)
        .await
        .expect("insert user")
}

/// Logs `email` in from a new browser.
pub async fn log_in(app: &TestApp, email: &str) -> Browser {
    let browser = app.new_browser();
    let response = browser
        .submit(
            "/login",
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 303, "fixture login of {email}");
    browser
}

/// A verified user and a browser signed in as them.
pub async fn signed_in(app: &TestApp, email: &str, host: bool) -> (i64, Browser) {
    let id = user(app, email, host).await;
    (id, log_in(app, email).await)
}

/// What a fixture listing looks like; change fields before calling [`listing`].
#[derive(Clone, Debug)]
pub struct ListingSpec {
    pub title: String,
    pub city: String,
    pub country: String,
    pub timezone: String,
    pub property_type: String,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub nightly_price: i64,
    pub cleaning_fee: i64,
    pub currency: String,
    pub min_nights: i32,
    pub max_nights: i32,
    pub instant_book: bool,
    pub cancellation_policy: String,
    pub status: String,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
}

impl Default for ListingSpec {
    fn default() -> Self {
        ListingSpec {
            title: "Sunny loft by the canal".into(),
            city: "Amsterdam".into(),
            country: "Netherlands".into(),
            timezone: "Europe/Amsterdam".into(),
            property_type: "loft".into(),
            max_guests: 4,
            bedrooms: 2,
            nightly_price: 12_000,
            cleaning_fee: 3_000,
            currency: "EUR".into(),
            min_nights: 1,
            max_nights: 30,
            instant_book: true,
            cancellation_policy: "moderate".into(),
            status: "published".into(),
            weekly_discount_pct: 10,
            monthly_discount_pct: 20,
        }
    }
}

/// Inserts a listing of `host_id` and returns its id.
pub async fn listing(app: &TestApp, host_id: i64, spec: ListingSpec) -> i64 {
    let mut conn = app.pool.get().await.expect("connection");
    let published = (spec.status == "published").then(Utc::now);
    diesel::insert_into(listings::table)
        .values((
            listings::host_id.eq(host_id),
            listings::status.eq(spec.status),
            listings::title.eq(spec.title),
            listings::description.eq("A calm place to stay."),
            listings::property_type.eq(spec.property_type),
            listings::address.eq("1 Example Street"),
            listings::city.eq(spec.city),
            listings::country.eq(spec.country),
            listings::timezone.eq(spec.timezone),
            listings::max_guests.eq(spec.max_guests),
            listings::bedrooms.eq(spec.bedrooms),
            listings::beds.eq(spec.bedrooms.max(1)),
            listings::bathrooms_tenths.eq(10),
            listings::nightly_price.eq(spec.nightly_price),
            listings::cleaning_fee.eq(spec.cleaning_fee),
            listings::currency.eq(spec.currency),
            listings::weekly_discount_pct.eq(spec.weekly_discount_pct),
            listings::monthly_discount_pct.eq(spec.monthly_discount_pct),
            listings::min_nights.eq(spec.min_nights),
            listings::max_nights.eq(spec.max_nights),
            listings::instant_book.eq(spec.instant_book),
            listings::cancellation_policy.eq(spec.cancellation_policy),
            listings::published_at.eq(published),
        ))
        .returning(listings::id)
        .get_result(&mut conn)
        .await
        .expect("insert listing")
}

/// The acting party for `user_id`, read from the database as services would see it.
pub async fn actor(app: &TestApp, user_id: i64) -> roost::service::Actor {
    let mut conn = app.pool.get().await.expect("connection");
    roost::service::Actor::load(&mut conn, roost::service::UserId::new(user_id))
        .await
        .expect("load actor")
}

/// Suspends `user_id` (as an admin would) and returns them as an actor.
pub async fn suspended(app: &TestApp, user_id: i64) -> roost::service::Actor {
    let mut conn = app.pool.get().await.expect("connection");
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::suspended_at.eq(Some(Utc::now())))
        .execute(&mut conn)
        .await
        .expect("suspend");
    drop(conn);
    actor(app, user_id).await
}

/// Everyone who is *not* the rightful party of a test, for wrong-actor tests: a visitor,
/// another guest, another host and a suspended user.
pub async fn strangers(app: &TestApp) -> Vec<(&'static str, roost::service::Actor)> {
    let other_guest = user(app, "stranger-guest@example.com", false).await;
    let other_host = user(app, "stranger-host@example.com", true).await;
    let banned = user(app, "stranger-suspended@example.com", true).await;
    vec![
        ("visitor", roost::service::Actor::Visitor),
        ("another guest", actor(app, other_guest).await),
        ("another host", actor(app, other_host).await),
        ("a suspended user", suspended(app, banned).await),
    ]
}

/// Creates a verified admin (argon2 hash of [`PASSWORD`]) and returns their id.
pub async fn admin(app: &TestApp, email: &str) -> i64 {
    let id = user(app, email, false).await;
    let mut conn = app.pool.get().await.expect("connection");
    diesel::update(users::table.filter(users::id.eq(id)))
        .set(users::is_admin.eq(true))
        .execute(&mut conn)
        .await
        .expect("make admin");
    id
}

/// A completed stay of `guest_id` at `listing_id` (checked out yesterday) with the guest's
/// published review rated `rating` in everything; the listing's figures count it. Returns
/// (booking id, review id).
pub async fn published_review(
    app: &TestApp,
    listing_id: i64,
    host_id: i64,
    guest_id: i64,
    rating: i16,
) -> (i64, i64) {
    use roost::schema::{bookings, reviews};
    let mut conn = app.pool.get().await.expect("connection");
    let check_out = Utc::now().date_naive() - chrono::Duration::days(1);
    let booking: i64 = diesel::insert_into(bookings::table)
        .values((
            bookings::listing_id.eq(listing_id),
            bookings::guest_id.eq(guest_id),
            bookings::check_in.eq(check_out - chrono::Duration::days(3)),
            bookings::check_out.eq(check_out),
            bookings::guests.eq(2),
            bookings::status.eq("completed"),
            bookings::currency.eq("EUR"),
            bookings::nightly_price.eq(12_000i64),
            bookings::nights.eq(3),
            bookings::base_amount.eq(36_000i64),
            bookings::discount_amount.eq(0i64),
            bookings::cleaning_fee.eq(3_000i64),
            bookings::service_fee.eq(5_460i64),
            bookings::tax_amount.eq(0i64),
            bookings::total_amount.eq(44_460i64),
            bookings::host_fee.eq(1_170i64),
            bookings::host_payout.eq(37_830i64),
            bookings::cancellation_policy.eq("moderate"),
            bookings::idempotency_key.eq(format!("fixture-{}", uuid::Uuid::new_v4())),
        ))
        .returning(bookings::id)
        .get_result(&mut conn)
        .await
        .expect("insert booking");
    let review: i64 = diesel::insert_into(reviews::table)
        .values((
            reviews::booking_id.eq(booking),
            reviews::listing_id.eq(listing_id),
            reviews::author_id.eq(guest_id),
            reviews::subject_id.eq(host_id),
            reviews::direction.eq("guest_to_host"),
            reviews::rating.eq(rating),
            reviews::cleanliness.eq(Some(rating)),
            reviews::accuracy.eq(Some(rating)),
            reviews::check_in.eq(Some(rating)),
            reviews::communication.eq(Some(rating)),
            reviews::location.eq(Some(rating)),
            reviews::value.eq(Some(rating)),
            reviews::comment.eq(format!("A stay worth {rating} stars.")),
        ))
        .returning(reviews::id)
        .get_result(&mut conn)
        .await
        .expect("insert review");
    roost::reviews::service::publish_stay(&mut conn, booking)
        .await
        .expect("publish");
    (booking, review)
}
