//! The account page: profile (name, bio, avatar), email address change, account deletion.

use actix_identity::Identity;
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    accounts::{
        SignedIn, client_ip,
        deletion::{self, Blocker},
        domain::EmailAddress,
        email_change,
        forms::ProfileForm,
        model::{self, User},
        service,
    },
    errors::AppResult,
    images,
    service::{Actor, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

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
        crate::accounts::initial_of(&self.user.name)
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

async fn load_user(state: &AppState, actor: &Actor) -> AppResult<User> {
    let mut conn = crate::db::connection(&state.pool).await?;
    Ok(service::account(&mut conn, actor).await?)
}

fn render(page: AccountPage, status: StatusCode) -> AppResult<HttpResponse> {
    Ok(forms::html(status, page.render()?))
}

async fn show(
    SignedIn(current): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let user = load_user(&state, &current.actor()).await?;
    render(
        AccountPage::for_user(page, user, FormErrors::new()),
        StatusCode::OK,
    )
}

async fn update_profile(
    SignedIn(current): SignedIn,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let actor = current.actor();
    let outcome = match form.parse() {
        Ok(profile) => {
            let mut conn = crate::db::connection(&state.pool).await?;
            service::update_profile(&mut conn, &actor, &profile).await
        }
        Err(errors) => Err(ServiceError::Invalid(errors)),
    };
    match outcome {
        Ok(()) => {
            flash::push(&session, FlashKind::Success, "Your profile was saved.");
            Ok(forms::see_other("/account"))
        }
        Err(ServiceError::Invalid(errors)) => {
            let user = load_user(&state, &actor).await?;
            render(
                AccountPage {
                    page,
                    user,
                    name: form.name,
                    bio: form.bio,
                    new_email: String::new(),
                    errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

/// The avatar refusals the account page shows beside the field, with the status (and
/// `Retry-After`) of the matching image problem; anything else is an error page.
fn avatar_problem(error: &ServiceError) -> Option<(images::ImageError, String)> {
    use images::ImageError;
    let problem = match error {
        ServiceError::TooLarge(_) => ImageError::TooLarge,
        ServiceError::TooManyAttempts { retry_after_secs } => ImageError::Throttled {
            retry_after_secs: *retry_after_secs,
        },
        ServiceError::Unavailable { reason, .. } if *reason == ImageError::Busy.to_string() => {
            ImageError::Busy
        }
        ServiceError::Invalid(_) => ImageError::NotAnImage,
        _ => return None,
    };
    let message = error
        .fields()
        .and_then(|fields| fields.get("avatar"))
        .map(str::to_string)
        .unwrap_or_else(|| problem.to_string());
    Some((problem, message))
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
    let upload = crate::accounts::upload::read_avatar(payload)
        .await
        .and_then(|file| file.ok_or(images::ImageError::NotAnImage));
    let actor = current.actor();
    let outcome =
        service::set_avatar(&state.pool, &state.images, &state.storage, &actor, upload).await;
    match outcome {
        Ok(()) => {
            flash::push(&session, FlashKind::Success, "Your photo was updated.");
            Ok(forms::see_other("/account"))
        }
        Err(error) => {
            let Some((problem, message)) = avatar_problem(&error) else {
                return Err(error.into());
            };
            let user = load_user(&state, &actor).await?;
            let mut errors = FormErrors::new();
            errors.add("avatar", message);
            let html = AccountPage::for_user(page, user, errors).render()?;
            Ok(forms::refused_image(&problem, html))
        }
    }
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
    let actor = current.actor();
    let outcome = match EmailAddress::parse(&form.new_email) {
        Ok(new_email) => {
            let mut conn = crate::db::connection(&state.pool).await?;
            email_change::request(
                &mut conn,
                &actor,
                &form.email_password,
                &new_email,
                &state.config.base_url,
                Some(&client_ip(&req)),
            )
            .await
        }
        Err(message) => Err(ServiceError::invalid("new_email", message)),
    };
    match outcome {
        Ok(()) => {
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
        Err(ServiceError::Invalid(errors)) => {
            let user = load_user(&state, &actor).await?;
            render(
                AccountPage {
                    new_email: form.new_email.clone(),
                    ..AccountPage::for_user(page, user, errors)
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
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
    let blockers = deletion::blockers(&mut conn, &current.actor()).await?;
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
    let actor = current.actor();
    let mut conn = crate::db::connection(&state.pool).await?;
    let outcome = deletion::delete_account(
        &mut conn,
        &state.storage,
        &actor,
        &form.password,
        Some(&client_ip(&req)),
    )
    .await;
    let (errors, status) = match outcome {
        Ok(()) => {
            identity.logout();
            return Ok(forms::see_other("/?account=deleted"));
        }
        Err(ServiceError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(ServiceError::Conflict(message)) => {
            (FormErrors::one("form", message), StatusCode::CONFLICT)
        }
        Err(other) => return Err(other.into()),
    };
    let blockers = deletion::blockers(&mut conn, &actor).await?;
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
