//! The listing photo pipeline, from bytes: files of at most [`images::MAX_UPLOAD_BYTES`] and
//! [`images::MAX_PIXELS`] (read from the request by the door, e.g. the HTML door's multipart
//! reader), decoded on the bounded image pool (neither the file name nor the declared type is
//! trusted) and re-encoded as JPEG, which drops EXIF and anything hidden in the file: a large
//! version and a thumbnail, stored under keys the server picks. An upload is all or nothing,
//! and counts against the host's upload limit ([`crate::throttle::UPLOADS_PER_USER`]); see
//! [`super::service::photos::upload`].

use super::photos::{LARGE_SIZE, NewPhoto, THUMB_SIZE};
use crate::{
    images::{self, ImageError, pool::ImagePool},
    service::{ServiceError, ServiceResult},
    storage::{self, Storage},
};

/// Most files in one upload.
pub const MAX_FILES: usize = 10;
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
) -> ServiceResult<Result<Vec<ProcessedPhoto>, UploadError>> {
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
pub async fn store(
    storage: &Storage,
    processed: Vec<ProcessedPhoto>,
) -> ServiceResult<Vec<NewPhoto>> {
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
            return Err(ServiceError::internal(error));
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
