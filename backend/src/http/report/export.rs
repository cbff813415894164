//! The tables as files for the bureau's reports upward: one table as CSV (UTF-8 with a byte
//! order mark, so that spreadsheet programs read the Chinese right), or every table as one
//! XLSX workbook, a sheet each, with the period and the definitions.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use shared::Lang;
use shared::catalogue::Catalogue;
use shared::statistics::Statistics;

use super::{Cell, TABLES, definitions, grid, title};
use crate::http::public::page::pick;

/// One table as CSV (`None`: no such table).
pub fn csv(s: &Statistics, table: &str, catalogue: &Catalogue, lang: Lang) -> Option<Vec<u8>> {
    let (heads, rows) = grid(s, table, catalogue, lang)?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&heads).ok()?;
    for r in rows {
        w.write_record(r.iter().map(|c| match c {
            Cell::Empty => String::new(),
            c => c.text(),
        }))
        .ok()?;
    }
    w.into_inner().ok()
}

/// Every table as a workbook: a sheet each, then the period and the definitions.
pub fn xlsx(s: &Statistics, catalogue: &Catalogue, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for table in TABLES {
        let Some((heads, rows)) = grid(s, table, catalogue, lang) else {
            continue;
        };
        let sheet = book.add_worksheet();
        sheet.set_name(title(table, lang))?;
        for (c, h) in heads.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, c, h, &bold)?;
            sheet.set_column_width(c, if c == 0 { 28 } else { 14 })?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c, t)?,
                    Cell::Number(n) => sheet.write_number(r, c, *n)?,
                    Cell::Empty => sheet,
                };
            }
        }
        sheet.set_freeze_panes(1, 1)?;
    }
    let about = book.add_worksheet();
    about.set_name(pick(lang, "口径说明", "Definitions"))?;
    about.set_column_width(0, 24)?;
    about.set_column_width(1, 100)?;
    let period = format!(
        "{} – {}",
        s.query.from.as_deref().unwrap_or(""),
        s.query.to.as_deref().unwrap_or("")
    );
    about.write_string_with_format(
        0,
        0,
        pick(lang, "统计期间（受理日期）", "Period (accepted)"),
        &bold,
    )?;
    about.write_string(0, 1, period)?;
    for (i, (term, text)) in definitions(lang).iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        about.write_string_with_format(r, 0, *term, &bold)?;
        about.write_string(r, 1, *text)?;
    }
    book.save_to_buffer()
}
