//! Running poppler's command-line tools (Debian's poppler-utils) as
//! processes: `pdfinfo` for the page count, `pdftotext -layout` for the
//! text layer, `pdfimages -list` for which pages carry images, `pdftoppm` to
//! render a page for OCR. `docs/import.md` compares it with the Rust crates
//! (pdf-extract, lopdf) on release-like PDFs and says why it was chosen.
//!
//! Every failure is a `Diagnostic` naming the PDF; nothing here panics.

use std::path::Path;
use std::process::{Command, Output};

use crate::diagnostics::Diagnostic;

/// How to install the tools, for hints.
pub const INSTALL_HINT: &str =
    "install poppler's tools, for example `apt-get install poppler-utils` (Debian, Ubuntu) or `brew install poppler` (macOS)";

/// Runs `tool args…` and returns its output, or an error naming `pdf` when
/// the tool is missing or the file cannot be read.
fn run(tool: &str, args: &[&std::ffi::OsStr], pdf: &Path) -> Result<Output, Diagnostic> {
    let out = Command::new(tool).args(args).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Diagnostic::error(
                "pdf-tool-missing",
                pdf,
                format!("cannot read the PDF: `{tool}` is not installed"),
            )
            .hint(INSTALL_HINT)
        } else {
            Diagnostic::error("pdf-tool", pdf, format!("cannot run `{tool}`: {e}"))
        }
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(Diagnostic::error(
            "pdf-unreadable",
            pdf,
            format!("cannot read this PDF (`{tool}` failed: {reason})"),
        )
        .hint("check that the file is a complete, unencrypted PDF; open it in a PDF viewer, and if it needs a password, save an unlocked copy"));
    }
    Ok(out)
}

/// The number of pages, from `pdfinfo`.
pub fn page_count(pdf: &Path) -> Result<u32, Diagnostic> {
    let out = run("pdfinfo", &[pdf.as_os_str()], pdf)?;
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Diagnostic::error(
                "pdf-unreadable",
                pdf,
                "cannot read this PDF: it has no pages",
            )
            .hint("check that the file is a complete PDF")
        })
}

/// The text of pages `first..=last` (1-based) with `-layout` (each line as
/// it stands on the page, hyphens as printed), separated and terminated by
/// form feeds as `pdftotext` writes them. The default mode is not used: it
/// joins every line-end hyphenation, `New Zealand-` / `Australia` becoming
/// `New ZealandAustralia` (docs/import.md).
pub fn text(pdf: &Path, first: u32, last: u32) -> Result<String, Diagnostic> {
    let f = first.to_string();
    let l = last.to_string();
    let args: Vec<&std::ffi::OsStr> = vec![
        "-q".as_ref(),
        "-enc".as_ref(),
        "UTF-8".as_ref(),
        "-f".as_ref(),
        f.as_ref(),
        "-l".as_ref(),
        l.as_ref(),
        "-layout".as_ref(),
        pdf.as_os_str(),
        "-".as_ref(),
    ];
    let out = run("pdftotext", &args, pdf)?;
    // Invalid UTF-8 cannot come from `-enc UTF-8`; if it ever does, the
    // replacement characters show where, rather than losing the page.
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Pages (1-based) that carry at least one image, from `pdfimages -list`.
pub fn pages_with_images(pdf: &Path) -> Result<Vec<u32>, Diagnostic> {
    let out = run("pdfimages", &["-list".as_ref(), pdf.as_os_str()], pdf)?;
    let list = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<u32> = list
        .lines()
        .skip(2) // header and rule
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    pages.dedup();
    Ok(pages)
}

/// Renders one page to a greyscale PNG at 300 dpi for OCR; returns its path.
pub fn render_page(pdf: &Path, page: u32, dir: &Path) -> Result<std::path::PathBuf, Diagnostic> {
    let p = page.to_string();
    let prefix = dir.join(format!("page-{page}"));
    run(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "300".as_ref(),
            "-gray".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            "-f".as_ref(),
            p.as_ref(),
            "-l".as_ref(),
            p.as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
        pdf,
    )?;
    Ok(prefix.with_extension("png"))
}
