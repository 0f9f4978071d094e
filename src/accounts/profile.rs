//! The account page: profile (name, bio, avatar), email address change, account deletion.

use actix_identity::Identity;
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

use super::{
    SignedIn, client_ip,
    deletion::{self, Blocker},
    domain::{EmailAddress, PersonName},
    email_change,
    model::{self, User},
    reauth::WrongPassword,
    service,
};
use crate::{
    errors::{AppError, AppResult},
    images, storage, throttle,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

/// Longest bio, in characters (the database checks it too).
const MAX_BIO_CHARS: usize = 2000;

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: PageContext,
    user: User,
    name: String,
    bio: String,
    new_email: String,
    errors: FormErrors,
}

impl AccountPage {
    fn avatar_url(&self) -> Option<String> {
        model::avatar_url(&self.user.avatar_key)
    }

    fn initial(&self) -> String {
        super::initial_of(&self.user.name)
    }

    /// The page for `user` as stored, with `errors` (the profile form shows the saved values).
    fn for_user(page: PageContext, user: User, errors: FormErrors) -> Self {
        AccountPage {
            page,
            name: user.name.clone(),
            bio: user.bio.clone(),
            new_email: String::new(),
            user,
            errors,
        }
    }
}

async fn load_user(state: &AppState, id: i64) -> AppResult<User> {
    let mut conn = crate::db::connection(&state.pool).await?;
    model::find(&mut conn, id).await?.ok_or(AppError::NotFound)
}

fn render(page: AccountPage, status: StatusCode) -> AppResult<HttpResponse> {
    Ok(forms::html(status, page.render()?))
}

async fn show(
    SignedIn(current): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let user = load_user(&state, current.id).await?;
    render(
        AccountPage::for_user(page, user, FormErrors::new()),
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    bio: String,
}

async fn update_profile(
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let name = errors.check("name", PersonName::parse(&form.name));
    let bio = form.bio.trim().to_string();
    if bio.chars().count() > MAX_BIO_CHARS {
        errors.add("bio", format!("Use at most {MAX_BIO_CHARS} characters."));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        let user = load_user(&state, current.id).await?;
        return render(
            AccountPage {
                page,
                user,
                name: form.name,
                bio: form.bio,
                new_email: String::new(),
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let mut conn = crate::db::connection(&state.pool).await?;
    service::update_profile(&mut conn, current.id, &name, &bio).await?;
    flash::push(&session, FlashKind::Success, "Your profile was saved.");
    Ok(forms::see_other("/account"))
}

/// Reads the `avatar` part of a multipart body, refusing more than the size limit.
async fn read_avatar(mut payload: Multipart) -> Result<Option<Vec<u8>>, images::ImageError> {
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    while let Some(Ok(mut field)) = payload.next().await {
        let wanted = field.name() == Some("avatar") && file.is_none() && !too_large;
        let mut bytes = Vec::new();
        let mut drained = 0usize;
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else { break };
            if wanted && bytes.len() + chunk.len() <= images::MAX_UPLOAD_BYTES {
                bytes.extend_from_slice(&chunk);
            } else {
                too_large |= wanted;
                // Read on (bounded) so the browser receives our answer rather than a reset.
                drained += chunk.len();
                if drained > 8 * images::MAX_UPLOAD_BYTES {
                    break;
                }
            }
        }
        if wanted && !too_large && !bytes.is_empty() {
            file = Some(bytes);
        }
    }
    if too_large {
        return Err(images::ImageError::TooLarge);
    }
    Ok(file)
}

/// Decodes the avatar on the image pool and re-encodes it as a 256-pixel square JPEG, after
/// counting the upload against the user's limit.
async fn process_avatar(
    state: &AppState,
    user_id: i64,
    read: Result<Option<Vec<u8>>, images::ImageError>,
) -> AppResult<Result<Vec<u8>, images::ImageError>> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let admitted = throttle::hit_upload(&mut conn, user_id).await?;
    drop(conn);
    if let Err(retry_after_secs) = admitted {
        return Ok(Err(images::ImageError::Throttled { retry_after_secs }));
    }
    let bytes = match read {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(Err(images::ImageError::NotAnImage)),
        Err(error) => return Ok(Err(error)),
    };
    let processed = state
        .images
        .run(move || {
            let image = images::decode(&bytes)?;
            images::to_jpeg(&images::square(image, 256)).map_err(|_| images::ImageError::NotAnImage)
        })
        .await?;
    Ok(processed.unwrap_or(Err(images::ImageError::Busy)))
}

async fn upload_avatar(
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    // The body is read (bounded) before anything is refused, so that the browser receives the
    // answer rather than a reset connection.
    let read = read_avatar(payload).await;
    let jpeg = match process_avatar(&state, current.id, read).await? {
        Ok(jpeg) => jpeg,
        Err(problem) => {
            let user = load_user(&state, current.id).await?;
            let mut errors = FormErrors::new();
            errors.add("avatar", problem.to_string());
            let html = AccountPage::for_user(page, user, errors).render()?;
            return Ok(forms::refused_image(&problem, html));
        }
    };
    let key = storage::new_key("avatars", "jpg");
    state
        .storage
        .put(&key, jpeg)
        .await
        .map_err(AppError::internal)?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let previous = service::set_avatar(&mut conn, current.id, &key).await?;
    if let Some(previous) = previous
        && let Err(error) = state.storage.delete(&previous).await
    {
        tracing::warn!(%error, key = %previous, "could not delete the previous avatar");
    }
    flash::push(&session, FlashKind::Success, "Your photo was updated.");
    Ok(forms::see_other("/account"))
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    email_password: String,
}

async fn change_email(
    req: HttpRequest,
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<EmailForm>,
) -> AppResult<HttpResponse> {
    let user = load_user(&state, current.id).await?;
    let mut errors = FormErrors::new();
    if let Some(new_email) = errors.check("new_email", EmailAddress::parse(&form.new_email)) {
        let mut conn = crate::db::connection(&state.pool).await?;
        let outcome = email_change::request(
            &mut conn,
            &user,
            &form.email_password,
            &new_email,
            &state.config.base_url,
            Some(&client_ip(&req)),
        )
        .await?;
        if let Err(refusal) = outcome {
            let (field, message) = refusal.field_message();
            errors.add(field, message);
        }
    }
    if !errors.is_empty() {
        return render(
            AccountPage {
                new_email: form.new_email.clone(),
                ..AccountPage::for_user(page, user, errors)
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // Said whether or not another account has the address (its owner was told instead).
    flash::push(
        &session,
        FlashKind::Info,
        format!(
            "We sent a confirmation link to {}. Your address changes once you open it.",
            form.new_email.trim()
        ),
    );
    Ok(forms::see_other("/account"))
}

#[derive(Template)]
#[template(path = "accounts/delete.html")]
struct DeletePage {
    page: PageContext,
    blockers: Vec<Blocker>,
    errors: FormErrors,
}

async fn show_delete(
    SignedIn(current): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let blockers = deletion::blockers(&mut conn, current.id).await?;
    let html = DeletePage {
        page,
        blockers,
        errors: FormErrors::new(),
    }
    .render()?;
    Ok(forms::html(StatusCode::OK, html))
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    password: String,
}

async fn delete(
    req: HttpRequest,
    SignedIn(current): SignedIn,
    identity: Identity,
    page: PageContext,
    state: web::Data<AppState>,
    form: web::Form<DeleteForm>,
) -> AppResult<HttpResponse> {
    let user = load_user(&state, current.id).await?;
    let mut conn = crate::db::connection(&state.pool).await?;
    let outcome =
        deletion::delete_account(&mut conn, &user, &form.password, Some(&client_ip(&req))).await?;
    let (blockers, errors, status) = match outcome {
        deletion::Outcome::Deleted { avatar_key } => {
            drop(conn);
            if let Some(key) = avatar_key
                && let Err(error) = state.storage.delete(&key).await
            {
                tracing::warn!(%error, %key, "could not delete the avatar of a deleted account");
            }
            identity.logout();
            return Ok(forms::see_other("/?account=deleted"));
        }
        deletion::Outcome::WrongPassword => {
            let mut errors = FormErrors::new();
            errors.add("password", WrongPassword::MESSAGE);
            let blockers = deletion::blockers(&mut conn, user.id).await?;
            (blockers, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        deletion::Outcome::Blocked(blockers) => {
            let mut errors = FormErrors::new();
            errors.add(
                "form",
                "Your account can't be deleted while you have stays or reservations ahead. \
                 Cancel them first (listed below), or delete your account once they are over.",
            );
            (blockers, errors, StatusCode::CONFLICT)
        }
    };
    let html = DeletePage {
        page,
        blockers,
        errors,
    }
    .render()?;
    Ok(forms::html(status, html))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account", web::get().to(show))
        .route("/account", web::post().to(update_profile))
        .route("/account/avatar", web::post().to(upload_avatar))
        .route("/account/email", web::post().to(change_email))
        .route("/account/delete", web::get().to(show_delete))
        .route("/account/delete", web::post().to(delete));
}
