//! Placeholder photos for the demo data: a dozen small drawings (sky, hills or sea, a house),
//! generated once with the `image` crate, stored under fixed keys and shared by every listing.

use image::{DynamicImage, Rgb, RgbImage, imageops::FilterType};

use crate::{images, storage::Storage};

/// Pixel size of a photo and of its thumbnail.
pub const PHOTO_SIZE: (u32, u32) = (720, 480);
pub const THUMB_SIZE: (u32, u32) = (360, 342);

/// Sky, ground and house colours of each picture.
const PALETTES: [([u8; 3], [u8; 3], [u8; 3]); 12] = [
    ([135, 190, 235], [96, 160, 90], [200, 80, 70]),
    ([250, 200, 150], [210, 180, 120], [245, 245, 240]),
    ([120, 170, 220], [40, 120, 180], [250, 250, 250]),
    ([170, 200, 230], [230, 230, 235], [110, 70, 50]),
    ([255, 170, 120], [70, 110, 70], [60, 60, 70]),
    ([190, 220, 240], [220, 200, 150], [70, 130, 160]),
    ([90, 120, 180], [30, 70, 110], [240, 200, 90]),
    ([230, 240, 250], [120, 150, 110], [180, 60, 60]),
    ([200, 160, 200], [110, 90, 140], [250, 240, 220]),
    ([150, 210, 200], [60, 150, 140], [240, 120, 80]),
    ([240, 220, 180], [180, 120, 80], [255, 255, 255]),
    ([110, 150, 200], [200, 210, 220], [90, 60, 40]),
];

/// A photo stored for the seed: keys and the full-size dimensions.
#[derive(Clone, Debug)]
pub struct SeedPhoto {
    pub image_key: String,
    pub thumb_key: String,
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let channel = |i: usize| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8;
    Rgb([channel(0), channel(1), channel(2)])
}

/// Draws picture `n` at `width` × `height`.
fn draw(n: usize, width: u32, height: u32) -> DynamicImage {
    let (sky, ground, house) = PALETTES[n % PALETTES.len()];
    let (w, h) = (width as f32, height as f32);
    let phase = n as f32 * 0.9;
    // Rolling hills: one horizon height per column, computed once.
    let horizons: Vec<f32> = (0..width)
        .map(|x| 0.62 + 0.06 * ((x as f32 / w) * 6.0 + phase).sin())
        .collect();
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        let horizon = horizons[x as usize];
        // A house in the middle: walls, then a roof triangle.
        let (left, right) = (0.38, 0.62);
        let in_walls = fx > left && fx < right && fy > 0.52 && fy < 0.8;
        let roof_height = 0.14 * (1.0 - ((fx - 0.5).abs() / 0.14));
        let in_roof = (fx - 0.5).abs() < 0.14 && fy < 0.52 && fy > 0.52 - roof_height;
        let in_door = (fx - 0.5).abs() < 0.025 && fy > 0.68 && fy < 0.8;
        let sun = ((fx - 0.8).powi(2) + (fy - 0.2).powi(2) * (h / w).powi(2)).sqrt() < 0.06;
        if in_door {
            mix(house, [40, 30, 30], 0.7)
        } else if in_walls {
            Rgb(house)
        } else if in_roof {
            mix(house, [60, 40, 40], 0.5)
        } else if sun && fy < horizon {
            Rgb([255, 236, 170])
        } else if fy < horizon {
            mix(sky, [255, 255, 255], fy / horizon * 0.5)
        } else {
            mix(ground, [20, 40, 20], (fy - horizon) / (1.0 - horizon) * 0.4)
        }
    });
    DynamicImage::ImageRgb8(image)
}

fn encode(image: &DynamicImage) -> anyhow::Result<Vec<u8>> {
    Ok(images::to_jpeg(image)?)
}

/// Draws picture `n` at a quarter of the size and scales it up: soft edges like a photo,
/// and quick even in a debug build (the first start of a development server draws them).
fn picture(n: usize, (width, height): (u32, u32)) -> DynamicImage {
    draw(n, width / 4, height / 4).resize_exact(width, height, FilterType::Triangle)
}

/// The seed photos, drawn and stored the first time (all at once, on blocking threads),
/// reused afterwards.
pub async fn ensure(storage: &Storage) -> anyhow::Result<Vec<SeedPhoto>> {
    let photos: Vec<SeedPhoto> = (0..PALETTES.len())
        .map(|n| SeedPhoto {
            image_key: format!("seed/stay-{n:02}.jpg"),
            thumb_key: format!("seed/stay-{n:02}-thumb.jpg"),
        })
        .collect();
    let mut drawings = Vec::new();
    for (n, photo) in photos.iter().enumerate() {
        let stored = storage.get(&photo.image_key).await?.is_some()
            && storage.get(&photo.thumb_key).await?.is_some();
        if !stored {
            drawings.push(tokio::task::spawn_blocking(move || {
                let full = encode(&picture(n, PHOTO_SIZE))?;
                let thumb = encode(&picture(n, THUMB_SIZE))?;
                Ok::<_, anyhow::Error>((n, full, thumb))
            }));
        }
    }
    for drawing in drawings {
        let (n, full, thumb) = drawing.await??;
        storage.put(&photos[n].image_key, full).await?;
        storage.put(&photos[n].thumb_key, thumb).await?;
    }
    Ok(photos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawings_encode_as_small_jpegs() {
        let jpeg = encode(&picture(3, THUMB_SIZE)).expect("encodes");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert!(jpeg.len() < 100_000, "{} bytes", jpeg.len());
    }
}
