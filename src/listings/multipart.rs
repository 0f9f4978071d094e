//! Reading the photos of a multipart upload (field `photos`): the doors' part of the photo
//! pipeline, the same for the pages and the JSON API. Each file is limited to
//! [`images::MAX_UPLOAD_BYTES`] while it streams in, and at most [`MAX_FILES`] are taken; the
//! bytes then go to [`crate::listings::service::photos::upload`].

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::{
    images::{self, ImageError},
    listings::uploads::{MAX_FILES, UploadError, UploadedFile},
};

/// The multipart field that carries the photos (also the field of the page's messages).
pub const FIELD: &str = "photos";
/// Bytes read and dropped after a refusal, so that the browser gets the answer rather than a
/// reset connection; beyond this the connection is cut.
const DRAIN_BUDGET: usize = 8 * images::MAX_UPLOAD_BYTES;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_only_for_messages() {
        assert_eq!(display_name(Some("C:\\photos\\beach.jpg")), "beach.jpg");
        assert_eq!(display_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(display_name(None), "The file");
    }
}
