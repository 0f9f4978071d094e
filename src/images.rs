//! Uploaded images: decoded to prove they are images (the extension and the declared type are
//! not trusted), bounded in size and pixels, and re-encoded, which drops EXIF and anything
//! else hidden in the file.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits, imageops::FilterType};

/// Largest accepted upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
const MAX_DIMENSION: u32 = 12_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("The file is larger than 10 MB. Please choose a smaller image.")]
    TooLarge,
    #[error("This file is not an image we can read. Use a JPEG, PNG, WebP or GIF photo.")]
    NotAnImage,
    #[error("The image is too large in pixels (at most 12000 × 12000).")]
    TooManyPixels,
}

/// Decodes `bytes` as a JPEG, PNG, WebP or GIF image (CPU-bound: call on a blocking thread).
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) => {}
        _ => return Err(ImageError::NotAnImage),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::NotAnImage,
    })
}

/// Encodes as JPEG (quality 85), flattening any transparency onto white.
pub fn to_jpeg(image: &DynamicImage) -> Result<Vec<u8>, image::ImageError> {
    let rgb = image.to_rgb8();
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    rgb.write_with_encoder(encoder)?;
    Ok(out.into_inner())
}

/// A square crop of `size` pixels (avatars).
pub fn square(image: &DynamicImage, size: u32) -> DynamicImage {
    image.resize_to_fill(size, size, FilterType::Lanczos3)
}

/// Fits within `max_width` × `max_height`, keeping proportions, never enlarging.
pub fn fit(image: &DynamicImage, max_width: u32, max_height: u32) -> DynamicImage {
    if image.width() <= max_width && image.height() <= max_height {
        return image.clone();
    }
    image.resize(max_width, max_height, FilterType::Lanczos3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes() -> Vec<u8> {
        let image = DynamicImage::new_rgb8(4, 3);
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode a test PNG");
        out.into_inner()
    }

    #[test]
    fn a_real_image_decodes_and_reencodes_as_jpeg() {
        let image = decode(&png_bytes()).expect("decodes");
        let jpeg = to_jpeg(&image).expect("encodes");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "JPEG magic");
    }

    #[test]
    fn text_and_svg_are_not_images() {
        assert_eq!(
            decode(b"hello, I am text").unwrap_err(),
            ImageError::NotAnImage
        );
        assert_eq!(
            decode(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>").unwrap_err(),
            ImageError::NotAnImage
        );
    }
}
