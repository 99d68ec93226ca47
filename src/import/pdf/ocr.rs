//! Reading a page that has no text layer with Tesseract (Debian's
//! tesseract-ocr, with English and te reo Māori data when installed).
//!
//! The page is rendered at 300 dpi by `pdftoppm`, read by `tesseract … tsv`,
//! and the words are set back into lines and paragraphs as Tesseract found
//! them. The page's confidence is the mean of its words' confidences. OCR
//! runs single-threaded (`OMP_THREAD_LIMIT=1`) so that the same page gives
//! the same text on every run.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::poppler;
use crate::diagnostics::Diagnostic;

pub const INSTALL_HINT: &str = "install Tesseract with English and te reo Māori data, for example `apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-mri` (Debian, Ubuntu), then run `annex import --ocr …`";

/// A page read by OCR.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    pub text: String,
    /// Mean word confidence, 0–100.
    pub confidence: f64,
    /// Tesseract's language setting (`eng+mri`).
    pub languages: String,
    pub words: usize,
}

/// Tesseract's languages to use: English, plus te reo Māori when installed.
/// `Err` when Tesseract is not installed or has no English data.
pub fn languages(pdf: &Path) -> Result<String, Diagnostic> {
    let out = Command::new("tesseract").arg("--list-langs").output();
    let listed = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        _ => {
            return Err(Diagnostic::error(
                "ocr-missing",
                pdf,
                "`--ocr` needs Tesseract, which is not installed",
            )
            .hint(INSTALL_HINT))
        }
    };
    let has = |l: &str| listed.lines().any(|x| x.trim() == l);
    if !has("eng") {
        return Err(Diagnostic::error(
            "ocr-missing",
            pdf,
            "Tesseract is installed without English language data",
        )
        .hint(INSTALL_HINT));
    }
    Ok(if has("mri") { "eng+mri" } else { "eng" }.to_string())
}

/// A private scratch folder for rendered pages, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(pdf: &Path) -> Result<Scratch, Diagnostic> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "annex-ocr-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::error(
                "ocr",
                pdf,
                format!("cannot make a scratch folder for OCR: {e}"),
            )
        })?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads page `page` of `pdf` by OCR.
pub fn read_page(pdf: &Path, page: u32, languages: &str) -> Result<OcrPage, Diagnostic> {
    let scratch = Scratch::new(pdf)?;
    let png = poppler::render_page(pdf, page, &scratch.0)?;
    let out = Command::new("tesseract")
        .arg(&png)
        .arg("stdout")
        .args(["-l", languages, "--psm", "3", "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .map_err(|e| {
            Diagnostic::error("ocr-missing", pdf, format!("cannot run Tesseract: {e}"))
                .hint(INSTALL_HINT)
        })?;
    if !out.status.success() {
        return Err(Diagnostic::error(
            "ocr",
            pdf,
            format!(
                "Tesseract could not read page {page}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    let mut page_text = parse_tsv(&String::from_utf8_lossy(&out.stdout));
    page_text.languages = languages.to_string();
    Ok(page_text)
}

/// Sets Tesseract's TSV words back into text: one line per line it found,
/// a blank line between paragraphs and blocks.
pub fn parse_tsv(tsv: &str) -> OcrPage {
    let mut text = String::new();
    let mut last_line: Option<(u32, u32, u32)> = None;
    let mut last_par: Option<(u32, u32)> = None;
    let mut conf_sum = 0.0;
    let mut words = 0;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let word = cols[11].trim();
        let conf: f64 = cols[10].trim().parse().unwrap_or(-1.0);
        if word.is_empty() || conf < 0.0 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        let par = (num(2), num(3));
        let line = (num(2), num(3), num(4));
        if last_line != Some(line) {
            if last_line.is_some() {
                text.push('\n');
                if last_par != Some(par) {
                    text.push('\n');
                }
            }
            last_line = Some(line);
            last_par = Some(par);
        } else {
            text.push(' ');
        }
        text.push_str(word);
        conf_sum += conf;
        words += 1;
    }
    OcrPage {
        text,
        confidence: if words == 0 {
            0.0
        } else {
            conf_sum / words as f64
        },
        languages: String::new(),
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_become_lines_and_paragraphs_with_mean_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tMemorandum\n\
5\t1\t1\t2\t1\t1\t0\t0\t1\t1\t80\tTo:\n\
5\t1\t1\t2\t1\t2\t0\t0\t1\t1\t70\tMinister\n\
5\t1\t1\t2\t2\t1\t0\t0\t1\t1\t60\tnext\n\
5\t1\t1\t2\t2\t2\t0\t0\t1\t1\t-1\t \n";
        let p = parse_tsv(tsv);
        assert_eq!(p.text, "Memorandum\n\nTo: Minister\nnext");
        assert_eq!(p.words, 4);
        assert!((p.confidence - 75.0).abs() < 1e-9);
        assert_eq!(parse_tsv("").words, 0);
        assert_eq!(parse_tsv("garbage\n5\tx").text, "");
    }
}
