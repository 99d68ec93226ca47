//! `annex import release.pdf [more.pdf …]`: a release as it arrives, read
//! page by page into text that the text importer's structure recognition
//! reads, with every page's release number exact.
//!
//! Pages are read in the order the files are given, and numbered on across
//! files (a 3-page letter then a 40-page bundle are pages 1–43), so each
//! page's number is the PDF's own. For each page:
//! - the text layer comes from poppler's `pdftotext -layout` (see `poppler`
//!   and `docs/import.md` for why: its default mode joins words hyphenated
//!   at line ends whether or not the hyphen is part of the word, turning
//!   `New Zealand-` / `Australia` into `New ZealandAustralia`). A page that
//!   holds a table keeps each row on one line with its cells set apart by
//!   tabs, the form the schedule reader expects (`table`); a two-column page
//!   is read left column first (`columns`);
//! - page furniture (running headers and footers, stamps) is recognised by
//!   repetition across pages (`furniture`) and kept beside the text;
//! - extraction debris is repaired where certain and counted (`repair`);
//! - a page without a text layer is a scanned page when it carries an
//!   image: with `--ocr` it is read by Tesseract (`ocr`) and marked as OCR
//!   with its confidence, and without `--ocr` the import fails naming the
//!   pages. A page with neither text nor images is kept as a marked blank
//!   page and reported. No page is ever silently empty.
//!
//! `to_text` writes the pages in the text form the importer reads: a
//! `<!-- page N -->` line at the start of each page, then the page's
//! furniture and any OCR note as comment lines, then its text.

pub mod columns;
pub mod furniture;
pub mod ocr;
pub mod poppler;
pub mod repair;
pub mod table;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
pub use repair::Repairs;

/// What to do with pages that have no text layer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Read scanned pages with Tesseract.
    pub ocr: bool,
}

/// Where a page's text came from.
#[derive(Debug, Clone, PartialEq)]
pub enum PageSource {
    /// The PDF's text layer, in reading order.
    Text,
    /// The PDF's text layer read with `-layout`, because the page holds a table.
    Table,
    /// Read from the page's image by OCR.
    Ocr {
        /// Mean word confidence, 0–100.
        confidence: f64,
        languages: String,
    },
    /// No text layer and no image: the page is blank in the PDF.
    Blank,
}

/// One page of the release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleasePage {
    /// Release page number: the page's position across all the files.
    pub number: u32,
    /// The file it came from and its page number there.
    pub file: PathBuf,
    pub file_page: u32,
    /// The reading text, repaired, without furniture.
    pub text: String,
    /// Running headers, footers and stamps on this page, as printed.
    pub furniture: Vec<String>,
    pub source: PageSource,
}

/// A release read from its PDFs.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfRelease {
    pub pages: Vec<ReleasePage>,
    pub repairs: Repairs,
    /// Things worth a look that did not stop the import (blank pages).
    pub warnings: Vec<Diagnostic>,
}

impl PdfRelease {
    /// The pages in the importer's text form.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
            }
            out.push_str(&page_marker(page.number));
            out.push('\n');
            for f in &page.furniture {
                out.push_str(&format!("<!-- furniture: {} -->\n", comment_safe(f)));
            }
            match &page.source {
                PageSource::Ocr {
                    confidence,
                    languages,
                } => out.push_str(&format!(
                    "<!-- ocr: this page has no text layer; its text was read by Tesseract ({languages}), mean word confidence {confidence:.1}% -->\n"
                )),
                PageSource::Blank => out.push_str(
                    "<!-- blank: this page has no text and no image in the PDF -->\n",
                ),
                PageSource::Text | PageSource::Table => {}
            }
            let text = page.text.trim_matches('\n');
            if !text.trim().is_empty() {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
            }
        }
        out
    }

    /// The summary line for the command's output.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            pages: self.pages.len(),
            repairs: self.repairs,
            ..Summary::default()
        };
        for p in &self.pages {
            s.furniture_lines += p.furniture.len();
            match p.source {
                PageSource::Text => s.text_pages += 1,
                PageSource::Table => s.table_pages += 1,
                PageSource::Ocr { .. } => s.ocr_pages += 1,
                PageSource::Blank => s.blank_pages += 1,
            }
        }
        s
    }
}

/// Counts for the import summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub text_pages: usize,
    pub table_pages: usize,
    pub ocr_pages: usize,
    pub blank_pages: usize,
    pub furniture_lines: usize,
    pub repairs: Repairs,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "read {} PDF pages ({} text, {} with a table, {} by OCR, {} blank); {} furniture lines kept as page metadata; repaired: {}",
            self.pages,
            self.text_pages,
            self.table_pages,
            self.ocr_pages,
            self.blank_pages,
            self.furniture_lines,
            self.repairs
        )
    }
}

/// The page-break marker line of the content model.
pub fn page_marker(n: u32) -> String {
    format!("<!-- page {n} -->")
}

/// An HTML comment cannot hold `--`; a furniture line that has one keeps
/// it as `-\-` (the only change, and reversible).
fn comment_safe(s: &str) -> String {
    s.replace("--", "-\\-")
}

/// True when the file starts like a PDF.
pub fn is_pdf(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 1024];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let n = f.read(&mut head).unwrap_or(0);
    // The header may follow a little junk (the PDF spec allows 1024 bytes).
    head[..n].windows(5).any(|w| w == b"%PDF-")
}

/// One file's pages as extracted, before furniture and repairs.
struct RawPage {
    file: usize,
    file_page: u32,
    text: String,
    table: bool,
    has_image: bool,
}

/// Reads the release from its PDFs, in order.
pub fn read(paths: &[PathBuf], options: Options) -> Result<PdfRelease, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut raw: Vec<RawPage> = Vec::new();
    for (fi, path) in paths.iter().enumerate() {
        match read_file(fi, path) {
            Ok(pages) => raw.extend(pages),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Pages without a text layer.
    let number_of = |i: usize| i as u32 + 1;
    let scanned: Vec<usize> = (0..raw.len())
        .filter(|&i| raw[i].text.trim().is_empty() && raw[i].has_image)
        .collect();
    let mut ocr_pages: Vec<Option<ocr::OcrPage>> = vec![None; raw.len()];
    if !scanned.is_empty() {
        let where_ = describe_pages(&scanned, &raw, paths);
        if !options.ocr {
            return Err(vec![Diagnostic::error(
                "scanned-pages",
                &paths[raw[scanned[0]].file],
                format!(
                    "{} of the release {} no text layer (scanned): {where_}",
                    plural(scanned.len(), "page", "pages"),
                    if scanned.len() == 1 { "has" } else { "have" },
                ),
            )
            .hint(format!(
                "to read them by OCR, run the import again with `--ocr`; it needs Tesseract: {}",
                ocr::INSTALL_HINT
            ))]);
        }
        let langs = ocr::languages(&paths[raw[scanned[0]].file]).map_err(|e| {
            vec![Diagnostic {
                message: format!("{} (needed for the scanned {where_})", e.message),
                ..e
            }]
        })?;
        for &i in &scanned {
            let path = &paths[raw[i].file];
            match ocr::read_page(path, raw[i].file_page, &langs) {
                Ok(p) if p.words > 0 => ocr_pages[i] = Some(p),
                Ok(_) => errors.push(
                    Diagnostic::error(
                        "ocr-empty",
                        path,
                        format!(
                            "page {} (release page {}) has no text layer, and OCR found no words on it",
                            raw[i].file_page,
                            number_of(i)
                        ),
                    )
                    .hint("check the page in a PDF viewer; if it is a picture without words, transcribe any text by hand into the imported content"),
                ),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
    }

    // Characters first, so that furniture compares repaired lines.
    let mut repairs = Repairs::default();
    let texts: Vec<(usize, String)> = raw
        .iter()
        .zip(&ocr_pages)
        .map(|(p, o)| {
            let text = o.as_ref().map_or(p.text.as_str(), |o| o.text.as_str());
            (p.file, repair::characters(text, &mut repairs))
        })
        .collect();
    let splits = furniture::split(&texts);
    let vocab = repair::vocabulary(splits.iter().map(|s| s.text.as_str()));

    let mut pages = Vec::with_capacity(raw.len());
    let mut warnings = Vec::new();
    for (i, (p, split)) in raw.iter().zip(splits).enumerate() {
        let text = repair::hyphenation(&split.text, &vocab, &mut repairs);
        let source = match &ocr_pages[i] {
            Some(o) => PageSource::Ocr {
                confidence: o.confidence,
                languages: o.languages.clone(),
            },
            None if p.text.trim().is_empty() => {
                warnings.push(
                    Diagnostic::warning(
                        "blank-page",
                        &paths[p.file],
                        format!(
                            "page {} (release page {}) has no text and no image; it is kept as a marked blank page",
                            p.file_page,
                            number_of(i)
                        ),
                    )
                    .hint("check the page in a PDF viewer; a page with content drawn as vector shapes cannot be read, so transcribe it by hand"),
                );
                PageSource::Blank
            }
            None if p.table => PageSource::Table,
            None => PageSource::Text,
        };
        pages.push(ReleasePage {
            number: number_of(i),
            file: paths[p.file].clone(),
            file_page: p.file_page,
            text,
            furniture: split.furniture,
            source,
        });
    }
    Ok(PdfRelease {
        pages,
        repairs,
        warnings,
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `release pages 4, 9 (b.pdf pages 1, 6)`.
fn describe_pages(idx: &[usize], raw: &[RawPage], paths: &[PathBuf]) -> String {
    let release: Vec<String> = idx.iter().map(|&i| (i + 1).to_string()).collect();
    let mut by_file: Vec<String> = Vec::new();
    for (fi, path) in paths.iter().enumerate() {
        let in_file: Vec<String> = idx
            .iter()
            .filter(|&&i| raw[i].file == fi)
            .map(|&i| raw[i].file_page.to_string())
            .collect();
        if !in_file.is_empty() {
            by_file.push(format!(
                "{} {} {}",
                path.display(),
                if in_file.len() == 1 { "page" } else { "pages" },
                in_file.join(", ")
            ));
        }
    }
    format!(
        "release {} {} ({})",
        if release.len() == 1 { "page" } else { "pages" },
        release.join(", "),
        by_file.join("; ")
    )
}

/// Extracts one file's pages.
fn read_file(fi: usize, path: &Path) -> Result<Vec<RawPage>, Diagnostic> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(
            Diagnostic::error("io", path, format!("cannot read the file: {e}"))
                .hint("check the path; give the release's PDF files in page order"),
        );
    }
    if !is_pdf(path) {
        return Err(Diagnostic::error("not-pdf", path, "this file is not a PDF")
            .hint("give the release's PDF files, or its extracted text as a single .txt file"));
    }
    let n = poppler::page_count(path)?;
    let layout = pages_of(path, n)?;
    let images = poppler::pages_with_images(path)?;
    Ok(layout
        .into_iter()
        .enumerate()
        .map(|(k, layout)| {
            let file_page = k as u32 + 1;
            let (text, table) = match table::columns(&layout) {
                Some(cols) => (table::rows(&layout, &cols), true),
                None => (columns::reading_order(&layout).0, false),
            };
            RawPage {
                file: fi,
                file_page,
                text,
                table,
                has_image: images.contains(&file_page),
            }
        })
        .collect())
}

/// Exactly `n` pages of text: the whole file at once, split at the form
/// feeds `pdftotext` ends each page with; if a page's own text holds a form
/// feed (so the split is off), each page is extracted on its own.
fn pages_of(path: &Path, n: u32) -> Result<Vec<String>, Diagnostic> {
    let all = poppler::text(path, 1, n)?;
    let mut parts: Vec<String> = all.split('\u{c}').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    if parts.len() == n as usize {
        return Ok(parts);
    }
    (1..=n)
        .map(|p| {
            let t = poppler::text(path, p, p)?;
            // Only the final form feed is the page end; others are debris,
            // repaired (and counted) later.
            Ok(t.strip_suffix('\u{c}').unwrap_or(&t).to_string())
        })
        .collect()
}
