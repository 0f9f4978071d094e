//! `/api/v1/host/listings/{id}/photos…`: a host's listing's photos. Uploading several at once
//! is a `multipart/form-data` body with one `photos` part per file, read by the pages' own
//! reader ([`crate::listings::multipart`]: the same size and count limits) and processed by the
//! same service; then the order, the cover and deletion.

use actix_multipart::Multipart;
use actix_web::{
    HttpMessage, HttpRequest, HttpResponse, delete, get, http::StatusCode, http::header, post, put,
    web,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{listing_url, media_url, private};
use crate::{
    api::{ApiError, ApiResult, Json, Problem, responses::BodyProblems},
    listings::{multipart, photos::Photo, service::photos as photo_service},
    service::{Actor, ListingId, PhotoId},
    web::AppState,
};

/// A photo of a listing.
#[derive(Serialize, ToSchema)]
pub struct HostPhoto {
    pub id: i64,
    /// Up to 1600 × 1200 pixels, JPEG.
    pub url: String,
    /// Up to 480 × 360 pixels, JPEG.
    pub thumbnail_url: String,
    pub width: i32,
    pub height: i32,
    /// 0 first.
    pub position: i32,
    pub caption: String,
    /// Shown first, on cards and the listing's page.
    pub is_cover: bool,
}

impl HostPhoto {
    pub fn new(photo: &Photo, cover: Option<i64>) -> Self {
        HostPhoto {
            id: photo.id,
            url: media_url(&photo.image_key),
            thumbnail_url: media_url(&photo.thumb_key),
            width: photo.width,
            height: photo.height,
            position: photo.position,
            caption: photo.caption.clone(),
            is_cover: cover == Some(photo.id),
        }
    }
}

/// A listing's photos, in their order.
#[derive(Serialize, ToSchema)]
pub struct HostPhotosAnswer {
    pub listing_id: i64,
    pub cover_photo_id: Option<i64>,
    pub photos: Vec<HostPhoto>,
    /// After an upload: the ids of the photos it added, in their order (else empty).
    pub added: Vec<i64>,
}

/// The body of an upload (documentation only: the parts are read as they stream in).
#[derive(ToSchema)]
#[allow(dead_code)] // It describes the multipart body in the OpenAPI document only.
pub struct HostPhotoUpload {
    /// One part per photo (JPEG, PNG, WebP or GIF): at most 10 parts, each at most 10 MiB
    /// and 40 megapixels. The file name is only used in messages.
    #[schema(value_type = Vec<String>, content_media_type = "application/octet-stream")]
    photos: Vec<Vec<u8>>,
}

/// The listing's photos as they are now (`added`: what an upload just added).
async fn answer(
    state: &AppState,
    actor: &Actor,
    listing_id: ListingId,
    added: Vec<i64>,
    builder: actix_web::HttpResponseBuilder,
) -> ApiResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let (listing, photos) = photo_service::page(&mut conn, actor, listing_id).await?;
    let cover = listing.cover_photo_id;
    Ok(private(
        builder,
        &HostPhotosAnswer {
            listing_id: listing.id.get(),
            cover_photo_id: cover,
            photos: photos
                .iter()
                .map(|photo| HostPhoto::new(photo, cover))
                .collect(),
            added,
        },
    ))
}

/// The photos of one of the signed-in host's listings, in their order.
#[utoipa::path(
    operation_id = "host_photos",
    tag = "host",
    security(("session" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The photos", body = HostPhotosAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your own listing, but you are not a host with a confirmed address, or you are suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/host/listings/{id}/photos")]
async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
) -> ApiResult<HttpResponse> {
    answer(
        &state,
        &actor,
        id.into_inner(),
        Vec::new(),
        HttpResponse::Ok(),
    )
    .await
}

/// Adds photos to the listing, several at once, after its others; the first photo of a
/// listing becomes its cover. All or nothing: one bad file refuses the upload.
#[utoipa::path(
    operation_id = "host_photos_upload",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    request_body(content = HostPhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added; the listing's photos now", body = HostPhotosAnswer,
            headers(("Location" = String, description = "The listing's photos"))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file is over 10 MiB; `errors` names it on `photos`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No photo, more than 10, no room left on the listing (40 at most), a file that is not an image or over 40 megapixels: see `errors` on `photos`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many uploads this hour; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "The image workers are busy; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/host/listings/{id}/photos")]
async fn upload(
    req: HttpRequest,
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    let listing_id = id.into_inner();
    if !req
        .content_type()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the photos as multipart/form-data, one `photos` part per file.",
        ));
    }
    // Read (bounded) before answering, so that a refusal reaches the client as an answer.
    let files = multipart::read(payload).await;
    let added = photo_service::upload(
        &state.pool,
        &state.images,
        &state.storage,
        &actor,
        listing_id,
        files,
    )
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((
        header::LOCATION,
        format!("{}/photos", listing_url(listing_id)),
    ));
    let added = added.iter().map(|photo| photo.id).collect();
    answer(&state, &actor, listing_id, added, created).await
}

/// A new order of a listing's photos.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostPhotoOrder {
    /// Every photo of the listing, once, first first.
    #[schema(example = json!([12, 10, 11]))]
    pub photo_ids: Vec<i64>,
}

/// Puts the listing's photos in a new order.
#[utoipa::path(
    operation_id = "host_photos_reorder",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The listing's id")),
    request_body = HostPhotoOrder,
    responses(
        BodyProblems,
        (status = 200, description = "Reordered", body = HostPhotosAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`photo_ids` does not name every photo of the listing once, or a field is unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/host/listings/{id}/photos/order")]
async fn reorder(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<ListingId>,
    body: Json<HostPhotoOrder>,
) -> ApiResult<HttpResponse> {
    let listing_id = id.into_inner();
    let order: Vec<PhotoId> = body.0.photo_ids.into_iter().map(PhotoId::new).collect();
    let mut conn = crate::db::connection(&state.pool).await?;
    photo_service::reorder(&mut conn, &actor, listing_id, &order).await?;
    drop(conn);
    answer(&state, &actor, listing_id, Vec::new(), HttpResponse::Ok()).await
}

/// Makes a photo the listing's cover.
#[utoipa::path(
    operation_id = "host_photo_cover",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("photo_id" = i64, Path, description = "The photo's id"),
    ),
    responses(
        (status = 200, description = "The cover is changed", body = HostPhotosAnswer),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such photo of a listing of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/host/listings/{id}/photos/{photo_id}/cover")]
async fn set_cover(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, PhotoId)>,
) -> ApiResult<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    photo_service::set_cover(&mut conn, &actor, listing_id, photo_id).await?;
    drop(conn);
    answer(&state, &actor, listing_id, Vec::new(), HttpResponse::Ok()).await
}

/// Deletes a photo and its files; the next photo becomes the cover if it was.
#[utoipa::path(
    operation_id = "host_photo_delete",
    tag = "host",
    security(("session" = [], "csrf" = [])),
    params(
        ("id" = i64, Path, description = "The listing's id"),
        ("photo_id" = i64, Path, description = "The photo's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "CSRF token missing or wrong; not a host with a confirmed address; suspended", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such photo of a listing of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last photo of a published listing stays", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/host/listings/{id}/photos/{photo_id}")]
async fn remove(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, PhotoId)>,
) -> ApiResult<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    photo_service::delete(&mut conn, &state.storage, &actor, listing_id, photo_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(upload)
        .service(reorder)
        .service(set_cover)
        .service(remove);
}
