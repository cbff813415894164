//! Sealed PDF documents: electronic certificates and the procedure's formal notices.
//!
//! One A4 page drawn with `pdf-writer`: text in a CJK font of the machine's (Noto Sans CJK SC
//! from Debian's `fonts-noto-cjk` by default, SIL Open Font License 1.1) embedded as a subset of
//! the glyphs the page uses (some 10 KB), QR codes as vector squares, and the bureau's seal drawn
//! in red. The document carries what it says as a signed payload: its Info dictionary holds
//! `/LianbanPayload` (the facts as JSON, base64url) and `/LianbanSignature` (`kid.signature`), the
//! seal's Ed25519 signature for the purpose `lianban/document/v1` over **every byte of the file**
//! with the signature's own characters read as zeros — like a PDF signature's byte range: a file
//! changed anywhere, or extended by an incremental update, no longer verifies ([`verify`];
//! `lianban certificate verify FILE` offline).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use shared::snapshot::{PublicKey, Purpose};

/// A4 in points.
pub const WIDTH: f32 = 595.0;
pub const HEIGHT: f32 = 842.0;
/// The seal's red.
const RED: (f32, f32, f32) = (0.80, 0.07, 0.10);
const PAYLOAD_KEY: &[u8] = b"LianbanPayload";
const SIGNATURE_KEY: &[u8] = b"LianbanSignature";
/// `kid` (16 hex) + `.` + the signature (86 base64url characters).
const SIGNATURE_CHARS: usize = 16 + 1 + 86;

/// Debian's `fonts-noto-cjk`, and its face for Simplified Chinese.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
pub const DEFAULT_FACE: u32 = 2;

/// The font file documents are drawn in, read once when the first document is made.
#[derive(Debug)]
pub struct FontSource {
    path: PathBuf,
    face: u32,
    loaded: OnceLock<Result<Arc<Vec<u8>>, String>>,
}

impl Default for FontSource {
    fn default() -> Self {
        FontSource::new(PathBuf::from(DEFAULT_FONT), DEFAULT_FACE)
    }
}

impl FontSource {
    pub fn new(path: PathBuf, face: u32) -> FontSource {
        FontSource {
            path,
            face,
            loaded: OnceLock::new(),
        }
    }

    /// The font's bytes, or why there are none (a missing file: install `fonts-noto-cjk`).
    fn bytes(&self) -> Result<Arc<Vec<u8>>, String> {
        self.loaded
            .get_or_init(|| {
                let data = std::fs::read(&self.path).map_err(|e| {
                    format!(
                        "the documents' font {} cannot be read ({e}): install fonts-noto-cjk or pass --pdf-font",
                        self.path.display()
                    )
                })?;
                ttf_parser::Face::parse(&data, self.face).map_err(|e| {
                    format!("{} face {}: {e}", self.path.display(), self.face)
                })?;
                Ok(Arc::new(data))
            })
            .clone()
    }

    /// A blank page to draw on.
    pub fn sheet(&self) -> anyhow::Result<Sheet> {
        let data = self.bytes().map_err(anyhow::Error::msg)?;
        Ok(Sheet {
            data,
            face: self.face,
            remap: subsetter::GlyphRemapper::new(),
            widths: BTreeMap::new(),
            unicode: BTreeMap::new(),
            content: Content::new(),
        })
    }
}

/// One A4 page being drawn: positions in points from the top left.
pub struct Sheet {
    data: Arc<Vec<u8>>,
    face: u32,
    remap: subsetter::GlyphRemapper,
    /// New glyph id → advance (1/1000 em), and → the character it draws (text extraction).
    widths: BTreeMap<u16, f32>,
    unicode: BTreeMap<u16, char>,
    content: Content,
}

/// What the document says, for its Info dictionary and its signed payload.
pub struct Meta<'a> {
    pub title: &'a str,
    /// The facts as JSON (what `verify` gives back).
    pub payload: &'a [u8],
}

impl Sheet {
    fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.data, self.face).expect("checked when loaded")
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let face = self.face();
        let em = f32::from(face.units_per_em());
        text.chars()
            .map(|c| {
                let g = face.glyph_index(c).unwrap_or_default();
                f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / em * size
            })
            .sum()
    }

    fn encode(&mut self, text: &str) -> Vec<u8> {
        let face = ttf_parser::Face::parse(&self.data, self.face).expect("checked when loaded");
        let em = f32::from(face.units_per_em());
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let g = face.glyph_index(c).unwrap_or_default();
            let new = self.remap.remap(g.0);
            let advance = f32::from(face.glyph_hor_advance(g).unwrap_or(0));
            self.widths.insert(new, advance * 1000.0 / em);
            self.unicode.entry(new).or_insert(c);
            out.extend(new.to_be_bytes());
        }
        out
    }

    /// `text` with its baseline's left end at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let bytes = self.encode(text);
        self.content
            .begin_text()
            .set_font(Name(b"F1"), size)
            .next_line(x, HEIGHT - y)
            .show(Str(&bytes))
            .end_text();
    }

    /// `text` centred on the page at baseline `y`.
    pub fn centred(&mut self, y: f32, size: f32, text: &str) {
        let x = (WIDTH - self.width(text, size)) / 2.0;
        self.text(x, y, size, text);
    }

    /// `text` wrapped within `width` from (`x`, `y`), lines `leading` apart: the baseline of
    /// the line after it.
    pub fn wrapped(&mut self, x: f32, y: f32, width: f32, size: f32, text: &str) -> f32 {
        let leading = size * 1.5;
        let mut y = y;
        for line in self.lines(text, width, size) {
            self.text(x, y, size, &line);
            y += leading;
        }
        y
    }

    /// `text` broken into lines no wider than `width` (at its own line breaks too), measured
    /// character by character with the face parsed once.
    fn lines(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        let face = self.face();
        let em = f32::from(face.units_per_em());
        let advance = |c: char| {
            let g = face.glyph_index(c).unwrap_or_default();
            f32::from(face.glyph_hor_advance(g).unwrap_or(0)) / em * size
        };
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let (mut line, mut used) = (String::new(), 0.0);
            for c in paragraph.chars() {
                let w = advance(c);
                if used + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                line.push(c);
                used += w;
            }
            lines.push(line);
        }
        lines
    }

    /// A line from (`x1`, `y1`) to (`x2`, `y2`), `width` points wide.
    pub fn line(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32), width: f32) {
        self.content
            .set_line_width(width)
            .move_to(x1, HEIGHT - y1)
            .line_to(x2, HEIGHT - y2)
            .stroke();
    }

    /// A rectangle's outline.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.content
            .set_line_width(width)
            .rect(x, HEIGHT - y - h, w, h)
            .stroke();
    }

    /// A QR code of `text`, `size` points square, top left at (`x`, `y`) (with its quiet zone).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, text: &str) -> anyhow::Result<()> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
            .map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
        let n = code.width();
        let module = size / (n + 8) as f32;
        let (left, top) = (x + 4.0 * module, y + 4.0 * module);
        self.content.set_fill_rgb(0.0, 0.0, 0.0);
        for (i, colour) in code.to_colors().iter().enumerate() {
            if *colour == qrcode::Color::Dark {
                let (col, row) = ((i % n) as f32, (i / n) as f32);
                self.content.rect(
                    left + col * module,
                    HEIGHT - top - (row + 1.0) * module,
                    module,
                    module,
                );
            }
        }
        self.content.fill_nonzero();
        Ok(())
    }

    /// The seal: a red ring with `authority` along its upper arc, a star, `purpose` below.
    pub fn seal(&mut self, cx: f32, cy: f32, authority: &str, purpose: &str) {
        let (r, g, b) = RED;
        let (cx, cy_pdf) = (cx, HEIGHT - cy);
        self.content.save_state().set_fill_rgb(r, g, b);
        circle(&mut self.content, cx, cy_pdf, 60.0);
        circle(&mut self.content, cx, cy_pdf, 56.0);
        self.content.fill_even_odd();
        for i in 0..10 {
            let radius = if i % 2 == 0 { 17.0 } else { 6.8 };
            let a = std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
            let (x, y) = (cx + radius * a.cos(), cy_pdf + radius * a.sin());
            if i == 0 {
                self.content.move_to(x, y);
            } else {
                self.content.line_to(x, y);
            }
        }
        self.content.close_path().fill_nonzero();
        let chars: Vec<char> = authority.chars().collect();
        let size = if chars.len() > 12 { 10.0 } else { 12.0 };
        let span = 230.0_f32.min(22.0 * chars.len() as f32);
        for (i, ch) in chars.iter().enumerate() {
            let step = if chars.len() > 1 {
                span / (chars.len() - 1) as f32
            } else {
                0.0
            };
            let degrees = -span / 2.0 + step * i as f32;
            let (s, c) = degrees.to_radians().sin_cos();
            let glyph = self.encode(&ch.to_string());
            self.content
                .save_state()
                .transform([c, -s, s, c, cx, cy_pdf])
                .begin_text()
                .set_font(Name(b"F1"), size)
                .next_line(-size / 2.0, 52.0 - size)
                .show(Str(&glyph))
                .end_text()
                .restore_state();
        }
        let size = 9.0;
        let x = cx - self.width(purpose, size) / 2.0;
        let glyphs = self.encode(purpose);
        self.content
            .begin_text()
            .set_font(Name(b"F1"), size)
            .next_line(x, cy_pdf - 36.0)
            .show(Str(&glyphs))
            .end_text();
        self.content.restore_state();
    }

    /// The finished file, signed by `sign` (given the file with the signature's characters as
    /// zeros, it answers `kid.signature`).
    pub fn finish(
        self,
        meta: &Meta<'_>,
        sign: impl FnOnce(&[u8]) -> String,
    ) -> anyhow::Result<Vec<u8>> {
        let Sheet {
            data,
            face: index,
            remap,
            widths,
            unicode,
            content,
        } = self;
        let face = ttf_parser::Face::parse(&data, index).expect("checked when loaded");
        let mut next = Ref::new(1);
        let mut id = || next.bump();
        let (catalog, pages, page, content_id) = (id(), id(), id(), id());
        let (type0, cid, descriptor, font_file, to_unicode, info) =
            (id(), id(), id(), id(), id(), id());
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .parent(pages)
            .contents(content_id);
        p.resources().fonts().pair(Name(b"F1"), type0);
        p.finish();
        let content = content.finish();
        pdf.stream(content_id, &deflate(content.as_slice()))
            .filter(Filter::FlateDecode);

        let placeholder = "0".repeat(SIGNATURE_CHARS);
        let payload = B64.encode(meta.payload);
        pdf.document_info(info)
            .title(TextStr(meta.title))
            .producer(TextStr("Lianban"))
            .pair(Name(PAYLOAD_KEY), Str(payload.as_bytes()))
            .pair(Name(SIGNATURE_KEY), Str(placeholder.as_bytes()));

        // The font: the glyphs used, as a CID-keyed font (CFF outlines, or TrueType ones).
        let subset = subsetter::subset(&data, index, &remap)
            .map_err(|e| anyhow::anyhow!("font subset: {e:?}"))?;
        let raw = ttf_parser::RawFace::parse(&subset, 0)
            .map_err(|e| anyhow::anyhow!("font subset: {e}"))?;
        let cff = raw.table(ttf_parser::Tag::from_bytes(b"CFF "));
        let base = Name(b"LBNBAA+CJK");
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);
        let mut font = pdf.cid_font(cid);
        font.subtype(match cff {
            Some(_) => CidFontType::Type0,
            None => CidFontType::Type2,
        })
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0);
        if cff.is_none() {
            font.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        {
            let mut out = font.widths();
            for (g, w) in &widths {
                out.consecutive(*g, [*w]);
            }
        }
        font.finish();
        let bbox = face.global_bounding_box();
        let s = 1000.0 / f32::from(face.units_per_em());
        let mut d = pdf.font_descriptor(descriptor);
        d.name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * s,
                f32::from(bbox.y_min) * s,
                f32::from(bbox.x_max) * s,
                f32::from(bbox.y_max) * s,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * s)
            .descent(f32::from(face.descender()) * s)
            .cap_height(f32::from(face.capital_height().unwrap_or(0)) * s)
            .stem_v(80.0);
        match cff {
            Some(_) => d.font_file3(font_file),
            None => d.font_file2(font_file),
        };
        d.finish();
        match cff {
            Some(cff) => {
                pdf.stream(font_file, &deflate(cff))
                    .filter(Filter::FlateDecode)
                    .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
            }
            None => {
                pdf.stream(font_file, &deflate(&subset))
                    .filter(Filter::FlateDecode);
            }
        }
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
        for (g, c) in &unicode {
            cmap.pair(*g, *c);
        }
        pdf.cmap(to_unicode, &cmap.finish())
            .system_info(system)
            .name(Name(b"Custom"));

        let mut bytes = pdf.finish();
        let at = signature_at(&bytes).ok_or_else(|| anyhow::anyhow!("no signature field"))?;
        let signature = sign(&bytes);
        anyhow::ensure!(
            signature.len() == SIGNATURE_CHARS,
            "a signature of {} characters",
            signature.len()
        );
        bytes[at..at + SIGNATURE_CHARS].copy_from_slice(signature.as_bytes());
        Ok(bytes)
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn circle(c: &mut Content, cx: f32, cy: f32, r: f32) {
    let k = 0.552_284_8 * r;
    c.move_to(cx + r, cy);
    c.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    c.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    c.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    c.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    c.close_path();
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where the value of `/key (…)` starts, if the key is there exactly once.
fn value_at(bytes: &[u8], key: &[u8]) -> Option<usize> {
    let mut name = b"/".to_vec();
    name.extend_from_slice(key);
    let at = find(bytes, &name)?;
    if find(&bytes[at + name.len()..], &name).is_some() {
        return None;
    }
    let open = at + name.len() + find(&bytes[at + name.len()..], b"(")?;
    Some(open + 1)
}

fn signature_at(bytes: &[u8]) -> Option<usize> {
    let at = value_at(bytes, SIGNATURE_KEY)?;
    (bytes.get(at + SIGNATURE_CHARS) == Some(&b')')).then_some(at)
}

/// The signature of `file`: the file with the signature's characters as zeros, signed.
pub fn signing_input(file: &[u8]) -> Vec<u8> {
    let mut bytes = file.to_vec();
    if let Some(at) = signature_at(file) {
        bytes[at..at + SIGNATURE_CHARS].fill(b'0');
    }
    bytes
}

/// What checking a document found.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// Signed by the published key `kid`, unchanged: its payload (JSON).
    Genuine { kid: String, payload: Vec<u8> },
    /// Signed by a key that is not among the published ones.
    UnknownKey(String),
    /// The file changed after it was sealed (or the signature is not the seal's).
    Tampered,
    /// Not one of our documents.
    NotSealed,
}

/// Checks a document against the published keys.
pub fn verify(file: &[u8], keys: &[PublicKey]) -> Checked {
    let Some(at) = signature_at(file) else {
        return Checked::NotSealed;
    };
    let Ok(value) = std::str::from_utf8(&file[at..at + SIGNATURE_CHARS]) else {
        return Checked::Tampered;
    };
    let Some((kid, signature)) = value.split_once('.') else {
        return Checked::Tampered;
    };
    if !keys.iter().any(|k| k.kid == kid) {
        return Checked::UnknownKey(kid.to_string());
    }
    let input = signing_input(file);
    if !shared::snapshot::verify_detached(keys, Purpose::Document, kid, &input, signature) {
        return Checked::Tampered;
    }
    let payload = value_at(file, PAYLOAD_KEY).and_then(|start| {
        let end = start + find(&file[start..], b")")?;
        B64.decode(&file[start..end]).ok()
    });
    match payload {
        Some(payload) => Checked::Genuine {
            kid: kid.to_string(),
            payload,
        },
        None => Checked::Tampered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::Seal;

    fn font() -> Option<FontSource> {
        let source = FontSource::default();
        source.bytes().ok().map(|_| source)
    }

    fn document(seal: &Seal) -> Vec<u8> {
        let source = font().expect("fonts-noto-cjk (scripts/test installs it)");
        let mut sheet = source.sheet().expect("sheet");
        sheet.centred(100.0, 24.0, "食品经营许可证");
        let y = sheet.wrapped(
            60.0,
            160.0,
            200.0,
            12.0,
            &"睢县城关镇北湖路 88 号".repeat(4),
        );
        assert!(y > 160.0 + 2.0 * 18.0, "wrapped onto several lines: {y}");
        sheet
            .qr(60.0, 600.0, 120.0, "https://example.org/v/x")
            .expect("qr");
        sheet.seal(450.0, 650.0, "睢县市场监督管理局", "电子证照专用章");
        let meta = Meta {
            title: "食品经营许可证",
            payload: br#"{"number":"JY1"}"#,
        };
        sheet
            .finish(&meta, |bytes| {
                format!("{}.{}", seal.kid(), seal.sign(Purpose::Document, bytes))
            })
            .expect("pdf")
    }

    #[test]
    fn a_sealed_document_verifies_and_any_change_does_not() {
        let seal = Seal::ephemeral();
        let file = document(&seal);
        assert!(file.starts_with(b"%PDF-"));
        assert!(file.len() < 40 * 1024, "{} bytes", file.len());
        let keys = seal.public_keys();
        assert_eq!(
            verify(&file, keys),
            Checked::Genuine {
                kid: seal.kid().to_string(),
                payload: br#"{"number":"JY1"}"#.to_vec()
            }
        );
        // One byte changed anywhere in the file.
        for at in [20, file.len() / 2, file.len() - 10] {
            let mut changed = file.clone();
            changed[at] ^= 0x20;
            assert_ne!(
                verify(&changed, keys),
                verify(&file, keys),
                "a change at byte {at}"
            );
        }
        // An incremental update appended, or another key.
        let mut extended = file.clone();
        extended.extend_from_slice(b"\n1 0 obj\n<< >>\nendobj\n%%EOF\n");
        assert_eq!(verify(&extended, keys), Checked::Tampered);
        let other = Seal::ephemeral();
        assert!(matches!(
            verify(&file, other.public_keys()),
            Checked::UnknownKey(_)
        ));
        assert_eq!(verify(b"%PDF-1.7 nothing", keys), Checked::NotSealed);
    }
}
