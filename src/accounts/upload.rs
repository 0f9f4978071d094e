//! Reading the avatar of a multipart body (field `avatar`), bounded by the image size limit:
//! the HTTP part of an avatar upload, the same for the account page and the JSON API. The
//! rules (the upload limit, decoding, storage) are `service::set_avatar`'s.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::images;

/// Reads the `avatar` part of a multipart body, refusing more than the size limit.
pub async fn read_avatar(mut payload: Multipart) -> Result<Option<Vec<u8>>, images::ImageError> {
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
