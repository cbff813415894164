//! What may be uploaded where: the materials a draft or an application takes, the server's
//! limits (whatever the browser did), and the checks of each part and of the whole file. The
//! file rules themselves (type by content, whole-file markers, display names) are
//! `shared::files`, the same for the browser.

use shared::catalogue::{BundleView, MergedMaterial};
use shared::files::{FileKind, FileProblem, NewUpload, PART_BYTES, sniff};
use shared::form::Answers;

use super::error::Error;
use super::records::Upload;

/// How much one may upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    /// All files of one draft or application together.
    pub max_total_bytes: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_file_bytes: shared::files::DEFAULT_MAX_FILE_BYTES,
            max_total_bytes: shared::files::DEFAULT_MAX_TOTAL_BYTES,
        }
    }
}

fn problem(field: &'static str, problem: FileProblem) -> Error {
    Error::File { field, problem }
}

/// What a draft may carry: any material of its bundle, add-ons included (the answers may still
/// change), except the bundle's own results (the licence it will issue).
pub fn draft_materials(view: &BundleView) -> Vec<MergedMaterial> {
    let base = view.resolve(&Answers::new());
    view.materials
        .iter()
        .filter(|m| {
            !m.produced_by
                .as_ref()
                .is_some_and(|p| base.items.contains(p))
        })
        .map(|m| MergedMaterial {
            material: m.clone(),
            needed_by: Vec::new(),
        })
        .collect()
}

/// An application's materials, each with the items of the application that need it.
pub fn application_materials(view: &BundleView, answers: &Answers) -> Vec<MergedMaterial> {
    view.resolve(answers).materials
}

/// An announced file, before a byte is sent: a material the owner takes, under the number of
/// files per material, the size per file and the total.
pub fn announce(
    req: &NewUpload,
    materials: &[MergedMaterial],
    existing: &[Upload],
    limits: FileLimits,
) -> Result<(), Error> {
    let material = materials
        .iter()
        .find(|m| m.material.id == req.material)
        .ok_or(problem("material", FileProblem::UnknownMaterial))?;
    if req.size == 0 {
        return Err(problem("size", FileProblem::Empty));
    }
    if req.size > limits.max_file_bytes {
        let max = limits.max_file_bytes;
        return Err(problem("size", FileProblem::TooLarge { max }));
    }
    let total: u64 = existing.iter().map(|u| u.size).sum();
    if total + req.size > limits.max_total_bytes {
        let max = limits.max_total_bytes;
        return Err(problem("size", FileProblem::TotalTooLarge { max }));
    }
    let max = material.material.max_files;
    let of_material = existing
        .iter()
        .filter(|u| u.material == req.material)
        .count();
    if of_material >= max as usize {
        return Err(problem("material", FileProblem::TooMany { max }));
    }
    Ok(())
}

/// What to do with a part sent at `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Not where the upload stands (or nothing, or the file is whole): nothing changes, the
    /// sender is told where it stands.
    Elsewhere,
    /// The file is refused: it goes, with everything that arrived of it.
    Reject(FileProblem),
    /// Append it.
    Take,
}

/// The check of one part before it is kept.
pub fn part(up: &Upload, offset: u64, body: &[u8]) -> Part {
    if up.complete || offset != up.received || body.is_empty() {
        return Part::Elsewhere;
    }
    let len = body.len() as u64;
    if len > PART_BYTES || offset + len > up.size {
        return Part::Reject(FileProblem::Truncated);
    }
    if offset == 0 && sniff(&body[..body.len().min(16)]).is_none() {
        return Part::Reject(FileProblem::WrongType);
    }
    Part::Take
}

/// The check of the whole file once its last part is in: a PDF, JPEG or PNG by its first bytes,
/// of the announced size, ending as its kind must.
pub fn whole(bytes: &[u8], size: u64) -> Result<FileKind, Error> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    sniff(&bytes[..bytes.len().min(16)])
        .filter(|k| bytes.len() as u64 == size && k.is_whole(tail))
        .ok_or(problem("file", FileProblem::Truncated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(material: &str, size: u64, received: u64) -> Upload {
        Upload {
            id: "u".into(),
            draft_id: Some("d".into()),
            application_id: None,
            material: material.into(),
            name: "a.pdf".into(),
            size,
            received,
            sha256: None,
            content_type: None,
            complete: false,
        }
    }

    fn restaurant() -> BundleView {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let c = crate::catalogue::load(&dir).expect("catalogue");
        c.bundle_view("restaurant").expect("bundle")
    }

    #[test]
    fn an_announcement_is_checked_against_the_list_and_the_limits() {
        let materials = draft_materials(&restaurant());
        assert!(
            !materials
                .iter()
                .any(|m| m.material.id == "business_licence"),
            "produced"
        );
        let limits = FileLimits {
            max_file_bytes: 100,
            max_total_bytes: 150,
        };
        let new = |material: &str, size| NewUpload {
            material: material.into(),
            name: "x.pdf".into(),
            size,
        };
        let err = |field, problem| Err(Error::File { field, problem });
        assert_eq!(
            announce(&new("id_card", 50), &materials, &[], limits),
            Ok(())
        );
        assert_eq!(
            announce(&new("nothing", 50), &materials, &[], limits),
            err("material", FileProblem::UnknownMaterial)
        );
        assert_eq!(
            announce(&new("id_card", 0), &materials, &[], limits),
            err("size", FileProblem::Empty)
        );
        assert_eq!(
            announce(&new("id_card", 101), &materials, &[], limits),
            err("size", FileProblem::TooLarge { max: 100 })
        );
        let one = [upload("id_card", 100, 0)];
        assert_eq!(
            announce(&new("id_card", 51), &materials, &one, limits),
            err("size", FileProblem::TotalTooLarge { max: 150 })
        );
        let five: Vec<Upload> = (0..5).map(|_| upload("id_card", 1, 0)).collect();
        assert_eq!(
            announce(&new("id_card", 1), &materials, &five, limits),
            err("material", FileProblem::TooMany { max: 5 })
        );
    }

    #[test]
    fn a_part_goes_on_where_the_upload_stands_and_the_whole_must_be_a_whole_file() {
        let up = upload("id_card", 20, 0);
        assert_eq!(part(&up, 0, b"%PDF-1.7 abc"), Part::Take);
        assert_eq!(
            part(&up, 0, b"MZ program"),
            Part::Reject(FileProblem::WrongType)
        );
        assert_eq!(part(&up, 4, b"%PDF-1.7"), Part::Elsewhere);
        assert_eq!(part(&up, 0, b""), Part::Elsewhere);
        assert_eq!(
            part(&up, 0, &[b'%'; 21]),
            Part::Reject(FileProblem::Truncated)
        );
        let pdf = b"%PDF-1.7 body %%EOF\n";
        assert_eq!(whole(pdf, pdf.len() as u64), Ok(FileKind::Pdf));
        assert_eq!(
            whole(&pdf[..12], 12),
            Err(Error::File {
                field: "file",
                problem: FileProblem::Truncated
            })
        );
    }
}
