//! `annex import`: reads a release (its extracted text, or its PDFs) and
//! writes content files.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release: its extracted text (one .txt file), or its PDF files in
    /// page order (a letter and its documents: pages are numbered on across files)
    #[arg(value_name = "RELEASE", required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Folder to write release.md, documents/ and meetings/ into
    #[arg(long, default_value = "content")]
    pub out: PathBuf,
    /// Replace content files that already exist
    #[arg(long)]
    pub force: bool,
    /// Read PDF pages that have no text layer (scans) with Tesseract OCR
    #[arg(long)]
    pub ocr: bool,
}

pub fn run(args: Args) -> u8 {
    let pdfs = args
        .inputs
        .iter()
        .filter(|p| crate::import::pdf::is_pdf(p))
        .count();
    let result = if pdfs > 0 {
        import_pdfs(&args)
    } else if args.inputs.len() > 1 {
        eprintln!(
            "annex import: give one text file, or the release's PDF files ({} text files given)",
            args.inputs.len()
        );
        return super::USAGE;
    } else {
        crate::import::import_file(&args.inputs[0]).map(|i| (i, None))
    };
    let (import, pdf_summary) = match result {
        Ok(r) => r,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            // An unreadable file or a missing tool is the environment's
            // problem, not the release's.
            let environment = [
                "io",
                "not-pdf",
                "pdf-unreadable",
                "pdf-tool",
                "pdf-tool-missing",
                "ocr-missing",
                "scanned-pages",
            ];
            return if diags.iter().any(|d| environment.contains(&d.code)) {
                super::USAGE
            } else {
                super::CONTENT_ERRORS
            };
        }
    };
    for w in &import.warnings {
        eprintln!("{w}");
    }
    if let Err(d) = crate::import::write(&import, &args.out, args.force) {
        eprintln!("{d}");
        return super::USAGE;
    }
    if let Some(s) = &pdf_summary {
        println!("{}", s.pages);
    }
    println!("{} → {}", import.summary, args.out.display());
    if let Some(preset) = pdf_summary.as_ref().and_then(|s| s.grounds_preset) {
        println!("grounds: the letter names the Act of the `{preset}` preset; site.yaml can say `grounds: {{preset: {preset}}}`");
    }
    super::OK
}

/// What the PDF reader adds to the summary.
struct PdfSummary {
    pages: crate::import::pdf::Summary,
    /// The preset for the Act the release names, if it names one.
    grounds_preset: Option<&'static str>,
}

type Imported = (crate::import::Import, Option<PdfSummary>);

/// Reads the PDFs into page-marked text and imports that.
fn import_pdfs(args: &Args) -> Result<Imported, Vec<crate::diagnostics::Diagnostic>> {
    use crate::import::pdf;
    let release = pdf::read(&args.inputs, pdf::Options { ocr: args.ocr })?;
    for w in &release.warnings {
        eprintln!("{w}");
    }
    let text = release.to_text();
    let import = crate::import::import_text(&args.inputs[0], &text)?;
    Ok((
        import,
        Some(PdfSummary {
            pages: release.summary(),
            grounds_preset: crate::grounds::preset_for_act(&text),
        }),
    ))
}
