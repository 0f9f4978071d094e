//! The signed-in user's own account, over the account page's services: `GET`/`PATCH`
//! `/api/v1/me` (the profile: name and bio), `PUT /api/v1/me/avatar` (a multipart upload with
//! the page's limits), `PUT /api/v1/me/host` (become a host) and `DELETE /api/v1/me` (delete
//! the account, with the password; refused while stays are ahead).

use actix_identity::Identity;
use actix_multipart::Multipart;
use actix_web::{
    HttpMessage, HttpRequest, HttpResponse, delete, get,
    http::{StatusCode, header},
    patch, put, web,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ProfileAnswer;
use crate::{
    accounts::{client_ip, deletion, service, upload},
    api::{ApiError, ApiResult, Json, Problem},
    images,
    service::Actor,
    web::AppState,
};

fn profile(user: crate::accounts::model::User) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(ProfileAnswer::from(user))
}

/// The signed-in user's account: profile, address and roles.
#[utoipa::path(
    operation_id = "me_show",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account", body = ProfileAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn show(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    Ok(profile(service::account(&mut conn, &actor).await?))
}

/// The profile fields to change, as the account page names them; a field left out keeps its
/// value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// 1 to 100 characters.
    #[schema(example = "Ana Lima")]
    pub name: Option<String>,
    /// At most 2000 characters; `""` clears it.
    #[schema(example = "I travel for food and long walks.")]
    pub bio: Option<String>,
}

/// Change the profile (name, bio) with the account page's rules.
#[utoipa::path(
    operation_id = "me_update",
    tag = "account",
    request_body = ProfileRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The account as saved", body = ProfileAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong or unknown (an email address changes through the account page's confirmation)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
async fn update(
    actor: Actor,
    state: web::Data<AppState>,
    body: Json<ProfileRequest>,
) -> ApiResult<HttpResponse> {
    let ProfileRequest { name, bio } = body.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let user = service::patch_profile(&mut conn, &actor, name.as_deref(), bio.as_deref()).await?;
    Ok(profile(user))
}

/// The avatar upload: one image file in the part named `avatar`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AvatarUpload {
    /// A JPEG, PNG, WebP or GIF of at most 10 MB and 40 megapixels; stored as a 256 × 256 JPEG.
    #[schema(value_type = String, format = Binary)]
    avatar: Vec<u8>,
}

/// Whether the request's body is `multipart/form-data`.
fn is_multipart(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == actix_web::mime::MULTIPART && mime.subtype() == actix_web::mime::FORM_DATA
    })
}

/// Replace the avatar: a multipart upload (part `avatar`) with the account page's limits
/// (size, pixels, uploads per hour).
#[utoipa::path(
    operation_id = "me_avatar_update",
    tag = "account",
    request_body(content = AvatarUpload, content_type = "multipart/form-data"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The account with its new avatar", body = ProfileAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `avatar` part, or not an image we can read", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many uploads in the last hour; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The image workers are busy; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[put("/me/avatar")]
async fn update_avatar(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    if !is_multipart(&req) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the image as multipart/form-data, in a part named `avatar`.",
        ));
    }
    // Read (bounded) before anything is refused, so that the client receives the answer.
    let upload = upload::read_avatar(payload)
        .await
        .and_then(|file| file.ok_or(images::ImageError::NotAnImage));
    service::set_avatar(&state.pool, &state.images, &state.storage, &actor, upload).await?;
    let mut conn = crate::db::connection(&state.pool).await?;
    Ok(profile(service::account(&mut conn, &actor).await?))
}

/// Become a host (the email address must be confirmed first). Doing it again changes nothing.
#[utoipa::path(
    operation_id = "me_become_host",
    tag = "account",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The account, now a host's", body = ProfileAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The address is not confirmed yet, or CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/host")]
async fn become_host(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    service::become_host(&mut conn, &actor).await?;
    Ok(profile(service::account(&mut conn, &actor).await?))
}

/// The password that confirms a deletion.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    pub password: String,
}

/// A stay or reservation that keeps the account from being deleted.
#[derive(Serialize, ToSchema)]
pub struct DeletionBlocker {
    pub booking_id: i64,
    /// `guest` (your stay) or `host` (a reservation of your listing).
    pub side: String,
    pub listing_title: String,
    pub check_in: chrono::NaiveDate,
    pub check_out: chrono::NaiveDate,
    pub status: String,
}

/// What stands in the way of deleting the account now: empty when nothing does.
#[derive(Serialize, ToSchema)]
pub struct DeletionAnswer {
    pub blockers: Vec<DeletionBlocker>,
}

/// The stays and reservations ahead that keep the account from being deleted (cancel them
/// first, or wait until they are over).
#[utoipa::path(
    operation_id = "me_deletion_blockers",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "What keeps the account", body = DeletionAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/deletion")]
async fn deletion_blockers(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let blockers = deletion::blockers(&mut conn, &actor).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(DeletionAnswer {
            blockers: blockers
                .into_iter()
                .map(|blocker| DeletionBlocker {
                    booking_id: blocker.booking_id,
                    side: match blocker.side {
                        deletion::Side::Guest => "guest".into(),
                        deletion::Side::Host => "host".into(),
                    },
                    listing_title: blocker.listing_title,
                    check_in: blocker.check_in,
                    check_out: blocker.check_out,
                    status: blocker.status.as_str().to_string(),
                })
                .collect(),
        }))
}

/// Delete the account after checking the password: personal details are erased, every session
/// ends. Refused with 409 while stays or reservations are ahead (`GET /me/deletion` lists them).
#[utoipa::path(
    operation_id = "me_delete",
    tag = "account",
    request_body = DeleteRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "The account is deleted and signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stays or reservations ahead keep the account", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password, or a field missing or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[delete("/me")]
async fn delete_account(
    req: HttpRequest,
    actor: Actor,
    identity: Option<Identity>,
    state: web::Data<AppState>,
    body: Json<DeleteRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    deletion::delete_account(
        &mut conn,
        &state.storage,
        &actor,
        &body.0.password,
        Some(&client_ip(&req)),
    )
    .await?;
    if let Some(identity) = identity {
        identity.logout();
    }
    Ok(HttpResponse::NoContent().finish())
}

pub(super) fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(show)
        .service(update)
        .service(update_avatar)
        .service(become_host)
        .service(deletion_blockers)
        .service(delete_account);
}
