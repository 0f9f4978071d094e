//! Listing photo uploads: several files in one multipart request (field `photos`), each limited
//! to [`images::MAX_UPLOAD_BYTES`] and to [`images::MAX_PIXELS`], decoded on the bounded image
//! pool (neither the file name nor the declared type is trusted) and re-encoded as JPEG, which
//! drops EXIF and anything hidden in the file: a large version and a thumbnail, stored under
//! keys the server picks. An upload is all or nothing, and counts against the host's upload
//! limit ([`crate::throttle::UPLOADS_PER_USER`]).

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::photos::{LARGE_SIZE, NewPhoto, THUMB_SIZE};
use crate::{
    errors::{AppError, AppResult},
    images::{self, ImageError, pool::ImagePool},
    storage::{self, Storage},
};

/// The multipart field that carries the photos.
pub const FIELD: &str = "photos";
/// Most files in one upload.
pub const MAX_FILES: usize = 10;
/// Bytes read and dropped after a refusal, so that the browser gets the answer rather than a
/// reset connection; beyond this the connection is cut.
const DRAIN_BUDGET: usize = 8 * images::MAX_UPLOAD_BYTES;

/// A file as received.
pub struct UploadedFile {
    /// The name the browser gave (for messages only, never for storage).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A photo ready to store.
pub struct ProcessedPhoto {
    pub image: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("Choose one or more photos to upload.")]
    Empty,
    #[error("Upload at most {MAX_FILES} photos at a time.")]
    TooManyFiles,
    #[error("{name}: {problem}")]
    Image { name: String, problem: ImageError },
    /// Not about one file: the pool is busy, or the host uploaded too much.
    #[error("{0}")]
    Whole(ImageError),
    /// Refused by the listing's rules (no room left for that many photos, …).
    #[error("{0}")]
    Refused(String),
}

impl UploadError {
    /// The image problem behind the refusal, if any (it decides the answer's status).
    pub fn problem(&self) -> Option<&ImageError> {
        match self {
            UploadError::Image { problem, .. } | UploadError::Whole(problem) => Some(problem),
            UploadError::Empty | UploadError::TooManyFiles | UploadError::Refused(_) => None,
        }
    }
}

fn display_name(raw: Option<&str>) -> String {
    let name = raw
        .and_then(|name| name.rsplit(['/', '\\']).next())
        .map(|name| {
            name.chars()
                .filter(|c| !c.is_control())
                .take(80)
                .collect::<String>()
        })
        .unwrap_or_default();
    if name.is_empty() {
        "The file".into()
    } else {
        name
    }
}

/// Reads the `photos` files of a multipart body, refusing any file over the size limit.
pub async fn read(mut payload: Multipart) -> Result<Vec<UploadedFile>, UploadError> {
    let mut files = Vec::new();
    let mut refusal: Option<UploadError> = None;
    let mut drained = 0usize;
    while let Some(Ok(mut field)) = payload.next().await {
        let name = display_name(field.content_disposition().and_then(|cd| cd.get_filename()));
        let is_photo = field.name() == Some(FIELD);
        if is_photo && refusal.is_none() && files.len() == MAX_FILES {
            refusal = Some(UploadError::TooManyFiles);
        }
        let wanted = is_photo && refusal.is_none();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else { break };
            if wanted && refusal.is_none() && bytes.len() + chunk.len() <= images::MAX_UPLOAD_BYTES
            {
                bytes.extend_from_slice(&chunk);
                continue;
            }
            if wanted && refusal.is_none() {
                refusal = Some(UploadError::Image {
                    name: name.clone(),
                    problem: ImageError::TooLarge,
                });
            }
            drained += chunk.len();
            if drained > DRAIN_BUDGET {
                break;
            }
        }
        if drained > DRAIN_BUDGET {
            break;
        }
        // A form submitted without a file sends an empty, nameless part.
        if wanted && refusal.is_none() && !bytes.is_empty() {
            files.push(UploadedFile { name, bytes });
        }
    }
    match refusal {
        Some(refusal) => Err(refusal),
        None if files.is_empty() => Err(UploadError::Empty),
        None => Ok(files),
    }
}

fn process_one(bytes: &[u8]) -> Result<ProcessedPhoto, ImageError> {
    let image = images::decode(bytes)?;
    let large = images::fit(image, LARGE_SIZE.0, LARGE_SIZE.1);
    let thumb = images::fit(large.clone(), THUMB_SIZE.0, THUMB_SIZE.1);
    let encode = |image| images::to_jpeg(image).map_err(|_| ImageError::NotAnImage);
    Ok(ProcessedPhoto {
        image: encode(&large)?,
        thumb: encode(&thumb)?,
        width: large.width(),
        height: large.height(),
    })
}

/// Decodes and re-encodes every file, one after the other in one slot of the image pool (one
/// decoded image in memory at a time); the first bad file refuses all.
pub async fn process(
    pool: &ImagePool,
    files: Vec<UploadedFile>,
) -> AppResult<Result<Vec<ProcessedPhoto>, UploadError>> {
    let processed = pool
        .run(move || {
            files
                .into_iter()
                .map(|file| {
                    process_one(&file.bytes).map_err(|problem| UploadError::Image {
                        name: file.name,
                        problem,
                    })
                })
                .collect()
        })
        .await?;
    Ok(processed.unwrap_or(Err(UploadError::Whole(ImageError::Busy))))
}

/// Stores each photo's two files under fresh keys; on failure removes what was stored.
pub async fn store(storage: &Storage, processed: Vec<ProcessedPhoto>) -> AppResult<Vec<NewPhoto>> {
    let mut stored = Vec::with_capacity(processed.len());
    for photo in processed {
        let new = NewPhoto {
            image_key: storage::new_key("listings", "jpg"),
            thumb_key: storage::new_key("listings", "jpg"),
            width: photo.width as i32,
            height: photo.height as i32,
        };
        let put = async {
            storage.put(&new.image_key, photo.image).await?;
            storage.put(&new.thumb_key, photo.thumb).await
        };
        let failed = put.await.err();
        stored.push(new);
        if let Some(error) = failed {
            remove(storage, &stored).await;
            return Err(AppError::internal(error));
        }
    }
    Ok(stored)
}

/// Deletes the files of stored photos (best effort: a leftover file is logged, not fatal).
pub async fn remove(storage: &Storage, photos: &[NewPhoto]) {
    remove_keys(
        storage,
        photos.iter().flat_map(|p| [&p.image_key, &p.thumb_key]),
    )
    .await;
}

/// Deletes files by key (best effort, like [`remove`]).
pub async fn remove_keys<'a>(storage: &Storage, keys: impl IntoIterator<Item = &'a String>) {
    for key in keys {
        if let Err(error) = storage.delete(key).await {
            tracing::warn!(%error, %key, "could not delete a photo file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_only_for_messages() {
        assert_eq!(display_name(Some("C:\\photos\\beach.jpg")), "beach.jpg");
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(None), "The file");
    }

    #[test]
    fn a_large_photo_is_scaled_to_fit_and_gets_a_thumbnail() {
        let image = image::DynamicImage::new_rgb8(3200, 1200);
        let mut png = std::io::Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let photo = process_one(&png.into_inner()).unwrap();
        assert_eq!((photo.width, photo.height), (1600, 600));
        assert_eq!(&photo.image[..2], &[0xFF, 0xD8]);
        let thumb = images::decode(&photo.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 180));
    }
}
