//! QR codes for the check-in token: an inline SVG for web pages and a PNG for e-mail (mail clients
//! block SVG).

use qrcode::types::Color;
use qrcode::{EcLevel, QrCode};

/// Light modules around the code, as the QR specification asks.
pub const QUIET_ZONE: usize = 4;
/// Pixels per module in the PNG.
pub const PNG_SCALE: usize = 8;
/// What [`svg`] says to screen readers.
pub const DEFAULT_LABEL: &str = "Codice QR della prenotazione";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the data is too long for a QR code")]
    TooLong,
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
}

/// The modules, quiet zone included: `width × width`, row by row, `true` for dark.
struct Modules {
    width: usize,
    dark: Vec<bool>,
}

impl Modules {
    fn encode(data: &str) -> Result<Self, QrError> {
        let code =
            QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong)?;
        let inner = code.width();
        let width = inner + 2 * QUIET_ZONE;
        let mut dark = vec![false; width * width];
        for (index, color) in code.to_colors().into_iter().enumerate() {
            let (y, x) = (index / inner, index % inner);
            dark[(y + QUIET_ZONE) * width + x + QUIET_ZONE] = color == Color::Dark;
        }
        Ok(Self { width, dark })
    }

    fn row(&self, y: usize) -> &[bool] {
        &self.dark[y * self.width..(y + 1) * self.width]
    }
}

/// An inline `<svg>` (one path, crisp edges, white background with the quiet zone) labelled
/// [`DEFAULT_LABEL`].
///
/// # Panics
/// If `data` is longer than a QR code holds (2,331 bytes); use [`try_svg`] for arbitrary input.
pub fn svg(data: &str) -> String {
    svg_labelled(data, DEFAULT_LABEL)
}

/// [`svg`] with the given `aria-label`.
///
/// # Panics
/// As [`svg`].
pub fn svg_labelled(data: &str, label: &str) -> String {
    try_svg(data, label).expect("the data fits in a QR code")
}

pub fn try_svg(data: &str, label: &str) -> Result<String, QrError> {
    let modules = Modules::encode(data)?;
    let mut path = String::new();
    for y in 0..modules.width {
        let row = modules.row(y);
        let mut x = 0;
        while x < modules.width {
            if row[x] {
                let run = row[x..].iter().take_while(|dark| **dark).count();
                path.push_str(&format!("M{x} {y}h{run}v1h-{run}z"));
                x += run;
            } else {
                x += 1;
            }
        }
    }
    let size = modules.width;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" \
         aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>",
        label = crate::doc::escape_html(label)
    ))
}

/// A PNG ([`PNG_SCALE`] px per module, quiet zone included), black on white, 1-bit grayscale.
///
/// # Panics
/// As [`svg`]; use [`try_png`] for arbitrary input.
pub fn png(data: &str) -> Vec<u8> {
    try_png(data).expect("the data fits in a QR code")
}

pub fn try_png(data: &str) -> Result<Vec<u8>, QrError> {
    let modules = Modules::encode(data)?;
    let pixels = modules.width * PNG_SCALE;
    let side = u32::try_from(pixels).map_err(|_| QrError::TooLong)?;
    // At 1 bit per pixel and 8 pixels per module, one module is exactly one byte.
    let mut image = Vec::with_capacity(modules.width * pixels);
    for y in 0..modules.width {
        let row: Vec<u8> = modules
            .row(y)
            .iter()
            .map(|dark| if *dark { 0x00 } else { 0xFF })
            .collect();
        for _ in 0..PNG_SCALE {
            image.extend_from_slice(&row);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let error = |e: png::EncodingError| QrError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(error)?;
    writer.write_image_data(&image).map_err(error)?;
    writer.finish().map_err(error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "PRN1.SzdNWDRRUFJ8dWZmaWNpby0zfDIwMjYtMTItMDF8MDk6MTU.\
        c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMTIzNA";

    fn be_u32(bytes: &[u8]) -> u32 {
        u32::from_be_bytes(bytes.try_into().unwrap())
    }

    #[test]
    fn png_has_the_signature_and_the_size() {
        let png = png(TOKEN);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let (width, height) = (be_u32(&png[16..20]), be_u32(&png[20..24]));
        let modules = Modules::encode(TOKEN).unwrap().width;
        assert_eq!(width as usize, modules * PNG_SCALE);
        assert_eq!(width, height);
        // Bit depth 1, colour type 0 (grayscale).
        assert_eq!((png[24], png[25]), (1, 0));
        assert!(png.len() < 8 * 1024, "{} bytes", png.len());
    }

    #[test]
    fn svg_is_labelled_and_has_every_dark_module() {
        let svg = svg_labelled(TOKEN, "QR <code> \"x\"");
        let modules = Modules::encode(TOKEN).unwrap();
        let size = modules.width;
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-label=\"QR &lt;code&gt; &quot;x&quot;\""));
        assert!(svg.contains("shape-rendering=\"crispEdges\""));
        let dark_in_path: usize = svg
            .split('h')
            .skip(1)
            .filter_map(|run| run.split('v').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(dark_in_path, modules.dark.iter().filter(|dark| **dark).count());
        // The quiet zone stays light.
        assert!(modules.row(0).iter().all(|dark| !dark));
        assert!(modules.row(size - 1).iter().all(|dark| !dark));
        assert!(super::svg(TOKEN).contains(DEFAULT_LABEL));
    }

    #[test]
    fn too_long_data_is_an_error() {
        let long = "x".repeat(5000);
        assert_eq!(try_png(&long), Err(QrError::TooLong));
        assert_eq!(try_svg(&long, "x"), Err(QrError::TooLong));
    }
}
