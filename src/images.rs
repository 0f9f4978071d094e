//! Uploaded images: decoded to prove they are images (the extension and the declared type are
//! not trusted), bounded in size and pixels, and re-encoded, which drops EXIF and anything
//! else hidden in the file.

pub mod pool;

use std::io::Cursor;

use image::{
    DynamicImage, GenericImageView, ImageDecoder, ImageFormat, ImageReader, Limits,
    imageops::FilterType,
};

/// Largest accepted upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels an image may have (a 40-megapixel camera's full size, 8000 × 5000 say). The
/// file size says nothing about this: an all-zero 12000 × 12000 PNG is 400 KB.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side, so that no panorama of a few pixels' height passes as "few pixels".
pub const MAX_SIDE: u32 = 16_384;
/// Most memory a decoder may allocate, the decoded image included: an 8-bit RGBA image of
/// [`MAX_PIXELS`] (160 MB) fits; 16-bit colour at that size (240–320 MB) does not.
pub const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("The file is larger than 10 MB. Please choose a smaller image.")]
    TooLarge,
    #[error("This file is not an image we can read. Use a JPEG, PNG, WebP or GIF photo.")]
    NotAnImage,
    #[error(
        "This image is {width} × {height} pixels, more than we accept (40 megapixels, for \
         example 8000 × 5000). Please choose a smaller image."
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error(
        "This image would need too much memory to open (it may use 16-bit colour). Please save \
         it as an ordinary JPEG or PNG, or choose a smaller image."
    )]
    TooMuchMemory,
    #[error("Many photos are being processed right now. Please try again in a minute.")]
    Busy,
    #[error(
        "You have uploaded many images in the last hour. Please wait {} minutes and try again.",
        retry_after_secs.div_ceil(60)
    )]
    Throttled { retry_after_secs: u64 },
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

fn refusal(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::TooMuchMemory,
        _ => ImageError::NotAnImage,
    }
}

/// Decodes `bytes` as a JPEG, PNG, WebP or GIF image (CPU-bound: run it on the
/// [`pool::ImagePool`]). The size is read from the header first: an image of more than
/// [`MAX_PIXELS`] is refused before a single pixel is decoded.
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
    // Memory only: the size is checked below, with a message that says it.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_SIDE {
        return Err(ImageError::TooManyPixels { width, height });
    }
    // The decoded image counts against the allowance, as `ImageReader::decode` does it.
    let mut allowance = limits();
    allowance
        .reserve(decoder.total_bytes())
        .map_err(|_| ImageError::TooMuchMemory)?;
    decoder.set_limits(allowance).map_err(refusal)?;
    DynamicImage::from_decoder(decoder).map_err(refusal)
}

/// Encodes as JPEG (quality 85), flattening any transparency onto white.
pub fn to_jpeg(image: &DynamicImage) -> Result<Vec<u8>, image::ImageError> {
    let rgb = image.to_rgb8();
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    rgb.write_with_encoder(encoder)?;
    Ok(out.into_inner())
}

/// A square crop of `size` pixels (avatars). Takes the image so that a large one is freed
/// as soon as its shrunk copy exists.
pub fn square(image: DynamicImage, size: u32) -> DynamicImage {
    let image = shrink_towards(image, size, size);
    image.resize_to_fill(size, size, FilterType::Lanczos3)
}

/// Fits within `max_width` × `max_height`, keeping proportions, never enlarging. Takes the
/// image, like [`square`].
pub fn fit(image: DynamicImage, max_width: u32, max_height: u32) -> DynamicImage {
    if image.width() <= max_width && image.height() <= max_height {
        return image;
    }
    let scale = f64::min(
        f64::from(max_width) / f64::from(image.width()),
        f64::from(max_height) / f64::from(image.height()),
    );
    let (width, height) = scaled(image.dimensions(), scale);
    let image = shrink_towards(image, width, height);
    image.resize(max_width, max_height, FilterType::Lanczos3)
}

fn scaled((width, height): (u32, u32), scale: f64) -> (u32, u32) {
    let side = |value: u32| ((f64::from(value) * scale).round() as u32).max(1);
    (side(width), side(height))
}

/// The image at about twice `width` × `height` (at least that on each side), made by
/// averaging areas of pixels, when it is much larger; the original is dropped at once. Lanczos
/// over 40 megapixels takes seconds and a float copy of the image; Lanczos from twice the size
/// looks the same.
fn shrink_towards(image: DynamicImage, width: u32, height: u32) -> DynamicImage {
    let factor = f64::min(
        f64::from(image.width()) / f64::from(width.max(1) * 2),
        f64::from(image.height()) / f64::from(height.max(1) * 2),
    );
    if factor < 2.0 {
        return image;
    }
    let (width, height) = scaled(image.dimensions(), 1.0 / factor);
    image.thumbnail_exact(width, height)
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

    /// A PNG header (signature and IHDR) claiming `width` × `height` 8-bit RGB pixels, and an
    /// empty image data chunk: enough for a decoder to read the size, nothing to decode.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for chunk in [ihdr, b"IDAT".to_vec(), b"IEND".to_vec()] {
            out.extend_from_slice(&(chunk.len() as u32 - 4).to_be_bytes());
            out.extend_from_slice(&chunk);
            out.extend_from_slice(&crc32(&chunk).to_be_bytes());
        }
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn an_image_of_more_than_40_megapixels_is_refused_from_its_header() {
        assert_eq!(
            decode(&png_header(12_000, 12_000)).unwrap_err(),
            ImageError::TooManyPixels {
                width: 12_000,
                height: 12_000
            }
        );
        assert_eq!(
            decode(&png_header(20_000, 100)).unwrap_err(),
            ImageError::TooManyPixels {
                width: 20_000,
                height: 100
            }
        );
        // At the limit, the header passes; the (missing) pixel data is what fails here.
        assert_eq!(
            decode(&png_header(8_000, 5_000)).unwrap_err(),
            ImageError::NotAnImage
        );
    }

    #[test]
    fn a_deep_colour_image_that_would_need_too_much_memory_is_refused() {
        let mut header = png_header(8_000, 5_000);
        // 16 bits per channel, RGBA: 320 MB once decoded.
        header[24] = 16;
        header[25] = 6;
        let crc = crc32(&header[12..29]);
        header[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(decode(&header).unwrap_err(), ImageError::TooMuchMemory);
    }

    #[test]
    fn shrinking_keeps_the_proportions_and_the_requested_size() {
        let wide = DynamicImage::new_rgb8(4000, 1000);
        let fitted = fit(wide.clone(), 1600, 1200);
        assert_eq!((fitted.width(), fitted.height()), (1600, 400));
        let avatar = square(wide, 256);
        assert_eq!((avatar.width(), avatar.height()), (256, 256));
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
