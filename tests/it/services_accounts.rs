//! The account services called directly with the wrong actor: a visitor, a suspended user,
//! another user. Each is refused with the exact error, and the database is left as it was.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use roost::{
    accounts::{
        deletion,
        domain::{Bio, EmailAddress, NewPassword, PersonName},
        email_change,
        forms::Profile,
        service,
    },
    images::pool::ImagePool,
    schema::{account_tokens, sessions, users},
    service::{Actor, ServiceError},
    storage::{LocalDisk, Storage},
};

use crate::{fixtures, support::TestApp};

/// Someone signed in (their session is in the database), and the visitor and the suspended
/// user who will try to act in their place.
struct World {
    app: TestApp,
    owner_id: i64,
    owner: Actor,
    wrong: Vec<(&'static str, Actor)>,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let (owner_id, _browser) = fixtures::signed_in(&app, "owner@example.com", false).await;
    let banned = fixtures::user(&app, "banned@example.com", false).await;
    let wrong = vec![
        ("visitor", Actor::Visitor),
        ("a suspended user", fixtures::suspended(&app, banned).await),
    ];
    World {
        owner: fixtures::actor(&app, owner_id).await,
        owner_id,
        wrong,
        app,
    }
}

/// A visitor must sign in; a suspended account is refused as such.
fn assert_refused<T: std::fmt::Debug>(who: &str, outcome: Result<T, ServiceError>) {
    let error = outcome.expect_err(who);
    match who {
        "visitor" => assert!(
            matches!(error, ServiceError::SignInRequired),
            "{who}: {error:?}"
        ),
        _ => assert!(
            matches!(&error, ServiceError::NotAllowed(message) if message.contains("suspended")),
            "{who}: {error:?}"
        ),
    }
}

type UserState = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
);

/// What a refused call must not change about a user.
async fn user_state(app: &TestApp, user_id: i64) -> UserState {
    let mut conn = app.pool.get().await.unwrap();
    users::table
        .find(user_id)
        .select((
            users::name,
            users::email,
            users::bio,
            users::password_hash,
            users::avatar_key,
            users::deleted_at,
        ))
        .first(&mut conn)
        .await
        .unwrap()
}

async fn session_ids(app: &TestApp, user_id: i64) -> Vec<String> {
    let mut conn = app.pool.get().await.unwrap();
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .select(sessions::public_id)
        .load(&mut conn)
        .await
        .unwrap()
}

async fn token_count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    account_tokens::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn nobody_but_the_owner_changes_a_profile_a_password_or_an_address() {
    let w = world().await;
    let before = user_state(&w.app, w.owner_id).await;
    let tokens = token_count(&w.app).await;
    let mut conn = w.app.pool.get().await.unwrap();
    let profile = Profile {
        name: PersonName::parse("Mallory").unwrap(),
        bio: Bio::parse("Hijacked").unwrap(),
    };
    let password = NewPassword::parse("a brand new password 42").unwrap();
    let address = EmailAddress::parse("mallory@example.com").unwrap();
    for (who, actor) in &w.wrong {
        assert_refused(who, service::account(&mut conn, actor).await);
        assert_refused(
            who,
            service::update_profile(&mut conn, actor, &profile).await,
        );
        assert_refused(
            who,
            service::change_password(&mut conn, actor, fixtures::PASSWORD, &password, None, None)
                .await,
        );
        assert_refused(
            who,
            email_change::request(
                &mut conn,
                actor,
                fixtures::PASSWORD,
                &address,
                "http://roost.test",
                None,
            )
            .await,
        );
        assert_refused(
            who,
            service::resend_verification(&mut conn, actor, "http://roost.test").await,
        );
    }
    assert_eq!(user_state(&w.app, w.owner_id).await, before);
    assert_eq!(token_count(&w.app).await, tokens, "no link was issued");
    // The owner's own re-checks still apply: a wrong current password changes nothing.
    let wrong_password =
        service::change_password(&mut conn, &w.owner, "not it", &password, None, None).await;
    assert!(
        matches!(&wrong_password, Err(ServiceError::Invalid(fields)) if fields.has("current_password")),
        "{wrong_password:?}"
    );
    let wrong_password = email_change::request(
        &mut conn,
        &w.owner,
        "not it",
        &address,
        "http://roost.test",
        None,
    )
    .await;
    assert!(
        matches!(&wrong_password, Err(ServiceError::Invalid(fields)) if fields.has("email_password")),
        "{wrong_password:?}"
    );
    assert_eq!(user_state(&w.app, w.owner_id).await, before);
    // And the owner may.
    service::update_profile(&mut conn, &w.owner, &profile)
        .await
        .expect("the owner saves their profile");
    assert_eq!(user_state(&w.app, w.owner_id).await.0, "Mallory");
}

#[tokio::test]
async fn nobody_but_the_owner_sets_an_avatar() {
    let w = world().await;
    let before = user_state(&w.app, w.owner_id).await;
    let storage: Storage = Arc::new(LocalDisk::new(w.app.data_dir.path().join("uploads")));
    let images = ImagePool::new(1, Duration::from_secs(5));
    let png = {
        let image = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 100, 50]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        bytes.into_inner()
    };
    for (who, actor) in &w.wrong {
        let set = service::set_avatar(&w.app.pool, &images, &storage, actor, Ok(png.clone())).await;
        assert_refused(who, set);
    }
    assert_eq!(user_state(&w.app, w.owner_id).await, before);
    service::set_avatar(&w.app.pool, &images, &storage, &w.owner, Ok(png))
        .await
        .expect("the owner sets their avatar");
    assert!(user_state(&w.app, w.owner_id).await.4.is_some());
}

#[tokio::test]
async fn nobody_ends_or_lists_another_persons_sessions() {
    let w = world().await;
    let theirs = session_ids(&w.app, w.owner_id).await;
    assert_eq!(theirs.len(), 1, "the owner is signed in once");
    let (other_id, _other_browser) = fixtures::signed_in(&w.app, "other@example.com", false).await;
    let other = fixtures::actor(&w.app, other_id).await;
    let mut conn = w.app.pool.get().await.unwrap();
    for (who, actor) in &w.wrong {
        assert_refused(who, service::sessions(&mut conn, actor, None).await);
        assert_refused(
            who,
            service::end_one_session(&mut conn, actor, &theirs[0], None).await,
        );
        assert_refused(
            who,
            service::end_other_sessions(&mut conn, actor, None, None).await,
        );
    }
    // Another user: the owner's session is not theirs to end, nor to see.
    let ended = service::end_one_session(&mut conn, &other, &theirs[0], None).await;
    assert!(matches!(ended, Err(ServiceError::NotFound)), "{ended:?}");
    let listed = service::sessions(&mut conn, &other, None).await.unwrap();
    assert!(listed.iter().all(|s| s.public_id != theirs[0]));
    service::end_other_sessions(&mut conn, &other, None, None)
        .await
        .unwrap();
    assert_eq!(
        session_ids(&w.app, w.owner_id).await,
        theirs,
        "still signed in"
    );
    // The owner may.
    service::end_one_session(&mut conn, &w.owner, &theirs[0], None)
        .await
        .expect("the owner ends their session");
    assert!(session_ids(&w.app, w.owner_id).await.is_empty());
}

#[tokio::test]
async fn nobody_deletes_an_account_but_its_owner_with_their_password() {
    let w = world().await;
    let before = user_state(&w.app, w.owner_id).await;
    let storage: Storage = Arc::new(LocalDisk::new(w.app.data_dir.path().join("uploads")));
    let other_id = fixtures::user(&w.app, "other@example.com", false).await;
    let other = fixtures::actor(&w.app, other_id).await;
    let mut conn = w.app.pool.get().await.unwrap();
    for (who, actor) in &w.wrong {
        assert_refused(who, deletion::blockers(&mut conn, actor).await);
        assert_refused(
            who,
            deletion::delete_account(&mut conn, &storage, actor, fixtures::PASSWORD, None).await,
        );
    }
    // Someone else, knowing the owner's password, can only delete their own account... with
    // their own password: the owner's is not it (they share the fixture password, so a
    // wrong one is used here).
    let other_try =
        deletion::delete_account(&mut conn, &storage, &other, "the owner's password", None).await;
    assert!(
        matches!(&other_try, Err(ServiceError::Invalid(fields)) if fields.has("password")),
        "{other_try:?}"
    );
    assert_eq!(user_state(&w.app, w.owner_id).await, before);
    assert!(user_state(&w.app, other_id).await.5.is_none());
    deletion::delete_account(&mut conn, &storage, &w.owner, fixtures::PASSWORD, None)
        .await
        .expect("the owner deletes their account");
    assert!(user_state(&w.app, w.owner_id).await.5.is_some());
}

#[tokio::test]
async fn a_suspended_account_cannot_log_in_and_a_wrong_password_says_nothing_more() {
    let w = world().await;
    let mut conn = w.app.pool.get().await.unwrap();
    let banned = EmailAddress::parse("banned@example.com").unwrap();
    let refused = service::log_in(&mut conn, &banned, fixtures::PASSWORD, "192.0.2.1").await;
    assert!(
        matches!(&refused, Err(ServiceError::NotAllowed(message)) if message.contains("suspended")),
        "{refused:?}"
    );
    // A wrong password of a suspended account is only a wrong password.
    let wrong = service::log_in(&mut conn, &banned, "not it", "192.0.2.1").await;
    assert!(
        matches!(&wrong, Err(ServiceError::Invalid(fields)) if fields.has("form")),
        "{wrong:?}"
    );
    let owner = EmailAddress::parse("owner@example.com").unwrap();
    let unknown = EmailAddress::parse("nobody@example.com").unwrap();
    let wrong_owner = service::log_in(&mut conn, &owner, "not it", "192.0.2.1").await;
    let wrong_unknown = service::log_in(&mut conn, &unknown, "not it", "192.0.2.1").await;
    assert_eq!(
        format!("{wrong_owner:?}"),
        format!("{wrong_unknown:?}"),
        "the same answer whether or not the account exists"
    );
    let logged_in = service::log_in(&mut conn, &owner, fixtures::PASSWORD, "192.0.2.1")
        .await
        .expect("the owner logs in");
    assert_eq!(logged_in.user_id.get(), w.owner_id);
}
