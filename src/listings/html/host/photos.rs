//! `/host/listings/{id}/photos`: upload several photos at once, reorder them, choose the cover,
//! delete. The buttons are plain forms; with htmx they swap the photo grid in place (htmx
//! requests get just the grid fragment).

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::{connection, door};
use crate::{
    errors::AppError,
    images::ImageError,
    listings::{
        model::Listing,
        multipart,
        photos::Photo,
        service::photos::{self as photo_service, Direction},
    },
    service::{Actor, ListingId, PhotoId, ServiceError},
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

fn photos_url(listing_id: ListingId) -> String {
    format!("/host/listings/{listing_id}/photos")
}

/// The photos page of the actor's listing, with `errors` beside the file field.
async fn page_html(
    req: &HttpRequest,
    actor: &Actor,
    state: &AppState,
    page: PageContext,
    listing_id: ListingId,
    errors: FormErrors,
) -> actix_web::Result<String> {
    let mut conn = connection(state).await?;
    let (listing, photos) = photo_service::page(&mut conn, actor, listing_id)
        .await
        .map_err(door(req))?;
    drop(conn);
    let html = PhotosPage {
        page,
        listing,
        photos,
        errors,
        tab: "photos",
        notice: String::new(),
        problem: String::new(),
    }
    .render()
    .map_err(AppError::from)?;
    Ok(html)
}

async fn show(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
) -> actix_web::Result<HttpResponse> {
    let html = page_html(
        &req,
        &actor,
        &state,
        page,
        path.into_inner(),
        FormErrors::new(),
    )
    .await?;
    Ok(forms::html(StatusCode::OK, html))
}

/// The image problem behind an upload's refusal, which decides the answer's status (413, 429
/// and 503 with `Retry-After`; 422 otherwise), and the message beside the file field.
fn upload_refusal(error: &ServiceError) -> Option<(Option<ImageError>, String)> {
    match error {
        ServiceError::TooLarge(fields) => Some((
            Some(ImageError::TooLarge),
            fields.get(photo_service::FIELD)?.to_string(),
        )),
        ServiceError::TooManyAttempts { retry_after_secs } => {
            let problem = ImageError::Throttled {
                retry_after_secs: *retry_after_secs,
            };
            let message = problem.to_string();
            Some((Some(problem), message))
        }
        ServiceError::Unavailable { reason, .. } if reason == &ImageError::Busy.to_string() => {
            Some((Some(ImageError::Busy), reason.clone()))
        }
        ServiceError::Invalid(fields) => {
            Some((None, fields.get(photo_service::FIELD)?.to_string()))
        }
        _ => None,
    }
}

async fn upload(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
    payload: Multipart,
) -> actix_web::Result<HttpResponse> {
    let listing_id = path.into_inner();
    // The body is read (bounded) first, so that a refusal reaches the browser as an answer
    // rather than as a reset connection.
    let files = multipart::read(payload).await;
    let uploaded = photo_service::upload(
        &state.pool,
        &state.images,
        &state.storage,
        &actor,
        listing_id,
        files,
    )
    .await;
    let count = match uploaded {
        Ok(added) => added.len(),
        Err(error) => {
            let Some((problem, message)) = upload_refusal(&error) else {
                return Err(door(&req)(error));
            };
            let mut errors = FormErrors::new();
            errors.add(photo_service::FIELD, message);
            let html = page_html(&req, &actor, &state, page, listing_id, errors).await?;
            return Ok(match problem {
                Some(problem) => forms::refused_image(&problem, html),
                None => forms::html(StatusCode::UNPROCESSABLE_ENTITY, html),
            });
        }
    };
    let message = match count {
        1 => "Your photo was added.".to_string(),
        n => format!("{n} photos were added."),
    };
    flash::push(&session, FlashKind::Success, message);
    Ok(forms::see_other(&photos_url(listing_id)))
}

/// The answer to a change: the grid fragment for htmx, else a redirect with a flash message.
/// A refusal that is not about the photos (someone else's listing, …) is the door's.
async fn answer(
    req: &HttpRequest,
    actor: &Actor,
    page: PageContext,
    session: &Session,
    state: &AppState,
    listing_id: ListingId,
    outcome: Result<&str, ServiceError>,
) -> actix_web::Result<HttpResponse> {
    let outcome = match outcome {
        Ok(notice) => Ok(notice),
        Err(ServiceError::Conflict(problem)) => Err(problem),
        Err(error) => return Err(door(req)(error)),
    };
    if !is_htmx(req) {
        match &outcome {
            Ok(notice) => flash::push(session, FlashKind::Success, *notice),
            Err(problem) => flash::push(session, FlashKind::Error, problem.as_str()),
        }
        return Ok(forms::see_other(&photos_url(listing_id)));
    }
    let mut conn = connection(state).await?;
    // The cover may have changed: the grid shows the stored one.
    let (listing, photos) = photo_service::page(&mut conn, actor, listing_id)
        .await
        .map_err(door(req))?;
    drop(conn);
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
    .render()
    .map_err(AppError::from)?;
    Ok(forms::html(status, html))
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_photo(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, PhotoId)>,
    form: web::Form<MoveForm>,
) -> actix_web::Result<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = connection(&state).await?;
    let Some(direction) = Direction::parse(&form.direction) else {
        // Who is acting is checked before the form is judged.
        photo_service::page(&mut conn, &actor, listing_id)
            .await
            .map_err(door(&req))?;
        return Err(AppError::BadRequest("Move a photo up or down.".into()).into());
    };
    let moved = photo_service::move_photo(&mut conn, &actor, listing_id, photo_id, direction).await;
    drop(conn);
    let outcome = moved.map(|()| "The photo was moved.");
    answer(&req, &actor, page, &session, &state, listing_id, outcome).await
}

async fn set_cover(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, PhotoId)>,
) -> actix_web::Result<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = connection(&state).await?;
    let changed = photo_service::set_cover(&mut conn, &actor, listing_id, photo_id).await;
    drop(conn);
    let outcome = changed.map(|()| "The cover photo was changed.");
    answer(&req, &actor, page, &session, &state, listing_id, outcome).await
}

async fn delete(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, PhotoId)>,
) -> actix_web::Result<HttpResponse> {
    let (listing_id, photo_id) = path.into_inner();
    let mut conn = connection(&state).await?;
    let deleted =
        photo_service::delete(&mut conn, &state.storage, &actor, listing_id, photo_id).await;
    drop(conn);
    let outcome = deleted.map(|()| "The photo was deleted.");
    answer(&req, &actor, page, &session, &state, listing_id, outcome).await
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
