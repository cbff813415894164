//! Uploaded materials: which files are accepted (PDF, JPEG, PNG — judged by their bytes, never by
//! name or declared type), whether a file is whole, the display name kept for it, and the
//! default limits. The browser checks the first bytes before sending; the server checks
//! everything again with these same functions.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Default largest file (a scan of a few pages).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Default largest total of one application's (or draft's) files.
pub const DEFAULT_MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;
/// Default number of files per material.
pub const DEFAULT_MAX_FILES_PER_MATERIAL: u32 = 5;
/// The size of one part of an upload: a dropped connection costs at most one part.
pub const PART_BYTES: u64 = 256 * 1024;
/// Longest kept display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// An accepted kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }

    /// Whether `tail` (the file's last bytes, up to 1 KiB) ends the file as this kind must: a
    /// PDF's `%%EOF`, a JPEG's end-of-image marker, a PNG's `IEND` chunk. A cut-off file fails.
    pub fn is_whole(self, tail: &[u8]) -> bool {
        match self {
            FileKind::Pdf => tail.windows(5).any(|w| w == b"%%EOF"),
            FileKind::Jpeg => {
                let t = trim_end(tail);
                t.ends_with(&[0xFF, 0xD9])
            }
            FileKind::Png => tail.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        }
    }
}

/// JPEG writers may pad after the end-of-image marker with zeros or line ends.
fn trim_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| !matches!(c, 0 | b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    &b[..end]
}

/// The kind of a file from its first bytes (at least 8), or `None` for anything else.
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else {
        None
    }
}

/// The name shown for a file: the last component of whatever the client sent (no folders, no
/// `..`), without control or reserved characters, at most [`MAX_NAME_CHARS`]. It is only ever
/// shown and offered as a download name — files are stored under their SHA-256.
pub fn display_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_format(*c)
                && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let name: String = cleaned.chars().take(MAX_NAME_CHARS).collect();
    if name.is_empty() {
        "file".to_string()
    } else {
        name
    }
}

/// Invisible formatting characters (Unicode category Cf): bidirectional overrides and
/// isolates (U+202E turns `fdp.hta` into what reads as `ath.pdf`), zero-width characters, the
/// byte-order mark, soft hyphens, tags.
pub fn is_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// The name a whole file is kept and offered under: a display name whose extension is its
/// detected type's (`scan.hta` that is a PDF becomes `scan.pdf`; `photo` a JPEG `photo.jpg`;
/// `.jpeg` stays for a JPEG).
pub fn typed_name(name: &str, kind: FileKind) -> String {
    let name = display_name(name);
    let stem = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.len() <= 10
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            let ext = ext.to_ascii_lowercase();
            if ext == kind.extension() || (kind == FileKind::Jpeg && ext == "jpeg") {
                return name;
            }
            stem
        }
        _ => name.as_str(),
    };
    let suffix = format!(".{}", kind.extension());
    let room = MAX_NAME_CHARS - suffix.len();
    format!("{}{suffix}", stem.chars().take(room).collect::<String>())
}

/// What is wrong with an upload, as the person uploading reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    /// Not a PDF, JPEG or PNG by its content.
    WrongType,
    TooLarge {
        max: u64,
    },
    Empty,
    TotalTooLarge {
        max: u64,
    },
    TooMany {
        max: u32,
    },
    /// The content ends early (cut off in transfer or damaged).
    Truncated,
    /// Not a material of this bundle (or one the bundle itself produces).
    UnknownMaterial,
}

fn mib(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

impl FileProblem {
    pub fn message(self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            FileProblem::WrongType if zh => "只接受 PDF、JPEG 或 PNG 文件（按文件内容判断）".into(),
            FileProblem::WrongType => {
                "Only PDF, JPEG or PNG files (judged by their content)".into()
            }
            FileProblem::TooLarge { max } if zh => format!("文件过大：每个文件不超过 {}", mib(max)),
            FileProblem::TooLarge { max } => format!("File too large: {} at most", mib(max)),
            FileProblem::Empty if zh => "文件为空".into(),
            FileProblem::Empty => "The file is empty".into(),
            FileProblem::TotalTooLarge { max } if zh => {
                format!("材料总大小超过上限 {}", mib(max))
            }
            FileProblem::TotalTooLarge { max } => {
                format!("All materials together exceed {}", mib(max))
            }
            FileProblem::TooMany { max } if zh => format!("此项材料最多上传 {max} 个文件"),
            FileProblem::TooMany { max } => format!("At most {max} files for this material"),
            FileProblem::Truncated if zh => "文件不完整（可能传输中断或已损坏），请重新上传".into(),
            FileProblem::Truncated => {
                "The file is incomplete (cut off or damaged): upload it again".into()
            }
            FileProblem::UnknownMaterial if zh => "本套餐无需此项材料".into(),
            FileProblem::UnknownMaterial => "This bundle does not ask for this material".into(),
        }
    }
}

/// `POST /api/drafts`: save a form on the server (its own private link), to resume later or
/// on another device, with its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    pub bundle: String,
}

/// A draft named with its secret (the token only travels in the `Authorization` header and the
/// link's fragment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftRef {
    pub id: String,
    pub token: String,
}

/// The browser page that resumes a draft.
pub fn draft_page(bundle: &str, draft: &DraftRef) -> String {
    format!(
        "/bundles/{bundle}/apply?draft={}#t={}",
        draft.id, draft.token
    )
}

/// `GET /api/drafts/{id}`; `PUT` saves `answers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub id: String,
    pub bundle: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: crate::form::Answers,
    pub files: Vec<StoredFile>,
    /// Once submitted: the application's number (the draft is then closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_as: Option<String>,
}

/// `PUT /api/drafts/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: crate::form::Answers,
}

/// `POST …/files`: announce a file; its bytes follow in parts (`PATCH` with `Upload-Offset`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    pub material: String,
    /// The file's name on the device (only shown; never a path on the server).
    pub name: String,
    pub size: u64,
}

/// Header of a part: where in the file its bytes start.
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// A file of a material, finished or arriving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFile {
    pub id: String,
    pub material: String,
    pub name: String,
    pub size: u64,
    /// Bytes arrived so far: the next part starts here.
    pub received: u64,
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The size of a part the server takes.
    pub part_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_judged_by_content_and_cut_files_are_not_whole() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
            Some(FileKind::Png)
        );
        // A program renamed `scan.pdf` is still a program.
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(sniff(b"<html><body>"), None);
        assert!(FileKind::Pdf.is_whole(b"...\nstartxref\n123\n%%EOF\n"));
        assert!(!FileKind::Pdf.is_whole(b"...\n4 0 obj\n<< /Length"));
        assert!(FileKind::Jpeg.is_whole(&[1, 2, 0xFF, 0xD9, 0, 0]));
        assert!(!FileKind::Jpeg.is_whole(&[1, 2, 3]));
        assert!(!FileKind::Png.is_whole(b"IDAT"));
    }

    #[test]
    fn names_lose_every_folder_and_reserved_character() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\张三\\身份证.pdf"), "身份证.pdf");
        assert_eq!(display_name("a\u{0}b<c>.png"), "abc.png");
        assert_eq!(display_name(".."), "file");
        assert_eq!(
            display_name("材料\u{202E}fdp.hta"),
            "材料fdp.hta",
            "no bidi override"
        );
        assert_eq!(display_name("a\u{200B}b\u{FEFF}.pdf"), "ab.pdf");
        assert_eq!(display_name("  .hidden.pdf "), "hidden.pdf");
        assert_eq!(
            display_name(&"长".repeat(300)).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn a_whole_files_name_takes_the_extension_of_what_it_is() {
        assert_eq!(
            typed_name("材料\u{202E}fdp.hta", FileKind::Pdf),
            "材料fdp.pdf"
        );
        assert_eq!(typed_name("scan.PDF", FileKind::Pdf), "scan.PDF");
        assert_eq!(typed_name("photo.jpeg", FileKind::Jpeg), "photo.jpeg");
        assert_eq!(typed_name("photo", FileKind::Jpeg), "photo.jpg");
        assert_eq!(typed_name("a.b.exe", FileKind::Png), "a.b.png");
        assert_eq!(typed_name("报告.第二版", FileKind::Pdf), "报告.第二版.pdf");
        let long = typed_name(&format!("{}.exe", "长".repeat(200)), FileKind::Pdf);
        assert!(long.ends_with(".pdf") && long.chars().count() <= MAX_NAME_CHARS);
    }
}
