//! The actor's own profile: what they see on their account page, their name and bio, and their
//! avatar. The avatar pipeline takes the uploaded bytes (each door reads its own upload
//! format), counts the upload against the actor's limit, decodes and re-encodes it on the
//! image pool, stores it and replaces the previous one.

use chrono::Utc;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::own_user;
use crate::{
    accounts::{
        forms::{Profile, ProfileForm},
        model::User,
    },
    db::DbPool,
    images::{self, ImageError, pool::ImagePool},
    schema::users,
    service::{Actor, FieldErrors, ServiceError, ServiceResult},
    storage::{self, Storage},
    throttle,
};

/// The actor's own account as stored.
pub async fn account(conn: &mut AsyncPgConnection, actor: &Actor) -> ServiceResult<User> {
    own_user(conn, actor).await
}

/// Saves the actor's name and bio (each already valid: see `forms::ProfileForm`).
pub async fn update_profile(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    profile: &Profile,
) -> ServiceResult<()> {
    let user_id = actor.member()?.id;
    diesel::update(users::table.find(user_id.get()))
        .set((
            users::name.eq(profile.name.as_ref()),
            users::bio.eq(profile.bio.as_ref()),
            users::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Changes the fields of the actor's profile that are given (`None` keeps the stored value),
/// with the profile form's rules; returns the account as stored after.
pub async fn patch_profile(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    name: Option<&str>,
    bio: Option<&str>,
) -> ServiceResult<User> {
    let user = own_user(conn, actor).await?;
    let form = ProfileForm {
        name: name.map_or_else(|| user.name.clone(), str::to_string),
        bio: bio.map_or_else(|| user.bio.clone(), str::to_string),
    };
    let profile = form.parse().map_err(ServiceError::Invalid)?;
    update_profile(conn, actor, &profile).await?;
    own_user(conn, actor).await
}

/// The avatar field's name, where its messages go.
const FIELD: &str = "avatar";

/// An image refusal as the service's error: over the size limit `TooLarge`, over the upload
/// limit `TooManyAttempts`, a full image pool `Unavailable` (with the pool's message as the
/// reason), anything else `Invalid`; each message is the one the person reads.
pub fn image_refusal(problem: ImageError) -> ServiceError {
    match problem {
        ImageError::TooLarge => {
            ServiceError::TooLarge(FieldErrors::one(FIELD, problem.to_string()))
        }
        ImageError::Throttled { retry_after_secs } => {
            ServiceError::TooManyAttempts { retry_after_secs }
        }
        ImageError::Busy => ServiceError::Unavailable {
            reason: problem.to_string(),
            retry_after_secs: 5,
        },
        other => ServiceError::invalid(FIELD, other.to_string()),
    }
}

/// Sets the actor's avatar from an upload: its bytes, or the door's reading error (an upload
/// over the size limit is still counted, refused or not). Returns nothing; the previous file
/// is deleted once the new one is in place.
pub async fn set_avatar(
    pool: &DbPool,
    images: &ImagePool,
    storage: &Storage,
    actor: &Actor,
    upload: Result<Vec<u8>, ImageError>,
) -> ServiceResult<()> {
    let user_id = actor.member()?.id;
    let mut conn = crate::db::connection(pool).await?;
    let admitted = throttle::hit_upload(&mut conn, user_id).await?;
    // Not held while the image is decoded.
    drop(conn);
    if let Err(retry_after_secs) = admitted {
        return Err(image_refusal(ImageError::Throttled { retry_after_secs }));
    }
    let bytes = upload.map_err(image_refusal)?;
    if bytes.is_empty() {
        return Err(image_refusal(ImageError::NotAnImage));
    }
    if bytes.len() > images::MAX_UPLOAD_BYTES {
        return Err(image_refusal(ImageError::TooLarge));
    }
    let processed = images
        .run(move || {
            let image = images::decode(&bytes)?;
            images::to_jpeg(&images::square(image, 256)).map_err(|_| ImageError::NotAnImage)
        })
        .await?;
    let jpeg = processed
        .unwrap_or(Err(ImageError::Busy))
        .map_err(image_refusal)?;
    let key = storage::new_key("avatars", "jpg");
    storage
        .put(&key, jpeg)
        .await
        .map_err(ServiceError::internal)?;
    let mut conn = crate::db::connection(pool).await?;
    let previous: Option<String> = users::table
        .find(user_id.get())
        .select(users::avatar_key)
        .first(&mut conn)
        .await?;
    diesel::update(users::table.find(user_id.get()))
        .set((users::avatar_key.eq(&key), users::updated_at.eq(Utc::now())))
        .execute(&mut conn)
        .await?;
    drop(conn);
    if let Some(previous) = previous
        && let Err(error) = storage.delete(&previous).await
    {
        tracing::warn!(%error, key = %previous, "could not delete the previous avatar");
    }
    Ok(())
}
