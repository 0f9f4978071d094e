//! `/host/listings/{id}/photos`: upload several photos at once, reorder them, choose the cover,
//! delete. The buttons are plain forms; with htmx they swap the photo grid in place (htmx
//! requests get just the grid fragment).

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::{Host, owned};
use crate::{
    errors::{AppError, AppResult},
    images::ImageError,
    listings::{
        model::Listing,
        photos::{self, Photo},
        service::photos::{self as photo_service, Direction},
        uploads::{self, UploadError},
    },
    throttle,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        is_htmx,
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "listings/host/photos.html")]
struct PhotosPage {
    page: PageContext,
    listing: Listing,
    photos: Vec<Photo>,
    errors: FormErrors,
    tab: &'static str,
    notice: String,
    problem: String,
}

/// The photo grid alone, for htmx swaps; `notice` and `problem` say what just happened.
#[derive(Template)]
#[template(path = "listings/host/photo_grid.html")]
struct PhotoGrid {
    page: PageContext,
    listing: Listing,
    photos: Vec<Photo>,
    notice: String,
    problem: String,
}

fn photos_url(listing: &Listing) -> String {
    format!("/host/listings/{}/photos", listing.id)
}

async fn page_html(
    state: &AppState,
    page: PageContext,
    listing: Listing,
    errors: FormErrors,
) -> AppResult<String> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let photos = photos::for_listing(&mut conn, listing.id).await?;
    drop(conn);
    Ok(PhotosPage {
        page,
        listing,
        photos,
        errors,
        tab: "photos",
        notice: String::new(),
        problem: String::new(),
    }
    .render()?)
}

async fn show(
    Host(host): Host,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    drop(conn);
    let html = page_html(&state, page, listing, FormErrors::new()).await?;
    Ok(forms::html(StatusCode::OK, html))
}

/// Re-renders the page with a message next to the file field.
async fn refuse(
    state: &AppState,
    page: PageContext,
    listing: Listing,
    refusal: UploadError,
) -> AppResult<HttpResponse> {
    let mut errors = FormErrors::new();
    errors.add("photos", refusal.to_string());
    let html = page_html(state, page, listing, errors).await?;
    Ok(match refusal.problem() {
        Some(problem) => forms::refused_image(problem, html),
        None => forms::html(StatusCode::UNPROCESSABLE_ENTITY, html),
    })
}

/// Reads and processes the photos of an upload, after counting it against the host's limit.
async fn process(
    state: &AppState,
    host_id: i64,
    listing_id: i64,
    payload: Multipart,
) -> AppResult<Result<Vec<uploads::ProcessedPhoto>, UploadError>> {
    // The body is read (bounded) first, so that a refusal reaches the browser as an answer
    // rather than as a reset connection.
    let read = uploads::read(payload).await;
    let mut conn = crate::db::connection(&state.pool).await?;
    let admitted = throttle::hit_upload(&mut conn, host_id).await?;
    let room = photo_service::room_left(&mut conn, listing_id).await?;
    drop(conn);
    if let Err(retry_after_secs) = admitted {
        let problem = ImageError::Throttled { retry_after_secs };
        return Ok(Err(UploadError::Whole(problem)));
    }
    match read {
        Ok(files) if files.len() > room => Ok(Err(UploadError::Refused(
            photo_service::PhotoRefusal::TooMany { room }.message(),
        ))),
        Ok(files) => uploads::process(&state.images, files).await,
        Err(error) => Ok(Err(error)),
    }
}

async fn upload(
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    drop(conn);
    let processed = match process(&state, host.id, listing.id, payload).await? {
        Ok(processed) => processed,
        Err(refusal) => return refuse(&state, page, listing, refusal).await,
    };
    let count = processed.len();
    let new = uploads::store(&state.storage, processed).await?;
    let mut conn = crate::db::connection(&state.pool).await?;
    match photo_service::add(&mut conn, listing.id, &new).await {
        Ok(Ok(())) => {}
        Ok(Err(refusal)) => {
            uploads::remove(&state.storage, &new).await;
            let refusal = UploadError::Refused(refusal.message());
            return refuse(&state, page, listing, refusal).await;
        }
        Err(error) => {
            uploads::remove(&state.storage, &new).await;
            return Err(error);
        }
    }
    let message = match count {
        1 => "Your photo was added.".to_string(),
        n => format!("{n} photos were added."),
    };
    flash::push(&session, FlashKind::Success, message);
    Ok(forms::see_other(&photos_url(&listing)))
}

/// The answer to a change: the grid fragment for htmx, else a redirect with a flash message.
async fn answer(
    req: &HttpRequest,
    page: PageContext,
    session: &Session,
    state: &AppState,
    listing: Listing,
    outcome: Result<&str, String>,
) -> AppResult<HttpResponse> {
    if !is_htmx(req) {
        match &outcome {
            Ok(notice) => flash::push(session, FlashKind::Success, *notice),
            Err(problem) => flash::push(session, FlashKind::Error, problem.as_str()),
        }
        return Ok(forms::see_other(&photos_url(&listing)));
    }
    let mut conn = crate::db::connection(&state.pool).await?;
    let photos = photos::for_listing(&mut conn, listing.id).await?;
    let status = if outcome.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let (notice, problem) = match outcome {
        Ok(notice) => (notice.to_string(), String::new()),
        Err(problem) => (String::new(), problem),
    };
    let html = PhotoGrid {
        page,
        listing,
        photos,
        notice,
        problem,
    }
    .render()?;
    Ok(forms::html(status, html))
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_photo(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, listing_id, &host).await?;
    let direction = Direction::parse(&form.direction)
        .ok_or_else(|| AppError::BadRequest("Move a photo up or down.".into()))?;
    photo_service::move_photo(&mut conn, listing.id, photo_id, direction).await?;
    drop(conn);
    answer(
        &req,
        page,
        &session,
        &state,
        listing,
        Ok("The photo was moved."),
    )
    .await
}

async fn set_cover(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let mut listing = owned(&mut conn, listing_id, &host).await?;
    photo_service::set_cover(&mut conn, listing.id, photo_id).await?;
    drop(conn);
    listing.cover_photo_id = Some(photo_id);
    answer(
        &req,
        page,
        &session,
        &state,
        listing,
        Ok("The cover photo was changed."),
    )
    .await
}

async fn delete(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, listing_id, &host).await?;
    let outcome = photo_service::delete(&mut conn, listing.id, photo_id).await?;
    // The cover may have changed: the grid shows the stored one.
    let listing = owned(&mut conn, listing.id, &host).await?;
    drop(conn);
    let outcome = match outcome {
        Ok(photo) => {
            uploads::remove_keys(&state.storage, [&photo.image_key, &photo.thumb_key]).await;
            Ok("The photo was deleted.")
        }
        Err(refusal) => Err(refusal.message()),
    };
    answer(&req, page, &session, &state, listing, outcome).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/listings/{id}/photos", web::get().to(show))
        .route("/host/listings/{id}/photos", web::post().to(upload))
        .route(
            "/host/listings/{id}/photos/{photo_id}/move",
            web::post().to(move_photo),
        )
        .route(
            "/host/listings/{id}/photos/{photo_id}/cover",
            web::post().to(set_cover),
        )
        .route(
            "/host/listings/{id}/photos/{photo_id}/delete",
            web::post().to(delete),
        );
}
