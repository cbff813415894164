//! QR codes as the server draws them (error correction Q): the licence's codes, a draft's
//! resume link. An SVG to put in a page, or a PNG.

/// The code of `text`.
pub fn code(text: &str) -> anyhow::Result<qrcode::QrCode> {
    qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::Q)
        .map_err(|e| anyhow::anyhow!("QR encoding failed: {e}"))
}

/// The code as SVG, at least `size` pixels square.
pub fn svg(code: &qrcode::QrCode, size: u32) -> String {
    code.render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .build()
}

/// The code as PNG, at least `size` pixels square.
pub fn png(code: &qrcode::QrCode, size: u32) -> anyhow::Result<Vec<u8>> {
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(size, size)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| anyhow::anyhow!("PNG: {e}"))?;
    Ok(out.into_inner())
}
