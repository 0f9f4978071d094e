//! `GET /media/{key}`: uploaded files from the storage. Keys are unique per upload (a new
//! avatar gets a new key), so responses may be cached for a year.

use actix_web::{HttpResponse, web};

use crate::{errors::AppError, storage, web::AppState};

pub async fn serve(
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = key.into_inner();
    if !storage::is_valid_key(&key) {
        return Err(AppError::NotFound);
    }
    let bytes = state
        .storage
        .get(&key)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let content_type = mime_guess::from_path(&key).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(content_type.as_ref())
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .body(bytes))
}
